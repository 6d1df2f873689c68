"""Random pairs: ``n`` (default 1) pairs drawn at random (seeded per prompt) from the scored
candidates, each ordered by score."""

from alignscape.stages.base import rng
from alignscape.stages.instantiation._pairs import pair, pairing_stage, ranked

OPTION = "instantiation.pairing.random_pairs"


def make_pairs(record, config, ctx):
    order = ranked(record)
    if len(order) < 2:
        return []
    r = rng(ctx, record, "random_pairs")
    return [pair(*r.sample(order, 2), "random_pairs") for _ in range(int(config.get("n", 1)))]


apply = pairing_stage(OPTION, make_pairs)
