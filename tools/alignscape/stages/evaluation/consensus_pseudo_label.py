"""Consensus pseudo-label (TTRL): with no ground truth, the final answer that most of a
prompt's candidates agree on is taken as the label, and each candidate is verified against it.

Final answers are extracted and normalised as the rule verifier does (answers.py: \\boxed{},
"the answer is", "####", else the last number; 1/2 == 0.5). The majority answer is the
pseudo-label; a tie between answers with equally many votes goes to the answer first given in
candidate order (``ties: first``, deterministic and independent of the batch), or leaves the
record without a label (``ties: none``). A label whose vote share is below ``min_share`` is
not used either. Each candidate then gets ``verified`` True/False and a 1/0 score named
``consensus``; without a label they get ``verified: None`` and no score.

The record keeps what the vote was: ``pseudo_label`` (normalised; None when there is none),
``pseudo_label_share`` (its votes over all usable candidates, the answerless ones included),
``pseudo_label_votes`` ({answer: votes}) and, when the record happens to have a
``reference``, ``pseudo_label_correct`` (how often the consensus is right, which TTRL
reports as label accuracy; the reference is never used for the reward)."""

from __future__ import annotations

from collections import Counter

from alignscape.stages.base import candidates, set_score
from alignscape.stages.evaluation._judge import log
from alignscape.stages.evaluation.answers import final_answer, normalise, same_answer
from alignscape.stages.registry import Param, stage

OPTION = "evaluation.evaluators.consensus_pseudo_label"
NAME = "consensus"


def vote(answers: list[str | None], ties: str) -> tuple[str | None, int]:
    """(label, its votes) over normalised answers (None: no answer, never a label)."""
    counts = Counter(a for a in answers if a is not None)
    if not counts:
        return None, 0
    top = max(counts.values())
    leaders = [a for a in dict.fromkeys(a for a in answers if a is not None)
               if counts[a] == top]
    if len(leaders) > 1 and ties == "none":
        return None, top
    return leaders[0], top


@stage(OPTION, per_record=True, params={
    "ties": Param(str, "first", "answers tied for the most votes: first (the one given "
                  "first in candidate order wins) or none (no label for the record)",
                  choices=("first", "none")),
    "min_share": Param(float, 0.0, "smallest vote share (majority votes / usable "
                       "candidates) at which the majority answer becomes the label"),
    "min_votes": Param(int, 1, "fewest votes the majority answer needs")})
def consensus_pseudo_label(record, config, ctx):
    """Majority vote over the candidates' final answers as the pseudo-label; every
    candidate verified 1.0/0.0 against it (see the module docstring)."""
    usable = candidates(record)
    answers = [normalise(final_answer(c["text"])) for c in usable]
    label, votes = vote(answers, config["ties"])
    share = votes / len(usable) if usable else 0.0
    why = None
    if label is None:
        why = "no final answer to vote on" if not votes else "tie between answers"
    elif share < config["min_share"] or votes < config["min_votes"]:
        why = f"majority share {share:.3g} ({votes} votes) below the bar"
        label = None
    record["pseudo_label"] = label
    record["pseudo_label_share"] = share
    record["pseudo_label_votes"] = dict(Counter(a for a in answers if a is not None))
    if label is not None and record.get("reference"):
        record["pseudo_label_correct"] = bool(same_answer(f"The answer is {label}",
                                                          str(record["reference"])))
    for cand, answer in zip(usable, answers, strict=True):
        ok = None if label is None else answer == label
        cand["verified"] = ok
        cand["final_answer"] = answer
        if ok is not None:
            set_score(cand, NAME, float(ok), binary=True)
        log(record, judge=NAME, protocol="binary_judgement", candidate=cand["id"], raw=answer,
            parsed=ok, error=why, label=label, share=share)
