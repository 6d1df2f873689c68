"""Layouts computed in Python (deterministic, linear, no numpy) shared by the interactive
Cytoscape view and the static SVG fallback, so both show the same picture."""

from __future__ import annotations

import bisect
import html
import math
from dataclasses import dataclass, field

import networkx as nx

STAGE_ORDER = {"synthesis": 0, "evaluation": 1, "instantiation": 2}
# SVG labels are only readable up to a few hundred nodes; beyond that the tooltips remain.
LABEL_LIMIT = 250


@dataclass
class GraphView:
    name: str
    graph: nx.Graph
    positions: dict[str, tuple[float, float]]
    # A time axis: (year, x where its band starts, x where it ends); empty for other layouts.
    axis: list[tuple[int, float, float]] = field(default_factory=list)

    def cytoscape(self) -> dict:
        nodes = [{"data": {"id": node, **_plain(data)},
                  "position": {"x": round(self.positions[node][0], 1),
                               "y": round(self.positions[node][1], 1)}}
                 for node, data in self.graph.nodes(data=True)]
        edges = [{"data": {"id": f"e{i}", "source": u, "target": v, **_plain(data)}}
                 for i, (u, v, data) in enumerate(self.graph.edges(data=True))]
        return {"name": self.name, "directed": self.graph.is_directed(),
                "axis": [{"year": y, "x0": round(a, 1), "x1": round(b, 1)}
                         for y, a, b in self.axis],
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
        axis_parts = []
        if self.axis:
            # Year labels above and below, every other year's band shaded.
            top, bottom = min(ys) - 45, max(ys) + 25
            y0, height = top - 30, bottom - top + 75
            for i, (year, a, b) in enumerate(self.axis):
                if i % 2:
                    axis_parts.append(f'<rect class="as-axis-band" x="{a - 25:.1f}" '
                                      f'y="{top:.1f}" width="{b - a + 125:.1f}" '
                                      f'height="{bottom - top:.1f}"/>')
                mid = (a + b) / 2 + 40
                for ty in (top - 8, bottom + 25):
                    axis_parts.append(f'<text class="as-axis-label" x="{mid:.1f}" '
                                      f'y="{ty:.1f}" text-anchor="middle">{year}</text>')
        labelled = self.graph.number_of_nodes() <= LABEL_LIMIT
        role = "group" if link else "img"  # role="img" would hide the links inside
        parts = [f'<svg class="as-graph-svg" xmlns="http://www.w3.org/2000/svg" role="{role}" '
                 f'viewBox="{x0:.0f} {y0:.0f} {width:.0f} {height:.0f}" '
                 f'aria-label="{html.escape(title)}"><title>{html.escape(title)}</title>']
        if axis_parts:
            parts.append('<g class="as-axis">' + "".join(axis_parts) + "</g>")
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
    """Lay a graph out by its kind (lineage as a timeline, design space as rings, trade-offs as
    two columns)."""
    if graph.name == "lineage":
        positions, axis = _timeline(graph)
        return GraphView(graph.name, graph, positions, axis)
    layout = {"design-space": _rings, "tradeoffs": _columns}[graph.name]
    return GraphView(graph.name, graph, layout(graph))


COLUMN_W = 115.0   # one sub-column of a year: room for a short name at 11px
ROW_H = 26.0
YEAR_GAP = 45.0
TIMELINE_ROWS = 30  # about what a screen shows at a readable zoom


def _timeline(graph: nx.Graph):
    """Years left to right on an axis, so builds_on edges point rightwards. A busy year wraps
    into several sub-columns. Within a year, a work sits on the row nearest the mean row of the
    works it builds on (placed in earlier years), which keeps lineages horizontal and crossings
    few; works with no placed parent fill the remaining rows in name order."""
    columns: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        columns.setdefault(int(data.get("year") or 0), []).append(node)
    rows = max(8, min(TIMELINE_ROWS, math.ceil(math.sqrt(graph.number_of_nodes()) * 1.6)))
    positions: dict[str, tuple[float, float]] = {}
    row_of: dict[str, int] = {}
    axis = []
    x = 0.0
    for year in sorted(columns):
        nodes = sorted(columns[year], key=lambda n: str(graph.nodes[n].get("label", n)).lower())
        n_cols = math.ceil(len(nodes) / rows)
        free = [list(range(rows)) for _ in range(n_cols)]  # per sub-column, its free rows
        wanted = []
        for node in nodes:
            parents = [row_of[p] for p in graph.predecessors(node) if p in row_of] \
                if graph.is_directed() else []
            wanted.append((sum(parents) / len(parents) if parents else None, node))
        anchored = sorted((w, n) for w, n in wanted if w is not None)
        loose = [n for w, n in wanted if w is None]
        order = [(w, n) for w, n in anchored]
        # Loose works aim at evenly spread rows, so they do not all pile up at the top.
        order += [((i + 0.5) * rows / max(len(loose), 1), n) for i, n in enumerate(loose)]
        for want, node in order:
            col, row = _nearest_free(free, want)
            free[col].remove(row)
            row_of[node] = row
            positions[node] = (x + col * COLUMN_W, row * ROW_H)
        axis.append((year, x, x + (n_cols - 1) * COLUMN_W))
        x += n_cols * COLUMN_W + YEAR_GAP
    return positions, axis


def _nearest_free(free: list[list[int]], want: float) -> tuple[int, int]:
    """The free (column, row) slot with the least |row - want| + 0.75 * column, ties to the
    smallest (column, row): in each column only the free rows on either side of `want` can
    be nearest, so a busy year costs a bisection per column, not a scan of every slot."""
    best = None
    for col, rows in enumerate(free):
        at = bisect.bisect_left(rows, want)
        for row in rows[max(at - 1, 0):at + 1]:
            key = (abs(row - want) + col * 0.75, (col, row))
            if best is None or key < best:
                best = key
    return best[1]


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
