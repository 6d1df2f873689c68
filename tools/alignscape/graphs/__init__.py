"""The catalog as networkx graphs (lineage, design space, trade-offs), laid out and rendered as
Cytoscape JSON for the interactive pages and as static SVG for the fallback."""

from alignscape.graphs.build import (
    design_space_graph,
    lineage_graph,
    tradeoff_graph,
)
from alignscape.graphs.render import GraphView, view

__all__ = ["GraphView", "design_space_graph", "lineage_graph", "tradeoff_graph", "view"]
