"""Agreement of a run's pairwise judge with recorded verdicts (AlpacaEval's GPT-4 annotations).

A judged comparison matches a recorded one when the prompt and the two models are the same
(in either order; the verdict is mapped accordingly). Reported, never hidden:
* ``n_matched``: comparisons with both a recorded and a judged verdict;
* ``agreement``: share of matched comparisons where the three-way verdicts (a, b, tie) agree;
* ``agreement_decisive``: the same over comparisons where neither side said tie;
* ``agreement_tie_half``: ties count half when one side tied (AlpacaEval's convention);
* ``judge_ties``, ``recorded_ties``, ``judge_unparsed`` (judge gave no verdict),
  ``recorded_null`` (upstream gave none), ``no_recorded_verdict`` (pairs upstream never
  judged);
* ``baseline_always_b``: agreement of always preferring the non-baseline model, to read the
  numbers against.
"""

from __future__ import annotations

import json
from pathlib import Path

from alignscape.stages.evaluation.human import preference_winner


def recorded_index(verdicts: list[dict]) -> dict[tuple, str | None]:
    index = {}
    for row in verdicts:
        index[(row["prompt_id"], row["generator_1"], row["generator_2"])] = \
            preference_winner(row.get("preference"))
    return index


def measure(records_path: str | Path, verdicts: list[dict], judge: str | None = None) -> dict:
    index = recorded_index(verdicts)
    stats = {"n_matched": 0, "agree": 0, "decisive": 0, "agree_decisive": 0, "tie_half": 0.0,
             "judge_ties": 0, "recorded_ties": 0, "judge_unparsed": 0, "recorded_null": 0,
             "no_recorded_verdict": 0, "always_b": 0}
    with open(records_path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for comp in record.get("comparisons", []):
                if comp.get("imported") or (judge and comp.get("judge") != judge):
                    continue
                _count(stats, record["prompt_id"], comp, index)
    n = stats["n_matched"]
    return {
        "n_matched": n,
        "agreement": stats["agree"] / n if n else None,
        "agreement_decisive": stats["agree_decisive"] / stats["decisive"]
        if stats["decisive"] else None,
        "agreement_tie_half": stats["tie_half"] / n if n else None,
        "baseline_always_b": stats["always_b"] / n if n else None,
        **{k: stats[k] for k in ("decisive", "judge_ties", "recorded_ties", "judge_unparsed",
                                 "recorded_null", "no_recorded_verdict")}}


def _count(stats, pid, comp, index):
    a, b, winner = comp.get("a_model"), comp.get("b_model"), comp.get("winner")
    if (pid, a, b) in index:
        recorded = index[(pid, a, b)]
    elif (pid, b, a) in index:
        recorded = {"a": "b", "b": "a"}.get(index[(pid, b, a)], index[(pid, b, a)])
    else:
        stats["no_recorded_verdict"] += 1
        return
    if recorded is None:
        stats["recorded_null"] += 1
        return
    if winner is None:
        stats["judge_unparsed"] += 1
        return
    stats["n_matched"] += 1
    stats["judge_ties"] += winner == "tie"
    stats["recorded_ties"] += recorded == "tie"
    stats["agree"] += winner == recorded
    # "always b" is the non-anchor model when the comparison is anchored on a baseline as a.
    stats["always_b"] += recorded == "b"
    if winner != "tie" and recorded != "tie":
        stats["decisive"] += 1
        stats["agree_decisive"] += winner == recorded
    stats["tie_half"] += 1.0 if winner == recorded else (0.5 if "tie" in (winner, recorded)
                                                         else 0.0)
