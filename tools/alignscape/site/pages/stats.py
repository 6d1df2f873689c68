"""Statistics: entries per year, kind, option and trade-off level, as SVG bar charts."""

from __future__ import annotations

from collections import Counter, defaultdict

from alignscape.site import charts
from alignscape.site.context import PageContext

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({"choices", "kind", "profile", "year"})


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    years: dict[int, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    for entry in catalog:
        years[entry.year] += 1
        kinds[entry.kind] += 1
    year_chart = charts.bar_chart("Entries per year",
                                  [(str(y), years[y], None) for y in sorted(years)])
    kind_chart = charts.bar_chart("Entries per kind",
                                  [(k, n, None) for k, n in sorted(kinds.items())])
    dimension_charts = []
    for group in catalog.taxonomy.groups:
        for dim in group.dimensions:
            bars = [(o.label, len(ctx.using.get(o.qualified, ())),
                     ctx.links.option_href(o.qualified, "")) for o in dim.options]
            dimension_charts.append((group, dim, charts.bar_chart(
                f"{group.label}: {dim.label}, entries per option", bars)))
    tradeoff_charts = []
    profiles = [ctx.profiles[entry.id] for entry in catalog]
    for dim in catalog.tradeoffs.dimensions.values():
        counts = Counter(profile[dim.id].level for profile in profiles)
        bars = [(level, counts[level], None) for level in ctx.links.level_order(dim.id)]
        bars.append(("not determined", counts[None], None))
        tradeoff_charts.append((dim, charts.bar_chart(
            f"{dim.label}: entries per level", bars)))
    ctx.render("stats.md", "stats.md.j2", year_chart=year_chart, kind_chart=kind_chart,
               dimension_charts=dimension_charts, tradeoff_charts=tradeoff_charts,
               count=len(catalog))
