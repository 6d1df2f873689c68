"""Aspect weights: combine a candidate's aspect scores into its overall score with ``weights``
({aspect: weight}; default equal weights over the aspects present), so pairing ranks by the
weighted sum. Runs before pairing. The weights used are recorded on the candidate."""

from alignscape.stages.base import batched, candidates, trace

OPTION = "instantiation.weighting.aspect_weighted"


@batched
def apply(records, config, ctx):
    weights = config.get("weights")
    for record in records:
        for cand in candidates(record):
            aspects = {k: v for k, v in (cand.get("aspects") or {}).items() if v is not None}
            if not aspects:
                continue
            w = weights or {k: 1.0 for k in aspects}
            used = {k: float(w[k]) for k in aspects if k in w}
            total = sum(used.values())
            if total:
                cand["score"] = sum(aspects[k] * v for k, v in used.items()) / total
                cand["aspect_weights"] = used
        trace(record, OPTION)
    return records
