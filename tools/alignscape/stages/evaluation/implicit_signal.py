"""Implicit signals: scores read off behaviour recorded for another purpose (votes, likes,
upvotes, accepted edits), from each candidate's metadata field ``field`` (default ``votes``,
as given in the input's responses). ``transform``: ``log`` (default; log1p of non-negative
counts, votes are heavy-tailed) or ``raw``. Candidates without the field get no score."""

from __future__ import annotations

import math

from alignscape.stages.base import batched, candidates, set_score, trace
from alignscape.stages.evaluation._judge import log

OPTION = "evaluation.evaluators.implicit_signal"


@batched
def apply(records, config, ctx):
    field, transform = config.get("field", "votes"), config.get("transform", "log")
    for record in records:
        for cand in candidates(record):
            raw = cand.get(field)
            if not isinstance(raw, int | float):
                continue
            value = math.copysign(math.log1p(abs(raw)), raw) if transform == "log" else raw
            set_score(cand, f"implicit:{field}", float(value))
            log(record, judge=f"implicit:{field}", protocol="pointwise_rating",
                candidate=cand["id"], raw=None, parsed=value)
        trace(record, OPTION)
    return records
