"""Best-of-n / rejection sampling: keep the ``keep`` (default 1) highest-scored candidates of
each prompt, as scored by the evaluation stage that ran before. Unscored candidates are
excluded with that reason."""

from alignscape.stages.base import candidates
from alignscape.stages.synthesis._select import exclude, scored, selection_stage

OPTION = "synthesis.selection.best_of_n"


def select(record, config, ctx):
    ranked = scored(record)
    keep = {c["id"] for c in ranked[:int(config.get("keep", 1))]}
    for cand in candidates(record):
        if cand["id"] not in keep:
            exclude(cand, "not best-of-n" if cand in ranked else "no score")


apply = selection_stage(OPTION, select)
