"""Final answers of maths-style solutions, normalised so that equal answers compare equal.

Normalisation: take \\boxed{..}, else the text after "answer is"/"Answer:"/"####", else the last
number; strip $, spaces, thousands separators, trailing zeros and a trailing period; compare
fractions and decimals numerically (1/2 == 0.5) and everything else as lower-case text."""

from __future__ import annotations

import re
from fractions import Fraction

_BOXED = re.compile(r"\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}")
_MARKED = re.compile(r"(?:answer is|answer:|####)\s*:?\s*([^\n]+)", re.I)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")


def final_answer(text: str) -> str | None:
    if not text:
        return None
    boxed = _BOXED.findall(text)
    if boxed:
        return boxed[-1]
    marked = _MARKED.findall(text)
    if marked:
        return marked[-1]
    numbers = _NUMBER.findall(text)
    return numbers[-1] if numbers else None


def normalise(answer: str | None) -> str | None:
    if answer is None:
        return None
    a = answer.strip().strip("$").strip().rstrip(".").strip()
    a = re.sub(r"\\(?:text|mathrm)\{([^}]*)\}", r"\1", a)
    a = re.sub(r"\\[dt]?frac\{([^}]*)\}\{([^}]*)\}", r"\1/\2", a)
    a = a.replace("\\!", "").replace(" ", "")
    number = _NUMBER.fullmatch(a.replace(",", "")) or _NUMBER.match(a.replace(",", ""))
    if number and number.group() == a.replace(",", ""):
        try:
            value = Fraction(a.replace(",", ""))
            return str(value.numerator if value.denominator == 1 else value)
        except (ValueError, ZeroDivisionError):
            pass
    return a.lower()


def same_answer(response: str, reference: str) -> bool | None:
    """True/False, or None when the response has no recognisable final answer."""
    got = normalise(final_answer(response))
    want = normalise(final_answer(reference) if len(reference) > 40 else reference)
    if got is None or want is None:
        return None if got is None else False
    return got == want
