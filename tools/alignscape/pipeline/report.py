"""What a run did: the failures file's rows and report.json, computed from the committed
files (so it covers resumed segments too)."""

from __future__ import annotations

import json
from pathlib import Path

from alignscape.pipeline.agreement import measure
from alignscape.pipeline.inputs import input_row


def failure_of(record: dict) -> dict | None:
    """What went wrong for a record, or None. Carries the whole input line (every field as
    read: references, tests, custom fields), so the failures file can be fed back as
    --prompts into another folder, and ``--retry-failures`` can redo them in place."""
    cand_errors = [{"candidate": c.get("id"), "model": c.get("model"), "origin": c.get("origin"),
                    "error": c["error"], "attempts": c.get("attempts")}
                   for c in record.get("candidates", []) if c.get("error")]
    judge_errors = [{k: j.get(k) for k in ("judge", "protocol", "candidate", "a", "b", "error",
                                           "parse_error", "raw") if j.get(k) is not None}
                    for j in record.get("judgements", [])
                    if j.get("error") or j.get("parse_error")]
    if not (record.get("errors") or cand_errors or judge_errors):
        return None
    return {**input_row(record), "errors": record.get("errors", []),
            "candidate_errors": cand_errors, "judgement_errors": judge_errors}


def summarise(out: Path, recipe, ctx, elapsed: float) -> dict:
    counts = {"records": 0, "unique_prompt_ids": 0, "candidates": 0, "candidates_failed": 0,
              "judgements": 0, "judgements_unparsed": 0, "judgements_failed": 0,
              "records_failed": 0, "ties_dropped": 0, "unjudged_pairs": 0}
    seen = set()
    with open(out / "records.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            counts["records"] += 1
            seen.add(r["prompt_id"])
            counts["candidates"] += len(r.get("candidates", []))
            counts["candidates_failed"] += sum(1 for c in r.get("candidates", [])
                                               if c.get("error"))
            counts["judgements"] += len(r.get("judgements", []))
            counts["judgements_unparsed"] += sum(1 for j in r.get("judgements", [])
                                                 if j.get("parse_error"))
            counts["judgements_failed"] += sum(1 for j in r.get("judgements", [])
                                               if j.get("error"))
            counts["records_failed"] += any(e.get("fatal") for e in r.get("errors", []))
            counts["ties_dropped"] += r.get("ties_dropped", 0)
            counts["unjudged_pairs"] += r.get("unjudged_pairs", 0)
    counts["unique_prompt_ids"] = len(seen)

    def lines(name):
        path = out / name
        if not path.exists():
            return 0
        with open(path, encoding="utf-8") as fh:
            return sum(1 for _ in fh)

    report = {"recipe": recipe.name, "entry": recipe.entry, "seed": recipe.seed,
              "backends": ctx.describe(), "elapsed_seconds": round(elapsed, 2), **counts,
              "failures": lines("failures.jsonl"), "input_errors": lines("input_errors.jsonl"),
              "rows": {s.option: lines(f"{s.option}.jsonl") for s in recipe.formats},
              "notes": recipe.notes}
    for backend in ctx.backends.values():
        verdicts = getattr(backend, "verdicts", None)
        if verdicts:
            recorded = verdicts()
            if recorded:
                report["judge_agreement"] = {
                    "reference": f"recorded verdicts of {backend.name}",
                    **measure(out / "records.jsonl", recorded)}
                break
    return report
