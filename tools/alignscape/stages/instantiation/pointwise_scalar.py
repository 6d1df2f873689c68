"""Scalar rewards: ``prompt``, ``completion``, ``reward`` (the candidate's score), one row per
scored candidate; unscored candidates are not written (their errors are in records.jsonl)."""

from alignscape.stages.base import score_of
from alignscape.stages.instantiation._pointwise import completion_rows
from alignscape.stages.instantiation._rows import format_stage

OPTION = "instantiation.formats.pointwise_scalar"
apply = format_stage(OPTION, lambda record, config, ctx: completion_rows(
    record, config, ctx, lambda c: None if score_of(c) is None else {"reward": score_of(c)}))
