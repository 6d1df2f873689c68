"""Listwise ranking: the judge orders all candidates of a prompt in one answer
("Ranking: [2] > [1] > [3]"). Candidates are shown in a seeded random order (so the ranking
is not the generation order) and the ranking is mapped back. The ranking goes to
``record['ranking']`` (candidate ids, best first) and each candidate gets a Borda score in
[0, 1]. An incomplete or unparseable ranking is logged and leaves no ranking.
A scoring backend ranks by its scores."""

from __future__ import annotations

from alignscape.stages.base import candidates, rng, set_score
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

OPTION = "evaluation.protocol.listwise_ranking"


def _store(record, name, order, raw, error):
    log(record, judge=name, protocol="listwise_ranking", raw=raw,
        parsed=[c["id"] for c in order] if order else None, error=error)
    if not order:
        return
    record["ranking"] = [c["id"] for c in order]
    for pos, cand in enumerate(order):
        set_score(cand, f"{name}|borda", 1.0 - pos / max(1, len(order) - 1))


def judge(records, ctx, role, config):
    name = judge_name(ctx, role, config)
    todo = [r for r in records if len(candidates(r)) >= 2]
    if is_scorer(ctx, role):
        for record in todo:
            cands = candidates(record)
            got = scores(ctx, role, [(record, c["text"]) for c in cands])
            if any(g.meta.get("score") is None for g in got):
                _store(record, name, None, None, "a candidate could not be scored")
                continue
            order = [c for _, c in sorted(zip([g.meta["score"] for g in got], cands,
                                              strict=True), key=lambda x: -x[0])]
            _store(record, name, order, None, None)
        return
    shown = {}
    jobs = []
    for record in todo:
        cands = candidates(record)[:]
        rng(ctx, record, "listwise").shuffle(cands)
        shown[id(record)] = cands
        jobs.append((record, judge_prompts.listwise(record["prompt"], [c["text"] for c in cands],
                                                    config, record), f"list|{name}"))
    for (record, _, _), resp in zip(jobs, ask(ctx, role, jobs, config), strict=True):
        cands = shown[id(record)]
        idx = parsing.ranking(resp.text, len(cands)) if resp.ok else None
        _store(record, name, [cands[i] for i in idx] if idx else None, resp.text, resp.error)



@stage(OPTION, params=protocol_params())
def listwise_ranking(records, config, ctx):
    """One ranking of all candidates per prompt (see the module docstring)."""
    judge(records, ctx, config["role"], config)
    return records
