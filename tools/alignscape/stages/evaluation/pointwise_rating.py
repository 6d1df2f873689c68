"""Pointwise rating: each candidate is scored on its own, on a Likert scale (text judge:
"Rating: [[N]]", robustly parsed) or as a real-valued score (scoring backend).

config: scale ([1, 5]), rubric (bool), reference_guided (bool), principles, aspect.
The score lands in ``candidate['scores'][<judge>]``; unparseable answers leave it None and
are logged with the raw text."""

from __future__ import annotations

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation import judge_prompts, parsing
from alignscape.stages.evaluation._judge import (
    ask,
    is_scorer,
    judge_name,
    log,
    protocol_params,
    scores,
)
from alignscape.stages.registry import stage

OPTION = "evaluation.protocol.pointwise_rating"


def judge(records, ctx, role, config, aspect=None):
    aspect = aspect or config.get("aspect")
    name = judge_name(ctx, role, config) + (f"|{aspect}" if aspect else "")
    jobs = [(r, c) for r in records for c in candidates(r)]
    if is_scorer(ctx, role):
        for (record, cand), resp in zip(jobs, scores(ctx, role, [(r, c["text"])
                                                                 for r, c in jobs]), strict=True):
            value = resp.meta.get("score") if resp.error is None else None
            _store(record, cand, name, aspect, value, None, resp.error)
        return
    lo, hi = config.get("scale", (1, 5))
    answers = ask(ctx, role, [(r, judge_prompts.pointwise(r["prompt"], c["text"], config, r,
                                                          aspect), f"point|{name}|{c['id']}")
                              for r, c in jobs], config)
    for (record, cand), resp in zip(jobs, answers, strict=True):
        value = parsing.score(resp.text, lo, hi) if resp.ok else None
        _store(record, cand, name, aspect, value, resp.text, resp.error)


def _store(record, cand, name, aspect, value, raw, error):
    if aspect:
        cand.setdefault("aspects", {})[aspect] = value
    else:
        set_score(cand, name, value)
    log(record, judge=name, protocol="pointwise_rating", candidate=cand["id"], aspect=aspect,
        raw=raw, parsed=value, error=error)



@stage(OPTION, params=protocol_params())
def pointwise_rating(records, config, ctx):
    """A rating per candidate (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records
