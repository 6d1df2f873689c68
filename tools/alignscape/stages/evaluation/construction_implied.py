"""Labels implied by construction: no judge is asked; how a candidate was made fixes its score.
Reference / human-written > model samples (SPIN), positive-prompt > negative-prompt (RLCD),
revised / corrected > original, original > perturbed. Scores (``construction``): reference 2,
positive 1, revised/corrected 1 above their parent, perturbed/negative 0 below parent,
everything else 0, so pairing rules can rank by them. Candidates carry ``construction`` with
the rule that fixed their score."""

from __future__ import annotations

from alignscape.stages.base import by_id, candidates, set_score
from alignscape.stages.registry import stage

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


@stage(OPTION, per_record=True)
def construction_implied(record, config, ctx):
    """Score every candidate by how it was made (see the module docstring)."""
    parents = by_id(record)
    for cand in candidates(record):
        value, why = implied(cand, parents)
        set_score(cand, "construction", value)
        cand["construction"] = why
