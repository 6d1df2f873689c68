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


def test_lineage_labels_are_short_names_on_a_year_axis(catalog):
    graph = lineage_graph(catalog)
    for _, data in graph.nodes(data=True):
        entry = catalog[data["entry"]]
        assert data["label"] == entry.label and data["name"] == entry.name
    laid_out = view(graph)
    years = [y for y, _, _ in laid_out.axis]
    assert years == sorted({d["year"] for _, d in graph.nodes(data=True)})
    # Every work sits inside its year's band, and bands run left to right.
    bands = {y: (a, b) for y, a, b in laid_out.axis}
    for node, (x, _) in laid_out.positions.items():
        a, b = bands[graph.nodes[node]["year"]]
        assert a <= x <= b, node
    starts = [a for _, a, _ in laid_out.axis]
    assert starts == sorted(starts)
    # No two works share a place.
    assert len(set(laid_out.positions.values())) == len(laid_out.positions)
    svg = laid_out.svg("t")
    for year in years:
        assert f">{year}</text>" in svg


def test_heat_maps_count_what_the_query_engine_selects(catalog):
    from alignscape.graphs.heatmaps import option_pair, option_year

    heat = option_year(catalog, "evaluation")
    checked = 0
    for row in heat.rows:
        assert row.total == len(catalog.using(row.key)), row.key
        assert sum(c.count for c in row.cells) == row.total
        for cell in row.cells:
            if cell.count and checked < 25:
                assert len(catalog.query(cell.expr)) == cell.count, cell.expr
                checked += 1
    assert checked
    pair = option_pair(catalog, "synthesis.sources", "evaluation.evaluators")
    for row in pair.rows[:4]:
        for cell in row.cells:
            expected = [e for e in catalog if row.key in e.options
                        and f"evaluation.evaluators.{cell.expr.rpartition(' ')[2]}"
                        in e.options]
            assert cell.count == len(expected) == len(catalog.query(cell.expr)), cell.expr


def test_measured_tradeoffs_read_the_measurement_file(catalog, tmp_path):
    from alignscape.site.measured import measured

    found = measured(catalog.root, tmp_path)
    if found is None:
        import pytest
        pytest.skip("no measurement file in catalog/measurements")
    assert set(found.findings) == {"length_bias", "position_bias", "label_noise",
                                   "self_preference_bias"}
    assert found.command.startswith("alignscape measure")
    for findings in found.findings.values():
        for f in findings:
            assert f.rows and all(len(r) == len(f.columns) for r in f.rows)
            if f.figure:
                assert (tmp_path / f.figure).is_file()
    length = found.findings["length_bias"][0]
    assert "4753" in length.reading and "%" in length.reading
