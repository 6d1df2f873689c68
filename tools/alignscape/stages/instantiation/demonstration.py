"""Filtered demonstrations for SFT: TRL prompt-completion rows of the kept candidates, the
best ``per_prompt`` (default 1) by score (unscored ones after the scored, in order); with
``require_verified: true`` only verified-correct ones."""

from alignscape.stages.base import candidates, score_of
from alignscape.stages.instantiation._pointwise import completion_rows
from alignscape.stages.instantiation._rows import format_stage

OPTION = "instantiation.formats.demonstration"


def rows(record, config, ctx):
    pool = [c for c in candidates(record)
            if not config.get("require_verified") or c.get("verified") is True]
    pool.sort(key=lambda c: -(score_of(c) if score_of(c) is not None else float("-inf")))
    keep = {c["id"] for c in pool[:int(config.get("per_prompt", 1))]}
    return completion_rows(record, config, ctx, lambda c: {"score": score_of(c)},
                           keep=lambda c: c["id"] in keep)


apply = format_stage(OPTION, rows)
