"""The faceted explorer and the comparison matrix (both drawn in the browser from
data/index.json)."""

from __future__ import annotations

from alignscape.site.context import PageContext

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset()


def build(ctx: PageContext) -> None:
    query_js = ctx.paths.site_src / "assets" / "javascripts" / "alignscape-query.js"
    ctx.render("explorer.md", "explorer.md.j2", query_module=query_js.is_file(),
               count=len(ctx.catalog))
    ctx.render("compare.md", "compare.md.j2", count=len(ctx.catalog))
