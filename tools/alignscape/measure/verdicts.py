"""Tie and unparsable-verdict rates of the recorded GPT-4 judge.

Counted over two sets, both reported:

* ``all_recorded`` - every row of judgments.jsonl.gz (5,635 in the shipped data), falcon-40b-
  instruct's rows included: a verdict's tie or null does not need the outputs;
* ``analysed`` - the comparisons whose two outputs are in the pool (see data.py).

tie = preference 0 (or 0.0, or exactly 1.5); unparsable = preference null. Rates are over all
rows of the set (ties over the rows with a verdict, unparsable over all rows). Intervals:
Wilson score (the counts are small) and the prompt-clustered bootstrap. The raw preference
values are tallied by JSON type, since the upstream file mixes ints and floats. Where both
outputs are present, ties are split into those on identical outputs (the two generators wrote
the same text) and those on differing outputs: in the shipped data every recorded tie is of
the first kind, so the GPT-4 judge itself never called a tie.
"""

from __future__ import annotations

import numpy as np

from alignscape.measure.data import BASELINE, outcome
from alignscape.measure.stats import Bootstrap, estimate, rng_for, wilson


def _rates(y: np.ndarray, clusters: np.ndarray, seed: int, replicates: int, name: str) -> dict:
    null = np.isnan(y)
    tie = (~null) & (y == 0.5)
    boot = Bootstrap(clusters, replicates, rng_for(seed, name))
    n, n_parsed = len(y), int((~null).sum())
    return {
        "n_rows": n,
        "n_with_verdict": n_parsed,
        "ties": int(tie.sum()),
        "unparsable": int(null.sum()),
        "tie_rate": estimate(tie.sum() / n_parsed if n_parsed else None,
                             boot.mean(tie.astype(float), ~null),
                             wilson95=wilson(int(tie.sum()), n_parsed)),
        "unparsable_rate": estimate(null.sum() / n if n else None,
                                    boot.mean(null.astype(float)),
                                    wilson95=wilson(int(null.sum()), n)),
    }


def analyse(data, seed: int, replicates: int) -> dict:
    rows = data.rows
    y_all = np.array([np.nan if (v := outcome(r["preference"])) is None else v for r in rows])
    ids = sorted({r["prompt_id"] for r in rows})
    where = {p: i for i, p in enumerate(ids)}
    clusters = np.array([where[r["prompt_id"]] for r in rows], dtype=np.int64)
    values: dict[str, int] = {}
    for r in rows:
        key = f"{type(r['preference']).__name__}:{r['preference']}"
        values[key] = values.get(key, 0) + 1
    per_generator = {}
    for g in sorted({r["generator_2"] for r in rows}):
        sel = np.array([r["generator_2"] == g for r in rows])
        yy = y_all[sel]
        per_generator[g] = {"n": int(sel.sum()), "ties": int((yy == 0.5).sum()),
                            "unparsable": int(np.isnan(yy).sum())}
    identical = np.array([(p, g) in data.outputs and data.outputs.get((p, BASELINE)) ==
                          data.outputs[(p, g)]
                          for p, g in zip(data.prompt_id, data.generator, strict=True)], bool)
    tie = data.y == 0.5
    return {
        "definition": __doc__.strip(),
        "ties_identical_outputs": {
            "identical_output_pairs": int(identical.sum()),
            "ties_on_identical_outputs": int((tie & identical).sum()),
            "ties_on_differing_outputs": int((tie & ~identical).sum()),
            "non_tie_verdicts_on_identical_outputs": int((~tie & identical &
                                                          ~np.isnan(data.y)).sum()),
        },
        "all_recorded": _rates(y_all, clusters, seed, replicates, "verdicts_all"),
        "analysed": _rates(data.y, data.prompt_index()[0], seed, replicates,
                           "verdicts_analysed"),
        "preference_values": dict(sorted(values.items())),
        "per_generator": per_generator,
    }
