"""Pairs as judged: each pairwise comparison (by a judge, an ensemble or an imported human
annotation) becomes the pair; the winner is chosen. A comparison without a verdict makes no
pair and is counted in ``record['unjudged_pairs']`` (its raw answers stay in the judgements
output). config: judge (use only this judge's comparisons; default: the ensemble's if there is
one, else every judge's)."""

from alignscape.stages.base import by_id
from alignscape.stages.instantiation._pairs import pairing_stage

OPTION = "instantiation.pairing.given_pairs"


def make_pairs(record, config, ctx):
    comps = record.get("comparisons", [])
    judge = config.get("judge") or ("ensemble" if any(c.get("judge") == "ensemble"
                                                      for c in comps) else None)
    cands = by_id(record)
    out = []
    for comp in comps:
        if judge and comp.get("judge") != judge:
            continue
        if comp["a"] not in cands or comp["b"] not in cands or cands[comp["a"]].get("excluded") \
                or cands[comp["b"]].get("excluded"):
            continue
        if comp.get("winner") is None:
            record["unjudged_pairs"] = record.get("unjudged_pairs", 0) + 1
            continue
        win, lose = (comp["b"], comp["a"]) if comp["winner"] == "b" else (comp["a"], comp["b"])
        p_a = comp.get("p_a")
        margin = abs(p_a - 0.5) * 2 if p_a is not None else None
        out.append({"chosen": win, "rejected": lose, "margin": margin,
                    "tie": comp["winner"] == "tie", "judge": comp.get("judge")})
    return out


apply = pairing_stage(OPTION, make_pairs)
