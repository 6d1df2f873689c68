"""Gaps: the query engine's gap analysis (the same ranking `alignscape gaps` prints), every
unexplored combination grouped by its synthesis option."""

from __future__ import annotations

from collections import defaultdict

from alignscape.query.gaps import DEFAULT_DIMENSIONS, gap_report
from alignscape.site.context import PageContext


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    report = gap_report(catalog, limit=None, nearest=3)
    by_first = defaultdict(list)
    for gap in report.gaps:
        nearest = [(catalog.entries[i], lacks) for i, lacks in gap.nearest
                   if i in catalog.entries]
        by_first[gap.options[0]].append({"gap": gap, "nearest": nearest})
    dims = [catalog.taxonomy.dimensions[d] for d in DEFAULT_DIMENSIONS]
    ctx.render("gaps.md", "gaps.md.j2", by_first=by_first, report=report, dims=dims)
