"""Multi-aspect judgement: each aspect (helpfulness, honesty, harmlessness, ...) is rated in
its own request, so one aspect cannot silently absorb another (decoupled aspects). Ratings go
to ``candidate['aspects']``; the candidate's overall score is their mean, over the aspects
that could be parsed.
config: aspects (default: the entry's evaluation.aspects, else helpfulness/honesty/
harmlessness), plus every pointwise_rating option."""

from __future__ import annotations

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation import pointwise_rating
from alignscape.stages.evaluation._judge import judge_name, protocol_stage

OPTION = "evaluation.dimensionality.multi_aspect"
DEFAULT_ASPECTS = ["helpfulness", "honesty", "harmlessness"]


def judge(records, ctx, role, config):
    for aspect in config.get("aspects") or DEFAULT_ASPECTS:
        pointwise_rating.judge(records, ctx, role, config, aspect=aspect)
    name = judge_name(ctx, role, config)
    for record in records:
        for cand in candidates(record):
            vals = [v for v in (cand.get("aspects") or {}).values() if v is not None]
            set_score(cand, f"{name}|aspects", sum(vals) / len(vals) if vals else None)


apply = protocol_stage(OPTION, judge)
