"""Table-driven tests of every registered stage: input records -> what the stage computes.

Each row names an option, its settings, the input record(s) and a function of the output that
must equal the expected value. Model-backed stages run against scripted backends (a judge that
answers by rule, a scorer that scores by length, a writer that echoes), so every row is exact.
The last test fails when a registered stage has no row."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from scripted_backends import LogProbs, NoLogProbs, Scripted

from alignscape.runtime import Backend, Context, Response
from alignscape.stages import registry

TESTED: set[str] = set()


def rec(*texts, pid="p", **extra):
    """A record with candidates c0, c1, ...; a text may be (text, {fields})."""
    cands = []
    for i, t in enumerate(texts):
        text, fields = (t if isinstance(t, tuple) else (t, {}))
        cands.append({"id": f"c{i}", "text": text, "origin": "x", "model": f"m{i}", **fields})
    return {"prompt_id": pid, "prompt": extra.pop("prompt", "What is two plus two?"),
            "candidates": cands, **extra}


def scored(*scores, **extra):
    return rec(*[(f"answer number {i}.", {"score": s}) for i, s in enumerate(scores)], **extra)


def ids(out, key="excluded"):
    return [c["id"] for c in out[0]["candidates"] if not c.get(key)]


def pairs(out):
    return [(p["chosen"], p["rejected"]) for p in out[0].get("pairs", [])]


def cols(out, key):
    return [p.get("columns", {}).get(key) for p in out[0]["pairs"]]


class Writer(Backend):
    """Generates 'ANSWER <n>' (or a verdict for judge prompts) deterministically."""
    name = "writer"

    def generate(self, requests):
        out = []
        for r in requests:
            text = r.messages[-1]["content"]
            if "[[A]]" in text:
                # prefers the shorter response shown, whatever its slot
                a = text.split("[Response A]\n")[1].split("\n\n[Response B]")[0]
                b = text.split("[Response B]\n")[1].split("\n\nWhich")[0]
                out.append(Response("[[A]]" if len(a) < len(b) else "[[B]]", "writer"))
            elif "Rating: [[N]]" in text:
                out.append(Response(f"Fine. Rating: [[{min(5, 1 + text.count('good'))}]]"))
            elif "Ranking:" in text:
                out.append(Response("Ranking: [2] > [1]"))
            elif "Verdict: yes" in text:
                shown = text.split("[Response]\n")[-1].split("\n\n")
                marked = [s for s in shown if s.startswith(">>>")] or shown[:1]
                out.append(Response("Verdict: yes" if "good" in marked[0] else "Verdict: no"))
            elif "Correct the response" in text:
                out.append(Response("corrected answer"))
            elif "Continue the solution" in text:
                out.append(Response("So the answer is 4."))
            else:
                out.append(Response(f"written: {text[:20]}", r.model or "writer"))
        return out


class Lengths(Backend):
    """Scores by word count; log-probabilities by character count (policy) or half that."""
    name = "lengths"
    can_generate, can_score = False, True

    def __init__(self, scale=1.0):
        self.scale = scale

    def score(self, prompts, responses):
        return [Response(None, meta={"score": float(len(r.split()))}) for r in responses]

    def logprob(self, prompt, response):
        return -len(response) * self.scale


ANNOTATIONS = Path(tempfile.mkdtemp()) / "annotations.jsonl"
ANNOTATIONS.write_text(json.dumps({"prompt_id": "p", "a": "m0", "b": "m1", "preference": 2})
                       + "\n" + json.dumps({"prompt_id": "p", "response": "c0", "score": 4})
                       + "\n")


def ctx(**roles):
    return Context(backends={"default": Writer(), **roles}, seed=0, entry="t")


CASES = [
    # synthesis.sampling
    ("synthesis.sampling.single_response", {}, [rec()], None,
     lambda o: [(s["temperature"], s["top_p"]) for s in o[0]["decoding"]], [(0.0, 1.0)]),
    ("synthesis.sampling.repeated_sampling", {"n": 2, "temperature": 0.5}, [rec()], None,
     lambda o: [s["temperature"] for s in o[0]["decoding"]], [0.5, 0.5]),
    ("synthesis.sampling.varied_decoding", {"settings": [{"temperature": 0.1}]}, [rec()], None,
     lambda o: len(o[0]["decoding"]), 1),
    # synthesis.selection
    ("synthesis.selection.keep_all", {}, [scored(1, 2)], None, ids, ["c0", "c1"]),
    ("synthesis.selection.best_of_n", {"keep": 1}, [scored(1, 3, 2)], None, ids, ["c1"]),
    ("synthesis.selection.threshold_filter", {"min_score": 2}, [scored(1, 3, 2)], None, ids,
     ["c1", "c2"]),
    ("synthesis.selection.margin_based", {"min_margin": 1.5}, [scored(1, 3, 2)], None, ids,
     ["c0", "c1"]),
    ("synthesis.selection.margin_based", {"min_margin": 5}, [scored(1, 3, 2)], None, ids, []),
    ("synthesis.selection.uncertainty_based", {"min_uncertainty": 0.5}, [scored(1, 1.2)], None,
     lambda o: (ids(o), round(o[0]["uncertainty"], 2)), (["c0", "c1"], 0.8)),
    ("synthesis.selection.uncertainty_based", {}, [scored(1, 3)], None, ids, []),
    ("synthesis.selection.diversity_based", {"k": 2},
     [rec("a b c", "a b c d", "x y z")], None, ids, ["c0", "c2"]),
    ("synthesis.selection.hard_example_mining", {},
     [rec(("w", {"score": 5, "verified": False}), ("r", {"score": 1, "verified": True}),
          ("w2", {"score": 0, "verified": False}))], None, ids, ["c0", "c1"]),
    # The annotators prefer c0, the evaluator scores c1 higher: c1 is hard, c0 its contrast.
    ("synthesis.selection.hard_example_mining", {},
     [scored(2, 3, 1, comparisons=[{"a": "c0", "b": "c1", "winner": "a"},
                                   {"a": "c0", "b": "c2", "winner": "a"}])], None, ids,
     ["c0", "c1"]),
    ("synthesis.selection.hard_example_mining", {},
     [scored(3, 2, comparisons=[{"a": "c0", "b": "c1", "winner": "a"}])], None, ids, []),
    ("synthesis.selection.statistical_rejection", {"k": 1, "beta": 0.01}, [scored(0, 5)], None,
     ids, ["c1"]),
    # synthesis.prompt_sources
    ("synthesis.prompt_sources.model_generated", {"per_seed": 2}, [rec(pid="s")], None,
     lambda o: [r["prompt_id"] for r in o], ["s", "s-gen0", "s-gen1"]),
    ("synthesis.prompt_sources.evolved", {"rounds": 2}, [rec()], None,
     lambda o: (len(o[0]["prompt_history"]), o[0]["prompt"].startswith("written")), (2, True)),
    ("synthesis.prompt_sources.backtranslated", {}, [{"prompt_id": "b", "text": "A text."}],
     None, lambda o: (o[0]["prompt"][:8], o[0]["candidates"][0]["text"]),
     ("written:", "A text.")),
    # synthesis.sources
    ("synthesis.sources.human_written", {},
     [{"prompt_id": "h", "prompt": "q", "responses": ["a", {"text": "b", "votes": 2}],
       "reference": "r"}], None,
     lambda o: [(c["text"], c.get("is_reference", False)) for c in o[0]["candidates"]],
     [("a", False), ("b", False), ("r", True)]),
    ("synthesis.sources.corpus_mining", {"min_words": 3},
     [{"prompt_id": "h", "prompt": "q", "mined": ["too short", "long enough text here"]}],
     None, ids, ["c1"]),
    ("synthesis.sources.policy_sampling", {"model": "pi"}, [{"prompt_id": "a", "prompt": "q"}],
     None, lambda o: [(c["origin"], c["model"]) for c in o[0]["candidates"]],
     [("policy_sampling", "pi")]),
    ("synthesis.sources.reference_model_sampling", {}, [{"prompt_id": "a", "prompt": "q"}],
     None, lambda o: [c["origin"] for c in o[0]["candidates"]], ["reference_model_sampling"]),
    ("synthesis.sources.stronger_model_distillation", {}, [{"prompt_id": "a", "prompt": "q"}],
     None, lambda o: [c["origin"] for c in o[0]["candidates"]],
     ["stronger_model_distillation"]),
    ("synthesis.sources.multi_model_pool", {"models": ["a", "b", "c"], "per_prompt": 2},
     [{"prompt_id": "a", "prompt": "q"}], None, lambda o: len(o[0]["candidates"]), 2),
    ("synthesis.sources.contrastive_prompting", {}, [{"prompt_id": "a", "prompt": "q"}], None,
     lambda o: [c["polarity"] for c in o[0]["candidates"]], ["positive", "negative"]),
    ("synthesis.sources.self_refinement", {}, [rec("first")], None,
     lambda o: [(c["origin"], c.get("parent")) for c in o[0]["candidates"]],
     [("x", None), ("self_refinement", "c0")]),
    ("synthesis.sources.perturbation", {"methods": ["swap_numbers"]}, [rec("It costs 12.")],
     None, lambda o: (o[0]["candidates"][1]["parent"], o[0]["candidates"][1]["polarity"],
                      o[0]["candidates"][1]["text"] != "It costs 12."), ("c0", "negative", True)),
    ("synthesis.sources.step_search", {"rollouts": 1},
     [rec("Two plus two.\n\nThe answer is 4.", reference="4")], None,
     lambda o: o[0]["candidates"][0]["step_labels"], [True, True]),
    ("synthesis.sources.hint_conditioned", {}, [rec("The answer is 5.", reference="4")], None,
     lambda o: [c.get("hinted", False) for c in o[0]["candidates"]], [False, True]),
    # evaluation.evaluators (no model)
    ("evaluation.evaluators.construction_implied", {},
     [rec(("ref", {"is_reference": True}), "gen", ("bad", {"origin": "perturbation",
                                                          "parent": "c1"}))], None,
     lambda o: [c["score"] for c in o[0]["candidates"]], [2.0, 0.0, -1.0]),
    ("evaluation.evaluators.implicit_signal", {"transform": "raw"},
     [rec(("a", {"votes": 3}), "b")], None,
     lambda o: [c.get("score") for c in o[0]["candidates"]], [3.0, None]),
    ("evaluation.evaluators.reference_metric", {"metric": "token_f1"},
     [rec("blue sky", "green", reference="blue sky")], None,
     lambda o: [c["score"] for c in o[0]["candidates"]], [1.0, 0.0]),
    ("evaluation.evaluators.rule_verifier", {}, [rec("The answer is 4.", "The answer is 5.",
                                                     reference="4")], None,
     lambda o: [c["verified"] for c in o[0]["candidates"]], [True, False]),
    # check judgement: the c0-c1 verdict picks the constructed better one (both judged
    # right; c1-c2 has no known order); c2's step verdicts match its gold labels; c3 has
    # nothing to check. Then a tie and an unparsed step verdict count as wrong.
    ("evaluation.evaluators.rule_verifier", {"check": "judgement"},
     [rec(("w", {"scores": {"construction": 1.0}}), ("l", {"scores": {"construction": -1.0}}),
          ("s", {"step_labels": [True, False], "gold_step_labels": [True, False]}), "x",
          comparisons=[{"a": "c0", "b": "c1", "winner": "a"},
                       {"a": "c1", "b": "c2", "winner": "b"}])], None,
     lambda o: [(c["verified"], c.get("score")) for c in o[0]["candidates"]],
     [(True, None), (True, None), (True, None), (None, None)]),
    ("evaluation.evaluators.rule_verifier", {"check": "judgement"},
     [rec(("w", {"scores": {"construction": 1.0}}), ("l", {"scores": {"construction": -1.0}}),
          ("s", {"step_labels": [True, None], "gold_step_labels": [True, False]}),
          comparisons=[{"a": "c0", "b": "c1", "winner": "tie"}])], None,
     lambda o: [c["verified"] for c in o[0]["candidates"]], [False, False, False]),
    ("evaluation.evaluators.execution_verifier", {"timeout": 5},
     [rec("```python\ndef f():\n    return 1\n```", "def f():\n    return 2",
          tests="assert f() == 1")], None,
     lambda o: [c["verified"] for c in o[0]["candidates"]], [True, False]),
    ("evaluation.evaluators.safety_classifier", {}, [rec("mail me at a@b.org", "fine")], None,
     lambda o: [c["unsafe"] for c in o[0]["candidates"]], [True, False]),
    ("evaluation.evaluators.reward_model", {}, [rec("one", "one two")],
     {"reward": Lengths()}, lambda o: [c["score"] for c in o[0]["candidates"]], [1.0, 2.0]),
    ("evaluation.evaluators.multi_agent", {},
     [rec("x", "y", comparisons=[{"a": "c0", "b": "c1", "winner": w, "judge": f"j{i}"}
                                 for i, w in enumerate("aab")])], None,
     lambda o: [(c["winner"], c["judge"]) for c in o[0]["comparisons"]][-1], ("a", "ensemble")),
    ("evaluation.evaluators.human", {"path": str(ANNOTATIONS)}, [rec("x", "y")], None,
     lambda o: (o[0]["comparisons"][0]["winner"], o[0]["candidates"][0]["score"]),
     ("b", 4.0)),
    # A prompt line's own annotations: no file needed; a critique stays on its candidate, a
    # correction becomes a child candidate; malformed ones are errors of the record.
    ("evaluation.evaluators.human", {},
     [rec("x", "y", annotations=[{"a": "x", "b": "y", "preference": 1},
                                 {"response": "c1", "score": 2, "critique": "Too short."},
                                 {"response": "y", "correction": "y, fixed"},
                                 {"response": "c0", "score": "high"}, "bad"])], None,
     lambda o: (o[0]["comparisons"][0]["winner"], o[0]["candidates"][1]["score"],
                o[0]["candidates"][1]["critique"],
                [(c["origin"], c.get("parent"), c["text"]) for c in o[0]["candidates"][2:]],
                [e["error"] for e in o[0]["errors"]]),
     ("a", 2.0, "Too short.", [("correction", "c1", "y, fixed")],
      ["annotations[3]: score must be a number", "annotations[4]: expected an object"])),
    # Gold step labels are kept apart from the step judge's own.
    ("evaluation.evaluators.human", {},
     [rec("x", annotations=[{"response": "c0", "step_labels": [True, False]},
                            {"response": "c0", "step_labels": [1]}])], None,
     lambda o: (o[0]["candidates"][0]["gold_step_labels"], "step_labels" in o[0]["candidates"][0],
                [e["error"] for e in o[0]["errors"]]),
     ([True, False], False, ["annotations[1]: step_labels must be a list of true/false"])),
    # model judges (scripted): the judge prefers the shorter response, rates by "good"
    ("evaluation.evaluators.llm_judge", {"protocols": ["pointwise_rating"]},
     [rec("good good", "bad")], None,
     lambda o: [c["score"] for c in o[0]["candidates"]], [3.0, 1.0]),
    ("evaluation.evaluators.self_judgement", {}, [rec("good", "bad")], None,
     lambda o: [c["score"] for c in o[0]["candidates"]], [2.0, 1.0]),
    ("evaluation.evaluators.constitution_guided", {}, [rec("short", "much longer one")], None,
     lambda o: (o[0]["comparisons"][0]["winner"], o[0]["comparisons"][0]["consistent"]),
     ("a", True)),
    ("evaluation.evaluators.preference_model", {}, [rec("much longer one", "short")], None,
     lambda o: o[0]["comparisons"][0]["winner"], "b"),
    ("evaluation.protocol.pointwise_rating", {}, [rec("good", "bad")], None,
     lambda o: [c["score"] for c in o[0]["candidates"]], [2.0, 1.0]),
    ("evaluation.protocol.pairwise_comparison", {"both_orders": True},
     [rec("short", "much longer one")], None,
     lambda o: (o[0]["comparisons"][0]["winner"], o[0]["comparisons"][0]["orders"]), ("a", 2)),
    ("evaluation.protocol.listwise_ranking", {}, [rec("x", "y")], None,
     lambda o: len(o[0]["ranking"]), 2),
    ("evaluation.protocol.binary_judgement", {}, [rec("good", "bad")], None,
     lambda o: [c["label"] for c in o[0]["candidates"]], [True, False]),
    ("evaluation.protocol.critique", {}, [rec("good")], None,
     lambda o: (o[0]["candidates"][0]["critique"][:5], o[0]["candidates"][0]["score"]),
     ("Fine.", 3.0)),  # the critique prompt itself says "good" once
    ("evaluation.protocol.correction", {}, [rec("wrong")], None,
     lambda o: [(c["origin"], c.get("parent")) for c in o[0]["candidates"]],
     [("x", None), ("correction", "c0")]),
    ("evaluation.granularity.step", {}, [rec("good step\n\nbad step")], None,
     lambda o: o[0]["candidates"][0]["step_labels"], [True, False]),
    ("evaluation.granularity.atomic", {"unit": "token"}, [rec("good bad")], None,
     lambda o: o[0]["candidates"][0]["atom_labels"], [True, False]),
    ("evaluation.dimensionality.multi_aspect", {"aspects": ["a", "b"]}, [rec("good")], None,
     lambda o: o[0]["candidates"][0]["aspects"], {"a": 2.0, "b": 2.0}),
    ("evaluation.bias_controls.length_control", {"alpha": 1.0}, [scored(1, 1)], None,
     lambda o: [round(c["score"], 6) for c in o[0]["candidates"]], [1.0, 1.0]),
    ("evaluation.bias_controls.length_control", {"alpha": 1.0},
     [rec(("a", {"score": 1}), ("a b c d e f g", {"score": 1}))], None,
     lambda o: [round(c["score"], 2) for c in o[0]["candidates"]], [2.0, 0.0]),
    # instantiation.pairing
    ("instantiation.pairing.best_vs_worst", {}, [scored(1, 5, 3)], None, pairs, [("c1", "c0")]),
    ("instantiation.pairing.best_vs_worst", {"ties": "keep"}, [scored(2, 2)], None,
     lambda o: o[0]["pairs"][0]["tie"], True),
    ("instantiation.pairing.best_vs_random", {}, [scored(1, 5)], None, pairs, [("c1", "c0")]),
    ("instantiation.pairing.all_pairs", {"max_pairs": 2}, [scored(1, 5, 3)], None, pairs,
     [("c1", "c0"), ("c1", "c2")]),
    ("instantiation.pairing.random_pairs", {"n": 1}, [scored(1, 5)], None, pairs,
     [("c1", "c0")]),
    ("instantiation.pairing.given_pairs", {},
     [rec("x", "y", comparisons=[{"a": "c0", "b": "c1", "winner": "b", "p_a": 0.0},
                                 {"a": "c0", "b": "c1", "winner": None}])], None,
     lambda o: (pairs(o), o[0]["pairs"][0]["margin"], o[0]["unjudged_pairs"]),
     ([("c1", "c0")], 1.0, 1)),
    ("instantiation.pairing.margin_threshold", {"min_margin": 2}, [scored(1, 5, 4)], None,
     pairs, [("c1", "c0"), ("c2", "c0")]),
    ("instantiation.pairing.reference_vs_generated", {},
     [rec("g", ("r", {"is_reference": True}))], None, pairs, [("c1", "c0")]),
    ("instantiation.pairing.revised_vs_original", {},
     [rec("o", ("r", {"origin": "self_refinement", "parent": "c0"}))], None, pairs,
     [("c1", "c0")]),
    ("instantiation.pairing.original_vs_perturbed", {},
     [rec("o", ("p", {"origin": "perturbation", "parent": "c0"}))], None, pairs,
     [("c0", "c1")]),
    ("instantiation.pairing.contrastive_pair", {},
     [rec(("n", {"origin": "contrastive_prompting", "polarity": "negative"}),
          ("p", {"origin": "contrastive_prompting", "polarity": "positive"}))], None, pairs,
     [("c1", "c0")]),
    ("instantiation.pairing.correct_vs_incorrect", {},
     [rec(("w", {"verified": False}), ("r", {"verified": True}), "u")], None, pairs,
     [("c1", "c0")]),
    # instantiation.filtering
    ("instantiation.filtering.drop_ties", {},
     [rec("a", "b", pairs=[{"chosen": "c0", "rejected": "c1", "tie": True}])], None,
     lambda o: (pairs(o), o[0]["pairs_filtered"]), ([], {"drop_ties": 1})),
    ("instantiation.filtering.score_threshold", {"min_score": 2}, [scored(1, 3), rec("u")],
     None, lambda o: [ids([r]) for r in o], [["c1"], []]),
    ("instantiation.filtering.correctness_filter", {"mode": "split"},
     [rec(("a", {"verified": True}), ("b", {"verified": False}), "c")], None,
     lambda o: (ids(o), o[0]["candidates"][1]["polarity"]), (["c0", "c1"], "negative")),
    ("instantiation.filtering.agreement_filter", {},
     [rec("a", "b", comparisons=[{"a": "c0", "b": "c1", "consistent": False}],
          pairs=[{"chosen": "c0", "rejected": "c1"}])], None, pairs, []),
    ("instantiation.filtering.deduplication", {}, [rec("Same text.", "same TEXT", "other")],
     None, ids, ["c0", "c2"]),
    ("instantiation.filtering.safety_filter", {"patterns": ["forbidden"]},
     [rec("a forbidden word", "fine", ("flagged", {"unsafe": True}))], None, ids, ["c1"]),
    ("instantiation.filtering.label_balance", {},
     [rec("a", "b", "c", comparisons=[{"a": "c0", "b": "c1"}, {"a": "c2", "b": "c0"}],
          pairs=[{"chosen": "c0", "rejected": "c1"}, {"chosen": "c0", "rejected": "c2"}])],
     None, lambda o: cols(o, "chosen_position"), ["first", "second"]),
    ("instantiation.filtering.length_filter", {"max_ratio": 2.0},
     [rec("one two three four five", "one", pairs=[{"chosen": "c0", "rejected": "c1"},
                                                   {"chosen": "c1", "rejected": "c0"}])],
     None, pairs, [("c1", "c0")]),
    # instantiation.weighting
    ("instantiation.weighting.margin_weighted", {"scale": 2},
     [rec("a", "b", pairs=[{"chosen": "c0", "rejected": "c1", "margin": 1.5}])], None,
     lambda o: (o[0]["pairs"][0]["margin"], cols(o, "margin_known")), (3.0, [True])),
    ("instantiation.weighting.label_smoothing", {},
     [rec("a", "b", comparisons=[{"a": "c1", "b": "c0", "p_a": 0.25}],
          pairs=[{"chosen": "c0", "rejected": "c1"}])], None,
     lambda o: cols(o, "label_confidence"), [0.75]),
    ("instantiation.weighting.soft_labels", {"temperature": 1.0},
     [rec("a", "b", pairs=[{"chosen": "c0", "rejected": "c1", "margin": 0.0}])], None,
     lambda o: cols(o, "preference_probability"), [0.5]),
    ("instantiation.weighting.importance_weighted", {"clip": 100},
     [rec("aaaa", "aa", pairs=[{"chosen": "c0", "rejected": "c1"}])],
     {"policy": Lengths(1.0), "reference": Lengths(0.5)}, lambda o: cols(o, "chosen_importance_weight")[0] < cols(o, "rejected_importance_weight")[0], True),  # noqa: E501
    ("instantiation.weighting.aspect_weighted", {"weights": {"a": 3, "b": 1}},
     [rec(("x", {"aspects": {"a": 4, "b": 0}}))], None,
     lambda o: o[0]["candidates"][0]["score"], 3.0),
    ("instantiation.weighting.cost_constrained", {},
     [rec(("x", {"cost": 1}), ("y", {"aspects": {"harmlessness": 5}}),
          pairs=[{"chosen": "c0", "rejected": "c1"}])], None,
     lambda o: cols(o, "safer"), ["rejected"]),
    ("instantiation.weighting.length_regularized", {},
     [rec("a b c", "d", pairs=[{"chosen": "c0", "rejected": "c1"}])], None,
     lambda o: (cols(o, "chosen_length"), o[0]["candidates"][1]["columns"]["length"]),
     ([3], 1)),
    ("instantiation.weighting.maxmin_groups", {"group_field": "pool"},
     [rec("a", "b", pool=7, pairs=[{"chosen": "c0", "rejected": "c1"}])], None,
     lambda o: cols(o, "annotator_group"), ["7"]),
    ("instantiation.weighting.segment_weighted", {},
     [rec("the cat sat", "the dog sat", pairs=[{"chosen": "c0", "rejected": "c1"}])], None,
     lambda o: cols(o, "chosen_segments"), [[[4, 7]]]),
    # the 2025-26 options (scripted backends: tests/pipeline/scripted_backends.py)
    ("synthesis.sources.score_conditioned", {"targets": [1, 5], "score_from_target": True},
     [{"prompt_id": "a", "prompt": "q"}], {"teacher": Scripted()},
     lambda o: [(c["text"], c["target_score"], c["score"]) for c in o[0]["candidates"]],
     [("a response worth 1", 1, 1.0), ("a response worth 5", 5, 5.0)]),
    ("synthesis.sources.self_play", {}, [{"prompt_id": "s", "prompt": "What is 1 + 1?"}],
     {"policy": Scripted()},
     lambda o: [(r["prompt_id"], r["prompt"], r.get("reference"), r.get("tests"),
                 [c["text"] for c in r.get("candidates", [])]) for r in o],
     [("s", "What is 1 + 1?", None, None, []),
      ("s-sp0", "What is 3 + 3?", "6", "assert 3 + 3 == 6", ["The answer is 6."])]),
    ("evaluation.evaluators.consensus_pseudo_label", {},
     [rec("The answer is 4.", "So \\boxed{4}.", "The answer is 5.", "no idea")], None,
     lambda o: ([(c["verified"], c["score"]) for c in o[0]["candidates"]],
                o[0]["pseudo_label"], o[0]["pseudo_label_share"]),
     ([(True, 1.0), (True, 1.0), (False, 0.0), (False, 0.0)], "4", 0.5)),
    ("evaluation.evaluators.consensus_pseudo_label", {},  # a tie: the first answer wins
     [rec("The answer is 5.", "The answer is 4.")], None,
     lambda o: (o[0]["pseudo_label"], [c["verified"] for c in o[0]["candidates"]]),
     ("5", [True, False])),
    ("evaluation.evaluators.consensus_pseudo_label", {"ties": "none"},
     [rec("The answer is 5.", "The answer is 4.")], None,
     lambda o: (o[0]["pseudo_label"], [c["verified"] for c in o[0]["candidates"]],
                [c.get("score") for c in o[0]["candidates"]]), (None, [None, None], [None, None])),
    ("evaluation.evaluators.intrinsic_confidence", {}, [rec("aa bbbb", "c")],
     {"policy": LogProbs()}, lambda o: [c["score"] for c in o[0]["candidates"]], [3.0, 1.0]),
    ("evaluation.evaluators.intrinsic_confidence", {"measure": "mean_logprob"},
     [rec("aa bbbb", ("c", {"token_logprobs": [-0.5, -1.5]}))], {"policy": LogProbs()},
     lambda o: [c["score"] for c in o[0]["candidates"]], [-3.0, -1.0]),
    ("evaluation.evaluators.intrinsic_confidence", {}, [rec("aa")], {"policy": NoLogProbs()},
     lambda o: (o[0]["candidates"][0].get("score"), "cannot give token log-probabilities"
                in o[0]["errors"][0]["error"]), (None, True)),
    ("evaluation.evaluators.teacher_model", {}, [rec("aa bbbb", "c")],
     {"teacher": LogProbs()}, lambda o: [(c["score"], c["teacher_logprobs"])
                                         for c in o[0]["candidates"]],
     [(-3.0, [-2.0, -4.0]), (-1.0, [-1.0])]),
    ("evaluation.evaluators.teacher_model", {"signal": "reverse_kl"}, [rec("aa bbbb")],
     {"teacher": LogProbs(1.0), "policy": LogProbs(0.5)},
     lambda o: (o[0]["candidates"][0]["token_advantages"], o[0]["candidates"][0]["score"]),
     ([-1.0, -2.0], -1.5)),
    ("evaluation.evaluators.model_verifier", {},
     [rec("It is four, i.e. 4.", "It is 5.", reference="4"), rec("x", pid="q")],
     {"verifier": Scripted()},
     lambda o: ([(c["verified"], c["score"]) for c in o[0]["candidates"]],
                o[1]["candidates"][0].get("verified"), o[1]["errors"][0]["error"]),
     ([(True, 1.0), (False, 0.0)], None, "no reference answer to verify against")),
    ("evaluation.protocol.rubric_checklist", {},
     [rec("apples and pears", "apples only",
          rubric=["mentions apples", {"criterion": "mentions pears", "weight": 3}])],
     {"judge": Scripted()},
     lambda o: [(c["score"], [v["verdict"] for v in c["checklist"]])
                for c in o[0]["candidates"]], [(1.0, [True, True]), (0.25, [True, False])]),
    ("evaluation.protocol.rubric_checklist", {"checklist": ["says yes"]}, [rec("yes", "no")],
     {"judge": Scripted()}, lambda o: [c["score"] for c in o[0]["candidates"]], [1.0, 0.0]),
    ("evaluation.protocol.categorical_label",
     {"class_scores": {"comply": 1, "partial": 0.5, "refuse": 0}},
     [rec("I cannot help.", "Sure, here it is.", "No, but here is a hint.")],
     {"judge": Scripted()},
     lambda o: [(c["category"], c["score"]) for c in o[0]["candidates"]],
     [("refuse", 0.0), ("comply", 1.0), ("partial", 0.5)]),
    ("evaluation.protocol.categorical_label", {}, [rec("I cannot help.")],
     {"judge": Scripted()},
     lambda o: (o[0]["candidates"][0]["category"], o[0]["candidates"][0].get("score")),
     ("refuse", None)),
    ("instantiation.filtering.zero_variance_group_filter", {},
     [scored(1, 1, 1), scored(0, 1, None), scored(1)], None,
     lambda o: [(ids([r]), r["zero_variance"]) for r in o],
     [([], True), (["c0", "c1", "c2"], False), ([], True)]),
    ("instantiation.filtering.zero_variance_group_filter", {"tolerance": 0.1},
     [scored(0.5, 0.55)], None,
     lambda o: o[0]["candidates"][0]["excluded"],
     "zero_variance_group_filter: all 2 scores within 0.1 (0.5 to 0.55)"),
    # instantiation.formats (rows)
    ("instantiation.formats.pairwise", {"style": "conversational"},
     [rec("a", "b", pairs=[{"chosen": "c1", "rejected": "c0", "margin": 1}])], None,
     lambda o: (o[0]["chosen"], o[0]["margin"]),
     ([{"role": "assistant", "content": "b"}], 1)),
    ("instantiation.formats.pointwise_scalar", {}, [scored(1, None)], None,
     lambda o: [r["reward"] for r in o], [1.0]),
    ("instantiation.formats.binary_label", {"threshold": 2},
     [rec(("a", {"verified": False}), ("b", {"score": 3}), "c")], None,
     lambda o: [(r["completion"], r["label"]) for r in o], [("a", False), ("b", True)]),
    ("instantiation.formats.multi_aspect", {}, [rec(("a", {"aspects": {"z": 1, "h": 2}}))],
     None, lambda o: (o[0]["aspects"], o[0]["aspect_scores"]), (["h", "z"], [2, 1])),
    ("instantiation.formats.natural_language_feedback", {}, [rec(("a", {"critique": "ok"}), "b")],
     None, lambda o: [r["feedback"] for r in o], ["ok"]),
    ("instantiation.formats.demonstration", {"per_prompt": 1}, [scored(1, 3)], None,
     lambda o: [r["completion"] for r in o], ["answer number 1."]),
    ("instantiation.formats.listwise", {}, [scored(1, 3)], None,
     lambda o: o[0]["scores"], [3, 1]),
    ("instantiation.formats.groupwise", {"scale_std": False}, [scored(1, 3)], None,
     lambda o: o[0]["advantages"], [-1.0, 1.0]),
    ("instantiation.formats.step_level", {},
     [rec(("a", {"steps": ["s1", "s2"], "step_labels": [True, False]}),
          ("b", {"steps": ["s1"], "step_labels": [None]}))], None,
     lambda o: [r["labels"] for r in o], [[True, False]]),
]


@pytest.mark.parametrize("option, config, records, roles, extract, expected", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_stage_computes(option, config, records, roles, extract, expected):
    TESTED.add(option)
    fn = registry.get(option)
    out = fn(json.loads(json.dumps(records)), config, ctx(**(roles or {})))
    assert extract(out) == expected
    if not fn.rows:
        assert all(option in r.get("trace", []) for r in out)


def test_every_registered_stage_has_a_row():
    assert set(registry.stages()) - {c[0] for c in CASES} == set()


@pytest.mark.parametrize("option", sorted(registry.stages()))
def test_declared_defaults_are_valid_settings(option):
    fn = registry.get(option)
    settings = fn.settings({}, complete=False)
    assert set(settings) == set(fn.params)
    for name, param in fn.params.items():
        assert param.doc and param.type_name, (option, name)
