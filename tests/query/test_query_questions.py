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
             "demonstration": "pointwise"}


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
#   rlaif           llm_judge: annotation low, bias high -1 (position_swap) = medium;
#                   online + online_rl: compute high; off_policy: distribution low
#   ultrafeedback   llm_judge: annotation low, bias high; online_rl: compute high
#   instructgpt     human + reward_model: annotation high, bias medium, reward hacking high;
#                   mixed: distribution medium
#   hh_rlhf         human: annotation high, bias medium; no reward model: hacking unknown
#   dpo             human + reward_model: annotation high, bias medium, hacking high;
#                   single_round + direct_preference: compute low
#   kto             human: annotation high, bias medium; compute low
#   spin            construction_implied low but human_written sources high: annotation
#                   high (max); bias unknown; on_policy: distribution high;
#                   direct_preference: compute low
#   self_rewarding  self_judgement: annotation low, bias high; on_policy: distribution high;
#                   direct_preference: compute low
KNOWN = {"rlaif", "ultrafeedback", "instructgpt", "hh_rlhf", "dpo", "kto", "spin",
         "self_rewarding"}
TRADEOFF_QUESTIONS = [
    ("annotation_cost <= low", {"rlaif", "ultrafeedback", "self_rewarding"}),
    ("bias_risk < high", {"rlaif", "instructgpt", "hh_rlhf", "dpo", "kto"}),
    ("bias_risk is unknown", {"spin"}),
    ("distribution_match >= high", {"spin", "self_rewarding"}),
    ("compute_cost <= low", {"dpo", "kto", "spin", "self_rewarding"}),
    ("reward_hacking_risk >= high", {"instructgpt", "dpo"}),
    ("not (evaluators has human) and policy_relation = on_policy and bias_risk < high",
     set()),
    ("not (evaluators has human) and policy_relation = on_policy and not (bias_risk >= high)",
     {"spin"}),
    ("annotation_cost <= low and bias_risk <= medium", {"rlaif"}),
]


@pytest.mark.parametrize("expression, expected", TRADEOFF_QUESTIONS)
def test_tradeoff_questions(expression, expected, raw):
    assert KNOWN <= set(raw), "a hand-checked entry is gone"
    for entry_id in KNOWN:
        assert not raw[entry_id].get("tradeoffs"), f"{entry_id} now overrides a level"
    assert cli_ids(expression) & KNOWN == expected
