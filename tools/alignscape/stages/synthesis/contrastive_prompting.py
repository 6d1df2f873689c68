"""Generate under a positive and a negative instruction (or principle), so the way a
candidate was made already says which is better (RLCD-style contrast).

config: positive / negative (system prompts), or principles: [{positive, negative}, ...] with
one pair drawn per prompt (seeded); role (default policy). Candidates carry polarity
``positive``/``negative``; ``contrastive_pair`` pairs them."""

from __future__ import annotations

from alignscape.stages.base import batched, rng, trace
from alignscape.stages.synthesis._sampling import sample

OPTION = "synthesis.sources.contrastive_prompting"
POSITIVE = "You are a helpful, honest and harmless assistant. Answer as well as you can."
NEGATIVE = ("You are an unhelpful assistant. Answer carelessly: vague, partly wrong and "
            "without attention to the request.")


@batched
def apply(records, config, ctx):
    role = config.get("role", "policy")
    pairs = config.get("principles") or [{"positive": config.get("positive", POSITIVE),
                                          "negative": config.get("negative", NEGATIVE)}]
    drawn = [rng(ctx, record, "contrast").randrange(len(pairs)) for record in records]
    for polarity in ("positive", "negative"):
        for index, pair in enumerate(pairs):
            group = [r for r, d in zip(records, drawn, strict=True) if d == index]
            if group:
                sample(group, ctx, role=role, origin="contrastive_prompting",
                       models=[config.get("model") or ctx.model(role)], config=config,
                       system=pair[polarity], polarity=polarity, principle=pair[polarity])
    for record in records:
        trace(record, OPTION)
    return records
