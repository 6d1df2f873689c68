"""Reward-model scoring: a scalar per (prompt, response) from the ``reward`` backend role: a
local transformers sequence-classification model, an HTTP reward endpoint wrapped as a
scoring backend, or the labelled heuristic. Scores go to ``candidate['scores']``; a failed
score is None with the error logged."""

from __future__ import annotations

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation._judge import judge_name, log, scores
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.reward_model"


@stage(OPTION, params={
    "role": Param(str, "reward", "backend role that scores"),
    "judge_name": Param(str, None, "judge name in provenance (default role:backend)")})
def reward_model(records, config, ctx):
    """A scalar reward per (prompt, response) from the role's scoring backend."""
    role = config["role"]
    name = judge_name(ctx, role, config)
    jobs = [(r, c) for r in records for c in candidates(r)]
    for (record, cand), resp in zip(jobs, scores(ctx, role, [(r, c["text"]) for r, c in jobs]),
                                    strict=True):
        value = resp.meta.get("score") if resp.error is None else None
        set_score(cand, name, value)
        log(record, judge=name, protocol="reward_model", candidate=cand["id"], raw=None,
            parsed=value, error=resp.error or (None if value is not None else "no score"))
    return records
