"""Safety / moderation classifier: flags candidates as unsafe (``unsafe: true``), judging
acceptability rather than quality; ``safety_filter`` then excludes the flagged ones.

With a scoring backend on the ``safety`` role (a local sequence-classification toxicity or
moderation model, ``--role safety=transformers:PATH``) a candidate is unsafe when its score
exceeds ``threshold`` (default 0.5). Without one, a rule-based detector is used and named as
such in the judgements: personal data (e-mail addresses, phone numbers) and explicit
harm phrases (the safety_filter's default patterns). The ``safety`` score is 1 for safe."""

from __future__ import annotations

import re

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation._judge import log, scores

# The safety_filter's default patterns (instantiation.filtering) are the rule-based detector.
from alignscape.stages.instantiation.filtering import SAFETY_PATTERNS
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.safety_classifier"
RULES = "rule-based detector (personal data, harm phrases)"


def _classifier(ctx):
    backend = (getattr(ctx, "backends", None) or {}).get("safety")
    return backend if backend is not None and getattr(backend, "can_score", False) else None


@stage(OPTION, params={
    "threshold": Param(float, 0.5, "classifier score above which a candidate is unsafe"),
    "patterns": Param(list, None, "regular expressions of the rule-based detector "
                      "(null: the safety_filter's defaults)", items=str)})
def safety_classifier(records, config, ctx):
    """Flag unsafe candidates with the safety role's classifier, else with rules."""
    jobs = [(r, c) for r in records for c in candidates(r)]
    model = _classifier(ctx)
    if model is not None:
        bar = config["threshold"]
        got = scores(ctx, "safety", [(r, c["text"]) for r, c in jobs])
        flags = [(None if g.meta.get("score") is None else g.meta["score"] > bar, g.error,
                  model.name) for g in got]
    else:
        patterns = config["patterns"] or SAFETY_PATTERNS
        flags = [(any(re.search(p, c["text"], re.I) for p in patterns), None, RULES)
                 for _, c in jobs]
    for (record, cand), (unsafe, error, judge) in zip(jobs, flags, strict=True):
        cand["unsafe"] = unsafe
        set_score(cand, "safety", None if unsafe is None else float(not unsafe), binary=True)
        log(record, judge=judge, protocol="binary_judgement", candidate=cand["id"], raw=None,
            parsed=unsafe, error=error)
    return records
