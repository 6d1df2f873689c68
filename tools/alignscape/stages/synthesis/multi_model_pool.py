"""Candidates from a pool of different models (backend role ``pool``).

config: models (list, required unless the backend is a replay of a recorded pool, whose
generators are then used), per_prompt (draw this many models per prompt, seeded per prompt;
default: all), decoding plan from the sampling stage."""

from __future__ import annotations

from alignscape.stages.base import batched, rng, trace
from alignscape.stages.synthesis._sampling import sample

OPTION = "synthesis.sources.multi_model_pool"


def pool_models(config: dict, ctx) -> list[str]:
    models = config.get("models") or ctx.model("pool")
    if not models:
        models = getattr(ctx.backend("pool"), "generators", None)
    if not models:
        raise ValueError("multi_model_pool: give config models: [..] or --role-model pool=A,B")
    return [models] if isinstance(models, str) else list(models)


@batched
def apply(records, config, ctx):
    models = pool_models(config, ctx)
    k = config.get("per_prompt")

    def chosen(record):
        if k and int(k) < len(models):
            return sorted(rng(ctx, record, "pool").sample(models, int(k)), key=models.index)
        return models

    sample(records, ctx, role="pool", origin="multi_model_pool", models=chosen, config=config)
    for record in records:
        trace(record, OPTION)
    return records
