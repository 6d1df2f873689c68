"""Importance weights for off-policy data: w = exp(clip(log p_policy(y|x) - log p_behaviour(y|x),
-c, c)) per completion, with c = ``clip`` (default 5). log p comes from backends that can
compute it (local transformers models: roles ``policy`` and ``reference`` as the behaviour
model, overridable with config ``behaviour_role``). Where a log-probability is unavailable the
column is null and ``importance_error`` says why; the row is still written."""

import math

from alignscape.stages.instantiation._columns import column_stage

OPTION = "instantiation.weighting.importance_weighted"


def weight(cand, record, config, ctx):
    clip = float(config.get("clip", 5.0))
    try:
        policy = ctx.backend("policy")
        behaviour = ctx.backend(config.get("behaviour_role", "reference"))
        lp = [b.logprob(record["prompt"], cand["text"]) for b in (policy, behaviour)]
    except Exception as exc:  # any backend without log-probs: recorded, never fatal
        return {"importance_weight": None,
                "importance_error": f"{type(exc).__name__}: {exc}"[:200]}
    return {"importance_weight": math.exp(max(-clip, min(clip, lp[0] - lp[1])))}


def for_pair(p, chosen, rejected, record, config, ctx):
    wc, wr = weight(chosen, record, config, ctx), weight(rejected, record, config, ctx)
    return {"chosen_importance_weight": wc["importance_weight"],
            "rejected_importance_weight": wr["importance_weight"],
            **({"importance_error": wc.get("importance_error") or wr.get("importance_error")}
               if "importance_error" in wc or "importance_error" in wr else {})}


apply = column_stage(OPTION, for_pair=for_pair, for_candidate=weight)
