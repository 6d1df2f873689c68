"""Step-level judgement (process supervision): every reasoning step of every candidate is
judged correct or not given the steps before it (PRM800K-style labels). Steps are split on
blank lines, else lines. Stores ``steps``, ``step_labels`` and ``step_scores``; the
``step_level`` format turns them into TRL stepwise-supervision rows."""

from __future__ import annotations

from alignscape.stages.base import steps
from alignscape.stages.evaluation._judge import protocol_stage
from alignscape.stages.evaluation._segments import judge_segments

OPTION = "evaluation.granularity.step"
QUESTION = "Is the step marked >>> correct and useful, given the steps before it?"


def judge(records, ctx, role, config):
    judge_segments(records, ctx, role, config, split=steps, kind="step",
                   question=config.get("question", QUESTION))


apply = protocol_stage(OPTION, judge)
