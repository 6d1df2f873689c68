"""Shared by the formats: TRL-shaped rows with provenance.

Every row carries ``prompt_id`` and ``provenance`` (a JSON string, so the column has one type
in Parquet whatever the stages recorded): entry, stage options run, seed, backends by role,
the models that wrote the completions, the judges that scored them and their scores. Style
``standard`` writes strings; ``conversational`` writes lists of {role, content} messages
(TRL's two flavours). Formats expand records into rows: ``apply`` returns rows, not records.
"""

from __future__ import annotations

import json

from alignscape.stages.base import by_id, candidates, to_columns, to_rows


def style(config: dict) -> str:
    value = config.get("style", "standard")
    if value not in ("standard", "conversational"):
        raise ValueError(f"style must be standard or conversational, not {value!r}")
    return value


def prompt_value(record: dict, config: dict):
    if style(config) == "conversational":
        return [{"role": "user", "content": record["prompt"]}]
    return record["prompt"]


def completion_value(text: str, config: dict):
    if style(config) == "conversational":
        return [{"role": "assistant", "content": text}]
    return text


def provenance(record: dict, ctx, cands: list[dict], **extra) -> str:
    judges = sorted({j["judge"] for j in record.get("judgements", []) if j.get("judge")})
    return json.dumps({
        "entry": getattr(ctx, "entry", None), "stages": record.get("trace", []),
        "seed": getattr(ctx, "seed", None),
        "backends": ctx.describe() if hasattr(ctx, "describe") else {},
        "prompt_origin": record.get("prompt_origin"),
        "candidates": [{k: c.get(k) for k in ("id", "model", "origin", "decoding", "score",
                                              "scores", "aspects", "verified", "parent")
                        if c.get(k) is not None} for c in cands],
        "judges": judges, **extra}, ensure_ascii=False, sort_keys=True, default=str)


def format_stage(option: str, rows_of):
    """apply() that turns every record into rows with rows_of(record, config, ctx)."""

    def apply(batch, config=None, ctx=None):
        records, columns = to_rows(batch)
        config = dict(config or {})
        out = [row for record in records for row in rows_of(record, config, ctx)]
        return to_columns(out) if columns else out

    apply.__doc__ = f"Rows of the {option.rsplit('.', 1)[-1]} format for a batch of records."
    return apply


def usable_by_id(record: dict) -> dict[str, dict]:
    usable = {c["id"] for c in candidates(record)}
    return {k: v for k, v in by_id(record).items() if k in usable}
