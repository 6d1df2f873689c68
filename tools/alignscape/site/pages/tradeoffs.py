"""The trade-offs: a page per dimension with the rules that move it (their ids, conditions and
priorities, and the precedence that resolves them), the measurements that bear on it, and its
entries per level (counts linking to the explorer, the most recent few by name); and their
index."""

from __future__ import annotations

from collections import defaultdict

from alignscape.graphs.heatmaps import option_expr
from alignscape.site import measured
from alignscape.site.context import PageContext

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
    profiles = [(entry, ctx.profiles[entry.id]) for entry in entries]
    found = measured.measured(ctx.catalog.root, ctx.paths.docs)
    if found:
        ctx.report.data_files += sum(1 for _ in (ctx.paths.docs / "data" / "measurements")
                                     .iterdir())
    summary = {}
    for dim in tradeoffs.dimensions.values():
        buckets = {level: [] for level in ctx.links.level_order(dim.id)}
        buckets["set_by_data"], buckets["unknown"] = [], []
        overrides = 0
        dim_id = dim.id
        for entry, profile in profiles:
            explanation = profile[dim_id]
            source = explanation.source
            key = explanation.level or ("set_by_data" if source == "set_by_data"
                                        else "unknown")
            buckets[key].append((entry, source))
            overrides += source == "override"
        summary[dim.id] = {level: len(items) for level, items in buckets.items()}
        summary[dim.id][None] = len(buckets["set_by_data"]) + len(buckets["unknown"])
        # Setting rules first, the most specific (highest priority) first, then the shifts.
        rules = sorted(by_dim[dim.id], key=lambda e: (e.level is None, -e.priority,
                                                      e.option, e.id))
        ctx.render(f"tradeoffs/{dim.id}.md", "tradeoff.md.j2", dim=dim, rules=rules,
                   buckets={k: (len(v), v[:SHOWN]) for k, v in buckets.items()},
                   overrides=overrides, conditions=conditions_text,
                   priorities=len({e.priority for e in rules if e.level}) > 1,
                   findings=(found.findings.get(dim.id, []) if found else []), measured=found,
                   option_expr=option_expr,
                   gaps=sorted((g for g in tradeoffs.gaps if g.dimension == dim.id),
                               key=lambda g: (g.option, g.id)),
                   components=[tradeoffs.dimensions[c] for c in dim.aggregate])
    ctx.render("tradeoffs/index.md", "tradeoffs_index.md.j2", summary=summary,
               measured_dims=sorted(found.findings) if found else [])


def nav(catalog) -> dict[str, list[str]]:
    return {"tradeoffs/index.md": [f"tradeoffs/{d}.md" for d in catalog.tradeoffs.dimensions]}
