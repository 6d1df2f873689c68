"""The pipeline benchmark's two implementations agree, ties included: ranked by score, equal
scores in input order; chosen = earliest of the best, rejected = latest of the worst; all
equal makes a tie, dropped (no pair, no binary labels); listwise keeps every scored candidate
in that order."""

from __future__ import annotations

import json

import pytest

from alignscape.bench import pipeline
from alignscape.cli import main as cli_main

pytest.importorskip("pandas")


def _write(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for pid, scores in rows:
            fh.write(json.dumps({"prompt_id": pid, "prompt": f"q {pid}", "responses": [
                {"text": f"{pid}-{i}", "model": f"m{i}", "score": s}
                for i, s in enumerate(scores)]}) + "\n")


def _run_both(tmp_path, rows):
    source = tmp_path / "in.jsonl"
    _write(source, rows)
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(pipeline.RECIPE, encoding="utf-8")
    ours, theirs = tmp_path / "ours", tmp_path / "pandas"
    assert cli_main(["run", "--recipe", str(recipe), "--prompts", str(source), "--out",
                     str(ours), "--no-progress", "--no-parquet", "--batch-size", "2"]) == 0
    pipeline.pandas_instantiate(source, theirs)
    counts = pipeline.compare(ours, theirs)
    return ours, counts


def test_tie_breaking_is_stated_and_shared(tmp_path):
    ours, counts = _run_both(tmp_path, [
        ("a", [5, 9, 9, 1, 1]),   # best: a-1 (earliest 9), worst: a-4 (latest 1)
        ("b", [3, 3, 3]),         # all equal: a tie, dropped
        ("c", [2, 7]),
        ("d", [4]),               # one candidate: no pair, no listwise row
        ("e", [8, 8, 2, 2, 8])])  # best e-0, worst e-3
    pairs = [(r["prompt_id"], r["chosen"], r["rejected"])
             for r in map(json.loads, open(ours / "pairwise.jsonl", encoding="utf-8"))]
    assert pairs == [("a", "a-1", "a-4"), ("c", "c-1", "c-0"), ("e", "e-0", "e-3")]
    labels = [(r["completion"], r["label"])
              for r in map(json.loads, open(ours / "binary_label.jsonl", encoding="utf-8"))]
    assert labels == [("a-1", True), ("a-4", False), ("c-0", False), ("c-1", True),
                      ("e-0", True), ("e-3", False)]
    lists = [r["completions"]
             for r in map(json.loads, open(ours / "listwise.jsonl", encoding="utf-8"))]
    assert lists[0] == ["a-1", "a-2", "a-0", "a-3", "a-4"] and len(lists) == 4
    assert counts == {"pairwise": 3, "binary_label": 6, "listwise": 4}


def test_generated_input_agrees(tmp_path):
    source = tmp_path / "gen.jsonl"
    assert pipeline.generate(source, prompts=300) == 1200
    rows = [(r["prompt_id"], [c["score"] for c in r["responses"]])
            for r in map(json.loads, open(source, encoding="utf-8"))]
    _run_both(tmp_path, rows)
