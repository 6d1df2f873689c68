"""The committed measurements, recomputed from ../shared/data/alpaca_eval.

The GPT-4 numbers are recomputed twice: independently, in plain Python here (bucket counts,
longer-wins rates, raw win rates, tie and null counts), and through the module (the
length-controlled fit); both must match the committed JSON to 1e-4, the precision it states.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "catalog" / "measurements" / "alpaca_eval_judges.json"
TOL = 1e-4


@pytest.fixture(scope="module")
def ae(shared_data) -> Path:
    path = shared_data / "alpaca_eval"
    if not (path / "judgments.jsonl.gz").is_file():
        pytest.skip("AlpacaEval data is not present")
    return path


@pytest.fixture(scope="module")
def committed(ae) -> dict:
    if not COMMITTED.is_file():
        pytest.skip("no committed measurements")
    result = json.loads(COMMITTED.read_text())
    from alignscape.measure.data import FILES, sha256

    for name in FILES:
        assert result["data"]["sha256"][name] == sha256(ae / name), \
            f"{name} changed: rerun `{result['command']}`"
    return result


def _rows(path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_gpt4_numbers_recomputed_independently(ae, committed):
    outputs = {(r["prompt_id"], r["generator"]): r["output"]
               for r in _rows(ae / "responses.jsonl.gz")}
    verdicts = _rows(ae / "judgments.jsonl.gz")
    gpt4 = committed["gpt4_judge"]
    # tie and null counts over every recorded verdict
    rates = gpt4["verdict_rates"]["all_recorded"]
    assert rates["n_rows"] == len(verdicts)
    assert rates["unparsable"] == sum(v["preference"] is None for v in verdicts)
    assert rates["ties"] == sum(v["preference"] is not None and float(v["preference"]) == 0
                                for v in verdicts)
    # analysed: both outputs present and a verdict
    kept = []
    for v in verdicts:
        a, b = (v["prompt_id"], v["generator_1"]), (v["prompt_id"], v["generator_2"])
        if a in outputs and b in outputs and v["preference"] is not None:
            p = float(v["preference"])
            kept.append((v["generator_2"], 0.5 if p == 0 else p - 1.0, len(outputs[a]),
                         len(outputs[b])))
    assert committed["data"]["analysed_with_verdict"] == len(kept)
    # raw win rates
    for row in gpt4["length_controlled_win_rate"]["generators"]:
        ys = [y for g, y, _, _ in kept if g == row["generator"]]
        assert row["n"] == len(ys)
        assert abs(row["raw_win_rate"]["value"] - sum(ys) / len(ys)) < TOL
    # longer-wins by bucket
    for bucket in gpt4["length_bias"]["buckets"]:
        lo, hi = bucket["ratio_low"], bucket["ratio_high"] or float("inf")
        scores = []
        for _, y, lb, lg in kept:
            if lb == lg:
                continue
            ratio = max(lb, lg) / min(lb, lg)
            if lo <= ratio < hi:
                scores.append(y if lg > lb else 1 - y)
        assert bucket["n"] == len(scores)
        assert abs(bucket["longer_win_rate"]["value"] - sum(scores) / len(scores)) < TOL


def test_length_controlled_fit_reproduces(ae, committed):
    from alignscape.measure import data, length_control

    res = length_control.compute(data.load(ae), seed=0, replicates=0)
    for row in committed["gpt4_judge"]["length_controlled_win_rate"]["generators"]:
        point = res.point[row["generator"]]
        assert abs(point["lc"] - row["lc_win_rate"]["value"]) < TOL
        assert abs(point["phi"] - row["phi"]["value"]) < TOL
    pooled = committed["gpt4_judge"]["length_controlled_win_rate"]["pooled_length_coefficient"]
    assert abs(res.pooled["phi"] - pooled["phi"]["value"]) < TOL


@pytest.mark.slow
def test_intervals_reproduce_with_the_committed_seed(ae, committed, tmp_path):
    from alignscape.measure.report import measure

    settings = committed["settings"]
    fresh = measure(ae, tmp_path, seed=settings["seed"],
                    replicates=settings["bootstrap_replicates"], judge_names=[],
                    figures=False, log=lambda _: None)
    assert fresh["gpt4_judge"] == committed["gpt4_judge"]
