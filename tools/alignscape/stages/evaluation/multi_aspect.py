"""Multi-aspect judgement: each aspect (helpfulness, honesty, harmlessness, ...) is rated in
its own request, so one aspect cannot silently absorb another (decoupled aspects). Ratings go
to ``candidate['aspects']``; the candidate's overall score is their mean, over the aspects
that could be parsed.
Aspects: config ``aspects`` (default: the entry's evaluation.aspects, else helpfulness/
honesty/harmlessness)."""

from __future__ import annotations

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation import pointwise_rating
from alignscape.stages.evaluation._judge import judge_name, protocol_params
from alignscape.stages.registry import alias, stage

OPTION = "evaluation.dimensionality.multi_aspect"
DEFAULT_ASPECTS = ["helpfulness", "honesty", "harmlessness"]


def judge(records, ctx, role, config):
    for aspect in config.get("aspects") or DEFAULT_ASPECTS:
        pointwise_rating.judge(records, ctx, role, config, aspect=aspect)
    name = judge_name(ctx, role, config)
    for record in records:
        for cand in candidates(record):
            aspects = cand.get("aspects") or {}
            vals = list(aspects.values())
            # Completeness: a mean over fewer aspects than the rivals' is not comparable.
            if None in vals:
                cand["incomplete_aspects"] = sorted(k for k, v in aspects.items() if v is None)
            set_score(cand, f"{name}|aspects", sum(vals) / len(vals)
                      if vals and None not in vals else None)



@stage(OPTION, params=protocol_params())
def multi_aspect(records, config, ctx):
    """Each aspect rated in its own request; the overall score is their mean."""
    judge(records, ctx, config["role"], config)
    return records


alias("evaluation.bias_controls.decoupled_aspects", OPTION, "each aspect is judged separately")
