"""Shared by the filtering stages: exclude candidates or remove pairs, counting what went."""

from __future__ import annotations

from alignscape.stages.base import batched, candidates, trace


def candidate_filter(option: str, reason_of):
    """apply() that excludes each usable candidate for which reason_of(cand, record, config)
    returns a reason; the reason stays on the candidate in records.jsonl."""

    @batched
    def apply(records, config, ctx):
        for record in records:
            for cand in candidates(record):
                why = reason_of(cand, record, config)
                if why:
                    cand["excluded"] = f"{option.rsplit('.', 1)[-1]}: {why}"
            trace(record, option)
        return records

    return apply


def pair_filter(option: str, keep):
    """apply() that removes pairs for which keep(pair, record, config) is false, counting them
    in ``record['pairs_filtered'][<option>]``."""
    name = option.rsplit(".", 1)[-1]

    @batched
    def apply(records, config, ctx):
        for record in records:
            pairs = record.get("pairs", [])
            kept = [p for p in pairs if keep(p, record, config)]
            if len(kept) < len(pairs):
                counts = record.setdefault("pairs_filtered", {})
                counts[name] = counts.get(name, 0) + len(pairs) - len(kept)
            record["pairs"] = kept
            trace(record, option)
        return records

    return apply
