"""Active selection: keep prompts where the evaluator is unsure. Uncertainty is 1 minus the
gap between the two best scores scaled by ``scale`` (default 1.0), clipped to [0, 1], or, when
several judges scored each candidate, their disagreement (spread of ``scores``). Prompts with
uncertainty below ``min_uncertainty`` (default 0.5) are excluded; the value is recorded on
the record as ``uncertainty``. Decided per prompt, so it never depends on the batch."""

from alignscape.stages.base import candidates, score_of
from alignscape.stages.synthesis._select import exclude, scored, selection_stage

OPTION = "synthesis.selection.uncertainty_based"


def uncertainty(record, scale):
    ranked = scored(record)
    spreads = []
    for cand in ranked:
        vals = [v for v in (cand.get("scores") or {}).values() if isinstance(v, int | float)]
        if len(vals) > 1:
            spreads.append((max(vals) - min(vals)) / scale)
    if spreads:
        return min(1.0, max(spreads))
    if len(ranked) < 2:
        return 0.0
    return max(0.0, 1.0 - (score_of(ranked[0]) - score_of(ranked[1])) / scale)


def select(record, config, ctx):
    value = uncertainty(record, float(config.get("scale", 1.0)))
    record["uncertainty"] = value
    if value < float(config.get("min_uncertainty", 0.5)):
        for cand in candidates(record):
            exclude(cand, f"evaluator confident (uncertainty {value:.2f})")


apply = selection_stage(OPTION, select)
