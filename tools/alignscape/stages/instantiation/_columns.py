"""Shared by the weighting stages: add training columns to each pair (and each candidate, for
one-completion formats). Formats copy ``columns`` into their rows."""

from __future__ import annotations

from alignscape.stages.base import batched, candidates, trace
from alignscape.stages.instantiation._rows import usable_by_id


def column_stage(option: str, for_pair=None, for_candidate=None):
    """apply() that merges for_pair(pair, chosen, rejected, record, config, ctx) into each
    pair's columns and for_candidate(cand, record, config, ctx) into each candidate's."""

    @batched
    def apply(records, config, ctx):
        for record in records:
            cands = usable_by_id(record)
            if for_pair:
                for p in record.get("pairs", []):
                    ch, rj = cands.get(p["chosen"]), cands.get(p["rejected"])
                    if ch is not None and rj is not None:
                        p.setdefault("columns", {}).update(
                            for_pair(p, ch, rj, record, config, ctx))
            if for_candidate:
                for cand in candidates(record):
                    cand.setdefault("columns", {}).update(for_candidate(cand, record, config,
                                                                        ctx))
            trace(record, option)
        return records

    return apply
