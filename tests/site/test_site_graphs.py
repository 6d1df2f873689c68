"""The networkx graphs behind the graph pages."""

from __future__ import annotations

from alignscape.graphs import design_space_graph, lineage_graph, tradeoff_graph, view


def test_lineage_has_one_edge_per_builds_on_link(catalog):
    graph = lineage_graph(catalog)
    expected = {(f"entry:{parent}", f"entry:{e.id}") for e in catalog for parent in e.builds_on}
    assert set(graph.edges) == expected
    for _, data in graph.nodes(data=True):
        assert catalog[data["entry"]].year == data["year"]


def test_design_space_links_entries_to_their_stage_options(catalog):
    graph = design_space_graph(catalog)
    for entry in catalog:
        options = {n.removeprefix("option:") for n in graph.neighbors(f"entry:{entry.id}")}
        stage_options = {o for o in entry.options
                         if o.split(".")[0] in ("synthesis", "evaluation", "instantiation")}
        assert options == stage_options, entry.id


def test_tradeoff_edges_are_signed_by_the_better_end(catalog):
    graph = tradeoff_graph(catalog)
    tradeoffs = catalog.tradeoffs
    assert graph.number_of_edges() > 0
    for u, v, data in graph.edges(data=True):
        dim = tradeoffs.dimensions[v.removeprefix("tradeoff:")]
        effects = [e for e in tradeoffs.effects
                   if e.option == u.removeprefix("option:") and e.dimension == dim.id]
        effect = effects[-1]
        if effect.level is not None:
            rank = tradeoffs.rank(effect.level)
            middle = (len(tradeoffs.levels) - 1) / 2
            up = rank > middle
            expected = 0 if rank == middle else (1 if up == (dim.better == "higher") else -1)
        else:
            expected = 1 if (effect.shift > 0) == (dim.better == "higher") else -1
        assert data["sign"] == expected, (u, v)


def test_views_place_every_node_and_escape_labels(catalog):
    for graph in (lineage_graph(catalog), design_space_graph(catalog), tradeoff_graph(catalog)):
        laid_out = view(graph)
        assert set(laid_out.positions) == set(graph.nodes)
        elements = laid_out.cytoscape()["elements"]
        assert len(elements["nodes"]) == graph.number_of_nodes()
        assert len(elements["edges"]) == graph.number_of_edges()
    graph = lineage_graph(catalog)
    some = next(iter(graph.nodes))
    graph.nodes[some]["label"] = "<script>x</script>"
    svg = view(graph).svg("t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
