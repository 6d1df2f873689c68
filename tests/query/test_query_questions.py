"""Questions a user would ask of the real catalog, answered through the command line.

Facet, kind, year and text questions are checked against answers computed here from the raw
YAML of every entry with plain Python (no query engine, no catalog model), so they stay right
as the catalog grows. Trade-off questions are checked on a fixed set of well-known entries
whose levels were worked out by hand from tradeoffs.yaml (the reasoning is in the comments).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
import yaml

from alignscape.cli import main

ROOT = Path(__file__).resolve().parents[2]
# instantiation.structure as taxonomy.yaml derives it from each format (typed here by hand).
STRUCTURE = {"pointwise_scalar": "pointwise", "pairwise": "pairwise", "listwise": "listwise",
             "groupwise": "listwise", "binary_label": "pointwise", "multi_aspect": "pointwise",
             "step_level": "pointwise", "natural_language_feedback": "pointwise",
             "demonstration": "pointwise", "user_conditioned": "pairwise"}


@pytest.fixture(scope="module")
def raw():
    out = {}
    for path in sorted((ROOT / "catalog" / "entries").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[data["id"]] = data
    return out


def stage(data, name):
    return data["pipeline"].get(name) or {}


def evaluators(data):
    return stage(data, "evaluation").get("evaluators", [])


def texts(data, summary=True):
    parts = [data["name"], *data.get("aliases", [])] + ([data["summary"]] if summary else [])
    return [" ".join(p.lower().split()) for p in parts]


def cli_ids(expression):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--root", str(ROOT), "query", "--format", "ids", expression])
    assert code == 0, expression
    return set(out.getvalue().split())


QUESTIONS = {
    "Which datasets are labelled by an LLM judge?": (
        "kind = dataset and evaluators has llm_judge",
        lambda d: d["kind"] == "dataset" and "llm_judge" in evaluators(d)),
    "What since 2024 samples on-policy and checks answers with rules or code execution?": (
        "year >= 2024 and synthesis.policy_relation = on_policy"
        " and evaluation.evaluators in (rule_verifier, execution_verifier)",
        lambda d: d["year"] >= 2024
        and stage(d, "synthesis").get("policy_relation") == "on_policy"
        and bool({"rule_verifier", "execution_verifier"} & set(evaluators(d)))),
    "What produces step-level supervision, as a format or as the unit judged?": (
        "formats has step_level or granularity has step",
        lambda d: "step_level" in stage(d, "instantiation").get("formats", [])
        or "step" in stage(d, "evaluation").get("granularity", [])),
    "Online pipelines that do not rely on a reward model": (
        "iteration = online and not evaluators has reward_model",
        lambda d: d["pipeline"].get("iteration") == "online"
        and "reward_model" not in evaluators(d)),
    "Which train on list- or group-wise signals?": (
        "instantiation.structure has listwise",
        lambda d: "listwise" in {STRUCTURE[f] for f in
                                 stage(d, "instantiation").get("formats", [])}),
    "Everything with DPO in its name or aliases": (
        "name ~ dpo",
        lambda d: any("dpo" in t for t in texts(d, summary=False))),
    "2023 work that mentions a reward model anywhere in its description": (
        'text ~ "reward model" and year = 2023',
        lambda d: d["year"] == 2023 and any("reward model" in t for t in texts(d))),
    "Off-policy, human-judged, multi-aspect data": (
        "policy_relation = off_policy and evaluators has human"
        " and evaluation.dimensionality = multi_aspect",
        lambda d: stage(d, "synthesis").get("policy_relation") == "off_policy"
        and "human" in evaluators(d)
        and stage(d, "evaluation").get("dimensionality") == "multi_aspect"),
    "Datasets judged by someone other than people (and judged at all)": (
        "kind = dataset and evaluators != human",
        lambda d: d["kind"] == "dataset" and bool(evaluators(d))
        and "human" not in evaluators(d)),
    "Systems or benchmarks from 2022 to 2023 that mine responses from existing corpora "
    "or let humans write them": (
        "kind in (system, benchmark) and year in 2022..2023"
        " and sources in (corpus_mining, human_written)",
        lambda d: d["kind"] in ("system", "benchmark") and 2022 <= d["year"] <= 2023
        and bool({"corpus_mining", "human_written"}
                 & set(stage(d, "synthesis").get("sources", [])))),
}


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_facet_questions(question, raw):
    expression, predicate = QUESTIONS[question]
    expected = {entry_id for entry_id, data in raw.items() if predicate(data)}
    assert expected, f"the question should have answers today: {question}"
    assert cli_ids(expression) == expected


# Levels worked out by hand from tradeoffs.yaml and each entry's YAML (none overrides these):
#   rlaif           llm_judge: annotation low; position high -1 (position_swap) = medium,
#                   length high, so bias_risk (the worst component) high; online + online_rl:
#                   compute high; llm judge optimised online: reward hacking high
#   ultrafeedback   llm_judge: annotation low; length high, judge related to the pool's
#                   models: self-preference high, so bias high; RM used in PPO: hacking high
#   instructgpt     human + reward_model: annotation high; reward model: length high, so bias
#                   high; reward model optimised online: hacking high
#   hh_rlhf         human: annotation high, position low, length medium, self-preference
#                   low: bias medium; its labels train a reward model for online RL
#                   (online_rl): hacking high
#   dpo, kto        synthesis and evaluation open: annotation (kto: binary labels, medium)
#                   and distribution are set by the data; single_round + direct_preference:
#                   compute low; dpo only (pairwise, reference model): length high
#                   (dpo_length_exploitation), so bias high, and hacking medium
#                   (daa_overoptimisation); kto's bias and hacking stay set by the data
#   spin            construction_implied (priority over human_written sources): annotation
#                   low; no judge: position and self-preference low, length unknown, so bias
#                   unknown (a missing component could be the worst); on_policy: distribution
#                   high; iterative: compute medium
#   self_rewarding  self_judgement: annotation low, length high so bias high, hacking high;
#                   on_policy: distribution high; iterative: compute medium
KNOWN = {"rlaif", "ultrafeedback", "instructgpt", "hh_rlhf", "dpo", "kto", "spin",
         "self_rewarding"}
TRADEOFF_QUESTIONS = [
    ("annotation_cost <= low", {"rlaif", "ultrafeedback", "spin", "self_rewarding"}),
    ("bias_risk < high", {"hh_rlhf"}),
    ("bias_risk is unknown", {"kto", "spin"}),
    ("distribution_match >= high", {"spin", "self_rewarding"}),
    ("compute_cost <= low", {"dpo", "kto"}),
    ("reward_hacking_risk >= high",
     {"rlaif", "ultrafeedback", "instructgpt", "hh_rlhf", "self_rewarding"}),
    ("not (evaluators has human) and policy_relation = on_policy and bias_risk is unknown",
     {"spin"}),
    ("not (evaluators has human) and policy_relation = on_policy and not (bias_risk >= high)",
     {"spin"}),
    ("annotation_cost <= low and bias_risk is unknown", {"spin"}),
]


@pytest.mark.parametrize("expression, expected", TRADEOFF_QUESTIONS)
def test_tradeoff_questions(expression, expected, raw):
    assert KNOWN <= set(raw), "a hand-checked entry is gone"
    for entry_id in KNOWN:
        assert not raw[entry_id].get("tradeoffs"), f"{entry_id} now overrides a level"
    assert cli_ids(expression) & KNOWN == expected
