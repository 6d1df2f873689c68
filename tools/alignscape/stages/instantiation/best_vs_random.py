"""Best vs random: the highest-scored candidate against one other drawn at random (seeded per
prompt), as UltraFeedback's binarised pairs."""

from alignscape.stages.base import rng
from alignscape.stages.instantiation._pairs import pair, pairing_stage, ranked

OPTION = "instantiation.pairing.best_vs_random"


def make_pairs(record, config, ctx):
    order = ranked(record)
    if len(order) < 2:
        return []
    other = rng(ctx, record, "best_vs_random").choice(order[1:])
    return [pair(order[0], other, "best_vs_random")]


apply = pairing_stage(OPTION, make_pairs)
