"""Reward and cost kept apart (Safe RLHF): each pair gets ``chosen_cost``, ``rejected_cost``
and ``safer`` ("chosen" | "rejected" | "tie") from a cost per candidate: its ``cost`` field,
else minus its ``cost_aspect`` rating (default ``harmlessness``). A constrained trainer
maximises reward subject to the cost; nothing is folded into the preference label."""

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.cost_constrained"


def cost(cand, config):
    if isinstance(cand.get("cost"), int | float):
        return float(cand["cost"])
    value = (cand.get("aspects") or {}).get(config.get("cost_aspect", "harmlessness"))
    return -float(value) if isinstance(value, int | float) else None


def for_pair(p, chosen, rejected, record, config, ctx):
    cc, rc = cost(chosen, config), cost(rejected, config)
    safer = None if cc is None or rc is None else (
        "tie" if cc == rc else "chosen" if cc < rc else "rejected")
    return {"chosen_cost": cc, "rejected_cost": rc, "safer": safer}


apply = column_stage(OPTION, for_pair=for_pair,
                     for_candidate=lambda c, r, config, ctx: {"cost": cost(c, config)})
