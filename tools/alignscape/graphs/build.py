"""networkx graphs over the catalog. Node ids are prefixed by their type (entry:, option:,
tradeoff:) so that one graph can hold several node types without collisions."""

from __future__ import annotations

import networkx as nx

from alignscape.model import STAGES, Catalog


def entry_node(entry_id: str) -> str:
    return f"entry:{entry_id}"


def option_node(option: str) -> str:
    return f"option:{option}"


def tradeoff_node(dimension: str) -> str:
    return f"tradeoff:{dimension}"


def lineage_graph(catalog: Catalog) -> nx.DiGraph:
    """Entries connected by builds_on; an edge runs from the earlier work to the one building on
    it, so paths follow time. Entries with no lineage are left out. A node's label is the
    entry's short name (what the field calls it), its full name is kept as `name`."""
    graph = nx.DiGraph(name="lineage")
    for entry in catalog:
        for parent_id in entry.builds_on:
            parent = catalog.entries.get(parent_id)
            if parent is None:
                continue
            for node in (parent, entry):
                graph.add_node(entry_node(node.id), type="entry", entry=node.id,
                               label=node.label, name=node.name, year=node.year,
                               kind=node.kind)
            graph.add_edge(entry_node(parent.id), entry_node(entry.id), relation="builds_on")
    return graph


def design_space_graph(catalog: Catalog, entries=None) -> nx.Graph:
    """Bipartite: entries linked to the stage options they choose."""
    graph = nx.Graph(name="design-space")
    stage_dims = {d.qualified: d for d in catalog.taxonomy.dimensions.values()
                  if d.group in STAGES}
    for dim in stage_dims.values():
        for option in dim.options:
            graph.add_node(option_node(option.qualified), type="option", stage=dim.group,
                           option=option.qualified, label=option.label, dimension=dim.label)
    for entry in (catalog if entries is None else entries):
        graph.add_node(entry_node(entry.id), type="entry", entry=entry.id, label=entry.label,
                       name=entry.name, year=entry.year, kind=entry.kind)
        for dim_id, options in entry.choices.items():
            if dim_id in stage_dims:
                for option in options:
                    graph.add_edge(entry_node(entry.id), option_node(f"{dim_id}.{option}"))
    graph.remove_nodes_from([n for n, d in graph.nodes(data=True)
                             if d["type"] == "option" and graph.degree(n) == 0])
    return graph


def tradeoff_graph(catalog: Catalog) -> nx.DiGraph:
    """Options linked to the trade-off dimensions they move. `sign` is +1 when the effect moves
    the dimension towards its better end, -1 towards the worse end, 0 for a middle level."""
    tradeoffs, taxonomy = catalog.tradeoffs, catalog.taxonomy
    graph = nx.DiGraph(name="tradeoffs")
    for dim in tradeoffs.dimensions.values():
        graph.add_node(tradeoff_node(dim.id), type="tradeoff", tradeoff=dim.id, label=dim.label,
                       better=dim.better)
    middle = (len(tradeoffs.levels) - 1) / 2
    for effect in tradeoffs.effects:
        option = taxonomy.options.get(effect.option)
        dim = tradeoffs.dimensions[effect.dimension]
        if option is None:
            continue
        if effect.level is not None:
            direction = tradeoffs.rank(effect.level) - middle
        else:
            direction = effect.shift or 0
        raises = direction > 0
        sign = 0 if direction == 0 else (1 if raises == (dim.better == "higher") else -1)
        group = option.dimension.split(".")[0]
        graph.add_node(option_node(effect.option), type="option", option=effect.option,
                       stage=group, label=option.label,
                       dimension=taxonomy.dimensions[option.dimension].label)
        graph.add_edge(option_node(effect.option), tradeoff_node(dim.id), sign=sign,
                       effect=(f"implies {effect.level}" if effect.level
                               else f"shifts by {effect.shift:+d}"),
                       why=effect.why, cite=list(effect.cite))
    return graph
