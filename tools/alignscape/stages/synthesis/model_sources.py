"""Candidates sampled from models: the policy, a fixed reference model, a stronger teacher, or
a pool of different models. Each follows the record's decoding plan (from the sampling stage;
default one greedy answer) and turns every answer, or its error, into a candidate."""

from __future__ import annotations

from alignscape.stages.base import rng
from alignscape.stages.registry import Param, alias, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, role_params, sample


def _single(records, config, ctx, origin):
    role = config["role"]
    sample(records, ctx, role=role, origin=origin, models=[config["model"] or ctx.model(role)],
           config=config)
    return records


@stage("synthesis.sources.policy_sampling",
       params={**role_params("policy"), **SAMPLING_PARAMS})
def policy_sampling(records, config, ctx):
    """Sample candidates from the policy being trained (backend role ``policy``), so the data
    follows the policy's own distribution."""
    return _single(records, config, ctx, "policy_sampling")


@stage("synthesis.sources.reference_model_sampling",
       params={**role_params("reference"), **SAMPLING_PARAMS})
def reference_model_sampling(records, config, ctx):
    """Sample candidates once from a fixed reference / SFT model (backend role
    ``reference``)."""
    return _single(records, config, ctx, "reference_model_sampling")


@stage("synthesis.sources.stronger_model_distillation",
       params={**role_params("teacher"), **SAMPLING_PARAMS})
def stronger_model_distillation(records, config, ctx):
    """Answers from a stronger teacher model (backend role ``teacher``), used as
    demonstrations or as preferred responses."""
    return _single(records, config, ctx, "stronger_model_distillation")


def pool_models(config: dict, ctx) -> list[str]:
    models = config.get("models") or ctx.model("pool")
    if not models:
        models = getattr(ctx.backend("pool"), "generators", None)
    if not models:
        raise ValueError("multi_model_pool: give config models: [..] or --role-model pool=A,B")
    return [models] if isinstance(models, str) else list(models)


@stage("synthesis.sources.multi_model_pool", params={
    "models": Param(list, None, "the pool's model names (default: --role-model pool=..., or "
                    "the generators of a replayed pool)", items=str),
    "per_prompt": Param(int, None, "draw this many models per prompt, seeded (null: all)"),
    **SAMPLING_PARAMS})
def multi_model_pool(records, config, ctx):
    """Candidates from a pool of different models (backend role ``pool``)."""
    models = pool_models(config, ctx)
    k = config["per_prompt"]

    def chosen(record):
        if k and k < len(models):
            return sorted(rng(ctx, record, "pool").sample(models, k), key=models.index)
        return models

    sample(records, ctx, role="pool", origin="multi_model_pool", models=chosen, config=config)
    return records


alias("synthesis.policy_relation.on_policy", "synthesis.sources.policy_sampling",
      "candidates come from the policy")
alias("synthesis.exploration.model_diversity", "synthesis.sources.multi_model_pool",
      "candidates from several models")
