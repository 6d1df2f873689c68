"""How often the longer response wins, by how much longer it is.

For every analysed comparison with a verdict, the longer response is the one with more
characters; comparisons of exactly equal length are counted apart (``equal_length``). The
length ratio r = longer / shorter (an empty response makes r infinite) falls into fixed
buckets [1, 1.1), [1.1, 1.25), [1.25, 1.5), [1.5, 2), [2, 3), [3, inf). Per bucket:

* ``longer_win_rate`` - share of verdicts for the longer response, ties counting half;
* ``longer_win_rate_decisive`` - the same over non-tie verdicts only;
* n, and the counts of longer-won, shorter-won and tie verdicts;

each rate with a prompt-clustered bootstrap 95% interval. This is descriptive: a longer answer
may also be the better one; the length-controlled win rate (length_control) separates the
generator from the length term by regression.
"""

from __future__ import annotations

import math

import numpy as np

from alignscape.measure.stats import Bootstrap, estimate, rng_for

EDGES = (1.0, 1.1, 1.25, 1.5, 2.0, 3.0, math.inf)


def bucket_label(lo: float, hi: float) -> str:
    return f"[{lo:g}, {hi:g})" if math.isfinite(hi) else f">= {lo:g}"


def longer_outcomes(y, len_base, len_gen):
    """(ratio, longer-response outcome, equal mask) for arrays of generator outcomes y."""
    y, lb, lg = (np.asarray(a, dtype=float) for a in (y, len_base, len_gen))
    equal = lb == lg
    gen_longer = lg > lb
    out = np.where(gen_longer, y, 1.0 - y)
    longer, shorter = np.maximum(lb, lg), np.minimum(lb, lg)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(shorter > 0, longer / np.where(shorter > 0, shorter, 1), np.inf)
    ratio = np.where(equal, 1.0, ratio)
    return ratio, out, equal


def analyse(data, seed: int, replicates: int, edges=EDGES) -> dict:
    mask = data.parsed()
    y, lb, lg = data.y[mask], data.len_base[mask], data.len_gen[mask]
    clusters = data.prompt_index()[0][mask]
    ratio, out, equal = longer_outcomes(y, lb, lg)
    boot = Bootstrap(clusters, replicates, rng_for(seed, "length_bias"))
    decisive = out != 0.5
    buckets = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = (~equal) & (ratio >= lo) & (ratio < hi)
        buckets.append(_cell(bucket_label(lo, hi), lo, hi, out, inside, decisive, boot))
    overall = _cell("all unequal", edges[0], edges[-1], out, ~equal, decisive, boot)
    return {
        "definition": __doc__.strip(),
        "n_verdicts": int(mask.sum()),
        "equal_length": int(equal.sum()),
        "buckets": buckets,
        "overall": overall,
    }


def _cell(label, lo, hi, out, inside, decisive, boot) -> dict:
    n = int(inside.sum())
    sub = out[inside]
    both = inside & decisive
    rate = float(sub.mean()) if n else None
    dec_rate = float(out[both].mean()) if both.any() else None
    return {
        "bucket": label, "ratio_low": lo, "ratio_high": hi if math.isfinite(hi) else None,
        "n": n, "longer_won": int((sub == 1).sum()), "shorter_won": int((sub == 0).sum()),
        "ties": int((sub == 0.5).sum()),
        "longer_win_rate": estimate(rate, boot.mean(out, inside)),
        "longer_win_rate_decisive": estimate(dec_rate, boot.mean(out, both),
                                             n=int(both.sum())),
    }
