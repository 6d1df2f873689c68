"""Confidence intervals.

The bootstrap resamples **prompts**, not verdicts (a clustered bootstrap): verdicts on the same
prompt share the baseline's response and the prompt's difficulty, so they are not independent,
and resampling rows would give intervals that are too narrow. Each replicate draws as many
prompts as there are, with replacement (multinomial counts), and every row of a drawn prompt
enters with its prompt's count as a weight; a statistic is then a weighted estimate. Intervals
are the 2.5 and 97.5 percentiles of the replicates (percentile bootstrap). Replicates in which
a statistic is undefined (an empty bucket) are dropped and counted.

Random numbers: one numpy Generator per analysis, seeded by (seed, crc32(analysis name)), so
adding an analysis never changes another one's intervals.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import numpy as np

LEVEL = 0.95


def rng_for(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


class Bootstrap:
    """Prompt-clustered bootstrap weights for a fixed set of rows."""

    def __init__(self, clusters: np.ndarray, replicates: int, rng: np.random.Generator):
        clusters = np.asarray(clusters)
        uniq, self.cluster = np.unique(clusters, return_inverse=True)
        self.n_clusters = len(uniq)
        self.replicates = int(replicates)
        counts = rng.multinomial(self.n_clusters, np.full(self.n_clusters, 1 / self.n_clusters),
                                 size=self.replicates) if self.replicates else \
            np.zeros((0, self.n_clusters))
        self.weights = counts[:, self.cluster].astype(float)  # (replicates, rows)

    def mean(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Replicates of the (weighted) mean of x over the rows in mask."""
        x = np.asarray(x, dtype=float)
        mask = np.ones(len(x), bool) if mask is None else np.asarray(mask, bool)
        w = self.weights[:, mask]
        total = w.sum(1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, w @ x[mask] / np.where(total > 0, total, 1), np.nan)

    def apply(self, fn: Callable[[np.ndarray], float]) -> np.ndarray:
        """Replicates of any statistic fn(weights) -> float (e.g. a refitted regression)."""
        return np.array([fn(w) for w in self.weights], dtype=float)


def interval(replicates: np.ndarray, level: float = LEVEL) -> dict:
    reps = np.asarray(replicates, dtype=float)
    good = reps[~np.isnan(reps)]
    alpha = (1 - level) / 2
    if len(good) == 0:
        return {"low": None, "high": None, "replicates": 0, "undefined": int(len(reps))}
    low, high = np.quantile(good, [alpha, 1 - alpha])
    return {"low": float(low), "high": float(high), "replicates": int(len(good)),
            "undefined": int(len(reps) - len(good))}


def wilson(successes: int, n: int, level: float = LEVEL) -> dict:
    """Wilson score interval of a binomial proportion (for rare counts, e.g. 7 of 5,635)."""
    if n == 0:
        return {"low": None, "high": None}
    z = _z(level)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"low": max(0.0, centre - half), "high": min(1.0, centre + half)}


def _z(level: float) -> float:
    # Inverse normal CDF by bisection on erf (no scipy needed).
    target = 1 - (1 - level) / 2
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def estimate(value: float | None, replicates: np.ndarray | None = None, **extra) -> dict:
    """{value, ci: {low, high, ...}} plus any counts given."""
    out = {"value": None if value is None or (isinstance(value, float) and math.isnan(value))
           else float(value)}
    if replicates is not None:
        out["ci95"] = interval(replicates)
    out.update(extra)
    return out
