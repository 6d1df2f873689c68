"""Keep the candidates the evaluator gets wrong: highly scored (score at least ``min_score``,
default: the record's median) but failing the verifier (``verified`` false), plus, with
``keep_correct: true`` (default), the verified-correct ones to contrast them with. Prompts
with no such convincing wrong answer are excluded whole."""

import statistics

from alignscape.stages.base import candidates, score_of
from alignscape.stages.synthesis._select import exclude, selection_stage

OPTION = "synthesis.selection.hard_example_mining"


def select(record, config, ctx):
    cands = candidates(record)
    scores = [score_of(c) for c in cands if score_of(c) is not None]
    if not scores:
        for cand in cands:
            exclude(cand, "no scores to mine hard examples from")
        return
    bar = float(config.get("min_score", statistics.median(scores)))
    hard = [c for c in cands if c.get("verified") is False and (score_of(c) or bar - 1) >= bar]
    for cand in cands:
        if cand in hard:
            cand["hard_example"] = True
        elif not (hard and config.get("keep_correct", True) and cand.get("verified") is True):
            exclude(cand, "not a hard example")


apply = selection_stage(OPTION, select)
