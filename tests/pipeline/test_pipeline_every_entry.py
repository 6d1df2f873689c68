"""Every entry's pipeline runs and writes rows: four prompts (given responses with scores,
verdicts and comparisons, references, unit tests, a multi-turn conversation) and an
annotations file through each entry's recipe (one test per entry id), against the fake
OpenAI-compatible server (real HTTP) with the heuristic scorer as reward model. Rows are
required from every entry except those `unsuppliable` names, each with its reason: computed
from the recipe where it can be, listed by hand only for data-dependent selections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl
from scripted_backends import WithLogProbs

from alignscape.pipeline.backends.heuristic import HeuristicScorer
from alignscape.pipeline.backends.openai_http import OpenAIBackend
from alignscape.pipeline.entry_recipe import from_entry
from alignscape.pipeline.lint import GENERATED, READS_VERDICT, VERIFIES
from alignscape.pipeline.recipe import RecipeError
from alignscape.pipeline.runner import RunOptions, run
from alignscape.runtime import Context

GOOD = "Two plus two makes four: 2 + 2 = 4. The answer is 4."
WRONG = "It is five, clearly. The answer is 5."
REFUSAL = "I'm sorry, I cannot help with that"
# A convincing wrong answer (a hard example): longer and more detailed than the right one.
WRONG_LONG = ("Two and three make six, since adding three to two gives six: first take two, "
              "then count three more, one, two, three, and you reach six. The answer is 6.")
# What a preference dataset's line holds: given responses with their scores (and, where
# checked, whether they are correct), pairwise verdicts on them, a reference answer, mined and
# source texts. The loopback model answers "The answer
# is N" with N fixed by the prompt: right for m1 (4), wrong for m2 (4 for 2 + 3) and m3; m4 is
# code with unit tests, which its answers (prose) fail and one given response passes.
PROMPTS = [
    {"prompt_id": "m1", "prompt": "What is 2 + 2? Explain step by step.", "reference": "4",
     "text": "Four is the sum of two and two.",
     "responses": [{"text": GOOD, "score": 9, "votes": 3, "verified": True},
                   {"text": WRONG, "score": 3, "votes": 0, "verified": False},
                   {"text": REFUSAL, "score": 1, "votes": 1}],
     "annotations": [{"a": GOOD, "b": WRONG, "preference": 1},
                     {"a": REFUSAL, "b": GOOD, "preference": 2}],
     "mined": ["The answer is 4 because two plus two makes four, as everyone knows."]},
    {"prompt_id": "m2", "prompt": "What is 2 + 3? Explain step by step.", "reference": "5",
     "text": "Five is the sum of two and three.",
     "responses": [{"text": "Two plus three is five, so the answer is 5.", "score": 7,
                    "verified": True},
                   {"text": WRONG_LONG, "score": 6.5, "verified": False}],
     "annotations": [{"a": "Two plus three is five, so the answer is 5.", "b": WRONG_LONG,
                      "preference": 1}],
     "mined": ["Adding two and three gives five; the answer is 5."]},
    {"prompt_id": "m3", "prompt": [
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "2 + 2 = 4."},
        {"role": "user", "content": "And what is that number plus one?"}],
     "reference": "5",
     "responses": [{"text": "Four plus one is five. The answer is 5.", "score": 8},
                   {"text": "It stays four. The answer is 4.", "score": 2}],
     "annotations": [{"a": "Four plus one is five. The answer is 5.",
                      "b": "It stays four. The answer is 4.", "preference": 1}]},
    {"prompt_id": "m4", "prompt": "Write a Python function add(a, b) that returns a + b.",
     "tests": "assert add(2, 2) == 4\nassert add(-1, 1) == 0",
     "responses": [{"text": "```python\ndef add(a, b):\n    return a + b\n```", "score": 8},
                   {"text": "```python\ndef add(a, b):\n    return a - b\n```", "score": 2}]},
]
SEEDS = [p["prompt_id"] for p in PROMPTS]
# Human annotations of sampled candidates, as an annotation tool exports them: by candidate
# id, a comparison, ratings, gold step labels (the loopback model answers in one line, one
# step), a critique and a correction. m2's pair is rated nearly equal (an uncertain prompt),
# m1's far apart; m4's ratings disagree with the rater's head-to-head verdict (it prefers c0
# but rates c1 higher), as ratings and comparisons of one rater often do.
ANNOTATIONS = [row for pid, (hi, lo), answer in (("m1", (5, 1), 4), ("m2", (4, 3.6), 5),
                                                 ("m3", (4, 2), 5), ("m4", (2, 3), None))
               for row in ({"prompt_id": pid, "a": "c0", "b": "c1", "preference": 1},
                           {"prompt_id": pid, "response": "c0", "score": hi,
                            "step_labels": [True],
                            "critique": "Correct, but the steps could be spelled out."},
                           {"prompt_id": pid, "response": "c1", "score": lo,
                            "step_labels": [False],
                            "correction": "Corrected step by step." +
                            (f" The answer is {answer}." if answer else "")})]

ENTRY_IDS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "catalog" /
                                    "entries").glob("*.yaml"))
# The fast subset runs these (the recipes of issue 16 and one entry per family of recipe
# shape); the full sweep over every entry is marked slow. Both require rows.
SAMPLE = ["west_of_n", "kimi_k15", "rlaif", "self_rewarding", "ultrafeedback", "dpo", "kto",
          "spin", "math_shepherd", "constitutional_ai", "alpacafarm", "hh_rlhf",
          "grpo_deepseekmath", "preference_leakage", "nash_md", "gkd", "rewordbench"]
PARAMS = [pytest.param(e, marks=() if e in SAMPLE else pytest.mark.slow) for e in ENTRY_IDS]


# Evaluators that judge a candidate by its final answer or by how it was made, not by reading
# it: they tell samples apart only because the loopback model's seeded samples reach different
# final answers (FakeServer(vary_answers=True)).
ANSWER_CHECKS = {"evaluation.evaluators.rule_verifier", "evaluation.evaluators.execution_verifier",
                 "evaluation.evaluators.consensus_pseudo_label",
                 "evaluation.evaluators.construction_implied"}
# Data-dependent selections that these four prompts do not satisfy (each checked by hand in
# records.jsonl; not provably impossible, so not the lint's).
NOT_ON_THESE_PROMPTS = {
    "alignment_potential": "margin_based keeps only the best and the worst candidate, then "
                           "hard_example_mining keeps only misjudged ones: on these prompts the "
                           "two are never both",
    "difficulty_reward_gap_selection": "the same margin_based then hard_example_mining chain",
    "iupo": "uncertainty_based keeps a prompt only when its two best verdicts are close, which "
            "with pass/fail verdicts means two correct samples beside an incorrect one to pair: "
            "no prompt's four samples give that here",
}


def unsuppliable(recipe) -> str | None:
    """Why these inputs cannot make the recipe write rows, read off its stages; None when
    they can (and the test then requires rows)."""
    runs = [s.runs for s in recipe.stages]
    if not recipe.formats:
        return "the recipe writes no training rows (instantiation not applicable)"
    sources = [r for r in runs if r.startswith("synthesis.sources.")]
    generated = bool(sources) and all(r in GENERATED for r in sources)
    evaluators = {r for r in runs if r.startswith("evaluation.evaluators.")}
    verdict_readers = [i for i, r in enumerate(runs) if r in READS_VERDICT]
    if generated and verdict_readers and evaluators & VERIFIES <= {
            "evaluation.evaluators.execution_verifier"} and evaluators & VERIFIES:
        return "keeps only generated code that passes unit tests; the loopback model writes prose"
    return NOT_ON_THESE_PROMPTS.get(recipe.entry)


def prepare(recipe, annotations: Path) -> None:
    """Settings the test supplies: the annotations file, pool models, fewer samples."""
    # Statistical rejection accepts each sample with probability exp(-gap / beta): it needs a
    # pool to accept two from.
    thinned = any(s.runs.endswith(".statistical_rejection") for s in recipe.stages)
    # Judged by final answers alone, two samples agree on a third of the prompts; four give
    # a prompt a right and a wrong one more often (fake_server's vary_answers).
    by_answer = {s.runs for s in recipe.stages
                 if s.runs.startswith("evaluation.evaluators.")} <= ANSWER_CHECKS | VERIFIES
    for stage in recipe.stages:
        if stage.runs.endswith(".human"):
            stage.config["path"] = str(annotations)
        if stage.runs.endswith(".multi_model_pool"):
            stage.config.setdefault("models", ["m-a", "m-b", "m-c"])
        # Fewer samples than the papers' 16-64, to keep the suite fast; same code paths.
        if stage.runs.endswith(".repeated_sampling"):
            stage.config["n"] = 8 if thinned else 4 if by_answer else 2
        if stage.runs.endswith(".step_search"):
            stage.config["rollouts"] = 2
        # Score bars on the heuristic scorer's scale: its rewards differ by tenths.
        if stage.runs.endswith((".margin_threshold", ".margin_based")):
            stage.config["min_margin"] = 0.05


def backends(url: str) -> dict:
    """The loopback server for text; the roles whose log-probabilities a recipe reads
    (policy, teacher) get them by the scripted rule, since a chat-completions server cannot
    give the log-probabilities of a given text."""
    http = OpenAIBackend(model="fake", base_url=url, max_retries=0, timeout=10)
    return {"default": http, "policy": WithLogProbs(http), "teacher": WithLogProbs(http),
            "reward": HeuristicScorer()}


@pytest.fixture(scope="module")
def fake():
    with FakeServer(vary_answers=True) as s:
        yield s


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-entry")
    return (write_jsonl(folder / "prompts.jsonl", PROMPTS),
            write_jsonl(folder / "ann.jsonl", ANNOTATIONS))


def test_every_entry_is_tested():
    assert len(ENTRY_IDS) > 100


def test_sample_entries_exist():
    assert set(SAMPLE) <= set(ENTRY_IDS)


@pytest.mark.parametrize("entry_id", PARAMS)
def test_entry_pipeline_runs_end_to_end(catalog, fake, inputs, tmp_path, entry_id):
    prompts, annotations = inputs
    entry = catalog[entry_id]
    try:
        recipe = from_entry(entry, catalog)
    except RecipeError as exc:
        # Only entries with every stage not applicable have no pipeline (test_pipeline_links).
        assert "not_applicable" in str(exc), exc
        pytest.skip("every stage is not applicable")
    prepare(recipe, annotations)
    out = tmp_path / entry.id
    with Context(backends=backends(fake.url), seed=0, entry=entry.id) as ctx:
        report = run(recipe, prompts, out, ctx, RunOptions(batch_size=2, progress=False,
                                                           parquet=False))
    records = read_jsonl(out / "records.jsonl")
    seeds = [r["prompt_id"] for r in records if not r.get("seed_prompt_id")]
    assert seeds == SEEDS  # generated prompts come on top, never instead
    assert len({r["prompt_id"] for r in records}) == len(records)
    fatal = [e for r in records for e in r.get("errors", []) if e.get("fatal")]
    assert not fatal, fatal
    for fmt in recipe.formats:
        for row in read_jsonl(out / f"{fmt.option}.jsonl"):
            assert json.loads(row["provenance"])["entry"] == entry.id
    assert report["records"] == len(records)
    rows = sum(report["rows"].values())
    why = unsuppliable(recipe)
    if why is None:
        assert rows > 0, (f"{entry_id}: no rows from {len(records)} records; notes: "
                          f"{recipe.notes}; stages: {[s.use for s in recipe.stages]}")
    else:
        assert rows == 0, f"{entry_id} writes rows: drop its exclusion ({why})"


def test_exclusions_are_few_and_each_has_a_reason(catalog):
    """At most 5% of entries are excluded; the hand-kept ones must still exist."""
    reasons = {}
    for entry_id in ENTRY_IDS:
        try:
            recipe = from_entry(catalog[entry_id], catalog)
        except RecipeError:
            continue
        why = unsuppliable(recipe)
        if why:
            reasons.setdefault(why, []).append(entry_id)
    assert sum(len(v) for v in reasons.values()) <= 0.05 * len(ENTRY_IDS), reasons
    assert set(NOT_ON_THESE_PROMPTS) <= set(ENTRY_IDS)
