"""Contrastive prompting (RLCD): generate under a positive and a negative instruction (or
principle), so the way a candidate was made already says which is better."""

from __future__ import annotations

from alignscape.stages.base import rng
from alignscape.stages.registry import Param, alias, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, role_params, sample

POSITIVE = "You are a helpful, honest and harmless assistant. Answer as well as you can."
NEGATIVE = ("You are an unhelpful assistant. Answer carelessly: vague, partly wrong and "
            "without attention to the request.")


@stage("synthesis.sources.contrastive_prompting", params={
    **role_params("policy"), **SAMPLING_PARAMS,
    "positive": Param(str, POSITIVE, "system prompt of the preferred candidate"),
    "negative": Param(str, NEGATIVE, "system prompt of the dispreferred candidate"),
    "principles": Param(list, None, "pairs [{positive, negative}]; one drawn per prompt "
                        "(seeded) instead of positive/negative", items=dict)})
def contrastive_prompting(records, config, ctx):
    """Candidates carry polarity ``positive``/``negative``; ``contrastive_pair`` pairs them."""
    role = config["role"]
    pairs = config["principles"] or [{"positive": config["positive"],
                                      "negative": config["negative"]}]
    drawn = [rng(ctx, record, "contrast").randrange(len(pairs)) for record in records]
    for polarity in ("positive", "negative"):
        for index, pair in enumerate(pairs):
            group = [r for r, d in zip(records, drawn, strict=True) if d == index]
            if group:
                sample(group, ctx, role=role, origin="contrastive_prompting",
                       models=[config["model"] or ctx.model(role)], config=config,
                       system=pair[polarity], polarity=polarity, principle=pair[polarity])
    return records


alias("synthesis.exploration.prompt_diversity", "synthesis.sources.contrastive_prompting",
      "candidates written under different principles / system prompts")
