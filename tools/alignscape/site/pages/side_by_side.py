"""The side-by-side comparison of two to six entries (side-by-side.html?ids=a,b,c), drawn in the
browser from data/index.json: every taxonomy dimension and trade-off, differences marked."""

from __future__ import annotations

from alignscape.site.context import PageContext

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset()


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    ctx.render("side-by-side.md", "side_by_side.md.j2",
               dimensions=len(catalog.taxonomy.dimensions),
               tradeoffs=len(catalog.tradeoffs.dimensions))
