"""Binary judgement: each candidate is marked acceptable or not ("Verdict: yes/no"), stored as
``candidate['label']`` (True/False, None when unparseable) and as a 1/0 score. A scoring
backend labels by ``threshold`` (default 0) on its score.
config: question (what to decide), threshold."""

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

OPTION = "evaluation.protocol.binary_judgement"


def judge(records, ctx, role, config):
    name = judge_name(ctx, role, config)
    jobs = [(r, c) for r in records for c in candidates(r)]
    if is_scorer(ctx, role):
        bar = float(config.get("threshold", 0.0))
        got = scores(ctx, role, [(r, c["text"]) for r, c in jobs])
        results = [(None, None if g.meta.get("score") is None else g.meta["score"] > bar,
                    g.error) for g in got]
    else:
        answers = ask(ctx, role, [(r, judge_prompts.binary(r["prompt"], c["text"], config, r),
                                   f"binary|{name}|{c['id']}") for r, c in jobs], config)
        results = [(a.text, parsing.binary(a.text) if a.ok else None, a.error) for a in answers]
    for (record, cand), (raw, label, error) in zip(jobs, results, strict=True):
        cand["label"] = label
        cand.setdefault("labels_by_judge", {})[name] = label
        set_score(cand, f"{name}|binary", None if label is None else float(label), binary=True)
        log(record, judge=name, protocol="binary_judgement", candidate=cand["id"], raw=raw,
            parsed=label, error=error)



@stage(OPTION, params=protocol_params())
def binary_judgement(records, config, ctx):
    """Each candidate marked acceptable or not (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records
