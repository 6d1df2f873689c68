"""Implicit signals: scores read off behaviour recorded for another purpose (votes, likes,
upvotes, accepted edits), from each candidate's metadata field ``field`` (default ``votes``,
as given in the input's responses). ``transform``: ``log`` (default; log1p of non-negative
counts, votes are heavy-tailed) or ``raw``. Candidates without the field get no score."""

from __future__ import annotations

import math

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation._judge import log
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.implicit_signal"


@stage(OPTION, per_record=True, params={
    "field": Param(str, "votes", "candidate metadata field holding the signal"),
    "transform": Param(str, "log", "log (signed log1p) or raw", choices=("log", "raw"))})
def implicit_signal(record, config, ctx):
    """Score candidates by a recorded behavioural signal (see the module docstring)."""
    field = config["field"]
    for cand in candidates(record):
        raw = cand.get(field)
        if not isinstance(raw, int | float):
            continue
        value = math.copysign(math.log1p(abs(raw)), raw) if config["transform"] == "log" else raw
        set_score(cand, f"implicit:{field}", float(value))
        log(record, judge=f"implicit:{field}", protocol="pointwise_rating",
            candidate=cand["id"], raw=None, parsed=value)
