"""Verdict parsing that never raises: every parser returns a value or None, and callers record
the raw answer with ``parse_error`` when it is None (AlpacaEval drops such batches as NaN;
here they stay, visible, in judgements.jsonl)."""

from __future__ import annotations

import re

_BRACKET = re.compile(r"\[\[\s*([ABC]|tie)\s*\]\]", re.I)
_OUTPUT = re.compile(r"\b(?:output|response)\s*\(?\s*([ab12])\s*\)?(?:\s+is\s+better)?", re.I)
_TIE = re.compile(r"\b(tie|equally good|both (?:are )?equal|neither is better)\b", re.I)


def pairwise(text: str | None) -> str | None:
    """'A', 'B', 'tie' or None. Prefers the last [[A]]/[[B]]/[[C]]; falls back to a final
    line naming one response, then to an explicit tie phrase."""
    if not text:
        return None
    marks = _BRACKET.findall(text)
    if marks:
        mark = marks[-1].upper()
        return "tie" if mark in ("C", "TIE") else mark
    tail = text.strip().splitlines()[-1]
    stripped = tail.strip().strip(".*:\"' ").upper()
    if stripped in ("A", "B"):
        return stripped
    named = _OUTPUT.findall(tail)
    if len({n.upper() for n in named}) == 1:
        return {"1": "A", "2": "B"}.get(named[0], named[0].upper())
    if _TIE.search(tail):
        return "tie"
    return None


_RATING = [re.compile(p, re.I) for p in (
    r"\[\[\s*(-?\d+(?:\.\d+)?)\s*\]\]",
    r"(?:rating|score)\s*[:=]?\s*\**\s*(-?\d+(?:\.\d+)?)",
    r"(-?\d+(?:\.\d+)?)\s*(?:/|out of)\s*\d+",
)]


def score(text: str | None, lo: float = 1, hi: float = 5) -> float | None:
    """The last rating in [lo, hi], by the most specific pattern that matches."""
    if not text:
        return None
    for pattern in _RATING:
        found = [float(v) for v in pattern.findall(text) if lo <= float(v) <= hi]
        if found:
            return found[-1]
    tail = re.findall(r"-?\d+(?:\.\d+)?", text.strip().splitlines()[-1])
    vals = [float(v) for v in tail if lo <= float(v) <= hi]
    return vals[-1] if len(vals) == 1 else None


def ranking(text: str | None, n: int) -> list[int] | None:
    """0-based indices best first, only if the answer names every response exactly once."""
    if not text:
        return None
    lines = [ln for ln in text.strip().splitlines() if ">" in ln] or [text]
    idx = [int(v) - 1 for v in re.findall(r"\[(\d+)\]", lines[-1])]
    return idx if sorted(idx) == list(range(n)) else None


def binary(text: str | None) -> bool | None:
    if not text:
        return None
    found = re.findall(r"verdict\s*[:=]?\s*\**\s*(yes|no|correct|incorrect|pass|fail)", text,
                       re.I)
    word = (found[-1] if found else text.strip().split()[-1] if text.strip() else "").lower()
    word = word.strip(".!*\"'")
    if word in ("yes", "correct", "pass", "true"):
        return True
    if word in ("no", "incorrect", "fail", "false"):
        return False
    return None
