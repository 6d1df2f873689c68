"""Stage units: verdict parsing, bias controls, verifiers, the sandbox, pairing and filters."""

from __future__ import annotations

import pytest

from alignscape.runtime import Context, Response
from alignscape.stages.base import to_columns
from alignscape.stages.evaluation import answers, pairwise_comparison, parsing, sandbox
from alignscape.stages.evaluation.multi_agent import multi_agent
from alignscape.stages.evaluation.rule_verifier import rule_verifier
from alignscape.stages.instantiation import weighting
from alignscape.stages.instantiation.filtering import drop_ties
from alignscape.stages.instantiation.formats import groupwise, pairwise
from alignscape.stages.instantiation.pairing import best_vs_random, best_vs_worst, margin_threshold
from alignscape.stages.registry import ConfigError
from alignscape.stages.synthesis.perturbation import perturbation
from alignscape.stages.synthesis.selection import statistical_rejection


@pytest.mark.parametrize("text, want", [
    ("Long reasoning... [[A]]", "A"), ("[[B]]", "B"), ("It is a tie. [[C]]", "tie"),
    ("First I thought [[A]] but on reflection [[B]]", "B"), ("Output (b)", "B"),
    ("Response 1 is better", "A"), ("B", "B"), ("Both are equally good: tie.", "tie"),
    ("I cannot decide.", None), ("", None), (None, None), ("[[D]]", None)])
def test_pairwise_verdicts(text, want):
    assert parsing.pairwise(text) == want


@pytest.mark.parametrize("text, want", [
    ("Rating: [[4]]", 4.0), ("Score: 3/5", 3.0), ("I give it 2 out of 5", 2.0),
    ("Rating: [[9]]", None), ("Good answer.\n5", 5.0), ("no number", None),
    ("Rating: 4.5", 4.5)])
def test_likert_scores(text, want):
    assert parsing.score(text, 1, 5) == want


def test_rankings_and_binary():
    assert parsing.ranking("Ranking: [2] > [1] > [3]", 3) == [1, 0, 2]
    assert parsing.ranking("Ranking: [2] > [1]", 3) is None
    assert parsing.ranking("[1] > [1] > [2]", 3) is None
    assert parsing.binary("Verdict: yes") is True
    assert parsing.binary("... so the verdict: **no**") is False
    assert parsing.binary("maybe") is None


def test_position_swap_cancels_position_bias():
    assert pairwise_comparison.combine("a", "a") == {"winner": "a", "consistent": True, "p_a": 1.0}
    assert pairwise_comparison.combine("a", "b")["winner"] == "tie"  # judge followed the slot
    assert pairwise_comparison.combine(None, "b") == {"winner": "b", "consistent": None, "p_a": 0.0,
                                                      "incomplete": True}
    assert pairwise_comparison.combine(None, None)["winner"] is None
    assert pairwise_comparison.unswap("A") == "b" and pairwise_comparison.unswap("tie") == "tie"


class FirstSlotJudge:
    """A judge with pure position bias: always says the first response is better."""
    name = "first-slot"
    can_generate, can_score = True, False

    def generate(self, requests):
        return [Response("[[A]]") for _ in requests]


class GarbleJudge(FirstSlotJudge):
    def generate(self, requests):
        return [Response("I refuse to pick.") for _ in requests]


def record(texts, **extra):
    return {"prompt_id": "p", "prompt": "q", **extra,
            "candidates": [{"id": f"c{i}", "text": t, "origin": "x", "model": f"m{i}"}
                           for i, t in enumerate(texts)]}


def test_both_orders_turn_a_position_biased_judge_into_ties():
    ctx = Context(backends={"judge": FirstSlotJudge()})
    out = pairwise_comparison.pairwise_comparison([record(["x", "y"])], {"both_orders": True}, ctx)
    comp = out[0]["comparisons"][0]
    assert comp["winner"] == "tie" and comp["consistent"] is False and comp["orders"] == 2
    one = pairwise_comparison.pairwise_comparison([record(["x", "y"])], {"both_orders": False}, ctx)
    assert one[0]["comparisons"][0]["winner"] == "a"


def test_unparseable_verdicts_are_recorded_not_dropped():
    ctx = Context(backends={"judge": GarbleJudge()})
    out = pairwise_comparison.pairwise_comparison([record(["x", "y", "z"])], {}, ctx)[0]
    assert len(out["comparisons"]) == 3 and all(c["winner"] is None for c in out["comparisons"])
    assert len(out["judgements"]) == 6
    assert all(j["parse_error"] and j["raw"] == "I refuse to pick." for j in out["judgements"])


@pytest.mark.parametrize("response, reference, want", [
    ("So the answer is $\\boxed{\\frac{1}{2}}$.", "0.5", True),
    ("#### 1,234", "1234", True), ("The answer is 12.0.", "12", True),
    ("The answer is 13", "12", False), ("I don't know", "12", None),
    ("Answer: Paris", "paris", True)])
def test_math_answers_are_normalised(response, reference, want):
    assert answers.same_answer(response, reference) is want


def test_rule_verifier_checks():
    recs = [record(['{"a": 1}', "not json"])]
    out = rule_verifier(recs, {"check": "format", "json": True}, None)[0]
    assert [c["verified"] for c in out["candidates"]] == [True, False]
    out = rule_verifier([record(["Yes: 42", "no"])], {"check": "regex",
                                                            "pattern": r"\d+"}, None)[0]
    assert [c["verified"] for c in out["candidates"]] == [True, False]
    with pytest.raises(ConfigError, match="needs a pattern"):
        rule_verifier([record(["x"])], {"check": "regex"}, None)


def test_sandbox_passes_fails_and_limits():
    assert sandbox.run_tests("def f(x):\n    return x + 1", "assert f(1) == 2").passed
    bad = sandbox.run_tests("def f(x):\n    return x", "assert f(1) == 2")
    assert not bad.passed and bad.status == "failed" and "AssertionError" in bad.detail
    slow = sandbox.run_tests("while True:\n    pass", "", timeout=1)
    assert slow.status == "timeout"
    hog = sandbox.run_tests("x = bytearray(2_000_000_000)", "", memory_mb=256)
    assert hog.status == "memory"


def scored(scores):
    rec = record([f"t{i}" for i in range(len(scores))])
    for c, s in zip(rec["candidates"], scores, strict=True):
        c["score"] = s
    return rec


def test_pairing_drops_ties_unless_kept():
    assert best_vs_worst([scored([3, 3])], {}, None)[0]["pairs"] == []
    kept = best_vs_worst([scored([3, 3])], {"ties": "keep"}, None)[0]
    assert kept["pairs"][0]["tie"] is True
    assert drop_ties([kept], {}, None)[0]["pairs"] == []
    pair = best_vs_worst([scored([1, 5, 3])], {}, None)[0]["pairs"][0]
    assert (pair["chosen"], pair["rejected"], pair["margin"]) == ("c1", "c0", 4)


def test_margin_threshold_and_seeded_best_vs_random():
    rec = margin_threshold([scored([1, 5, 4.5])], {"min_margin": 1.0}, None)[0]
    assert {(p["chosen"], p["rejected"]) for p in rec["pairs"]} == {("c1", "c0"), ("c2", "c0")}
    ctx = Context(seed=7)
    a = best_vs_random([scored([1, 5, 3, 2])], {}, ctx)[0]["pairs"]
    b = best_vs_random([scored([1, 5, 3, 2])], {}, ctx)[0]["pairs"]
    assert a == b and a[0]["chosen"] == "c1"


def test_stages_accept_a_dict_of_columns_like_ray_batches():
    cols = to_columns([scored([1, 2]), {**scored([4, 4]), "prompt_id": "q"}])
    out = best_vs_worst(cols, {}, None)
    assert isinstance(out, dict) and len(out["pairs"]) == 2
    rows = pairwise(out, {}, None)
    assert isinstance(rows, dict) and rows["chosen"] == ["t1"]


def test_perturbation_is_reproducible_and_records_its_parent():
    ctx = Context(seed=1)
    texts = ["It costs 12 dollars. Then add 3 more. Total is 15."]
    a = perturbation([record(texts)], {}, ctx)[0]["candidates"]
    b = perturbation([record(texts)], {}, ctx)[0]["candidates"]
    assert a == b and a[1]["parent"] == "c0" and a[1]["text"] != texts[0]


def test_statistical_rejection_prefers_high_rewards():
    ctx = Context(seed=0)
    kept = 0
    for i in range(200):
        rec = scored([0.0, 3.0])
        rec["prompt_id"] = f"p{i}"
        out = statistical_rejection([rec], {"beta": 0.5, "k": 1}, ctx)[0]
        kept += not out["candidates"][1].get("excluded")
    assert kept > 180


def test_majority_vote_over_judges():
    rec = record(["x", "y"])
    rec["comparisons"] = [{"a": "c0", "b": "c1", "winner": w, "judge": f"j{i}"}
                          for i, w in enumerate(["a", "a", "b"])]
    out = multi_agent([rec], {}, None)[0]
    ens = [c for c in out["comparisons"] if c["judge"] == "ensemble"][0]
    assert ens["winner"] == "a" and ens["agreement"] == pytest.approx(2 / 3)


def test_groupwise_advantages_and_segments():
    rows = groupwise([scored([1.0, 2.0, 3.0])], {}, None)
    assert rows[0]["advantages"][1] == pytest.approx(0.0)
    a, b = weighting.diff_segments("the cat sat", "the dog sat")
    assert a == [[4, 7]] and b == [[4, 7]]
