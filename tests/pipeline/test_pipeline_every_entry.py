"""Every entry's pipeline runs, not only builds: two prompts through each entry's recipe (one
test per entry id) against the fake OpenAI-compatible server (real HTTP) with the heuristic
scorer as reward model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl

from alignscape.pipeline.backends.heuristic import HeuristicScorer
from alignscape.pipeline.backends.openai_http import OpenAIBackend
from alignscape.pipeline.entry_recipe import from_entry
from alignscape.pipeline.recipe import RecipeError
from alignscape.pipeline.runner import RunOptions, run
from alignscape.runtime import Context

PROMPTS = [
    {"prompt_id": "m1", "prompt": "What is 2 + 2? Explain step by step.", "reference": "4",
     "tests": "assert 2 + 2 == 4", "text": "Four is the sum of two and two.",
     "responses": [{"text": "Two plus two is 4. The answer is 4.", "votes": 3},
                   {"text": "It is five, clearly. The answer is 5.", "votes": 0}],
     "mined": ["The answer is 4 because two plus two makes four, as everyone knows."]},
    {"prompt_id": "m2", "prompt": "Name a colour of the sky.", "reference": "blue",
     "tests": "assert True", "text": "The sky is blue on a clear day.",
     "responses": ["Blue, on a clear day.", "Green, always and everywhere."]},
]


ENTRY_IDS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "catalog" /
                                    "entries").glob("*.yaml"))
# The fast subset runs these (the recipes of issue 16 and one entry per family of recipe
# shape), and requires rows from them; the full sweep over every entry is marked slow.
SAMPLE = ["west_of_n", "kimi_k15", "rlaif", "self_rewarding", "ultrafeedback", "dpo", "kto",
          "spin", "math_shepherd", "constitutional_ai", "alpacafarm", "hh_rlhf",
          "grpo_deepseekmath", "preference_leakage", "nash_md"]
# dpo, kto and hh_rlhf make pairs from comparisons or scores that come with the input's
# responses, which these two prompts do not carry; grpo_deepseekmath classifies no evaluator.
REQUIRE_ROWS = set(SAMPLE) - {"dpo", "kto", "hh_rlhf", "grpo_deepseekmath"}
PARAMS = [pytest.param(e, marks=() if e in SAMPLE else pytest.mark.slow) for e in ENTRY_IDS]


@pytest.fixture(scope="module")
def fake():
    with FakeServer() as s:
        yield s


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-entry")
    prompts = write_jsonl(folder / "prompts.jsonl", PROMPTS)
    annotations = write_jsonl(folder / "ann.jsonl", [
        {"prompt_id": "m1", "a": "Two plus two is 4. The answer is 4.",
         "b": "It is five, clearly. The answer is 5.", "preference": 1},
        {"prompt_id": "m2", "response": "Blue, on a clear day.", "score": 5}])
    return prompts, annotations


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
    for stage in recipe.stages:
        if stage.runs.endswith(".human"):
            stage.config["path"] = str(annotations)
        if stage.runs.endswith(".multi_model_pool"):
            stage.config.setdefault("models", ["m-a", "m-b", "m-c"])
        # Fewer samples than the papers' 16-64, to keep the suite fast; same code paths.
        if stage.runs.endswith(".repeated_sampling"):
            stage.config["n"] = 2
        if stage.runs.endswith(".step_search"):
            stage.config["rollouts"] = 2
    http = OpenAIBackend(model="fake", base_url=fake.url, max_retries=0, timeout=10)
    out = tmp_path / entry.id
    with Context(backends={"default": http, "reward": HeuristicScorer()}, seed=0,
                 entry=entry.id) as ctx:
        report = run(recipe, prompts, out, ctx, RunOptions(batch_size=2, progress=False,
                                                           parquet=False))
    records = read_jsonl(out / "records.jsonl")
    seeds = [r["prompt_id"] for r in records if not r.get("seed_prompt_id")]
    assert seeds == ["m1", "m2"]  # generated prompts come on top, never instead
    assert len({r["prompt_id"] for r in records}) == len(records)
    fatal = [e for r in records for e in r.get("errors", []) if e.get("fatal")]
    assert not fatal, fatal
    for fmt in recipe.formats:
        for row in read_jsonl(out / f"{fmt.option}.jsonl"):
            assert json.loads(row["provenance"])["entry"] == entry.id
    assert report["records"] == len(records)
    if recipe.formats and entry_id in REQUIRE_ROWS:
        rows = sum(report["rows"].values())
        assert rows > 0, (f"{entry_id}: no rows from {len(records)} records; notes: "
                          f"{recipe.notes}; stages: {[s.use for s in recipe.stages]}")
