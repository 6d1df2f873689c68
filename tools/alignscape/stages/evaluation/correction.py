"""Correction: the judge rewrites each candidate; the edit is the feedback. Each correction is
a new candidate (origin ``correction``, ``parent`` = the original), which
``revised_vs_original`` pairs with its original. Unchanged rewrites are marked
``unchanged: true`` (no preference to learn from)."""

from __future__ import annotations

from alignscape.stages.base import add_candidate, candidates
from alignscape.stages.evaluation import judge_prompts
from alignscape.stages.evaluation._judge import ask, judge_name, log, protocol_params
from alignscape.stages.registry import stage

OPTION = "evaluation.protocol.correction"


def judge(records, ctx, role, config):
    name = judge_name(ctx, role, config)
    jobs = [(r, c) for r in records for c in candidates(r) if c["origin"] != "correction"]
    answers = ask(ctx, role, [(r, judge_prompts.correction(r["prompt"], c["text"], config, r),
                               f"correct|{name}|{c['id']}") for r, c in jobs], config)
    for (record, cand), resp in zip(jobs, answers, strict=True):
        text = resp.text.strip() if resp.ok else None
        add_candidate(record, text, "correction", parent=cand["id"], model=name,
                      error=resp.error, unchanged=text == cand["text"].strip())
        log(record, judge=name, protocol="correction", candidate=cand["id"], raw=resp.text,
            parsed=bool(text), error=resp.error)



@stage(OPTION, params=protocol_params())
def correction(records, config, ctx):
    """A corrected rewrite per candidate (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records
