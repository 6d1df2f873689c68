"""Atomic judgement: each sentence (``unit: sentence``, default) or token (``unit: token``,
one request per token: only sensible with a scoring backend or short answers) is judged on
its own (FActScore / fine-grained RLHF style). Stores ``atoms``, ``atom_labels`` and
``atom_scores``."""

from __future__ import annotations

import re

from alignscape.stages.base import sentences
from alignscape.stages.evaluation._judge import protocol_stage
from alignscape.stages.evaluation._segments import judge_segments

OPTION = "evaluation.granularity.atomic"
QUESTION = "Is the claim marked >>> correct and supported?"


def judge(records, ctx, role, config):
    unit = config.get("unit", "sentence")
    if unit not in ("sentence", "token"):
        raise ValueError(f"atomic: unit must be sentence or token, not {unit!r}")
    split = sentences if unit == "sentence" else (lambda t: re.findall(r"\S+", t))
    judge_segments(records, ctx, role, config, split=split, kind="atom",
                   question=config.get("question", QUESTION))


apply = protocol_stage(OPTION, judge)
