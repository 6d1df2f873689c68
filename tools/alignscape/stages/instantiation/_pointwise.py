"""Shared by the one-completion-per-row formats."""

from alignscape.stages.base import candidates
from alignscape.stages.instantiation._rows import completion_value, prompt_value, provenance


def completion_rows(record, config, ctx, fields, keep=lambda c: True):
    """One row per usable candidate with keep(c); fields(c) gives the format's columns (or
    None to skip a candidate that lacks what the format needs)."""
    out = []
    for cand in candidates(record):
        if not keep(cand):
            continue
        extra = fields(cand)
        if extra is None:
            continue
        out.append({"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
                    "completion": completion_value(cand["text"], config),
                    "model": cand.get("model"), **extra, **cand.get("columns", {}),
                    "provenance": provenance(record, ctx, [cand])})
    return out
