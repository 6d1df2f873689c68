"""Correctness filter: keep only verified candidates. ``mode: correct`` (default) keeps those
verified correct; ``mode: split`` keeps correct ones and incorrect ones (as negatives, with
polarity ``negative``) and excludes only the unverifiable."""

from alignscape.stages.instantiation._filters import candidate_filter

OPTION = "instantiation.filtering.correctness_filter"


def reason(cand, record, config):
    mode = config.get("mode", "correct")
    if mode not in ("correct", "split"):
        raise ValueError(f"correctness_filter: mode must be correct or split, not {mode!r}")
    verified = cand.get("verified")
    if verified is None:
        return "not verifiable"
    if verified is False:
        if mode == "correct":
            return "verified incorrect"
        cand["polarity"] = "negative"
    return None


apply = candidate_filter(OPTION, reason)
