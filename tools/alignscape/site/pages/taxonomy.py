"""The taxonomy: an index of its groups and a page per group, an anchor per option with the
trade-off rules attached to it (their conditions and ids), how many entries choose it (a link
to the explorer filtered by it) and the most recent few of them."""

from __future__ import annotations

from collections import defaultdict

from alignscape.graphs.heatmaps import option_expr
from alignscape.site.context import PageContext

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({"choices", "name", "short_name", "year"})


# An option lists this many of its entries (the most recent) and links to the explorer for
# all of them, so a page stays short however large the catalog grows.
SHOWN = 8


def build(ctx: PageContext) -> None:
    taxonomy = ctx.catalog.taxonomy
    effects = defaultdict(list)
    for effect in ctx.catalog.tradeoffs.effects:
        effects[effect.option].append(effect)
    ctx.render("taxonomy/index.md", "taxonomy_index.md.j2", groups=taxonomy.groups,
               using=ctx.using)
    recent = _most_recent(ctx.catalog)
    for group in taxonomy.groups:
        ctx.render(f"taxonomy/{group.id}.md", "taxonomy_group.md.j2", group=group,
                   using=ctx.using, effects=effects, recent=recent, option_expr=option_expr)


def _most_recent(catalog) -> dict[str, list]:
    """option -> its SHOWN most recent entries (newest year, then label), ties in the order of
    ctx.using (by name): one sort of the catalog instead of one per option."""
    by_name = sorted(catalog, key=lambda e: e.name.lower())
    recent: dict[str, list] = {}
    for entry in sorted(by_name, key=lambda e: (-e.year, e.label.lower())):
        for option in entry.options:
            shown = recent.setdefault(option, [])
            if len(shown) < SHOWN:
                shown.append(entry)
    return recent


def nav(catalog) -> dict[str, list[str]]:
    return {"taxonomy/index.md": [f"taxonomy/{g.id}.md" for g in catalog.taxonomy.groups]}
