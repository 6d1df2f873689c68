"""Judgement below the whole response: every reasoning step (process supervision) or every
atom (sentence or token) of every candidate is judged on its own, given what came before it.

Each segment is labelled by the role's judge: a text model answers "Verdict: yes/no" about the
segment marked >>>, a scoring backend scores the prefix up to it (label: score above
``threshold``). Stores ``<kind>s``, ``<kind>_labels`` (bool/None) and ``<kind>_scores`` on
candidates (kind ``step`` or ``atom``); the ``step_level`` format turns steps into TRL
stepwise-supervision rows."""

from __future__ import annotations

import re

from alignscape.stages.base import candidates, sentences, steps
from alignscape.stages.evaluation import judge_prompts, parsing
from alignscape.stages.evaluation._judge import (
    ask,
    is_scorer,
    judge_name,
    log,
    protocol_params,
    scores,
)
from alignscape.stages.registry import alias, stage

STEP_QUESTION = "Is the step marked >>> correct and useful, given the steps before it?"
ATOM_QUESTION = "Is the claim marked >>> correct and supported?"


def judge_segments(records, ctx, role, config, *, split, kind, question):
    """Split each candidate with ``split``; label segment i given segments[:i] as context."""
    name = judge_name(ctx, role, config)
    jobs = []
    for record in records:
        for cand in candidates(record):
            parts = split(cand["text"])
            cand[f"{kind}s"] = parts
            jobs += [(record, cand, i) for i in range(len(parts))]
    if is_scorer(ctx, role):
        got = scores(ctx, role, [(r, "\n\n".join(c[f"{kind}s"][:i + 1])) for r, c, i in jobs])
        bar = float(config.get("threshold", 0.0))
        results = [(None, g.meta.get("score"), g.error) for g in got]
        labels = [None if s is None else s > bar for _, s, _ in results]
    else:
        def prompt(r, c, i):
            done = "\n\n".join(c[f"{kind}s"][:i])
            shown = f"{done}\n\n>>> {c[f'{kind}s'][i]}" if done else f">>> {c[f'{kind}s'][i]}"
            return judge_prompts.binary(r["prompt"], shown, config, r, question=question)

        answers = ask(ctx, role, [(r, prompt(r, c, i), f"{kind}|{name}|{c['id']}|{i}")
                                  for r, c, i in jobs], config)
        labels = [parsing.binary(a.text) if a.ok else None for a in answers]
        results = [(a.text, None if v is None else float(v), a.error)
                   for a, v in zip(answers, labels, strict=True)]
    for (record, cand, i), (raw, value, error), label in zip(jobs, results, labels, strict=True):
        cand.setdefault(f"{kind}_labels", [None] * len(cand[f"{kind}s"]))[i] = label
        cand.setdefault(f"{kind}_scores", [None] * len(cand[f"{kind}s"]))[i] = value
        log(record, judge=name, protocol=f"{kind}_level", candidate=cand["id"], index=i,
            raw=raw, parsed=label, error=error)


def judge_steps(records, ctx, role, config):
    """Steps are split on blank lines, else lines (PRM800K-style labels)."""
    judge_segments(records, ctx, role, config, split=steps, kind="step",
                   question=config.get("question") or STEP_QUESTION)


def judge_atoms(records, ctx, role, config):
    """Atoms are sentences (``unit: sentence``) or tokens (``unit: token``: one request per
    token, only sensible with a scoring backend or short answers), FActScore style."""
    split = sentences if config.get("unit", "sentence") == "sentence" else (
        lambda t: re.findall(r"\S+", t))
    judge_segments(records, ctx, role, config, split=split, kind="atom",
                   question=config.get("question") or ATOM_QUESTION)


@stage("evaluation.granularity.step", params=protocol_params())
def step(records, config, ctx):
    """Step-level judgement: every reasoning step judged correct or not given the steps
    before it."""
    judge_steps(records, ctx, config["role"], config)
    return records


@stage("evaluation.granularity.atomic", params=protocol_params())
def atomic(records, config, ctx):
    """Atomic judgement: each sentence (or token) judged on its own."""
    judge_atoms(records, ctx, config["role"], config)
    return records


alias("evaluation.granularity.token", "evaluation.granularity.atomic",
      "atomic judgement with unit: token", unit="token")
