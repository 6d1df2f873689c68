"""The home page: the three stages as a picture, the catalog's counts, the latest entries."""

from __future__ import annotations

from collections import defaultdict

from alignscape.site import charts
from alignscape.site.context import PageContext
from alignscape.site.history import latest_entries

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({"choices", "dates", "kind", "name", "short_name", "source", "year"})


LATEST_SHOWN = 12


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    stage_boxes = []
    for group in catalog.taxonomy.stages:
        users = {e.id for d in group.dimensions for o in d.options
                 for e in ctx.using.get(o.qualified, ())}
        stage_boxes.append({
            "id": group.id, "label": group.label, "href": f"taxonomy/{group.id}.html",
            "dimensions": [d.label for d in group.dimensions],
            "options": sum(len(d.options) for d in group.dimensions),
            "entries": len(users)})
    kinds: dict[str, int] = defaultdict(int)
    for entry in catalog:
        kinds[entry.kind] += 1
    ctx.render("index.md", "home.md.j2", picture=charts.stage_picture(stage_boxes),
               count=len(catalog), kinds=sorted(kinds.items()),
               option_count=len(catalog.taxonomy.options),
               reference_count=len(catalog.bibliography.references),
               latest=latest_entries(catalog, LATEST_SHOWN), groups=catalog.taxonomy.stages)
