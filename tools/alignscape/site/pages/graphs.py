"""The graphs: lineage, design space and trade-offs, each as a static SVG on its page and as
Cytoscape JSON (data/graphs/<slug>.json) for the interactive view, and their index."""

from __future__ import annotations

import json

from markupsafe import Markup

from alignscape.graphs import design_space_graph, lineage_graph, tradeoff_graph, view
from alignscape.site.context import PageContext
from alignscape.site.links import node_href

# Past these sizes a graph drawn node by node stops being readable (and the page heavy); the
# page then shows the most recent part and says so.
DESIGN_SPACE_LIMIT = 300
LINEAGE_LIMIT = 1500


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    recent = sorted(catalog, key=lambda e: (-e.year, e.id))
    design_entries = recent[:DESIGN_SPACE_LIMIT]
    lineage = lineage_graph(catalog)
    lineage_total = lineage.number_of_nodes()
    if lineage_total > LINEAGE_LIMIT:
        kept = [n for n in (f"entry:{e.id}" for e in recent) if n in lineage][:LINEAGE_LIMIT]
        lineage = lineage.subgraph(kept).copy()
    graphs = [
        ("lineage", "Lineage", lineage, lineage_total,
         "Each arrow runs from a work to one that builds on it, left to right by year."),
        ("design-space", "Design space", design_space_graph(catalog, design_entries),
         len(catalog),
         "Entries (inner ring, by year) linked to the stage options they choose (outer "
         "ring, by stage)."),
        ("tradeoffs", "Trade-offs", tradeoff_graph(catalog), None,
         "Design choices (left) linked to the trade-off dimensions they move (right): green "
         "edges move a dimension towards its better end, red towards its worse end, grey "
         "to the middle."),
    ]
    listing = []
    for slug, title, graph, total, about in graphs:
        laid_out = view(graph)
        ctx.write(f"data/graphs/{slug}.json",
                  json.dumps(laid_out.cytoscape(), ensure_ascii=False, separators=(",", ":")))
        svg = Markup(laid_out.svg(title, link=lambda d: node_href(d, "../")))
        ctx.render(f"graphs/{slug}.md", "graph.md.j2", slug=slug, title=title,
                   about=about, svg=svg, nodes=graph.number_of_nodes(),
                   edges=graph.number_of_edges(), shown_note=_shown_note(slug, graph, total))
        listing.append({"slug": slug, "title": title, "about": about,
                        "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()})
    ctx.render("graphs/index.md", "graphs_index.md.j2", graphs=listing)


def _shown_note(slug: str, graph, total: int | None) -> str | None:
    """What the page says when it shows only part of a large graph."""
    if total is None:
        return None
    entry_nodes = sum(1 for _, d in graph.nodes(data=True) if d.get("type") == "entry")
    if slug == "design-space" and entry_nodes < total:
        return (f"Showing the {entry_nodes} most recent of {total} entries; use "
                "the explorer to look at any subset.")
    if slug == "lineage" and graph.number_of_nodes() < total:
        return (f"Showing {graph.number_of_nodes()} of the {total} entries with "
                "lineage, the most recent first.")
    return None
