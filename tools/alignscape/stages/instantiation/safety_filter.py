"""Safety / content filter: exclude candidates that match a blocklist of regular expressions
(config ``patterns``; default: e-mail addresses and phone numbers, i.e. personal data, plus a
few explicit self-harm and weapon-instruction phrases), and candidates that the
safety_classifier stage flagged ``unsafe``. On its own it is a keyword filter; put
safety_classifier with a model on the ``safety`` role before it to filter with a model."""

import re

from alignscape.stages.instantiation._filters import candidate_filter

OPTION = "instantiation.filtering.safety_filter"
DEFAULT_PATTERNS = [
    r"[\w.+-]+@[\w-]+\.[\w.]+",
    r"\+?\d{1,3}[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b",
    r"\bhow to (make|build) (a )?(bomb|explosive|nerve agent)\b",
    r"\b(kill|hurt) yourself\b",
]


def reason(cand, record, config):
    if cand.get("unsafe"):
        return "flagged unsafe by the safety classifier"
    for pattern in config.get("patterns") or DEFAULT_PATTERNS:
        if re.search(pattern, cand["text"], re.I):
            return f"matches {pattern!r}"
    return None


apply = candidate_filter(OPTION, reason)
