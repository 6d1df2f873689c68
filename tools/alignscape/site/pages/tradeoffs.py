"""The trade-offs: a page per dimension with the rules that move it (their ids, conditions and
priorities, and the precedence that resolves them), the measurements that bear on it, and its
entries per level (counts linking to the explorer, the most recent few by name); and their
index."""

from __future__ import annotations

import functools
from collections import defaultdict

import numpy

from alignscape.graphs.heatmaps import option_expr
from alignscape.site import measured
from alignscape.site.context import PageContext
from alignscape.site.profiles import entry_memo, memoized

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({"name", "profile", "short_name", "year"})


# Per level, this many entries are named (the most recent); the count links to all of them.
SHOWN = 12


def conditions_text(effect, option_label) -> str:
    """A rule's conditions beyond its option, with option labels instead of ids."""
    def names(options):
        return ", ".join(option_label(o) for o in sorted(options))
    parts = [f"with {names(effect.with_all)}"] if effect.with_all else []
    if effect.with_any:
        parts.append(f"with any of {names(effect.with_any)}")
    if effect.without:
        parts.append(f"without {names(effect.without)}")
    if effect.kinds:
        parts.append(f"for {', '.join(sorted(effect.kinds))} entries")
    return "; ".join(parts)


def build(ctx: PageContext) -> None:
    tradeoffs = ctx.catalog.tradeoffs
    by_dim = defaultdict(list)
    for effect in tradeoffs.effects:
        by_dim[effect.dimension].append(effect)
    entries = sorted(ctx.catalog, key=lambda e: (-e.year, e.label.lower()))
    dims = list(tradeoffs.dimensions.values())
    keys = [[*ctx.links.level_order(d.id), "set_by_data", "unknown"] for d in dims]
    codes = _level_codes(ctx, entries, dims, keys)
    found = measured.measured(ctx.catalog.root, ctx.paths.docs)
    if found:
        ctx.report.data_files += sum(1 for _ in (ctx.paths.docs / "data" / "measurements")
                                     .iterdir())
    summary = {}
    for column, (dim, dim_keys) in enumerate(zip(dims, keys, strict=True)):
        levels, overridden = codes[:, 2 * column], codes[:, 2 * column + 1]
        buckets = {}
        for code, key in enumerate(dim_keys):
            at = numpy.flatnonzero(levels == code)
            shown = [(entries[i], ctx.profiles[entries[i].id][dim.id].source)
                     for i in at[:SHOWN]]
            buckets[key] = (len(at), shown)
        overrides = int(overridden.sum())
        summary[dim.id] = {level: count for level, (count, _) in buckets.items()}
        summary[dim.id][None] = buckets["set_by_data"][0] + buckets["unknown"][0]
        # Setting rules first, the most specific (highest priority) first, then the shifts.
        rules = sorted(by_dim[dim.id], key=lambda e: (e.level is None, -e.priority,
                                                      e.option, e.id))
        ctx.render(f"tradeoffs/{dim.id}.md", "tradeoff.md.j2", dim=dim, rules=rules,
                   buckets=buckets,
                   overrides=overrides, conditions=conditions_text,
                   priorities=len({e.priority for e in rules if e.level}) > 1,
                   findings=(found.findings.get(dim.id, []) if found else []), measured=found,
                   option_expr=option_expr,
                   gaps=sorted((g for g in tradeoffs.gaps if g.dimension == dim.id),
                               key=lambda g: (g.option, g.id)),
                   components=[tradeoffs.dimensions[c] for c in dim.aggregate])
    ctx.render("tradeoffs/index.md", "tradeoffs_index.md.j2", summary=summary,
               measured_dims=sorted(found.findings) if found else [])


def _level_codes(ctx: PageContext, entries: list, dims: list, keys: list) -> numpy.ndarray:
    """Per entry (rows, in `entries` order) and dimension, the index of its level in that
    dimension's `keys` and whether an override set it (two columns a dimension): made once per
    entry and profile (entry_memo), so a live rebuild reads the rows of unchanged entries."""
    memo = entry_memo(ctx.catalog, "trade-off level codes")
    index = [{key: n for n, key in enumerate(dim_keys)} for dim_keys in keys]

    def row(entry) -> tuple[int, ...]:
        out = []
        profile = ctx.profiles[entry.id]
        for dim, position in zip(dims, index, strict=True):
            ex = profile[dim.id]
            key = ex.level or ("set_by_data" if ex.source == "set_by_data" else "unknown")
            out += (position[key], ex.source == "override")
        return tuple(out)

    rows = [memoized(memo, entry, ctx.profiles[entry.id], functools.partial(row, entry))
            for entry in entries]
    return numpy.array(rows, dtype=numpy.int16).reshape(len(entries), 2 * len(dims))


def nav(catalog) -> dict[str, list[str]]:
    return {"tradeoffs/index.md": [f"tradeoffs/{d}.md" for d in catalog.tradeoffs.dimensions]}
