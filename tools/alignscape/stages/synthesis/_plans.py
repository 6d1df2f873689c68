"""Shared by the sampling-strategy stages: write a decoding plan onto each record."""

from __future__ import annotations

from alignscape.stages.base import batched, derived_seed, trace


def plan_stage(option: str, make_plan):
    """apply() that sets ``record['decoding']`` to make_plan(config) with per-record seeds."""

    @batched
    def apply(records, config, ctx):
        for record in records:
            record["decoding"] = [
                {**s, "seed": s.get("seed", derived_seed(ctx, record, f"{option}|{i}"))}
                for i, s in enumerate(make_plan(config))]
            trace(record, option)
        return records

    return apply
