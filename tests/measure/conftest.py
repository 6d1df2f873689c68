"""Fixtures of the measurement tests: a small AlpacaEval-layout folder written by hand."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest


def write_alpaca_eval(folder: Path, prompts: list[str], outputs: dict, verdicts: list[dict]):
    """prompts: ids; outputs: {(prompt_id, generator): text}; verdicts: judgments rows."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "prompts.jsonl", "w", encoding="utf-8") as fh:
        for pid in prompts:
            fh.write(json.dumps({"prompt_id": pid, "dataset": "t",
                                 "instruction": f"explain topic {pid}"}) + "\n")
    with gzip.open(folder / "responses.jsonl.gz", "wt", encoding="utf-8") as fh:
        for (pid, gen), text in outputs.items():
            fh.write(json.dumps({"prompt_id": pid, "generator": gen, "output": text}) + "\n")
    with gzip.open(folder / "judgments.jsonl.gz", "wt", encoding="utf-8") as fh:
        for row in verdicts:
            fh.write(json.dumps({"generator_1": "text_davinci_003",
                                 "annotator": "alpaca_eval_gpt4", **row}) + "\n")
    return folder


@pytest.fixture
def small_pool(tmp_path) -> Path:
    """12 prompts, two generators, a judge that always prefers the longer output; plus a
    verdict for a generator without outputs, a missing output, a null and a float verdict."""
    prompts = [f"p{i:02d}" for i in range(12)]
    outputs, verdicts = {}, []
    for i, pid in enumerate(prompts):
        outputs[(pid, "text_davinci_003")] = "word " * 20
        for gen, factor in (("long-model", 1 + (i % 6) * 0.5 + 0.05), ("short-model", 0.5)):
            if gen == "short-model" and i == 11:
                continue  # a missing output
            outputs[(pid, gen)] = "word " * int(20 * factor)
            longer_is_gen = factor > 1
            pref = 2 if longer_is_gen else 1
            verdicts.append({"prompt_id": pid, "generator_2": gen,
                             "preference": float(pref) if i % 2 else pref})
        verdicts.append({"prompt_id": pid, "generator_2": "absent-model", "preference": 2})
    verdicts.append({"prompt_id": "p11", "generator_2": "short-model", "preference": 1})
    verdicts[0]["preference"] = None
    return write_alpaca_eval(tmp_path / "ae", prompts, outputs, verdicts)
