"""Layouts computed in Python (deterministic, linear, no numpy) shared by the interactive
Cytoscape view and the static SVG fallback, so both show the same picture."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import networkx as nx

STAGE_ORDER = {"synthesis": 0, "evaluation": 1, "instantiation": 2}
# SVG labels are only readable up to a few hundred nodes; beyond that the tooltips remain.
LABEL_LIMIT = 250


@dataclass
class GraphView:
    name: str
    graph: nx.Graph
    positions: dict[str, tuple[float, float]]

    def cytoscape(self) -> dict:
        nodes = [{"data": {"id": node, **_plain(data)},
                  "position": {"x": round(self.positions[node][0], 1),
                               "y": round(self.positions[node][1], 1)}}
                 for node, data in self.graph.nodes(data=True)]
        edges = [{"data": {"id": f"e{i}", "source": u, "target": v, **_plain(data)}}
                 for i, (u, v, data) in enumerate(self.graph.edges(data=True))]
        return {"name": self.name, "directed": self.graph.is_directed(),
                "elements": {"nodes": nodes, "edges": edges}}

    def svg(self, title: str, link=None) -> str:
        """A static picture; `link(node_data)` may give a relative URL for a node."""
        if not self.positions:
            return ""
        xs = [p[0] for p in self.positions.values()]
        ys = [p[1] for p in self.positions.values()]
        pad = 90
        x0, y0 = min(xs) - pad, min(ys) - pad
        width, height = max(xs) - x0 + pad, max(ys) - y0 + pad
        labelled = self.graph.number_of_nodes() <= LABEL_LIMIT
        role = "group" if link else "img"  # role="img" would hide the links inside
        parts = [f'<svg class="as-graph-svg" xmlns="http://www.w3.org/2000/svg" role="{role}" '
                 f'viewBox="{x0:.0f} {y0:.0f} {width:.0f} {height:.0f}" '
                 f'aria-label="{html.escape(title)}"><title>{html.escape(title)}</title>']
        arrow = self.graph.is_directed()
        if arrow:
            parts.append('<defs><marker id="as-arrow-' + self.name + '" viewBox="0 0 10 10" '
                         'refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">'
                         '<path d="M0,0 L10,5 L0,10 z" class="as-arrowhead"/></marker></defs>')
        parts.append('<g class="as-edges">')
        for u, v, data in self.graph.edges(data=True):
            (x1, y1), (x2, y2) = self.positions[u], self.positions[v]
            sign = data.get("sign")
            cls = "as-edge" + ({1: " as-better", -1: " as-worse", 0: " as-neutral"}
                               .get(sign, "") if sign is not None else "")
            marker = f' marker-end="url(#as-arrow-{self.name})"' if arrow else ""
            parts.append(f'<line class="{cls}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                         f'y2="{y2:.1f}"{marker}/>')
        parts.append('</g><g class="as-nodes">')
        for node, data in self.graph.nodes(data=True):
            x, y = self.positions[node]
            label = html.escape(str(data.get("label", node)))
            cls = f"as-node as-{data.get('type', 'node')}"
            if data.get("stage"):
                cls += f" as-stage-{html.escape(data['stage'])}"
            shape = (f'<circle class="{cls}" cx="{x:.1f}" cy="{y:.1f}" r="7">'
                     f'<title>{label}</title></circle>')
            if labelled:
                anchor = "end" if data.get("type") == "option" and self.name != "lineage" \
                    else "start"
                dx = -11 if anchor == "end" else 11
                shape += (f'<text class="as-label" x="{x + dx:.1f}" y="{y + 4:.1f}" '
                          f'text-anchor="{anchor}">{label}</text>')
            href = link(data) if link else None
            parts.append(f'<a href="{html.escape(href, quote=True)}">{shape}</a>' if href
                         else shape)
        parts.append("</g></svg>")
        return "".join(parts)


def _plain(data: dict) -> dict:
    return {k: v for k, v in data.items() if isinstance(v, (str, int, float, list, type(None)))}


def view(graph: nx.Graph) -> GraphView:
    """Lay a graph out by its kind (lineage by year, design space as rings, trade-offs as two
    columns)."""
    layout = {"lineage": _by_year, "design-space": _rings, "tradeoffs": _columns}[graph.name]
    return GraphView(graph.name, graph, layout(graph))


def _by_year(graph: nx.Graph) -> dict:
    """Years left to right, so builds_on edges point rightwards. A busy year wraps into several
    sub-columns, keeping the picture about as wide as it is tall instead of a few tall walls."""
    columns: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        columns.setdefault(data.get("year", 0), []).append(node)
    rows = max(8, math.ceil(math.sqrt(graph.number_of_nodes()) * 2.2))
    positions = {}
    x = 0.0
    for year in sorted(columns):
        nodes = sorted(columns[year], key=lambda n: str(graph.nodes[n].get("label", n)).lower())
        for start in range(0, len(nodes), rows):
            for row, node in enumerate(nodes[start:start + rows]):
                # Alternate sub-columns are offset half a row so labels do not line up.
                positions[node] = (x, row * 44.0 + (22.0 if (start // rows) % 2 else 0.0))
            x += 170.0
        x += 80.0  # a gap between years
    return positions


def _option_key(graph: nx.Graph, node: str):
    data = graph.nodes[node]
    return (STAGE_ORDER.get(data.get("stage"), 9), data.get("option", node))


def _rings(graph: nx.Graph) -> dict:
    """Options on an outer ring grouped by stage, entries on an inner ring ordered by year."""
    options = sorted((n for n, d in graph.nodes(data=True) if d["type"] == "option"),
                     key=lambda n: _option_key(graph, n))
    entries = sorted((n for n, d in graph.nodes(data=True) if d["type"] == "entry"),
                     key=lambda n: (graph.nodes[n].get("year", 0), n))
    inner = max(220.0, len(entries) * 16 / (2 * math.pi))
    outer = max(inner + 260.0, len(options) * 30 / (2 * math.pi))
    positions = {}
    for ring, radius in ((options, outer), (entries, inner)):
        for i, node in enumerate(ring):
            angle = 2 * math.pi * i / max(len(ring), 1) - math.pi / 2
            positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def _columns(graph: nx.Graph) -> dict:
    """Options in a left column grouped by stage, trade-off dimensions in a right column."""
    options = sorted((n for n, d in graph.nodes(data=True) if d["type"] == "option"),
                     key=lambda n: _option_key(graph, n))
    dims = [n for n, d in graph.nodes(data=True) if d["type"] == "tradeoff"]
    positions = {node: (0.0, i * 30.0) for i, node in enumerate(options)}
    span = max(len(options) - 1, 1) * 30.0
    for i, node in enumerate(dims):
        positions[node] = (700.0, span * (i + 0.5) / max(len(dims), 1))
    return positions
