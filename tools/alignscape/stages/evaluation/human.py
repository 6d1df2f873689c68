"""Import human annotations (or any recorded judge's verdicts): lines of a JSONL file
(``path``) and the prompt line's own ``annotations`` (a list of the same objects, without
``prompt_id``), so a prompts file can carry the verdicts its responses came with.

Each file line names a prompt (``prompt_id``) and either
* a comparison: ``a`` / ``b`` (candidate ids, model names or exact texts) with ``preference``
  1 (a), 2 (b), 0 (tie) or null (no verdict; kept as such), plus optional ``annotator``; the
  AlpacaEval layout (``generator_1``/``generator_2``) is read as a/b; or
* a rating: ``response`` (id, model or text) with ``score`` (number) and optional ``aspect``;
  and/or, for that response, a ``critique`` (natural-language feedback, kept on the
  candidate) or a ``correction`` (the annotator's rewrite: a new candidate of origin
  ``correction`` whose ``parent`` is the response, as revised_vs_original pairs them); or
* gold step labels: ``response`` with ``step_labels``, one true/false per reasoning step
  (PRM800K-style process labels), kept as the candidate's ``gold_step_labels`` so that
  ``rule_verifier`` (``check: judgement``) can hold a judge's step verdicts against them.
Lines that match no candidate are counted in ``record['errors']``, never silently skipped."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from alignscape.stages.base import add_candidate, add_error, candidates, set_score
from alignscape.stages.evaluation._judge import log
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.human"
_CACHE: dict[str, dict] = {}


def load(path: str) -> dict[str, list[dict]]:
    if path not in _CACHE:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"human: annotation file {path} not found")
        opener = gzip.open if p.suffix == ".gz" else open
        by_prompt: dict[str, list[dict]] = {}
        with opener(p, "rt", encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    by_prompt.setdefault(str(row["prompt_id"]), []).append(row)
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValueError(f"{path}:{n}: not an annotation line ({exc})") from None
        _CACHE[path] = by_prompt
    return _CACHE[path]


def preference_winner(pref) -> str | None:
    """AlpacaEval's convention: 1 (or 1.0) = a, 2 = b, 0 = tie; fractional values in [1, 2]
    lean to the nearer side (1.5 is a tie); null stays None."""
    if pref is None:
        return None
    p = float(pref)
    if p == 0 or p == 1.5:
        return "tie"
    return "a" if p < 1.5 else "b"


def _find(record, ref):
    for cand in candidates(record):
        if ref in (cand["id"], cand.get("model"), cand["text"]):
            return cand
    return None


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _malformed(row) -> str | None:
    if not isinstance(row, dict):
        return "expected an object"
    # Checked first: a row may carry step labels beside a rating or a critique.
    labels = row.get("step_labels")
    if labels is not None and not (isinstance(labels, list) and
                                   all(isinstance(v, bool) for v in labels)):
        return "step_labels must be a list of true/false"
    if "score" in row:
        return None if _number(row["score"]) else "score must be a number"
    for key in ("critique", "correction"):
        if key in row:
            return None if isinstance(row[key], str) else f"{key} must be a string"
    if ("a" in row or "generator_1" in row) and ("b" in row or "generator_2" in row):
        pref = row.get("preference")
        return None if pref is None or _number(pref) else "preference must be 1, 2, 0 or null"
    if labels is not None:
        return None
    return ("neither a rating (response, score), a critique or correction (response, "
            "critique or correction), step labels (response, step_labels) nor a comparison "
            "(a, b, preference)")


def inline(record: dict) -> list[dict]:
    """The prompt line's own annotations; a malformed one is an error of its record."""
    given = record.get("annotations")
    if given is None:
        return []
    if not isinstance(given, list):
        add_error(record, OPTION, "'annotations' must be a list of objects")
        return []
    out = []
    for i, row in enumerate(given):
        problem = _malformed(row)
        if problem:
            add_error(record, OPTION, f"annotations[{i}]: {problem}")
        else:
            out.append(row)
    return out


@stage(OPTION, params={
    "path": Param(str, None, "the annotations JSONL file (.gz allowed; null: only the prompt "
                  "lines' own 'annotations')"),
    "judge": Param(str, "human", "judge name in provenance when a line names no annotator")})
def human(records, config, ctx):
    """Attach the annotations of each record's prompt (see the module docstring)."""
    rows = load(config["path"]) if config["path"] else {}
    for record in records:
        for row in [*rows.get(str(record.get("prompt_id")), []), *inline(record)]:
            judge = row.get("annotator") or config["judge"]
            if "score" not in row and ("a" in row or "generator_1" in row):
                _compare(record, row, judge)
                continue
            cand = _find(record, row.get("response"))
            if cand is None:
                add_error(record, OPTION, f"annotation names unknown response "
                          f"{str(row.get('response'))[:60]!r}")
                continue
            if "score" in row:
                if row.get("aspect"):
                    cand.setdefault("aspects", {})[row["aspect"]] = row["score"]
                else:
                    set_score(cand, judge, row["score"])
                log(record, judge=judge, protocol="pointwise_rating", candidate=cand["id"],
                    raw=None, parsed=row["score"], imported=True)
            if isinstance(row.get("critique"), str):
                cand["critique"] = row["critique"]
                log(record, judge=judge, protocol="critique", candidate=cand["id"],
                    raw=row["critique"], parsed=True, imported=True)
            if isinstance(row.get("step_labels"), list):
                # Kept apart from ``step_labels``, which a step judge writes in place.
                cand["gold_step_labels"] = list(row["step_labels"])
                log(record, judge=judge, protocol="step_level", candidate=cand["id"],
                    raw=None, parsed=row["step_labels"], imported=True)
            if isinstance(row.get("correction"), str):
                text = row["correction"]
                add_candidate(record, text, "correction", parent=cand["id"], model=judge,
                              unchanged=text.strip() == cand["text"].strip())
                log(record, judge=judge, protocol="correction", candidate=cand["id"],
                    raw=text, parsed=True, imported=True)
    return records


def _compare(record: dict, row: dict, judge: str) -> None:
    a = _find(record, row.get("a", row.get("generator_1")))
    b = _find(record, row.get("b", row.get("generator_2")))
    if a is None or b is None:
        add_error(record, OPTION, "annotation compares a response that is not among the "
                  "candidates")
        return
    pref = row.get("preference")
    record.setdefault("comparisons", []).append({
        "a": a["id"], "b": b["id"], "a_model": a.get("model"), "b_model": b.get("model"),
        "winner": preference_winner(pref), "judge": judge, "imported": True,
        "preference": pref})
