"""The stages of the 2025-26 options beyond their table rows (test_pipeline_families.py):
the entries that use them build recipes that run them, a local causal LM gives real token
log-probabilities to intrinsic_confidence and teacher_model, and the edge cases of each
stage (failed requests, unparseable verdicts, bad rubrics, bad settings) are recorded, not
dropped."""

from __future__ import annotations

import pytest
from scripted_backends import LogProbs, Scripted

from alignscape.pipeline.entry_recipe import from_entry
from alignscape.runtime import Backend, Context, Response
from alignscape.stages import registry
from alignscape.stages.registry import ConfigError
from alignscape.stages.synthesis.self_play import parse

NEW = ["synthesis.sources.score_conditioned", "synthesis.sources.self_play",
       "evaluation.evaluators.consensus_pseudo_label",
       "evaluation.evaluators.intrinsic_confidence", "evaluation.evaluators.model_verifier",
       "evaluation.evaluators.teacher_model", "evaluation.protocol.rubric_checklist",
       "evaluation.protocol.categorical_label",
       "instantiation.filtering.zero_variance_group_filter"]


def rec(*texts, pid="p", **extra):
    return {"prompt_id": pid, "prompt": extra.pop("prompt", "What is two plus two?"),
            "candidates": [{"id": f"c{i}", "text": t, "origin": "x"}
                           for i, t in enumerate(texts)], **extra}


@pytest.mark.parametrize("option", NEW)
def test_option_runs_a_stage_not_a_description(option):
    assert option not in registry.DESCRIPTIVE
    found = registry.resolve(*option.split("."))
    assert "descriptive" not in found and found["source"].startswith("tools/alignscape/")


@pytest.mark.parametrize("entry_id, option", [
    ("ttrl", "evaluation.evaluators.consensus_pseudo_label"),
    ("intuitor", "evaluation.evaluators.intrinsic_confidence"),
    ("gkd", "evaluation.evaluators.teacher_model"),
    ("absolute_zero", "synthesis.sources.self_play"),
    ("rubrics_as_rewards", "evaluation.evaluators.llm_judge"),
    ("rlcf", "evaluation.evaluators.llm_judge"),
])
def test_entries_run_the_new_stages(catalog, entry_id, option):
    recipe = from_entry(catalog[entry_id], catalog)
    uses = [s.runs for s in recipe.stages]
    assert option in uses
    assert not any("no reference stage yet" in n for n in recipe.notes)
    if entry_id in ("rubrics_as_rewards", "rlcf"):
        judge = next(s for s in recipe.stages if s.runs == option)
        assert "rubric_checklist" in judge.config["protocols"]


def test_zero_variance_filter_runs_before_pairing_as_a_candidate_filter(catalog):
    option = catalog.taxonomy.options["instantiation.filtering.zero_variance_group_filter"]
    assert option.acts_on == "candidates"


# token log-probabilities from a local causal LM (no download: a tiny GPT-2 from a config)

def tiny_backend():
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from test_pipeline_local_models import tiny_config, tokenizer

    from alignscape.pipeline.backends.local import TransformersBackend

    torch.manual_seed(0)
    return TransformersBackend("tiny", model=transformers.GPT2LMHeadModel(tiny_config()),
                               tokenizer=tokenizer())


@pytest.mark.model
def test_local_model_gives_per_token_logprobs_and_self_certainty():
    import math

    from alignscape.runtime import Request

    backend = tiny_backend()
    req = Request([{"role": "user", "content": "why"}])
    got = backend.token_logprobs([req], ["w1 w2 w3"])[0]
    assert got.error is None and len(got.logprobs) == 3 == len(got.meta["self_certainty"])
    assert got.meta["tokens"] == ["w1", "w2", "w3"]
    assert all(lp < 0 for lp in got.logprobs)
    assert all(sc >= 0 for sc in got.meta["self_certainty"])  # a KL divergence
    # a token's log-prob does not depend on what follows it (teacher forcing, causal model)
    shorter = backend.token_logprobs([req], ["w1 w2"])[0].logprobs
    assert all(math.isclose(a, b, rel_tol=1e-5)
               for a, b in zip(shorter, got.logprobs[:2], strict=True))


@pytest.mark.model
def test_intrinsic_confidence_and_teacher_model_with_a_local_model():
    backend = tiny_backend()
    ctx = Context(backends={"policy": backend, "teacher": backend})
    records = [rec("w1 w2", "w3 w4 w5", prompt="why")]
    out = registry.get("evaluation.evaluators.intrinsic_confidence")(records, {}, ctx)
    cands = out[0]["candidates"]
    for c in cands:
        assert c["score"] == pytest.approx(sum(c["self_certainty"]) / len(c["self_certainty"]))
        assert len(c["token_logprobs"]) == len(c["text"].split())
    out = registry.get("evaluation.evaluators.teacher_model")(
        out, {"signal": "reverse_kl"}, ctx)
    for c in out[0]["candidates"]:  # the same model as teacher and student: no signal
        assert c["token_advantages"] == pytest.approx([0.0] * len(c["text"].split()))


# failures are recorded, not dropped

class Failing(Backend):
    name = "failing"

    def generate(self, requests):
        return [Response(None, error="HTTP 500: down") for _ in requests]


def test_teacher_request_failure_stays_on_the_candidate():
    ctx = Context(backends={"teacher": LogProbs(fail_on="bad")})
    out = registry.get("evaluation.evaluators.teacher_model")([rec("good", "bad")], {}, ctx)
    good, bad = out[0]["candidates"]
    assert good["score"] == -4.0
    assert bad.get("score") is None and bad["logprob_error"].startswith("HTTP 500")


def test_self_certainty_needs_full_distributions():
    ctx = Context(backends={"policy": LogProbs(certainty=False)})
    fn = registry.get("evaluation.evaluators.intrinsic_confidence")
    out = fn([rec("aa")], {}, ctx)
    assert out[0]["candidates"][0].get("score") is None
    assert "measure: mean_logprob" in out[0]["candidates"][0]["logprob_error"]
    out = fn([rec("aa")], {"measure": "mean_logprob"}, ctx)
    assert out[0]["candidates"][0]["score"] == -2.0


def test_verifier_failure_and_unparseable_answers_are_logged():
    ctx = Context(backends={"verifier": Failing()})
    out = registry.get("evaluation.evaluators.model_verifier")(
        [rec("4", reference="4")], {}, ctx)
    cand = out[0]["candidates"][0]
    assert cand["verified"] is None and cand["score"] is None
    assert cand["incomplete"] == ["verifier:failing"]
    assert out[0]["judgements"][0]["error"] == "HTTP 500: down"


def test_rubric_problems_are_recorded_per_record():
    ctx = Context(backends={"judge": Scripted()})
    fn = registry.get("evaluation.protocol.rubric_checklist")
    out = fn([rec("a", pid="none"), rec("a", pid="bad", rubric=[{"weight": 2}]),
              rec("a", pid="neg", rubric=[{"criterion": "is rude", "weight": -1}])], {}, ctx)
    errors = [r["errors"][0]["error"] for r in out]
    assert "no rubric" in errors[0]
    assert errors[1].startswith("rubric item 0")
    assert "positive weight" in errors[2]
    assert all("score" not in c for r in out for c in r["candidates"])


def test_rubric_pitfall_weights_subtract_and_a_failed_item_leaves_no_score():
    ctx = Context(backends={"judge": Scripted()})
    fn = registry.get("evaluation.protocol.rubric_checklist")
    rubric = [{"criterion": "mentions apples", "weight": 2},
              {"criterion": "is rude", "weight": -1}, "mentions pears"]
    out = fn([rec("apples, you rude person", "pears", rubric=rubric)], {}, ctx)
    assert [c["score"] for c in out[0]["candidates"]] == [pytest.approx(1 / 3),
                                                         pytest.approx(1 / 3)]
    out = fn([rec("apples", rubric=rubric)], {}, Context(backends={"judge": Failing()}))
    cand = out[0]["candidates"][0]
    assert [v["verdict"] for v in cand["checklist"]] == [None, None, None]
    assert cand.get("score") is None


def test_categorical_settings_are_checked():
    ctx = Context(backends={"judge": Scripted()})
    fn = registry.get("evaluation.protocol.categorical_label")
    with pytest.raises(ValueError, match="not one of the classes"):
        fn([rec("a")], {"class_scores": {"accept": 1}}, ctx)
    out = fn([rec("I cannot.", "Sure.")], {"classes": ["refuse", "other"]}, ctx)
    # "comply" is not a class here: the verdict is unparseable and kept raw
    assert [c["category"] for c in out[0]["candidates"]] == ["refuse", None]
    assert out[0]["judgements"][1]["parse_error"]


def test_score_conditioned_checks_its_targets():
    fn = registry.get("synthesis.sources.score_conditioned")
    with pytest.raises(ConfigError, match="within the scale"):
        fn([rec()], {"targets": [0, 6]}, Context(backends={"default": Scripted()}))


def test_score_conditioned_uses_the_record_rubric():
    backend = Scripted()
    fn = registry.get("synthesis.sources.score_conditioned")
    fn([{"prompt_id": "a", "prompt": "q", "rubric": "Is it concise?"}], {"targets": [3]},
       Context(backends={"teacher": backend}))
    assert "[Score rubric]\nIs it concise?" in backend.requests[0].messages[-1]["content"]


def test_self_play_proposals_parse_and_failures_stay():
    assert parse("**Task:** add\n**Answer:** 3") == {"task": "add", "answer": "3"}
    assert parse("Just a task") == {"task": "Just a task"}
    assert parse("Write f.\nTests:\nassert f() == 1")["tests"] == "assert f() == 1"
    out = registry.get("synthesis.sources.self_play")(
        [rec(pid="s")], {"keep_seed": False, "proposals": 2},
        Context(backends={"policy": Failing()}))
    assert [r["prompt_id"] for r in out] == ["s-sp0", "s-sp1"]
    assert all(r["errors"][0]["error"] == "HTTP 500: down" and not r.get("candidates")
               for r in out)


def test_self_play_solver_follows_the_seed_decoding_plan():
    seed = {"prompt_id": "s", "prompt": "q", "decoding": [{"temperature": 0.5, "seed": 1},
                                                          {"temperature": 1.0, "seed": 2}]}
    out = registry.get("synthesis.sources.self_play")([seed], {},
                                                      Context(backends={"policy": Scripted()}))
    assert [c["decoding"]["temperature"] for c in out[1]["candidates"]] == [0.5, 1.0]


def test_consensus_verdicts_are_yes_no_scores_so_pairs_get_no_margin():
    ctx = Context(backends={})
    out = registry.get("evaluation.evaluators.consensus_pseudo_label")(
        [rec("The answer is 4.", "The answer is 4.", "The answer is 7.", reference="4")], {},
        ctx)
    assert out[0]["pseudo_label_votes"] == {"4": 2, "7": 1}
    assert out[0]["pseudo_label_correct"] is True
    out = registry.get("instantiation.pairing.best_vs_worst")(out, {}, ctx)
    assert [(p["chosen"], p["rejected"], p["margin"]) for p in out[0]["pairs"]] == [
        ("c0", "c2", None)]
