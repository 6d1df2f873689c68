"""Shared by the selection stages: keep or exclude candidates per record, with a reason."""

from __future__ import annotations

from alignscape.stages.base import batched, candidates, score_of, trace


def exclude(cand: dict, reason: str) -> None:
    cand["excluded"] = reason


def scored(record: dict) -> list[dict]:
    """Usable candidates that have a score, best first (ties keep their candidate order)."""
    return sorted((c for c in candidates(record) if score_of(c) is not None),
                  key=lambda c: -score_of(c))


def selection_stage(option: str, select):
    """apply() that runs ``select(record, config, ctx)`` on every record."""

    @batched
    def apply(records, config, ctx):
        for record in records:
            select(record, config, ctx)
            trace(record, option)
        return records

    return apply
