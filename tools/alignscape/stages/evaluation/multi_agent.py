"""Ensembles and majority votes over several judges.

Run after the evaluators it combines. For every candidate, the named scores in
``candidate['scores']`` (or those listed in ``judges``) are combined into ``ensemble``:
``mean`` (default) of z-normalised scores per judge within the prompt, or ``vote`` (each judge
votes for its top candidate; score = share of votes). Pairwise comparisons of the same pair by
several judges are combined by majority (``winner``; a split vote is a tie) with
``agreement`` = share of judges with the majority verdict. Binary labels are combined by
majority into ``label``."""

from __future__ import annotations

import statistics
from collections import Counter

from alignscape.stages.base import candidates
from alignscape.stages.registry import Param, alias, stage

OPTION = "evaluation.evaluators.multi_agent"


def _zscores(values: dict[str, float]) -> dict[str, float]:
    vals = list(values.values())
    sd = statistics.pstdev(vals) if len(vals) > 1 else 0.0
    mean = statistics.fmean(vals)
    return {k: (v - mean) / sd if sd else 0.0 for k, v in values.items()}


def combine_scores(record: dict, judges: list[str] | None, method: str) -> None:
    cands = candidates(record)
    names = judges or sorted({k for c in cands for k, v in (c.get("scores") or {}).items()
                              if isinstance(v, int | float) and k != "ensemble"})
    per_judge = {}
    for name in names:
        vals = {c["id"]: c["scores"][name] for c in cands
                if isinstance((c.get("scores") or {}).get(name), int | float)}
        if vals:
            per_judge[name] = vals
    result: dict[str, list[float]] = {}
    for vals in per_judge.values():
        if method == "vote":
            top = max(vals.values())
            for cid, v in vals.items():
                result.setdefault(cid, []).append(1.0 if v == top else 0.0)
        else:
            for cid, z in _zscores(vals).items():
                result.setdefault(cid, []).append(z)
    for cand in cands:
        got = result.get(cand["id"])
        if got:
            # The ensemble replaces the mean of its members as the score pairing ranks by.
            cand["ensemble"] = statistics.fmean(got)
            cand["score"] = statistics.fmean(got)
            cand["ensemble_members"] = {n: per_judge[n].get(cand["id"]) for n in per_judge}


def combine_comparisons(record: dict) -> None:
    groups: dict[tuple, list] = {}
    for comp in record.get("comparisons", []):
        if comp.get("judge") == "ensemble":
            continue
        key = tuple(sorted((comp["a"], comp["b"])))
        verdict = comp["winner"]
        if verdict in ("a", "b") and comp["a"] != key[0]:
            verdict = "b" if verdict == "a" else "a"
        groups.setdefault(key, []).append(verdict)
    for (a, b), verdicts in groups.items():
        known = [v for v in verdicts if v is not None]
        if len(verdicts) < 2 or not known:
            continue
        (top, n), *rest = Counter(known).most_common()
        winner = "tie" if rest and rest[0][1] == n else top
        record.setdefault("comparisons", []).append(
            {"a": a, "b": b, "winner": winner, "judge": "ensemble",
             "agreement": n / len(known), "votes": verdicts})


def combine_labels(record: dict) -> None:
    for cand in candidates(record):
        labels = cand.get("labels_by_judge")
        if labels:
            votes = Counter(v for v in labels.values() if v is not None)
            if votes:
                (top, n), *rest = votes.most_common()
                cand["label"] = None if rest and rest[0][1] == n else top


@stage(OPTION, per_record=True, params={
    "method": Param(str, "mean", "mean of z-scores per judge, or vote for each judge's top",
                    choices=("mean", "vote")),
    "judges": Param(list, None, "score names to combine (null: all)", items=str)})
def multi_agent(record, config, ctx):
    """Combine the judges' scores, comparisons and labels (see the module docstring)."""
    combine_scores(record, config["judges"], config["method"])
    combine_comparisons(record)
    combine_labels(record)


alias("evaluation.bias_controls.annotator_aggregation", OPTION,
      "several judges, aggregated by vote")
