"""All pairs: every unordered pair of scored candidates, better one chosen (InstructGPT's
K-choose-2 comparisons). config max_pairs caps them per prompt (the largest margins first)."""

import itertools

from alignscape.stages.instantiation._pairs import pair, pairing_stage, ranked

OPTION = "instantiation.pairing.all_pairs"


def make_pairs(record, config, ctx):
    pairs = [pair(a, b, "all_pairs") for a, b in itertools.combinations(ranked(record), 2)]
    if config.get("max_pairs"):
        pairs = sorted(pairs, key=lambda p: -(p["margin"] or 0))[:int(config["max_pairs"])]
    return pairs


apply = pairing_stage(OPTION, make_pairs)
