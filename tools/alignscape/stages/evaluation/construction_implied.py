"""Labels implied by construction: no judge is asked; how a candidate was made fixes its score.
Reference / human-written > model samples (SPIN), positive-prompt > negative-prompt (RLCD),
revised / corrected > original, original > perturbed. Scores (``construction``): reference 2,
positive 1, revised/corrected 1 above their parent, perturbed/negative 0 below parent,
everything else 0, so pairing rules can rank by them. Candidates carry ``construction`` with
the rule that fixed their score."""

from __future__ import annotations

from alignscape.stages.base import batched, by_id, candidates, set_score, trace

OPTION = "evaluation.evaluators.construction_implied"


def implied(cand: dict, parents: dict) -> tuple[float, str]:
    parent = parents.get(cand.get("parent"))
    base = implied(parent, parents)[0] if parent and parent is not cand else 0.0
    if cand.get("is_reference") or cand.get("origin") == "human_written":
        return 2.0, "reference beats generated"
    if cand.get("origin") in ("self_refinement", "correction") and parent:
        return base + 1.0, "revision beats its original"
    if cand.get("polarity") == "negative" or cand.get("origin") == "perturbation":
        return base - 1.0, "negative / perturbed is worse"
    if cand.get("polarity") == "positive":
        return 1.0, "positive prompt beats negative"
    return 0.0, "generated"


@batched
def apply(records, config, ctx):
    for record in records:
        parents = by_id(record)
        for cand in candidates(record):
            value, why = implied(cand, parents)
            set_score(cand, "construction", value)
            cand["construction"] = why
        trace(record, OPTION)
    return records
