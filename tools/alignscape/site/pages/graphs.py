"""The graphs, each drawn so that it reads and each with a text or table alternative:

* lineage: a timeline (years on an axis, short names as labels) drawn interactively from
  data/graphs/lineage.json, a static SVG without JavaScript, and a table of who builds on whom;
* design space: heat maps (options by year, options against options) whose cells count entries
  and link to the explorer filtered by exactly those entries; the tables are the heat maps;
* trade-off scatter: two trade-off dimensions against each other for the entries an explorer
  expression selects, with the Pareto front (computed in the browser from data/index.json the
  way `alignscape pareto` does, and for a default pair here, for readers without JavaScript);
* trade-off rules: design choices linked to the dimensions they move, with a table of the
  same links.

None of them captures the page's scroll: zooming needs a modifier key or the zoom buttons.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from alignscape.graphs import lineage_graph, tradeoff_graph, view
from alignscape.graphs.heatmaps import DEFAULT_PAIRS, option_pair, option_year
from alignscape.model import STAGES
from alignscape.query.analysis import pareto
from alignscape.site.context import PageContext
from alignscape.site.links import node_href

# Past this size a graph drawn node by node stops being readable (and the page heavy); the
# page then shows the most recent part and says so.
LINEAGE_LIMIT = 1500
# The pair the scatter shows before a reader picks one (and without JavaScript).
DEFAULT_SCATTER = ("annotation_cost", "bias_risk")
# The pair the any-two-dimensions heat map starts with (the fixed pairs are shown anyway).
PICKER_DEFAULT = ("evaluation.protocol", "instantiation.structure")
# Heat-map cells are shaded in this many steps (classes asg-h0 … asg-h6).
SHADES = 6

GRAPHS = (
    ("lineage", "Lineage timeline",
     "Who builds on whom, on a time axis: each arrow runs from a work to one that builds on "
     "it. Search or click a work to see its neighbourhood."),
    ("design-space", "Design space",
     "Heat maps of the design choices: how many entries choose each option in each year, and "
     "how often two choices go together. Every cell opens the explorer on its entries."),
    ("scatter", "Trade-off scatter",
     "Two trade-off dimensions against each other, for all entries or those an explorer "
     "expression selects, with the Pareto front."),
    ("tradeoffs", "Trade-off rules",
     "Design choices linked to the trade-off dimensions they move: green towards the better "
     "end, red towards the worse end, grey to the middle."),
)

# What of an entry each graph page shows (see site/pages/__init__.py): each page is a family
# of its own, so that serve's live rebuild redraws only the graphs an edit can change.
LINEAGE_FIELDS = frozenset({"builds_on", "kind", "name", "short_name", "year"})
DESIGN_SPACE_FIELDS = frozenset({"choices", "year"})
SCATTER_FIELDS = frozenset({"name", "profile", "short_name", "year"})


@dataclass(frozen=True)
class GraphPage:
    """One graph page (graphs/<slug>.md) as a page family."""

    slug: str
    ENTRY_FIELDS: frozenset
    draw: Callable[[PageContext, str, str], str]

    def build(self, ctx: PageContext) -> None:
        title, about = _about(self.slug)
        self.draw(ctx, title, about)


class _Index:
    """graphs/index.md: every graph with its size; of the sizes only the lineage's depends on
    the entries (how many works and links it shows: who builds on whom, the most recent)."""

    ENTRY_FIELDS = frozenset({"builds_on", "year"})

    @staticmethod
    def nav(catalog) -> dict[str, list[str]]:
        return {"graphs/index.md": [f"graphs/{slug}.md" for slug, _, _ in GRAPHS]}

    @staticmethod
    def build(ctx: PageContext) -> None:
        graph, _ = _shown_lineage(ctx.catalog)
        rules = tradeoff_graph(ctx.catalog)
        counts = {"lineage": _lineage_size(graph),
                  "design-space": f"{len(_stages(ctx.catalog)) + len(_pair_dims(ctx.catalog))} "
                                  "heat maps",
                  "scatter": f"{len(ctx.catalog.tradeoffs.dimensions)} dimensions",
                  "tradeoffs": f"{rules.number_of_nodes()} nodes, "
                               f"{rules.number_of_edges()} links"}
        listing = [{"slug": slug, "title": title, "about": text, "size": counts[slug]}
                   for slug, title, text in GRAPHS]
        ctx.render("graphs/index.md", "graphs_index.md.j2", graphs=listing)


def _about(slug: str) -> tuple[str, str]:
    return next((title, text) for s, title, text in GRAPHS if s == slug)


def _lineage_size(graph) -> str:
    return f"{graph.number_of_nodes()} works, {graph.number_of_edges()} links"


def _stages(catalog) -> list:
    return [g for g in catalog.taxonomy.groups if g.id in STAGES]


def _pair_dims(catalog) -> list[tuple[str, str]]:
    dims = catalog.taxonomy.dimensions
    return [(a, b) for a, b in DEFAULT_PAIRS if a in dims and b in dims]


def _write_graph(ctx: PageContext, slug: str, laid_out) -> None:
    ctx.write(f"data/graphs/{slug}.json",
              json.dumps(laid_out.cytoscape(), ensure_ascii=False, separators=(",", ":")))


def _shown_lineage(catalog):
    """The lineage graph the page draws (the most recent LINEAGE_LIMIT works of a larger one)
    and the note saying so."""
    graph = lineage_graph(catalog)
    total = graph.number_of_nodes()
    if total <= LINEAGE_LIMIT:
        return graph, None
    recent = sorted(catalog, key=lambda e: (-e.year, e.id))
    kept = [n for n in (f"entry:{e.id}" for e in recent) if n in graph][:LINEAGE_LIMIT]
    graph = graph.subgraph(kept).copy()
    return graph, (f"Showing {graph.number_of_nodes()} of the {total} entries with lineage, "
                   "the most recent first.")


def _lineage(ctx: PageContext, title: str, about: str) -> str:
    catalog = ctx.catalog
    graph, note = _shown_lineage(catalog)
    laid_out = view(graph)
    _write_graph(ctx, "lineage", laid_out)
    svg = Markup(laid_out.svg(title, link=lambda d: node_href(d, "../")))
    rows = []
    for node in sorted(graph, key=lambda n: (graph.nodes[n]["year"],
                                             graph.nodes[n]["label"].lower())):
        entry = catalog.entries[graph.nodes[node]["entry"]]
        rows.append({
            "entry": entry,
            "parents": [catalog.entries[graph.nodes[p]["entry"]]
                        for p in sorted(graph.predecessors(node))],
            "children": [catalog.entries[graph.nodes[c]["entry"]]
                         for c in sorted(graph.successors(node))]})
    years = sorted({graph.nodes[n]["year"] for n in graph})
    ctx.render("graphs/lineage.md", "graph_lineage.md.j2", title=title, about=about, svg=svg,
               nodes=graph.number_of_nodes(), edges=graph.number_of_edges(), note=note,
               rows=rows, years=years)
    return _lineage_size(graph)


def shade(count: int, peak: int) -> int:
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(SHADES, -(-count * SHADES // peak)))


def _design_space(ctx: PageContext, title: str, about: str) -> str:
    catalog = ctx.catalog
    by_year = [option_year(catalog, g.id) for g in _stages(catalog)]
    pairs = [option_pair(catalog, a, b) for a, b in _pair_dims(catalog)]
    groups = {g.id: g.label for g in catalog.taxonomy.groups}
    dims = [{"id": d.qualified, "label": f"{groups.get(d.group, d.group)}: {d.label}"}
            for d in catalog.taxonomy.dimensions.values()]
    ctx.render("graphs/design-space.md", "graph_design_space.md.j2", title=title,
               about=about, by_year=by_year, pairs=pairs, shade=shade, dims=dims,
               default_pair=PICKER_DEFAULT, count=len(catalog))
    return f"{len(by_year) + len(pairs)} heat maps"


def _scatter(ctx: PageContext, title: str, about: str) -> str:
    catalog = ctx.catalog
    tradeoffs = catalog.tradeoffs
    x_dim, y_dim = (d for d in DEFAULT_SCATTER)
    if x_dim not in tradeoffs.dimensions or y_dim not in tradeoffs.dimensions:
        x_dim, y_dim = list(tradeoffs.dimensions)[:2]
    index = {"tradeoffs": {"levels": list(tradeoffs.levels),
                           "dimensions": [{"id": d.id, "better": d.better}
                                          for d in tradeoffs.dimensions.values()]}}
    rows = [{"id": e.id, "tradeoffs": {d: ctx.profiles[e.id][d].level
                                       for d in (x_dim, y_dim)}}
            for e in sorted(catalog, key=lambda e: e.label.lower())]
    front = pareto(index, rows, [x_dim, y_dim])
    grid = defaultdict(int)
    for row in rows:
        grid[row["tradeoffs"][x_dim], row["tradeoffs"][y_dim]] += 1
    on_front = {(r["tradeoffs"][x_dim], r["tradeoffs"][y_dim]) for r in front.rows}
    ctx.render("graphs/scatter.md", "graph_scatter.md.j2", title=title, about=about,
               x=tradeoffs.dimensions[x_dim], y=tradeoffs.dimensions[y_dim],
               x_levels=ctx.links.level_order(x_dim)[::-1],
               y_levels=ctx.links.level_order(y_dim),
               grid=grid, on_front=on_front,
               front=[catalog.entries[r["id"]] for r in front.rows],
               excluded=len(front.excluded), considered=front.considered,
               dimensions=list(tradeoffs.dimensions.values()))
    return f"{len(tradeoffs.dimensions)} dimensions"


def _tradeoffs(ctx: PageContext, title: str, about: str) -> str:
    catalog = ctx.catalog
    graph = tradeoff_graph(catalog)
    laid_out = view(graph)
    _write_graph(ctx, "tradeoffs", laid_out)
    svg = Markup(laid_out.svg(title, link=lambda d: node_href(d, "../")))
    moves = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        moves[graph.nodes[u]["option"]].append((graph.nodes[v]["tradeoff"], data["sign"],
                                                data["effect"]))
    options = sorted(moves, key=lambda o: (STAGES.index(o.split(".")[0])
                                           if o.split(".")[0] in STAGES else 9, o))
    ctx.render("graphs/tradeoffs.md", "graph_tradeoffs.md.j2", title=title, about=about,
               svg=svg, nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
               options=options, moves=moves)
    return f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links"


LINEAGE = GraphPage("lineage", LINEAGE_FIELDS, _lineage)
DESIGN_SPACE = GraphPage("design-space", DESIGN_SPACE_FIELDS, _design_space)
SCATTER = GraphPage("scatter", SCATTER_FIELDS, _scatter)
RULES = GraphPage("tradeoffs", frozenset(), _tradeoffs)
INDEX = _Index()
# In build order, with the labels the progress line shows (site/pages/__init__.py).
FAMILIES = (("lineage graph", LINEAGE), ("design space", DESIGN_SPACE),
            ("trade-off scatter", SCATTER), ("trade-off rules graph", RULES),
            ("graphs index", INDEX))
