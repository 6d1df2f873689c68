"""Keep the best and the worst candidate of a prompt, and only if their scores differ by at
least ``min_margin`` (default 1.0); otherwise the whole prompt is excluded."""

from alignscape.stages.base import candidates, score_of
from alignscape.stages.synthesis._select import exclude, scored, selection_stage

OPTION = "synthesis.selection.margin_based"


def select(record, config, ctx):
    ranked = scored(record)
    margin = float(config.get("min_margin", 1.0))
    ok = len(ranked) >= 2 and score_of(ranked[0]) - score_of(ranked[-1]) >= margin
    keep = {ranked[0]["id"], ranked[-1]["id"]} if ok else set()
    for cand in candidates(record):
        if cand["id"] not in keep:
            exclude(cand, "margin below threshold" if not ok else "neither best nor worst")


apply = selection_stage(OPTION, select)
