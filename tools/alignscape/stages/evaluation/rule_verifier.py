"""Rule-based verification, one of three checks (config ``check``):

* ``math`` (default): normalised final-answer match against the record's ``reference``
  (see answers.py): verified True/False, or None when the response states no final answer;
* ``regex``: the response must match ``pattern`` (re.search; ``flags`` e.g. "IS");
* ``format``: ``json: true`` (the response parses as JSON), ``min_words`` / ``max_words``,
  ``must_include`` / ``must_exclude`` (lists of case-insensitive substrings).

Sets ``candidate['verified']`` and a 1/0 score named ``rule:<check>``."""

from __future__ import annotations

import json
import re

from alignscape.stages.base import batched, candidates, set_score, trace, words
from alignscape.stages.evaluation._judge import log
from alignscape.stages.evaluation.answers import same_answer

OPTION = "evaluation.evaluators.rule_verifier"


def check_format(text: str, config: dict) -> tuple[bool, str | None]:
    if config.get("json"):
        try:
            json.loads(text)
        except ValueError as exc:
            return False, f"not JSON: {exc}"
    n = len(words(text))
    if n < int(config.get("min_words", 0)):
        return False, f"{n} words, fewer than {config['min_words']}"
    if config.get("max_words") is not None and n > int(config["max_words"]):
        return False, f"{n} words, more than {config['max_words']}"
    low = text.lower()
    missing = [s for s in config.get("must_include", []) if s.lower() not in low]
    if missing:
        return False, f"missing {missing}"
    present = [s for s in config.get("must_exclude", []) if s.lower() in low]
    if present:
        return False, f"contains {present}"
    return True, None


def verify(record: dict, text: str, config: dict) -> tuple[bool | None, str | None]:
    check = config.get("check", "math")
    if check == "math":
        if not record.get("reference"):
            return None, "no reference answer"
        ok = same_answer(text, str(record["reference"]))
        return ok, None if ok is not None else "no final answer found"
    if check == "regex":
        flags = 0
        for f in config.get("flags", ""):
            flags |= getattr(re, f.upper())
        return bool(re.search(config["pattern"], text, flags)), None
    if check == "format":
        return check_format(text, config)
    raise ValueError(f"rule_verifier: check must be math, regex or format, not {check!r}")


@batched
def apply(records, config, ctx):
    if config.get("check") == "regex" and not config.get("pattern"):
        raise ValueError("rule_verifier: check regex needs a pattern")
    name = f"rule:{config.get('check', 'math')}"
    for record in records:
        for cand in candidates(record):
            ok, why = verify(record, cand["text"], config)
            cand["verified"] = ok
            set_score(cand, name, None if ok is None else float(ok))
            log(record, judge=name, protocol="binary_judgement", candidate=cand["id"],
                raw=None, parsed=ok, error=why if ok is None else None, reason=why)
        trace(record, OPTION)
    return records
