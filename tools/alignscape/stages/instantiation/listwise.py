"""Listwise rankings: ``prompt``, ``completions`` (best first) and ``scores`` (same order),
one row per prompt with at least two ranked candidates. The order is the judge's ranking when
a listwise judgement was made, else the scores."""

from alignscape.stages.base import by_id, candidates, score_of
from alignscape.stages.instantiation._rows import (
    completion_value,
    format_stage,
    prompt_value,
    provenance,
)

OPTION = "instantiation.formats.listwise"


def ordered(record):
    usable = {c["id"] for c in candidates(record)}
    if record.get("ranking"):
        cands = by_id(record)
        return [cands[i] for i in record["ranking"] if i in usable]
    return sorted((c for c in candidates(record) if score_of(c) is not None),
                  key=lambda c: -score_of(c))


def rows(record, config, ctx):
    order = ordered(record)
    if len(order) < 2:
        return []
    return [{"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
             "completions": [completion_value(c["text"], config) for c in order],
             "scores": [score_of(c) for c in order], "models": [c.get("model") for c in order],
             "provenance": provenance(record, ctx, order)}]


apply = format_stage(OPTION, rows)
