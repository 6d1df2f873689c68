"""Score threshold: exclude candidates scoring below ``min_score`` or above ``max_score``
(either optional); unscored candidates are excluded unless ``keep_unscored: true``."""

from alignscape.stages.base import score_of
from alignscape.stages.instantiation._filters import candidate_filter

OPTION = "instantiation.filtering.score_threshold"


def reason(cand, record, config):
    s = score_of(cand)
    if s is None:
        return None if config.get("keep_unscored") else "no score"
    if config.get("min_score") is not None and s < float(config["min_score"]):
        return f"score {s:.3g} < {config['min_score']}"
    if config.get("max_score") is not None and s > float(config["max_score"]):
        return f"score {s:.3g} > {config['max_score']}"
    return None


apply = candidate_filter(OPTION, reason)
