"""Shared by the model-judge evaluators: run the configured protocols with one backend role.

config: protocols (default [pointwise_rating]), aspects (multi-aspect ratings instead of one
overall rating), granularity (extra step/atomic passes), and every option of the protocols.
"""

from __future__ import annotations

import importlib

from alignscape.stages.base import batched, trace

PROTOCOLS = ("pointwise_rating", "pairwise_comparison", "listwise_ranking", "binary_judgement",
             "critique", "correction")
GRANULARITY = {"step": "step", "atomic": "atomic", "token": "atomic"}


def run(records, ctx, role, config):
    protocols = config.get("protocols") or ["pointwise_rating"]
    for protocol in protocols:
        if protocol not in PROTOCOLS:
            raise ValueError(f"unknown judge protocol {protocol!r}; expected one of {PROTOCOLS}")
        if protocol == "pointwise_rating" and config.get("aspects"):
            from alignscape.stages.evaluation import multi_aspect

            multi_aspect.judge(records, ctx, role, config)
            continue
        module = importlib.import_module(f"alignscape.stages.evaluation.{protocol}")
        module.judge(records, ctx, role, config)
    for unit in config.get("granularity") or ():
        if unit in GRANULARITY:
            module = importlib.import_module(f"alignscape.stages.evaluation.{GRANULARITY[unit]}")
            module.judge(records, ctx, role, {**config, "unit": "token"} if unit == "token"
                         else config)


def judge_stage(option: str, role: str, defaults: dict | None = None):
    """apply() of an evaluator that is a model judge playing ``role``."""

    @batched
    def apply(records, config, ctx):
        run(records, ctx, config.get("role", role), {**(defaults or {}), **config})
        for record in records:
            trace(record, option)
        return records

    return apply
