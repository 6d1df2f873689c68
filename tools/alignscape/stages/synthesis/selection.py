"""Selection strategies: which candidates of a prompt go on. Each decides per prompt (never
from the rest of the batch) and marks the candidates it drops ``excluded`` with the reason,
so they stay visible in records.jsonl.

keep_all, best_of_n, threshold_filter, margin_based, uncertainty_based, diversity_based,
hard_example_mining, statistical_rejection."""

from __future__ import annotations

import math
import statistics

from alignscape.stages.base import candidates, rng, score_of, words
from alignscape.stages.registry import Param, stage


def exclude(cand: dict, reason: str) -> None:
    cand["excluded"] = reason


def scored(record: dict) -> list[dict]:
    """Usable candidates that have a score, best first (ties keep their candidate order)."""
    return sorted((c for c in candidates(record) if score_of(c) is not None),
                  key=lambda c: -score_of(c))


@stage("synthesis.selection.keep_all", per_record=True)
def keep_all(record, config, ctx):
    """Keep every candidate: an explicit no-op, so a recipe states that nothing was selected."""


@stage("synthesis.selection.best_of_n", per_record=True, params={
    "keep": Param(int, 1, "how many of the highest-scored candidates to keep")})
def best_of_n(record, config, ctx):
    """Best-of-n / rejection sampling: keep the ``keep`` highest-scored candidates of each
    prompt, as scored by the evaluation stage that ran before. Unscored candidates are
    excluded with that reason."""
    ranked = scored(record)
    keep = {c["id"] for c in ranked[:config["keep"]]}
    for cand in candidates(record):
        if cand["id"] not in keep:
            exclude(cand, "not best-of-n" if cand in ranked else "no score")


@stage("synthesis.selection.threshold_filter", per_record=True, params={
    "min_score": Param(float, None, "lowest score kept (null: no bar)"),
    "require_verified": Param(bool, False, "keep only candidates a verifier marked correct")})
def threshold_filter(record, config, ctx):
    """Keep candidates that pass a bar: ``min_score`` on the evaluator's score and/or, with
    ``require_verified``, a verifier's verdict (``verified`` true)."""
    bar = config["min_score"]
    for cand in candidates(record):
        score = score_of(cand)
        if config["require_verified"] and cand.get("verified") is not True:
            exclude(cand, "not verified correct")
        elif bar is not None and (score is None or score < bar):
            exclude(cand, f"score {score} below {bar}")


@stage("synthesis.selection.margin_based", per_record=True, params={
    "min_margin": Param(float, 1.0, "smallest best-minus-worst score difference kept")})
def margin_based(record, config, ctx):
    """Keep the best and the worst candidate of a prompt, and only if their scores differ by
    at least ``min_margin``; otherwise the whole prompt is excluded."""
    ranked = scored(record)
    ok = len(ranked) >= 2 and score_of(ranked[0]) - score_of(ranked[-1]) >= config["min_margin"]
    keep = {ranked[0]["id"], ranked[-1]["id"]} if ok else set()
    for cand in candidates(record):
        if cand["id"] not in keep:
            exclude(cand, "margin below threshold" if not ok else "neither best nor worst")


def uncertainty(record: dict, scale: float) -> float:
    ranked = scored(record)
    spreads = []
    for cand in ranked:
        vals = [v for v in (cand.get("scores") or {}).values() if isinstance(v, int | float)]
        if len(vals) > 1:
            spreads.append((max(vals) - min(vals)) / scale)
    if spreads:
        return min(1.0, max(spreads))
    if len(ranked) < 2:
        return 0.0
    return max(0.0, 1.0 - (score_of(ranked[0]) - score_of(ranked[1])) / scale)


@stage("synthesis.selection.uncertainty_based", per_record=True, params={
    "scale": Param(float, 1.0, "score gap that counts as full confidence"),
    "min_uncertainty": Param(float, 0.5, "prompts less uncertain than this are excluded")})
def uncertainty_based(record, config, ctx):
    """Active selection: keep prompts where the evaluator is unsure. Uncertainty is 1 minus
    the gap between the two best scores scaled by ``scale``, clipped to [0, 1], or, when
    several judges scored each candidate, their disagreement (spread of ``scores``). The value
    is recorded on the record as ``uncertainty``."""
    value = uncertainty(record, config["scale"])
    record["uncertainty"] = value
    if value < config["min_uncertainty"]:
        for cand in candidates(record):
            exclude(cand, f"evaluator confident (uncertainty {value:.2f})")


def jaccard_distance(a: set, b: set) -> float:
    return 1.0 - len(a & b) / len(a | b) if a | b else 0.0


@stage("synthesis.selection.diversity_based", per_record=True, params={
    "k": Param(int, 4, "how many mutually different candidates to keep")})
def diversity_based(record, config, ctx):
    """Keep ``k`` candidates that differ most from each other: greedy farthest-point
    selection under word-set Jaccard distance, starting from the best-scored (or first)
    candidate."""
    pool = scored(record) or candidates(record)
    pool += [c for c in candidates(record) if c not in pool]
    k = config["k"]
    if len(pool) <= k:
        return
    bags = {c["id"]: set(words(c["text"])) for c in pool}
    kept = [pool[0]]
    while len(kept) < k:
        best = max((c for c in pool if c not in kept),
                   key=lambda c: min(jaccard_distance(bags[c["id"]], bags[k_["id"]])
                                     for k_ in kept))
        kept.append(best)
    for cand in pool:
        if cand not in kept:
            exclude(cand, "too similar to kept candidates")


def misjudged(record: dict) -> tuple[set, set]:
    """(wrong, right) candidate ids by the record's comparisons with a verdict: the loser of a
    comparison whose score is at least the winner's is one the evaluator gets wrong."""
    cands = {c["id"]: c for c in candidates(record)}
    wrong, right = set(), set()
    for comp in record.get("comparisons", []):
        if comp.get("winner") not in ("a", "b") or comp.get("a") not in cands or \
                comp.get("b") not in cands:
            continue
        win, lose = (comp["a"], comp["b"]) if comp["winner"] == "a" else (comp["b"], comp["a"])
        s_win, s_lose = score_of(cands[win]), score_of(cands[lose])
        if s_win is not None and s_lose is not None and s_lose >= s_win:
            wrong.add(lose)
            right.add(win)
    return wrong, right


@stage("synthesis.selection.hard_example_mining", per_record=True, params={
    "min_score": Param(float, None, "score from which a wrong answer is convincing "
                       "(null: the prompt's median)"),
    "keep_correct": Param(bool, True, "also keep the verified-correct candidates")})
def hard_example_mining(record, config, ctx):
    """Keep the candidates the evaluator gets wrong: highly scored (at least ``min_score``)
    but failing the verifier (``verified`` false), or scored at least as high as a candidate
    a comparison (an annotator's verdict) prefers to them; plus, with ``keep_correct``, the
    verified-correct or preferred ones to contrast them with. Prompts with no such convincing
    wrong answer are excluded whole."""
    cands = candidates(record)
    scores = [score_of(c) for c in cands if score_of(c) is not None]
    if not scores:
        for cand in cands:
            exclude(cand, "no scores to mine hard examples from")
        return
    bar = config["min_score"] if config["min_score"] is not None else statistics.median(scores)
    # A score of 0 is a score (a failed check), not a missing one.
    hard = {c["id"] for c in cands if c.get("verified") is False and score_of(c) is not None
            and score_of(c) >= bar}
    wrong, preferred = misjudged(record)
    hard |= wrong
    right = {c["id"] for c in cands if c.get("verified") is True} | (preferred - hard)
    for cand in cands:
        if cand["id"] in hard:
            cand["hard_example"] = True
        elif not (hard and config["keep_correct"] and cand["id"] in right):
            exclude(cand, "not a hard example")


@stage("synthesis.selection.statistical_rejection", per_record=True, params={
    "beta": Param(float, 0.5, "temperature of the reward tilt"),
    "k": Param(int, 2, "how many candidates to accept")})
def statistical_rejection(record, config, ctx):
    """Statistical rejection sampling (RSO): accept candidate i with probability
    exp((r_i - r_max) / beta), in a seeded random order, until ``k`` are accepted, so kept
    candidates approximate samples from the reward-tilted policy."""
    ranked = scored(record)
    beta, k = config["beta"], config["k"]
    accepted = []
    if ranked:
        top = score_of(ranked[0])
        r = rng(ctx, record, "rso")
        order = ranked[:]
        r.shuffle(order)
        for cand in order:
            if len(accepted) >= k:
                break
            if r.random() < math.exp((score_of(cand) - top) / beta):
                accepted.append(cand["id"])
    for cand in candidates(record):
        if cand["id"] not in accepted:
            exclude(cand, "rejected by statistical rejection sampling")
