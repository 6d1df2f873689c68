"""Natural-language feedback: ``prompt``, ``completion``, ``feedback`` (the judge's critique)
and ``score`` where one was given; candidates without a critique are not written."""

from alignscape.stages.base import score_of
from alignscape.stages.instantiation._pointwise import completion_rows
from alignscape.stages.instantiation._rows import format_stage

OPTION = "instantiation.formats.natural_language_feedback"
apply = format_stage(OPTION, lambda record, config, ctx: completion_rows(
    record, config, ctx, lambda c: {"feedback": c["critique"], "score": score_of(c)}
    if c.get("critique") else None))
