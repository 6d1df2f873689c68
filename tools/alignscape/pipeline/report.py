"""What a run did: the failures file's rows and report.json, computed from the committed
files (so it covers resumed segments too)."""

from __future__ import annotations

import json
from pathlib import Path

from alignscape.pipeline.agreement import measure
from alignscape.pipeline.checkpoint import CHECKPOINT
from alignscape.pipeline.inputs import input_row
from alignscape.stages.instantiation.encoding import loads


def failure_of(record: dict) -> dict | None:
    """What went wrong for a record, or None. Carries the whole input line (every field as
    read: references, tests, custom fields), so the failures file can be fed back as
    --prompts into another folder, and ``--retry-failures`` can redo them in place."""
    cands, judgements = record.get("candidates", ()), record.get("judgements", ())
    if not record.get("errors") and not _any_error(cands) and not _any_error(judgements):
        return None  # most records: no list is built
    cand_errors = [{"candidate": c.get("id"), "model": c.get("model"), "origin": c.get("origin"),
                    "error": c["error"], "attempts": c.get("attempts")}
                   for c in cands if c.get("error")]
    judge_errors = [{k: j.get(k) for k in ("judge", "protocol", "candidate", "a", "b", "error",
                                           "parse_error", "raw") if j.get(k) is not None}
                    for j in judgements if j.get("error") or j.get("parse_error")]
    if not (record.get("errors") or cand_errors or judge_errors):
        return None
    return {**input_row(record), "errors": record.get("errors", []),
            "candidate_errors": cand_errors, "judgement_errors": judge_errors}


def _any_error(items) -> bool:
    for item in items:
        if item.get("error") or item.get("parse_error"):
            return True
    return False


# Fields parse_row derives from the input line; with the line's own fields (input_fields)
# they are not repeated in records.jsonl: the prompts file holds them, failures.jsonl carries
# the whole line of a failed prompt, and the output rows carry the prompt.
DERIVED_FROM_INPUT = frozenset(("input_fields", "input_prompt", "messages", "prompt"))


def stored_record(record: dict) -> dict:
    """A record as records.jsonl keeps it: its prompt_id and what the pipeline added
    (candidates, judgements, pairs, trace, errors, counts). A record the pipeline made itself
    (a generated prompt: no input_fields) is kept whole."""
    fields = record.get("input_fields")
    if fields is None:
        return record
    if len(fields) > 8:
        fields = set(fields)  # a line of many fields: a set (a short list is searched faster)
    derived = DERIVED_FROM_INPUT
    kept = {}
    for k, v in record.items():
        if k == "prompt_id" or (k not in derived and k not in fields):
            kept[k] = v
    return kept


COUNTS = ("records", "unique_prompt_ids", "candidates", "candidates_failed", "judgements",
          "judgements_unparsed", "judgements_failed", "records_failed", "ties_dropped",
          "unjudged_pairs")


def count_records(records) -> dict[str, int]:
    """The report's per-record counts over ``records`` (each prompt id once per run, so
    unique_prompt_ids is a sum too)."""
    counts = dict.fromkeys(COUNTS, 0)
    seen = set()
    for r in records:
        counts["records"] += 1
        seen.add(r["prompt_id"])
        cands, judgements = r.get("candidates", ()), r.get("judgements", ())
        counts["candidates"] += len(cands)
        # Loops, not sum() over a generator per record: each generator is a function
        # created and resumed per item.
        for c in cands:
            if c.get("error"):
                counts["candidates_failed"] += 1
        if judgements:
            counts["judgements"] += len(judgements)
            for j in judgements:
                if j.get("parse_error"):
                    counts["judgements_unparsed"] += 1
                if j.get("error"):
                    counts["judgements_failed"] += 1
        errors = r.get("errors")
        if errors:
            counts["records_failed"] += any(e.get("fatal") for e in errors)
        counts["ties_dropped"] += r.get("ties_dropped", 0)
        counts["unjudged_pairs"] += r.get("unjudged_pairs", 0)
    counts["unique_prompt_ids"] = len(seen)
    return counts


def committed_counts(out: Path) -> tuple[dict[str, int], dict[str, int]] | None:
    """(record counts, lines per file) summed over the committed batches of checkpoint.jsonl,
    or None when a committed line does not carry them (written before they were, or
    rewritten by --retry-failures): then the files are read."""
    counts, lines = dict.fromkeys(COUNTS, 0), {}
    try:
        fh = open(out / CHECKPOINT, "rb")
    except FileNotFoundError:
        return counts, lines
    with fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # torn: never committed (Checkpoint.open truncates it)
            entry = loads(raw)
            if "counts" not in entry or "lines" not in entry:
                return None
            for k, v in entry["counts"].items():
                counts[k] = counts.get(k, 0) + v
            for k, v in entry["lines"].items():
                lines[k] = lines.get(k, 0) + v
    return counts, lines


def _read_counts(out: Path) -> dict[str, int]:
    with open(out / "records.jsonl", encoding="utf-8") as fh:
        return count_records(map(json.loads, fh))


def _count_lines(path: Path) -> int:
    """Lines of a file, counted in 1 MiB blocks (no line is decoded)."""
    if not path.exists():
        return 0
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
    return n


def summarise(out: Path, recipe, ctx, elapsed: float) -> dict:
    committed = committed_counts(out)
    if committed is None:
        counts, known = _read_counts(out), {}
    else:
        counts, known = committed

    def lines(name):
        return known[name] if name in known else _count_lines(out / name)

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
