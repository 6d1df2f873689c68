"""Reference-based metrics: similarity to the record's ``reference`` answer orders responses.
``metric``: ``rouge_l`` (F1 of the longest common word subsequence, default) or ``token_f1``
(SQuAD-style bag-of-words F1). Pure Python, no downloads."""

from __future__ import annotations

from collections import Counter

from alignscape.stages.base import add_error, candidates, set_score, words
from alignscape.stages.evaluation._judge import log
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.reference_metric"


def rouge_l(hyp: list[str], ref: list[str]) -> float:
    if not hyp or not ref:
        return 0.0
    prev = [0] * (len(ref) + 1)
    for h in hyp:
        cur = [0]
        for j, r in enumerate(ref):
            cur.append(prev[j] + 1 if h == r else max(prev[j + 1], cur[j]))
        prev = cur
    lcs = prev[-1]
    if lcs == 0:
        return 0.0
    p, r = lcs / len(hyp), lcs / len(ref)
    return 2 * p * r / (p + r)


def token_f1(hyp: list[str], ref: list[str]) -> float:
    common = sum((Counter(hyp) & Counter(ref)).values())
    if common == 0:
        return 0.0
    p, r = common / len(hyp), common / len(ref)
    return 2 * p * r / (p + r)


METRICS = {"rouge_l": rouge_l, "token_f1": token_f1}


@stage(OPTION, per_record=True, params={
    "metric": Param(str, "rouge_l", "rouge_l or token_f1", choices=tuple(METRICS))})
def reference_metric(record, config, ctx):
    """Score each candidate by its similarity to the record's reference answer."""
    metric = config["metric"]
    ref = record.get("reference")
    if not ref:
        add_error(record, OPTION, "record has no reference answer")
        return
    ref_words = words(str(ref))
    for cand in candidates(record):
        value = METRICS[metric](words(cand["text"]), ref_words)
        set_score(cand, metric, value)
        log(record, judge=metric, protocol="pointwise_rating", candidate=cand["id"],
            raw=None, parsed=value)
