"""Position swapping: judge a pair in both orders and combine, so a preference for the first
or second slot cancels (MT-Bench, RLAIF).

``combine(first, second)`` takes the verdicts of the (a, b) order and of the swapped order
already mapped back to a/b: both agree -> that verdict; they disagree -> "tie" with
``consistent: false`` (the judge followed the position, not the content); one unparseable ->
the other, marked ``consistent: null``; both unparseable -> None."""

from __future__ import annotations

OPTION = "evaluation.bias_controls.position_swap"


def unswap(verdict: str | None) -> str | None:
    return {"A": "b", "B": "a", "tie": "tie"}.get(verdict) if verdict else None


def as_ab(verdict: str | None) -> str | None:
    return {"A": "a", "B": "b", "tie": "tie"}.get(verdict) if verdict else None


def combine(first: str | None, second: str | None) -> dict:
    """first/second are 'a', 'b', 'tie' or None. Returns {winner, consistent, p_a}."""
    known = [v for v in (first, second) if v is not None]
    if not known:
        return {"winner": None, "consistent": None, "p_a": None}
    p_a = sum({"a": 1.0, "b": 0.0, "tie": 0.5}[v] for v in known) / len(known)
    if len(known) == 1:
        return {"winner": known[0], "consistent": None, "p_a": p_a}
    if first == second:
        return {"winner": first, "consistent": True, "p_a": p_a}
    return {"winner": "tie", "consistent": False, "p_a": p_a}
