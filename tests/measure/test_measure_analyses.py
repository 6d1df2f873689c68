"""The analyses on hand-built data with known answers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from alignscape.measure import data as data_mod
from alignscape.measure import family, judges, length_bias, length_control, logistic, stats
from alignscape.measure import verdicts as verdicts_mod


@pytest.mark.parametrize(("pref", "expected"), [
    (1, 0.0), (1.0, 0.0), (2, 1.0), (2.0, 1.0), (0, 0.5), (0.0, 0.5), (1.5, 0.5),
    (1.25, 0.25), (None, None), (float("nan"), None)])
def test_preference_coding(pref, expected):
    assert data_mod.outcome(pref) == expected


def test_logistic_regression_recovers_known_coefficients():
    rng = np.random.default_rng(1)
    n = 40_000
    x1, x2 = rng.normal(size=n), np.tanh(rng.normal(size=n) * 2)
    X = np.column_stack([np.ones(n), x1, x2])
    beta = np.array([-0.5, 1.5, 0.8])
    y = (rng.random(n) < logistic.sigmoid(X @ beta)).astype(float)
    fit = logistic.fit(X, y)
    assert fit.converged
    assert np.allclose(fit.coef, beta, atol=0.06)
    # standard errors are of the right size (about 1/sqrt(n) scale)
    assert np.all(fit.se < 0.05)


def test_logistic_regression_fractional_targets_and_weights():
    X = np.ones((4, 1))
    assert abs(logistic.fit(X, [0.5] * 4).coef[0]) < 1e-9          # ties -> p = 1/2
    # a weight of 3 on a win equals three copies of it
    weighted = logistic.fit(np.ones((2, 1)), [1.0, 0.0], [3.0, 1.0]).coef[0]
    assert math.isclose(weighted, math.log(3), rel_tol=1e-9)
    with pytest.raises(ValueError):
        logistic.fit(X, [2.0] * 4)


def _always_longer(n_per=40, seed=0):
    rng = np.random.default_rng(seed)
    lb = rng.integers(100, 1000, size=n_per * 6).astype(float)
    ratios = np.repeat([1.05, 1.2, 1.4, 1.8, 2.5, 4.0], n_per)
    gen_longer = rng.random(len(lb)) < 0.5
    lg = np.where(gen_longer, lb * ratios, lb / ratios)
    y = np.where(gen_longer, 1.0, 0.0)  # the judge always picks the longer response
    pids = [f"p{i}" for i in range(len(lb))]
    return data_mod.synthetic(pids, ["g"] * len(lb), y, lb, lg)


def test_a_judge_that_always_picks_the_longer_wins_every_bucket():
    d = _always_longer()
    out = length_bias.analyse(d, seed=0, replicates=50)
    assert [b["n"] for b in out["buckets"]] == [40] * 6
    for b in out["buckets"] + [out["overall"]]:
        assert b["longer_win_rate"]["value"] == 1.0
        assert b["longer_win_rate"]["ci95"]["low"] == 1.0
        assert b["ties"] == 0 and b["shorter_won"] == 0
    assert out["equal_length"] == 0


def test_length_buckets_count_ties_half_and_keep_equal_lengths_apart():
    d = data_mod.synthetic(["a", "b", "c", "d"], ["g"] * 4, [0.5, 0.0, 1.0, 1.0],
                           [100, 100, 100, 100], [105, 105, 100, 300])
    out = length_bias.analyse(d, seed=0, replicates=10)
    first = out["buckets"][0]                       # ratio 1.05: a tie and a shorter-won
    assert first["n"] == 2 and first["ties"] == 1 and first["shorter_won"] == 1
    assert first["longer_win_rate"]["value"] == 0.25
    assert first["longer_win_rate_decisive"]["value"] == 0.0
    assert out["equal_length"] == 1
    assert out["buckets"][-1]["n"] == 1 and out["buckets"][-1]["longer_won"] == 1


def _synthetic_lc(theta, phi, n=6000, seed=2):
    rng = np.random.default_rng(seed)
    lb = rng.uniform(200, 1200, size=n)
    delta = rng.normal(300, 500, size=n)
    lg = np.maximum(1, lb + delta)
    d_real = lg - lb
    sigma = d_real.std()
    p = logistic.sigmoid(theta + phi * np.tanh(d_real / sigma))
    y = (rng.random(n) < p).astype(float)
    return data_mod.synthetic([f"p{i % 800}" for i in range(n)], ["g"] * n, y, lb, lg)


def test_length_controlled_win_rate_recovers_the_length_free_rate():
    d = _synthetic_lc(theta=-0.4, phi=1.5)
    res = length_control.compute(d, seed=0, replicates=40)
    point = res.point["g"]
    assert abs(point["theta"] - (-0.4)) < 0.1 and abs(point["phi"] - 1.5) < 0.15
    assert abs(point["lc"] - logistic.sigmoid(-0.4)) < 0.025
    assert point["raw"] > point["lc"] + 0.1            # the length term inflates the raw rate
    row = length_control.to_json(res)["generators"][0]
    ci = row["lc_win_rate"]["ci95"]
    assert ci["low"] < row["lc_win_rate"]["value"] < ci["high"]


def test_without_a_length_effect_lc_equals_raw():
    d = _synthetic_lc(theta=0.3, phi=0.0)
    point = length_control.compute(d, seed=0, replicates=0).point["g"]
    assert abs(point["phi"]) < 0.15
    assert abs(point["lc"] - point["raw"]) < 0.03


def test_bootstrap_is_deterministic_and_clustered():
    clusters = np.repeat(np.arange(50), 4)
    x = np.repeat(np.arange(50) % 2, 4).astype(float)
    a = stats.Bootstrap(clusters, 200, stats.rng_for(7, "t")).mean(x)
    b = stats.Bootstrap(clusters, 200, stats.rng_for(7, "t")).mean(x)
    assert np.array_equal(a, b)
    # whole prompts move together: every replicate mean is a multiple of 1/50
    assert np.allclose(np.round(a * 50), a * 50)
    ci = stats.interval(a)
    assert ci["low"] < 0.5 < ci["high"]
    assert stats.interval([np.nan, np.nan])["low"] is None


def test_wilson_interval_known_values():
    w = stats.wilson(0, 10)
    assert abs(w["low"]) < 1e-12 and abs(w["high"] - 0.2775) < 1e-3
    w = stats.wilson(7, 5635)
    assert abs(w["low"] - 0.000602) < 1e-5 and abs(w["high"] - 0.002562) < 1e-5


def test_loading_excludes_and_counts(small_pool):
    d = data_mod.load(small_pool)
    assert d.exclusions["no_generator_output"] == {"absent-model": 12}
    assert d.exclusions["missing_output"] == {"short-model": 1}
    assert d.exclusions["unparsable"] == 1
    assert len(d.y) == 23 and d.generators == ["long-model", "short-model"]
    assert set(d.digests) == set(data_mod.FILES)


def test_verdict_rates_on_the_fixture(small_pool):
    d = data_mod.load(small_pool)
    out = verdicts_mod.analyse(d, seed=0, replicates=20)
    assert out["all_recorded"]["n_rows"] == 12 * 3 + 1 - 1
    assert out["all_recorded"]["unparsable"] == 1 and out["all_recorded"]["ties"] == 0
    assert out["analysed"]["n_rows"] == 23
    assert "int:2" in out["preference_values"] and "float:2.0" in out["preference_values"]


def test_family_analysis_needs_both_sides(small_pool):
    d = data_mod.load(small_pool)
    lc = length_control.compute(d, seed=0, replicates=5)
    assert family.analyse(d, lc)["available"] is False


def test_position_swap_combination():
    nan = np.nan
    fwd = np.array([1.0, 1.0, 0.0, nan, nan, 0.5])
    rev = np.array([1.0, 0.0, nan, 1.0, nan, 0.5])
    got = judges.combine(fwd, rev)
    assert np.array_equal(got[[0, 1, 2, 3, 5]], [1.0, 0.5, 0.0, 1.0, 0.5])
    assert np.isnan(got[4])


def test_judge_metrics_of_a_perfect_and_of_a_position_judge():
    gpt4 = np.array([1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    lens = np.array([10.0] * 6), np.array([20.0, 5, 20, 20, 5, 20])
    clusters = np.arange(6)
    perfect = judges.metrics(gpt4, gpt4, gpt4, *lens, clusters, 0, 50, "perfect")
    assert perfect["combined"]["agreement"]["value"] == 1.0
    assert perfect["position_consistency"]["value"] == 1.0
    assert perfect["prefers_longer"]["value"] == 1.0
    # always the response shown first: the baseline forward (0), the generator reverse (1)
    first = judges.metrics(gpt4, np.zeros(6), np.ones(6), *lens, clusters, 0, 50, "first")
    assert first["position_consistency"]["value"] == 0.0
    assert first["first_shown_rate"]["value"] == 1.0
    assert first["combined"]["judge_ties"] == 6
    assert first["forward"]["agreement"]["value"] == pytest.approx(2 / 6)


def test_the_heuristic_judge_through_the_pipeline_and_the_report(small_pool, tmp_path):
    pytest.importorskip("matplotlib")
    from alignscape.measure.report import OUTPUT, measure

    out = tmp_path / "out"
    result = measure(small_pool, out, seed=3, replicates=30, judge_names=["heuristic"],
                     command="test", log=lambda _: None)
    written = json.loads((out / OUTPUT).read_text())
    assert written == json.loads(json.dumps(result))
    h = written["pipeline_judges"]["judges"]["heuristic"]
    assert h["available"] and h["n_pairs"] == 22
    assert h["position_consistency"]["value"] == 1.0     # scores ignore the order shown
    lb = written["gpt4_judge"]["length_bias"]
    assert lb["overall"]["longer_win_rate"]["value"] == 1.0
    for fig in written["figures"]:
        svg = (out / fig["file"]).read_text()
        assert svg.startswith("<?xml") and "<dc:date>" not in svg
        assert fig["table"]["rows"]
    # deterministic: the same run writes the same bytes
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    measure(small_pool, out, seed=3, replicates=30, judge_names=["heuristic"], command="test",
            log=lambda _: None)
    assert first == {p.name: p.read_bytes() for p in out.iterdir()}


def test_the_command(small_pool, tmp_path, capsys):
    from alignscape.cli import main

    out = tmp_path / "cli"
    code = main(["measure", "--data", str(small_pool), "--out", str(out), "--bootstrap", "10",
                 "--judges", "heuristic", "--no-figures"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "judge heuristic: agreement with GPT-4" in captured.out
    written = json.loads((out / "alpaca_eval_judges.json").read_text())
    assert written["command"].startswith("alignscape measure --data ")
    assert written["settings"]["bootstrap_replicates"] == 10
    assert main(["measure", "--data", str(tmp_path / "nope"), "--judges", "none"]) == 1
    assert main(["measure", "--data", str(small_pool), "--judges", "oracle"]) == 2
