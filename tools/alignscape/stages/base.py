"""What every stage shares: batch shapes, the record layout and deterministic randomness.

A *record* is one prompt and everything learnt about it::

    {"prompt_id": str, "prompt": str, "reference": str?, "tests": str?,
     "messages": [{"role", "content"}]?   (a conversation prompt: every turn, through the last
                                          user turn; "prompt" is then its transcript)
    "candidates": [{"id", "text", "origin", "model", "decoding", "score", "scores",
                     "verified", "label", "error", "finish_reason", "incomplete", ...}],
     "comparisons": [{"a", "b", "winner": "a"|"b"|"tie"|None, "judge", "verdicts", ...}],
     "pairs": [{"chosen", "rejected", "margin", "tie", "rule"}],
     "errors": [{"stage", "error"}], "trace": [stage names]}

Stages decide per record, never from the rest of the batch, so the output does not depend on
batch size or on where a resumed run restarts (distilabel loses rows when step batch sizes
differ; here nothing can). Randomness comes from ``rng(ctx, record, salt)``, seeded by the run
seed and the prompt id, so a resumed run draws exactly what the killed one would have.
"""

from __future__ import annotations

import hashlib
import random
import re


def to_rows(batch) -> tuple[list[dict], bool]:
    """(rows, was_columns). Accepts a list of dicts or a dict of equal-length columns (Ray's
    numpy batches included: object arrays become Python lists)."""
    if isinstance(batch, dict):
        columns = {k: (v.tolist() if hasattr(v, "tolist") else list(v)) for k, v in batch.items()}
        n = len(next(iter(columns.values()), []))
        return [{k: columns[k][i] for k in columns} for i in range(n)], True
    return list(batch), False


def to_columns(rows: list[dict]) -> dict[str, list]:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return {k: [row.get(k) for row in rows] for k in keys}


def rng(ctx, record: dict, salt: str) -> random.Random:
    seed = getattr(ctx, "seed", 0) if ctx is not None else 0
    digest = hashlib.sha256(f"{seed}|{record.get('prompt_id')}|{salt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def derived_seed(ctx, record: dict, salt: str) -> int:
    return rng(ctx, record, salt).randrange(2**31)


def candidates(record: dict, *, usable: bool = True) -> list[dict]:
    """The record's candidates; with usable=True only those with text that no filter or
    selection excluded (failed and excluded ones stay in the record with their reason)."""
    cands = record.setdefault("candidates", [])
    if not usable:
        return cands
    return [c for c in cands if c.get("text") is not None and not c.get("excluded")]


def add_candidate(record: dict, text: str | None, origin: str, **meta) -> dict:
    cands = record.setdefault("candidates", [])
    cand = {"id": f"c{len(cands)}", "text": text, "origin": origin, **meta}
    cands.append(cand)
    return cand


def add_error(record: dict, stage: str, error: str, **where) -> None:
    record.setdefault("errors", []).append({"stage": stage, "error": error, **where})


def trace(record: dict, stage: str) -> None:
    record.setdefault("trace", []).append(stage)


def by_id(record: dict) -> dict[str, dict]:
    return {c["id"]: c for c in record.get("candidates", [])}


def score_of(cand: dict) -> float | None:
    value = cand.get("score")
    return float(value) if isinstance(value, int | float) and value == value else None


def set_score(cand: dict, name: str, value: float | None, *, binary: bool = False) -> None:
    """Record a named score and keep ``score`` (what pairing ranks by) as their mean.

    Completeness policy: a candidate whose judgements partly failed (any named score is None)
    gets ``score`` None and ``incomplete`` (the failed names), so pairing, selection and the
    score-based formats leave it out instead of ranking it by a mean over a different set of
    judgements than its rivals'. ``binary=True`` marks a yes/no score (0 or 1): a pair of
    candidates scored only that way gets no ``margin`` (a constant 1.0 carries nothing)."""
    scores = cand.setdefault("scores", {})
    scores[name] = value
    if binary:
        kinds = cand.setdefault("binary_scores", [])
        if name not in kinds:
            kinds.append(name)
    missing = sorted(k for k, v in scores.items() if not isinstance(v, int | float))
    if missing:
        cand["incomplete"] = missing
        cand["score"] = None
        return
    cand.pop("incomplete", None)
    cand["score"] = sum(scores.values()) / len(scores)


def binary_scored(cand: dict) -> bool:
    """Every score of the candidate is a yes/no (0/1) verdict."""
    kinds = cand.get("binary_scores") or ()
    return bool(kinds) and all(k in kinds for k in cand.get("scores") or {})


def user_messages(prompt: str, system: str | None = None) -> list[dict]:
    msgs = [{"role": "system", "content": system}] if system else []
    return msgs + [{"role": "user", "content": prompt}]


def conversation(record: dict, system: str | None = None) -> list[dict]:
    """What the model is sent for the record's prompt: every turn of a conversation prompt
    (``record['messages']``, through its last user turn), else the prompt as one user turn. A
    stage's system prompt goes first unless the conversation has its own."""
    msgs = record.get("messages")
    if not msgs:
        return user_messages(record["prompt"], system)
    msgs = [{"role": m["role"], "content": m["content"]} for m in msgs]
    if system and msgs[0]["role"] != "system":
        msgs.insert(0, {"role": "system", "content": system})
    return msgs


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if s]


def steps(text: str) -> list[str]:
    """Reasoning steps: blank-line or line separated, the way step-level datasets split them."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if len(parts) <= 1:
        parts = [p.strip() for p in text.strip().splitlines() if p.strip()]
    return parts


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())
