"""Shared by the judge protocols: send judge requests, keep every raw answer.

A judge role may be served by a text model (its answer is parsed) or by a scoring backend (a
reward model or the labelled heuristic): then a pointwise rating is the score itself and a
pairwise verdict compares two scores. Either way each call is logged in
``record['judgements']`` with the raw answer, the parsed value and any error, so an
unparseable verdict is visible in the output instead of being dropped.
"""

from __future__ import annotations

from alignscape.pipeline.backends.base import Request
from alignscape.stages.base import derived_seed


def is_scorer(ctx, role: str) -> bool:
    backend = ctx.backend(role)
    return bool(getattr(backend, "can_score", False)) and not getattr(backend, "can_generate",
                                                                      True)


def judge_name(ctx, role: str, config: dict) -> str:
    return config.get("judge_name") or f"{role}:{ctx.backend(role).name}"


def ask(ctx, role: str, jobs: list[tuple[dict, list[dict], str]], config: dict):
    """jobs: (record, messages, salt). Returns one Response per job."""
    reqs = [Request(messages, model=config.get("judge_model") or ctx.model(role),
                    temperature=float(config.get("judge_temperature", 0.0)),
                    max_tokens=int(config.get("judge_max_tokens", 512)),
                    seed=derived_seed(ctx, record, salt))
            for record, messages, salt in jobs]
    return ctx.generate(role, reqs)


def scores(ctx, role: str, pairs: list[tuple[dict, str]]):
    """pairs: (record, response text). Returns one Response per pair (meta['score'])."""
    return ctx.score(role, [r["prompt"] for r, _ in pairs], [t for _, t in pairs])


def log(record: dict, **judgement) -> dict:
    """Append one judgement; ``parse_error`` is set when a raw answer yields no verdict."""
    if judgement.get("raw") is not None and judgement.get("parsed") is None \
            and not judgement.get("error"):
        judgement["parse_error"] = "no verdict found in the judge's answer"
    record.setdefault("judgements", []).append(judgement)
    return judgement


def protocol_stage(option: str, judge):
    """apply() of a judging module: ``judge(records, ctx, role, config)`` with the role from
    config (default ``judge``)."""
    from alignscape.stages.base import batched, trace

    @batched
    def apply(records, config, ctx):
        judge(records, ctx, config.get("role", "judge"), config)
        for record in records:
            trace(record, option)
        return records

    return apply
