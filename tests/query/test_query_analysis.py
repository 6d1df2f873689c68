"""Pareto fronts, similarity, gaps and explanations, on data whose answers are worked out by
hand."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from alignscape.query.analysis import AnalysisError, compare, explain, pareto
from alignscape.query.gaps import find_gaps, gap_report


def test_pareto_two_dimensions(tiny_index):
    # lower is better on both. alpha (high, medium) is beaten by epsilon (medium, low);
    # beta (low, high) and epsilon trade off; gamma and delta have an unknown level.
    front = pareto(tiny_index, tiny_index["entries"], ["annotation_cost", "bias_risk"])
    assert [r["id"] for r in front.rows] == ["beta", "epsilon"]
    assert front.excluded == ["gamma", "delta"] and front.considered == 3


def test_pareto_one_dimension_keeps_ties(tiny_index):
    front = pareto(tiny_index, tiny_index["entries"], ["annotation_cost"])
    assert [r["id"] for r in front.rows] == ["beta", "gamma"]
    assert front.excluded == ["delta"]


def test_pareto_follows_the_better_direction(tiny_index):
    flipped = dict(tiny_index, tradeoffs=dict(tiny_index["tradeoffs"], dimensions=[
        {"id": "annotation_cost", "label": "A", "better": "higher"},
        {"id": "bias_risk", "label": "B", "better": "lower"}]))
    front = pareto(flipped, flipped["entries"], ["annotation_cost"])
    assert [r["id"] for r in front.rows] == ["alpha"]


def test_pareto_rejects_unknown_dimensions(tiny_index):
    with pytest.raises(AnalysisError, match="did you mean 'bias_risk'"):
        pareto(tiny_index, tiny_index["entries"], ["bias_rsik"])


def fake(entry_id, **choices):
    choices = {k.replace("__", "."): tuple(v) for k, v in choices.items()}
    options = frozenset(f"{d}.{o}" for d, opts in choices.items() for o in opts)
    return SimpleNamespace(id=entry_id, choices=choices, options=options)


class FakeCatalog:
    def __init__(self, taxonomy, entries):
        self.taxonomy = taxonomy
        self.entries = {e.id: e for e in entries}

    def __iter__(self):
        return iter(self.entries.values())


def test_similarity_averages_dimensions(catalog):
    a = fake("a", evaluation__evaluators=["human", "llm_judge"],
             instantiation__formats=["pairwise"], instantiation__structure=["pairwise"])
    b = fake("b", evaluation__evaluators=["llm_judge"], instantiation__formats=["pairwise"],
             synthesis__policy_relation=["on_policy"])
    result = compare(FakeCatalog(catalog.taxonomy, [a, b]), a, b)
    # evaluators 1/2, formats 1, policy_relation 0 (structure is derived: skipped)
    assert result.score == pytest.approx(0.5)
    assert result.differs == {"evaluation.evaluators": (["human"], []),
                              "synthesis.policy_relation": ([], ["on_policy"])}
    assert result.shared == {"evaluation.evaluators": ["llm_judge"],
                             "instantiation.formats": ["pairwise"]}


def test_similar_on_the_real_catalog(catalog):
    from alignscape.query.analysis import similar

    ranked = similar(catalog, "dpo", limit=0)
    assert "dpo" not in {s.entry.id for s in ranked}
    assert len(ranked) == len(catalog) - 1
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1
    with pytest.raises(AnalysisError, match="did you mean 'dpo'"):
        similar(catalog, "dpoo")


def test_gaps_rank_combinations_whose_pairs_are_explored(catalog):
    dims = ("evaluation.dimensionality", "pipeline.iteration", "training.reference_model")
    entries = [
        fake("e1", evaluation__dimensionality=["scalar"], pipeline__iteration=["single_round"],
             training__reference_model=["required"]),
        fake("e2", evaluation__dimensionality=["scalar"], pipeline__iteration=["online"],
             training__reference_model=["not_required"]),
        fake("e3", evaluation__dimensionality=["multi_aspect"],
             pipeline__iteration=["single_round"], training__reference_model=["not_required"]),
        fake("no_iteration", evaluation__dimensionality=["scalar"]),
    ]
    report = gap_report(FakeCatalog(catalog.taxonomy, entries), limit=None, dimensions=dims)
    # 2 dimensionalities x 4 iterations x 2 reference-model options
    assert (report.combinations, report.explored, len(report.gaps)) == (16, 3, 13)
    top = report.gaps[0]
    assert top.options == ("evaluation.dimensionality.scalar", "pipeline.iteration.single_round",
                           "training.reference_model.not_required")
    assert (top.pairs_explored, top.support) == (3, 3)
    assert top.nearest == [("e1", ("training.reference_model.not_required",)),
                           ("e2", ("pipeline.iteration.single_round",)),
                           ("e3", ("evaluation.dimensionality.scalar",))]
    assert all(g.pairs_explored <= 2 for g in report.gaps[1:])


def test_find_gaps_for_the_site(catalog):
    gaps = find_gaps(catalog, limit=5)
    assert len(gaps) == 5
    for gap in gaps:
        assert [o.rsplit(".", 1)[0] for o in gap.options] == [
            "synthesis.sources", "evaluation.evaluators", "instantiation.formats"]
        assert not any(set(gap.options) <= e.options for e in catalog)
        assert gap.nearest and gap.as_dict()["options"] == list(gap.options)


def test_gaps_reject_bad_dimensions(catalog):
    with pytest.raises(AnalysisError, match="did you mean 'evaluation.evaluators'"):
        find_gaps(catalog, dimensions=["evaluation.evaluator", "synthesis.sources"])
    with pytest.raises(AnalysisError, match="two or more"):
        find_gaps(catalog, dimensions=["synthesis.sources"])


def test_explain_names_rule_shift_and_citation(catalog):
    # rlaif: an LLM judge comparing pairs implies high position bias, position swapping
    # lowers it one step; evaluator bias is the worst of its components (length stays high).
    items = {i["dimension"]: i for i in explain(catalog, catalog["rlaif"])}
    position = items["position_bias"]
    assert (position["level"], position["source"]) == ("medium", "derived")
    assert [e["rule"] for e in position["implied_by"]] == ["llm_judge_position_pairwise"]
    assert position["implied_by"][0]["conditions"].startswith("with any of")
    assert [(e["option"], e["shift"]) for e in position["shifted_by"]] == [
        ("evaluation.bias_controls.position_swap", -1)]
    assert "zheng2023judging" in position["implied_by"][0]["cite"]
    bias = items["bias_risk"]
    assert (bias["level"], bias["source"]) == ("high", "aggregate")
    assert bias["components"] == {"position_bias": "medium", "length_bias": "high",
                                  "self_preference_bias": "medium"}


def test_explain_reports_superseded_rules_and_set_by_data(catalog):
    ultrafeedback = {i["dimension"]: i for i in explain(catalog, catalog["ultrafeedback"])}
    self_pref = ultrafeedback["self_preference_bias"]
    assert [e["rule"] for e in self_pref["implied_by"]] == ["llm_judge_related_generator"]
    assert [e["rule"] for e in self_pref["superseded"]] == ["llm_judge_self_pref"]
    assert "priority 1 over 0" in self_pref["superseded"][0]["because"]
    dpo = {i["dimension"]: i for i in explain(catalog, catalog["dpo"])}
    assert dpo["annotation_cost"]["source"] == "set_by_data"
    assert "evaluation to the data" in dpo["annotation_cost"]["reason"]
    assert dpo["annotation_cost"]["level"] is None


def test_explain_shows_overrides(catalog):
    overridden = [e for e in catalog if e.tradeoff_overrides]
    if not overridden:
        pytest.skip("no entry overrides a level today")
    entry = overridden[0]
    dim, override = next(iter(entry.tradeoff_overrides.items()))
    item = next(i for i in explain(catalog, entry) if i["dimension"] == dim)
    assert item["source"] == "override" and item["level"] == override["level"]
    assert item["override"]["cite"] == list(override["cite"])
