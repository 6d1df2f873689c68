"""Rule-based verification, one of four checks (config ``check``):

* ``math`` (default): normalised final-answer match against the record's ``reference``
  (see answers.py): verified True/False, or None when the response states no final answer;
* ``regex``: the response must match ``pattern`` (re.search; ``flags`` e.g. "IS");
* ``format``: ``json: true`` (the response parses as JSON), ``min_words`` / ``max_words``,
  ``must_include`` / ``must_exclude`` (lists of case-insensitive substrings);
* ``judgement``: the model judges' verdicts on the candidate must match its known label
  (judge training: Self-Taught Evaluator, ThinkPRM keep only the judgements that do). The
  labels are the construction-implied order (``construction_implied`` scores: every pairwise
  verdict between two candidates it ranks differently must pick the higher one; ties,
  position-inconsistent and unparsed verdicts count as wrong) and gold step labels
  (``gold_step_labels``, imported by ``human`` or carried by a given response: the judge's
  ``step_labels`` must equal them). ``verified`` then says the judgement is right, not the
  response, so no score is set (it would rank a well-judged bad response up); None when
  the candidate has no known label or no verdict to check.

Sets ``candidate['verified']`` and, except for ``judgement``, a 1/0 score named
``rule:<check>``."""

from __future__ import annotations

import json
import re

from alignscape.stages.base import candidates, set_score, words
from alignscape.stages.evaluation._judge import log
from alignscape.stages.evaluation.answers import same_answer
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.rule_verifier"


def check_format(text: str, config: dict) -> tuple[bool, str | None]:
    if config.get("json"):
        try:
            json.loads(text)
        except ValueError as exc:
            return False, f"not JSON: {exc}"
    n = len(words(text))
    if n < config["min_words"]:
        return False, f"{n} words, fewer than {config['min_words']}"
    if config["max_words"] is not None and n > config["max_words"]:
        return False, f"{n} words, more than {config['max_words']}"
    low = text.lower()
    missing = [s for s in config["must_include"] if s.lower() not in low]
    if missing:
        return False, f"missing {missing}"
    present = [s for s in config["must_exclude"] if s.lower() in low]
    if present:
        return False, f"contains {present}"
    return True, None


def order_verdicts(record: dict, cand: dict) -> list[bool]:
    """For each model judge's pairwise verdict between ``cand`` and a candidate that the
    construction ranks differently: did it pick the one ranked higher?"""
    known = {c["id"]: c["scores"]["construction"] for c in candidates(record)
             if "construction" in (c.get("scores") or {})}
    out = []
    for comp in record.get("comparisons", ()):
        a, b = comp["a"], comp["b"]
        if comp.get("imported") or cand["id"] not in (a, b) or a not in known or \
                b not in known or known[a] == known[b]:
            continue
        out.append(comp.get("winner") == ("a" if known[a] > known[b] else "b"))
    return out


def check_judgement(record: dict, cand: dict) -> tuple[bool | None, str | None]:
    verdicts = order_verdicts(record, cand)
    gold = cand.get("gold_step_labels")
    if gold is not None:
        judged = cand.get("step_labels")
        verdicts.append(judged is not None and list(judged) == list(gold))
    if not verdicts:
        return None, "no verdict on the candidate to check against a known label"
    wrong = verdicts.count(False)
    return not wrong, f"{wrong} of {len(verdicts)} verdicts disagree" if wrong else None


def verify(record: dict, text: str, config: dict) -> tuple[bool | None, str | None]:
    check = config["check"]
    if check == "math":
        if not record.get("reference"):
            return None, "no reference answer"
        ok = same_answer(text, str(record["reference"]))
        return ok, None if ok is not None else "no final answer found"
    if check == "regex":
        flags = 0
        for f in config["flags"]:
            flags |= getattr(re, f.upper())
        return bool(re.search(config["pattern"], text, flags)), None
    if check == "format":
        return check_format(text, config)
    raise ValueError(f"rule_verifier: check must be math, regex or format, not {check!r}")


def _needs_pattern(config):
    if config["check"] == "regex" and not config["pattern"]:
        return "pattern", "check regex needs a pattern"
    bad = [f for f in config["flags"] if not hasattr(re, f.upper()) or len(f) != 1]
    return ("flags", f"unknown regex flags {bad}; e.g. I, S, M") if bad else None


@stage(OPTION, per_record=True, validate=_needs_pattern, params={
    "check": Param(str, "math", "math, regex, format or judgement",
                   choices=("math", "regex", "format", "judgement")),
    "pattern": Param(str, None, "regular expression the response must match (check regex)"),
    "flags": Param(str, "", "re flags by letter, e.g. IS (check regex)"),
    "json": Param(bool, False, "the response must parse as JSON (check format)"),
    "min_words": Param(int, 0, "fewest words (check format)"),
    "max_words": Param(int, None, "most words (check format)"),
    "must_include": Param(list, [], "substrings that must appear (check format)", items=str),
    "must_exclude": Param(list, [], "substrings that must not appear (check format)",
                          items=str)})
def rule_verifier(record, config, ctx):
    """Verify every candidate by the configured rule (see the module docstring)."""
    name = f"rule:{config['check']}"
    judgement = config["check"] == "judgement"
    for cand in candidates(record):
        ok, why = check_judgement(record, cand) if judgement else \
            verify(record, cand["text"], config)
        cand["verified"] = ok
        if not judgement:
            set_score(cand, name, None if ok is None else float(ok), binary=True)
        log(record, judge=name, protocol="binary_judgement", candidate=cand["id"],
            raw=None, parsed=ok, error=why if ok is None else None, reason=why)
