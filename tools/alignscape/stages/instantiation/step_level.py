"""TRL stepwise supervision: ``prompt``, ``completions`` (the steps) and ``labels`` (one bool
per step). A candidate with any step left unlabelled (unparseable judgement, failed rollout)
is not written: TRL needs a bool for every step; the reason stays in records.jsonl. With
``truncate_at_unknown: true`` the steps before the first unknown one are written instead."""

from alignscape.stages.base import candidates
from alignscape.stages.instantiation._rows import format_stage, prompt_value, provenance

OPTION = "instantiation.formats.step_level"


def rows(record, config, ctx):
    out = []
    for cand in candidates(record):
        step_list, labels = cand.get("steps"), cand.get("step_labels")
        if not step_list or not labels or len(step_list) != len(labels):
            continue
        if None in labels:
            if not config.get("truncate_at_unknown"):
                cand["step_format_skipped"] = "a step has no label"
                continue
            cut = labels.index(None)
            step_list, labels = step_list[:cut], labels[:cut]
            if not step_list:
                continue
        out.append({"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
                    "completions": list(step_list), "labels": [bool(x) for x in labels],
                    "provenance": provenance(record, ctx, [cand])})
    return out


apply = format_stage(OPTION, rows)
