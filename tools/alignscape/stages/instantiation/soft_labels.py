"""Soft preference labels: each pair carries ``preference_probability``, the judge's
probability that chosen beats rejected, instead of a hard choice: from a pairwise verdict's
P(a) averaged over both orders (RLAIF / Constitutional AI normalise the labeller's option
probabilities the same way), or, for score-made pairs, the Bradley-Terry probability
sigmoid(margin / ``temperature``) (default 1.0). Pairs with neither get null and
``soft_label_known: false``."""

import math

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.soft_labels"


def for_pair(p, chosen, rejected, record, config, ctx):
    for comp in record.get("comparisons", []):
        if {comp["a"], comp["b"]} == {p["chosen"], p["rejected"]} and \
                comp.get("p_a") is not None:
            prob = comp["p_a"] if comp["a"] == p["chosen"] else 1.0 - comp["p_a"]
            return {"preference_probability": prob, "soft_label_known": True}
    if p.get("margin") is not None:
        t = float(config.get("temperature", 1.0))
        return {"preference_probability": 1.0 / (1.0 + math.exp(-p["margin"] / t)),
                "soft_label_known": True}
    return {"preference_probability": None, "soft_label_known": False}


apply = column_stage(OPTION, for_pair=for_pair)
