"""Offline runs on the real AlpacaEval pool, checked with datasets and TRL's own utilities."""

from __future__ import annotations

import json

import pytest
from pipeline_helpers import read_jsonl, write_jsonl

datasets = pytest.importorskip("datasets")
trl_data = pytest.importorskip("trl.data_utils")


def run_ae(cli, alpaca_eval, out, *extra, limit=24):
    code, _, err = cli("run", "--recipe", "alpaca_eval_pairwise", "--replay-dir", alpaca_eval,
                       "--role", "judge=heuristic", "--prompts", alpaca_eval / "prompts.jsonl",
                       "--out", out, "--limit", limit, "--no-progress", *extra)
    assert code == 0, err
    return json.loads((out / "report.json").read_text()), err


def test_alpaca_eval_pool_becomes_a_trl_preference_dataset(cli, alpaca_eval, tmp_path):
    report, err = run_ae(cli, alpaca_eval, tmp_path / "std")
    assert report["records"] == 24 and report["candidates"] == 24 * 14 - report[
        "candidates_failed"]
    agreement = report["judge_agreement"]
    assert agreement["n_matched"] > 100 and 0.0 <= agreement["agreement"] <= 1.0
    assert "heuristic" in report["backends"]["judge"] and "not a model" in report["backends"][
        "judge"]
    assert "judge agreement with recorded verdicts" in err
    for files in ({"train": str(tmp_path / "std" / "pairwise.jsonl")},
                  {"train": str(tmp_path / "std" / "pairwise.parquet")}):
        kind = "json" if files["train"].endswith(".jsonl") else "parquet"
        ds = datasets.load_dataset(kind, data_files=files, split="train")
        assert len(ds) == report["rows"]["pairwise"] > 0
        assert {"prompt", "chosen", "rejected", "margin", "provenance"} <= set(ds.column_names)
        assert not trl_data.is_conversational(ds[0])
        assert not any(ds["tie"])
        unpaired = trl_data.unpair_preference_dataset(ds)
        assert len(unpaired) == 2 * len(ds) and set(unpaired["label"]) == {True, False}
    prov = json.loads(ds[0]["provenance"])
    assert prov["backends"]["judge"].startswith("heuristic")
    assert {c["model"] for c in prov["candidates"]} == {ds[0]["chosen_model"],
                                                         ds[0]["rejected_model"]}


def test_conversational_style_is_what_trl_expects(cli, alpaca_eval, tmp_path):
    run_ae(cli, alpaca_eval, tmp_path / "conv", "--style", "conversational", limit=6)
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "conv" / "pairwise.jsonl"),
                               split="train")
    row = ds[0]
    assert trl_data.is_conversational(row)
    assert row["prompt"][0]["role"] == "user" and row["chosen"][0]["role"] == "assistant"
    # Implicit-prompt form: TRL extracts the shared prompt back out.
    implicit = {"chosen": row["prompt"] + row["chosen"],
                "rejected": row["prompt"] + row["rejected"]}
    extracted = trl_data.maybe_extract_prompt(implicit)
    assert extracted["prompt"] == row["prompt"] and extracted["chosen"] == row["chosen"]


def test_kto_and_stepwise_and_reward_formats(cli, alpaca_eval, tmp_path):
    recipe = tmp_path / "multi.yaml"
    recipe.write_text("""\
name: formats
stages:
  - use: synthesis.sources.multi_model_pool
    config: {models: [alpaca-7b, zephyr-7b-beta, gpt4_1106_preview, gemma-2b-it]}
  - use: evaluation.evaluators.reward_model
  - use: evaluation.granularity.step
    config: {role: reward, threshold: 1.0}
  - use: instantiation.pairing.best_vs_worst
  - use: instantiation.formats.binary_label
  - use: instantiation.formats.step_level
  - use: instantiation.formats.pointwise_scalar
  - use: instantiation.formats.groupwise
  - use: instantiation.formats.listwise
""")
    code, _, err = cli("run", "--recipe", recipe, "--replay-dir", alpaca_eval, "--role",
                       "reward=heuristic", "--prompts", alpaca_eval / "prompts.jsonl",
                       "--out", tmp_path / "o", "--limit", 5, "--no-progress")
    assert code == 0, err
    kto = datasets.load_dataset("json", data_files=str(tmp_path / "o" / "binary_label.jsonl"),
                                split="train")
    assert {"prompt", "completion", "label"} <= set(kto.column_names)
    assert kto.features["label"].dtype == "bool" and set(kto["label"]) == {True, False}
    steps = datasets.load_dataset("parquet", data_files=str(tmp_path / "o" /
                                                            "step_level.parquet"), split="train")
    assert {"prompt", "completions", "labels"} <= set(steps.column_names)
    assert all(len(c) == len(lab) for c, lab in zip(steps["completions"], steps["labels"],
                                                     strict=True))
    reward = read_jsonl(tmp_path / "o" / "pointwise_scalar.jsonl")
    assert len(reward) == 20 and all(isinstance(r["reward"], float) for r in reward)
    groups = read_jsonl(tmp_path / "o" / "groupwise.jsonl")
    assert all(abs(sum(g["advantages"])) < 1e-6 for g in groups)
    lists = read_jsonl(tmp_path / "o" / "listwise.jsonl")
    assert all(g["scores"] == sorted(g["scores"], reverse=True) for g in lists)


def test_recorded_gpt4_verdicts_imported_as_annotations(cli, alpaca_eval, tmp_path):
    """The human-annotation importer reads AlpacaEval's judgments file: given pairs made from
    the recorded verdicts, nulls kept as unjudged, not dropped silently."""
    recipe = tmp_path / "imported.yaml"
    recipe.write_text(f"""\
name: imported
stages:
  - use: synthesis.sources.multi_model_pool
  - use: evaluation.evaluators.human
    config: {{path: "{alpaca_eval / 'judgments.jsonl.gz'}"}}
  - use: instantiation.pairing.given_pairs
    config: {{ties: keep}}
  - use: instantiation.formats.pairwise
""")
    code, _, err = cli("run", "--recipe", recipe, "--replay-dir", alpaca_eval, "--prompts",
                       alpaca_eval / "prompts.jsonl", "--out", tmp_path / "o", "--limit", 30,
                       "--no-progress")
    assert code == 0, err
    rows = read_jsonl(tmp_path / "o" / "pairwise.jsonl")
    records = read_jsonl(tmp_path / "o" / "records.jsonl")
    imported = sum(len(r["comparisons"]) for r in records)
    unjudged = sum(r.get("unjudged_pairs", 0) for r in records)
    # Upstream judged falcon-40b-instruct, whose outputs are not in the pool: each such
    # verdict is reported on its record, not silently skipped.
    unmatched = sum(1 for r in records for e in r.get("errors", [])
                    if "not among the candidates" in e["error"])
    assert unmatched == 30 and imported + unmatched == 30 * 7
    assert len(rows) + unjudged == imported
    assert all(r["chosen_model"] in ("text_davinci_003",) or r["rejected_model"] ==
               "text_davinci_003" for r in rows)


def test_replay_of_a_missing_recording_is_an_error_not_an_answer(cli, alpaca_eval, tmp_path):
    prompts = write_jsonl(tmp_path / "p.jsonl", [{"prompt_id": "ae-000", "prompt": "x"},
                                                 {"prompt_id": "nope", "prompt": "y"}])
    code, _, err = cli("run", "--recipe", "alpaca_eval_pairwise", "--replay-dir", alpaca_eval,
                       "--role", "judge=heuristic", "--prompts", prompts, "--out",
                       tmp_path / "o", "--no-progress")
    assert code == 0, err
    failures = read_jsonl(tmp_path / "o" / "failures.jsonl")
    assert [f["prompt_id"] for f in failures] == ["nope"]
    assert "no recorded response" in failures[0]["candidate_errors"][0]["error"]
