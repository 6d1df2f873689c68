"""Length control: remove the part of each score that length explains, so a longer answer is
not preferred for being long. Within each prompt, score -= alpha * z(log word count), with
z standardised over the prompt's candidates (alpha default 0.5, in score units per standard
deviation of log-length). The raw score is kept in ``score_before_length_control``. Run
after the evaluators."""

from __future__ import annotations

import math
import statistics

from alignscape.stages.base import candidates, score_of, words
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.bias_controls.length_control"


@stage(OPTION, per_record=True, params={
    "alpha": Param(float, 0.5, "score units removed per standard deviation of log-length")})
def length_control(record, config, ctx):
    """Remove the part of each score that length explains (see the module docstring)."""
    alpha = config["alpha"]
    cands = [c for c in candidates(record) if score_of(c) is not None]
    lengths = [math.log1p(len(words(c["text"]))) for c in cands]
    if len(cands) > 1 and statistics.pstdev(lengths) > 0:
        mean, sd = statistics.fmean(lengths), statistics.pstdev(lengths)
        for cand, length in zip(cands, lengths, strict=True):
            cand["score_before_length_control"] = cand["score"]
            cand["score"] = cand["score"] - alpha * (length - mean) / sd
            cand["length_z"] = (length - mean) / sd
