"""Gaps: where the catalog's design space is empty. A heat map of response source against
adjudicator (the cells count entries, empty cells are combinations nobody uses), then the best-
founded unexplored combinations of source × adjudicator × signal format (the same ranking
`alignscape gaps` prints), each with its nearest entries and what they lack. The full list is
one command away rather than a thousand-row table."""

from __future__ import annotations

from alignscape.graphs.heatmaps import option_pair
from alignscape.query.gaps import DEFAULT_DIMENSIONS, gap_report
from alignscape.site.context import PageContext
from alignscape.site.pages.graphs import shade

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({"choices", "name", "short_name", "year"})


TOP = 30


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    dims = [catalog.taxonomy.dimensions[d] for d in DEFAULT_DIMENSIONS]
    report = gap_report(catalog, limit=TOP, nearest=3)
    # The full count (the report above holds only the top gaps).
    explored = set()
    for entry in catalog:
        per_dim = [entry.choices.get(d.qualified, ()) for d in dims]
        if all(per_dim):
            for a in per_dim[0]:
                for b in per_dim[1]:
                    for c in per_dim[2]:
                        explored.add((a, b, c))
    total = len(dims[0].options) * len(dims[1].options) * len(dims[2].options)
    open_with = {}
    for a in dims[0].option_ids:
        for b in dims[1].option_ids:
            used = sum(1 for c in dims[2].option_ids if (a, b, c) in explored)
            open_with[a, b] = len(dims[2].options) - used
    heat = option_pair(catalog, dims[0].qualified, dims[1].qualified)
    items = [{"gap": gap,
              "nearest": [(catalog.entries[i], lacks) for i, lacks in gap.nearest
                          if i in catalog.entries]}
             for gap in report.gaps]
    ctx.render("gaps.md", "gaps.md.j2", items=items, dims=dims, heat=heat, shade=shade,
               open_with=open_with, total=total, explored=len(explored),
               unexplored=total - len(explored), top=TOP)
