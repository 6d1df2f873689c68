"""Reference-based metrics: similarity to the record's ``reference`` answer orders responses.
``metric``: ``rouge_l`` (F1 of the longest common word subsequence, default) or ``token_f1``
(SQuAD-style bag-of-words F1). Pure Python, no downloads."""

from __future__ import annotations

from collections import Counter

from alignscape.stages.base import add_error, batched, candidates, set_score, trace, words
from alignscape.stages.evaluation._judge import log

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


@batched
def apply(records, config, ctx):
    metric = config.get("metric", "rouge_l")
    if metric not in METRICS:
        raise ValueError(f"reference_metric: metric must be one of {sorted(METRICS)}")
    for record in records:
        ref = record.get("reference")
        if not ref:
            add_error(record, OPTION, "record has no reference answer")
        else:
            ref_words = words(str(ref))
            for cand in candidates(record):
                value = METRICS[metric](words(cand["text"]), ref_words)
                set_score(cand, metric, value)
                log(record, judge=metric, protocol="pointwise_rating", candidate=cand["id"],
                    raw=None, parsed=value)
        trace(record, OPTION)
    return records
