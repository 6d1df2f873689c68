"""Group-wise (GRPO-style) groups: ``prompt``, ``completions``, ``rewards`` and
``advantages`` = (reward - group mean) / (group std + eps); ``scale_std: false`` keeps only
the mean-centring (Dr. GRPO). Groups whose rewards are all equal carry zero advantages and
are written anyway, flagged ``degenerate: true`` (DAPO filters them; that is the trainer's
choice)."""

import statistics

from alignscape.stages.base import candidates, score_of
from alignscape.stages.instantiation._rows import (
    completion_value,
    format_stage,
    prompt_value,
    provenance,
)

OPTION = "instantiation.formats.groupwise"


def rows(record, config, ctx):
    group = [c for c in candidates(record) if score_of(c) is not None]
    if len(group) < 2:
        return []
    rewards = [score_of(c) for c in group]
    mean, sd = statistics.fmean(rewards), statistics.pstdev(rewards)
    div = (sd + 1e-6) if config.get("scale_std", True) else 1.0
    return [{"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
             "completions": [completion_value(c["text"], config) for c in group],
             "rewards": rewards, "advantages": [(r - mean) / div for r in rewards],
             "degenerate": sd == 0, "provenance": provenance(record, ctx, group)}]


apply = format_stage(OPTION, rows)
