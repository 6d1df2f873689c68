"""Shared by step- and atom-level judgement: judge each segment of each candidate."""

from __future__ import annotations

from alignscape.stages.base import candidates
from alignscape.stages.evaluation import judge_prompts, parsing
from alignscape.stages.evaluation._judge import ask, is_scorer, judge_name, log, scores


def judge_segments(records, ctx, role, config, *, split, kind, question):
    """Split each candidate with ``split``; label segment i given segments[:i] as context.
    Stores ``<kind>s``, ``<kind>_labels`` (bool/None) and ``<kind>_scores`` on candidates."""
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
