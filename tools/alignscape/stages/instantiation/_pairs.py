"""Shared by the pairing rules: build chosen/rejected pairs from scored candidates.

A pair is {"chosen", "rejected" (candidate ids), "margin" (score difference or None),
"tie" (bool), "rule"}. Equal scores make a tie: dropped unless config ``ties: keep`` (then
kept with ``tie: true`` so a trainer or the drop_ties filter can still see it). Ties are
dropped by default because a tie turned into chosen/rejected is label noise (distilabel's
formatters keep them)."""

from __future__ import annotations

from alignscape.stages.base import batched, candidates, score_of, trace


def ranked(record: dict) -> list[dict]:
    return sorted((c for c in candidates(record) if score_of(c) is not None),
                  key=lambda c: -score_of(c))


def pair(better: dict, worse: dict, rule: str) -> dict:
    sb, sw = score_of(better), score_of(worse)
    if sb is not None and sw is not None and sw > sb:
        better, worse, sb, sw = worse, better, sw, sb
    margin = sb - sw if sb is not None and sw is not None else None
    return {"chosen": better["id"], "rejected": worse["id"], "margin": margin,
            "tie": margin == 0, "rule": rule}


def pairing_stage(option: str, make_pairs):
    """apply() that adds make_pairs(record, config, ctx) to ``record['pairs']``, applying the
    ties policy and skipping pairs already present."""
    rule = option.rsplit(".", 1)[-1]

    @batched
    def apply(records, config, ctx):
        ties = config.get("ties", "drop")
        if ties not in ("drop", "keep"):
            raise ValueError(f"{rule}: ties must be drop or keep, not {ties!r}")
        for record in records:
            have = record.setdefault("pairs", [])
            seen = {(p["chosen"], p["rejected"]) for p in have}
            for p in make_pairs(record, config, ctx):
                key = (p["chosen"], p["rejected"])
                if key in seen or key[::-1] in seen or p["chosen"] == p["rejected"]:
                    continue
                if p.get("tie") and ties == "drop":
                    record["ties_dropped"] = record.get("ties_dropped", 0) + 1
                    continue
                seen.add(key)
                have.append({**p, "rule": p.get("rule", rule)})
            trace(record, option)
        return records

    return apply
