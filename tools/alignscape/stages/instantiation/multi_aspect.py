"""Multi-aspect vectors: ``prompt``, ``completion``, ``aspects`` (names) and
``aspect_scores`` (floats, null where a rating could not be parsed), plus the overall
``score``. Aspect names are sorted so every row of a run has the same order."""

from alignscape.stages.base import score_of
from alignscape.stages.instantiation._pointwise import completion_rows
from alignscape.stages.instantiation._rows import format_stage

OPTION = "instantiation.formats.multi_aspect"


def fields(cand):
    aspects = cand.get("aspects") or {}
    if not aspects:
        return None
    names = sorted(aspects)
    return {"aspects": names, "aspect_scores": [aspects[n] for n in names],
            "score": score_of(cand)}


apply = format_stage(OPTION, lambda record, config, ctx: completion_rows(
    record, config, ctx, fields))
