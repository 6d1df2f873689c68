"""Keep candidates that pass a bar: ``min_score`` on the evaluator's score and/or, with
``require_verified: true``, a verifier's verdict (``verified`` true)."""

from alignscape.stages.base import candidates, score_of
from alignscape.stages.synthesis._select import exclude, selection_stage

OPTION = "synthesis.selection.threshold_filter"


def select(record, config, ctx):
    bar = config.get("min_score")
    for cand in candidates(record):
        score = score_of(cand)
        if config.get("require_verified") and cand.get("verified") is not True:
            exclude(cand, "not verified correct")
        elif bar is not None and (score is None or score < float(bar)):
            exclude(cand, f"score {score} below {bar}")


apply = selection_stage(OPTION, select)
