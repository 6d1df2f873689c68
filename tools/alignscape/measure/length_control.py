"""Raw and length-controlled (LC) win rates per generator against text_davinci_003, in the
manner of AlpacaEval 2.0's length-controlled metric.

For generator g, over its comparisons i with a verdict (outcome y_i: 1 win, 0 loss, 0.5 tie):

    delta_i = len(output_g,i) - len(output_baseline,i)          (characters)
    sigma_g = standard deviation of delta_i over g's comparisons (population, ddof = 0)
    logit P(g beats baseline on i) = theta_g + phi_g * tanh(delta_i / sigma_g)

fitted by maximum likelihood (``logistic.fit``, ties as half a win and half a loss).

* raw win rate   = mean_i y_i
* LC win rate    = sigmoid(theta_g): the model's prediction with the length term set to zero,
  i.e. for a response as long as the baseline's (tanh(0) = 0).

Differences from AlpacaEval 2.0, stated: AlpacaEval's GLM also has an instruction-difficulty
term estimated jointly over its whole leaderboard; with six generators here a per-prompt term
would be poorly identified, so there is none, and the LC win rate is sigmoid(theta_g) rather
than an average over prompts of predictions. Each generator is fitted on its own comparisons,
as AlpacaEval fits each model against the baseline.

A pooled model, logit = theta_g + phi * tanh(delta / sigma) with one length coefficient phi
shared by all generators (sigma over all comparisons), summarises the judge's length
sensitivity in one number. Intervals: prompt-clustered bootstrap (sigma re-estimated in each
replicate, the whole fit redone).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from alignscape.measure import logistic
from alignscape.measure.stats import Bootstrap, estimate, rng_for


def weighted_std(x, w) -> float:
    w = np.asarray(w, dtype=float)
    mean = np.sum(w * x) / np.sum(w)
    return float(np.sqrt(np.sum(w * (x - mean) ** 2) / np.sum(w)))


def fit_generator(y, delta, weights=None) -> dict:
    """theta, phi, sigma, raw and LC win rate of one generator (weights: bootstrap counts)."""
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    y, delta, w = y[keep], delta[keep], w[keep]
    sigma = weighted_std(delta, w)
    x = np.tanh(delta / sigma) if sigma > 0 else np.zeros_like(delta)
    X = np.column_stack([np.ones_like(x), x])
    f = logistic.fit(X, y, w)
    theta, phi = f.coef
    return {"theta": float(theta), "phi": float(phi), "sigma": sigma,
            "raw": float(np.sum(w * y) / np.sum(w)), "lc": float(logistic.sigmoid(theta)),
            "converged": f.converged, "se_theta": float(f.se[0]), "se_phi": float(f.se[1])}


def fit_pooled(generators, gens, y, delta, weights=None) -> dict:
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    gens, y, delta, w = gens[keep], y[keep], delta[keep], w[keep]
    sigma = weighted_std(delta, w)
    onehot = np.column_stack([(gens == g).astype(float) for g in generators])
    X = np.column_stack([onehot, np.tanh(delta / sigma)])
    f = logistic.fit(X, y, w)
    return {"phi": float(f.coef[-1]), "sigma": sigma, "se_phi": float(f.se[-1]),
            "theta": {g: float(t) for g, t in zip(generators, f.coef[:-1], strict=True)},
            "converged": f.converged}


@dataclass
class Result:
    generators: list[str]
    point: dict
    pooled: dict
    n: dict
    ties: dict
    replicates: dict = field(default_factory=dict)   # generator -> {"raw": arr, "lc": arr}
    pooled_phi: np.ndarray | None = None
    boot: Bootstrap | None = None
    mask: np.ndarray | None = None


def compute(data, seed: int, replicates: int) -> Result:
    mask = data.parsed()
    gens, y = data.generator[mask], data.y[mask]
    delta = data.len_gen[mask] - data.len_base[mask]
    generators = sorted(set(gens.tolist()))
    boot = Bootstrap(data.prompt_index()[0][mask], replicates, rng_for(seed, "length_control"))
    point, reps, n, ties = {}, {}, {}, {}
    for g in generators:
        sel = gens == g
        point[g] = fit_generator(y[sel], delta[sel])
        n[g], ties[g] = int(sel.sum()), int((y[sel] == 0.5).sum())
        fits = [fit_generator(y[sel], delta[sel], w[sel]) for w in boot.weights]
        reps[g] = {k: np.array([f[k] for f in fits]) for k in ("raw", "lc", "phi")}
    pooled = fit_pooled(generators, gens, y, delta)
    pooled_phi = boot.apply(lambda w: fit_pooled(generators, gens, y, delta, w)["phi"])
    return Result(generators, point, pooled, n, ties, reps, pooled_phi, boot, mask)


def to_json(res: Result) -> dict:
    rows = []
    for g in res.generators:
        p, r = res.point[g], res.replicates[g]
        rows.append({
            "generator": g, "n": res.n[g], "ties": res.ties[g],
            "raw_win_rate": estimate(p["raw"], r["raw"]),
            "lc_win_rate": estimate(p["lc"], r["lc"]),
            "lc_minus_raw": estimate(p["lc"] - p["raw"], r["lc"] - r["raw"]),
            "theta": p["theta"], "phi": estimate(p["phi"], r["phi"]),
            "sigma_chars": p["sigma"], "converged": p["converged"]})
    rows.sort(key=lambda row: -row["lc_win_rate"]["value"])
    return {
        "definition": __doc__.strip(),
        "baseline": "text_davinci_003",
        "generators": rows,
        "pooled_length_coefficient": {
            "phi": estimate(res.pooled["phi"], res.pooled_phi),
            "sigma_chars": res.pooled["sigma"], "converged": res.pooled["converged"],
            "reading": "log-odds change of a generator win between a response as long as the "
                       "baseline's and one longer by far (tanh -> 1); positive = longer wins",
        },
    }
