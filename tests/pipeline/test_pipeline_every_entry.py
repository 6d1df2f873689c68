"""Every entry's pipeline runs, not only builds: two prompts through each recipe against the
fake OpenAI-compatible server (real HTTP) with the heuristic scorer as reward model."""

from __future__ import annotations

import json

import pytest
from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl

from alignscape.pipeline.backends.heuristic import HeuristicScorer
from alignscape.pipeline.backends.openai_http import OpenAIBackend
from alignscape.pipeline.context import Context
from alignscape.pipeline.recipe import RecipeError, from_entry
from alignscape.pipeline.runner import RunOptions, run

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


@pytest.fixture(scope="module")
def fake():
    with FakeServer() as s:
        yield s


def test_every_entry_pipeline_runs_end_to_end(catalog, fake, tmp_path):
    prompts = write_jsonl(tmp_path / "prompts.jsonl", PROMPTS)
    annotations = write_jsonl(tmp_path / "ann.jsonl", [
        {"prompt_id": "m1", "a": "Two plus two is 4. The answer is 4.",
         "b": "It is five, clearly. The answer is 5.", "preference": 1},
        {"prompt_id": "m2", "response": "Blue, on a clear day.", "score": 5}])
    http = OpenAIBackend(model="fake", base_url=fake.url, max_retries=0, timeout=10)
    scorer = HeuristicScorer()
    ran = 0
    for entry in catalog:
        try:
            recipe = from_entry(entry, catalog)
        except RecipeError:
            continue  # test_pipeline_links checks that only all-not-applicable entries fail
        for stage in recipe.stages:
            if stage.option == "human":
                stage.config["path"] = str(annotations)
            if stage.option == "multi_model_pool":
                stage.config.setdefault("models", ["m-a", "m-b", "m-c"])
            # Fewer samples than the papers' 16-64, to keep the suite fast; same code paths.
            if stage.option == "repeated_sampling":
                stage.config["n"] = 2
            if stage.option == "step_search":
                stage.config["rollouts"] = 2
        ctx = Context(backends={"default": http, "reward": scorer}, seed=0, entry=entry.id)
        out = tmp_path / entry.id
        report = run(recipe, prompts, out, ctx, RunOptions(batch_size=2, progress=False,
                                                           parquet=False))
        records = read_jsonl(out / "records.jsonl")
        seeds = [r["prompt_id"] for r in records if not r.get("seed_prompt_id")]
        assert seeds == ["m1", "m2"], entry.id  # generated prompts come on top, never instead
        assert len({r["prompt_id"] for r in records}) == len(records), entry.id
        fatal = [e for r in records for e in r.get("errors", []) if e.get("fatal")]
        assert not fatal, (entry.id, fatal)
        for fmt in recipe.formats:
            for row in read_jsonl(out / f"{fmt.option}.jsonl"):
                assert json.loads(row["provenance"])["entry"] == entry.id
        assert report["records"] == len(records)
        ran += 1
    assert ran >= len(catalog) - 5
