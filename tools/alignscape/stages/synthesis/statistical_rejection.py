"""Statistical rejection sampling (RSO): accept candidate i with probability
exp((r_i - r_max) / beta), in a seeded random order, until ``k`` are accepted (default 2), so
kept candidates approximate samples from the reward-tilted policy. config: beta (default 0.5)."""

import math

from alignscape.stages.base import candidates, rng, score_of
from alignscape.stages.synthesis._select import exclude, scored, selection_stage

OPTION = "synthesis.selection.statistical_rejection"


def select(record, config, ctx):
    ranked = scored(record)
    beta, k = float(config.get("beta", 0.5)), int(config.get("k", 2))
    accepted = []
    if ranked:
        top = score_of(ranked[0])
        r = rng(ctx, record, "rso")
        order = ranked[:]
        r.shuffle(order)
        for cand in order:
            if len(accepted) >= k:
                break
            if r.random() < math.exp((score_of(cand) - top) / beta):
                accepted.append(cand["id"])
    for cand in candidates(record):
        if cand["id"] not in accepted:
            exclude(cand, "rejected by statistical rejection sampling")


apply = selection_stage(OPTION, select)
