"""Best vs worst: the highest- and lowest-scored candidates of a prompt form the pair
(Self-Rewarding). All candidates equal makes a tie."""

from alignscape.stages.instantiation._pairs import pair, pairing_stage, ranked

OPTION = "instantiation.pairing.best_vs_worst"


def make_pairs(record, config, ctx):
    order = ranked(record)
    return [pair(order[0], order[-1], "best_vs_worst")] if len(order) >= 2 else []


apply = pairing_stage(OPTION, make_pairs)
