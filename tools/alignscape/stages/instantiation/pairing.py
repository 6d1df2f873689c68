"""Pairing rules: which chosen/rejected pairs a prompt's candidates make.

A pair is {"chosen", "rejected" (candidate ids), "margin" (score difference or None),
"tie" (bool), "rule"}. Equal scores make a tie: dropped unless ``ties: keep`` (then kept with
``tie: true`` so a trainer or the drop_ties filter can still see it). Ties are dropped by
default because a tie turned into chosen/rejected is label noise (distilabel's formatters keep
them). Each rule adds to ``record['pairs']``, skipping pairs already present, so several rules
can run in a row; margin_threshold then filters what they made."""

from __future__ import annotations

import functools
import itertools
import operator

from alignscape.stages.base import binary_scored, by_id, candidates, rng, score_of
from alignscape.stages.registry import Param, stage

TIES = {"ties": Param(str, "drop", "drop or keep pairs of equally judged candidates",
                      choices=("drop", "keep"))}


def ranked(record: dict) -> list[dict]:
    """Scored usable candidates, highest score first; equal scores keep their input order (a
    stable sort), so best_vs_worst chooses the earliest of the best and rejects the latest of
    the worst."""
    return [c for _, c in ranked_scores(record)]


def ranked_scores(record: dict) -> list[tuple[float, dict]]:
    """(minus score, candidate) in ``ranked`` order: the scores score_of gives, found in one
    pass (this runs for every record of every run that ranks)."""
    scored = []
    for c in candidates(record, usable=False):
        s = c.get("score")
        # score_of and candidates(usable=True), inlined: a number that is not NaN, with text,
        # not excluded.
        if isinstance(s, int | float) and s == s and c.get("text") is not None \
                and not c.get("excluded"):
            scored.append((-float(s), c))
    scored.sort(key=_FIRST)
    return scored


_FIRST = operator.itemgetter(0)


def pair(better: dict, worse: dict, rule: str) -> dict:
    sb, sw = score_of(better), score_of(worse)
    if sb is not None and sw is not None and sw > sb:
        better, worse, sb, sw = worse, better, sw, sb
    diff = sb - sw if sb is not None and sw is not None else None
    # Two yes/no verdicts differ by 1.0 or not at all: no margin, only the order.
    margin = None if binary_scored(better) and binary_scored(worse) else diff
    return {"chosen": better["id"], "rejected": worse["id"], "margin": margin,
            "tie": diff == 0, "rule": rule}


def unscored(chosen: dict, rejected: dict) -> dict:
    return {"chosen": chosen["id"], "rejected": rejected["id"], "margin": None, "tie": False}


def add_pairs(record: dict, made: list[dict], rule: str, ties: str) -> None:
    """Append ``made`` to the record's pairs under the ties policy, skipping duplicates.
    The pairs of ``made`` are the record's from then on (a rule makes fresh ones)."""
    have = record.setdefault("pairs", [])
    seen = {(p["chosen"], p["rejected"]) for p in have}
    for p in made:
        key = (p["chosen"], p["rejected"])
        if key in seen or key[::-1] in seen or key[0] == key[1]:
            continue
        if p.get("tie") and ties == "drop":
            record["ties_dropped"] = record.get("ties_dropped", 0) + 1
            continue
        seen.add(key)
        if "rule" not in p:
            p["rule"] = rule
        have.append(p)


def pairing_rule(option: str, params: dict | None = None):
    """Register ``make(record, config, ctx) -> pairs`` as a pairing rule with the ties
    policy."""
    rule = option.rsplit(".", 1)[1]

    def register(make):
        @functools.wraps(make)
        def apply(record, config, ctx):
            add_pairs(record, make(record, config, ctx), rule, config["ties"])

        return stage(option, per_record=True, params={**TIES, **(params or {})})(apply)

    return register


@pairing_rule("instantiation.pairing.given_pairs", {
    "judge": Param(str, None, "use only this judge's comparisons (null: the ensemble's if "
                   "there is one, else every judge's)")})
def given_pairs(record, config, ctx):
    """Pairs as judged: each pairwise comparison (by a judge, an ensemble or an imported human
    annotation) becomes the pair; the winner is chosen. A comparison without a verdict makes
    no pair and is counted in ``record['unjudged_pairs']``."""
    comps = record.get("comparisons", [])
    judge = config["judge"] or ("ensemble" if any(c.get("judge") == "ensemble"
                                                  for c in comps) else None)
    cands = by_id(record)
    out = []
    for comp in comps:
        if judge and comp.get("judge") != judge:
            continue
        if comp["a"] not in cands or comp["b"] not in cands or cands[comp["a"]].get("excluded") \
                or cands[comp["b"]].get("excluded"):
            continue
        if comp.get("winner") is None:
            record["unjudged_pairs"] = record.get("unjudged_pairs", 0) + 1
            continue
        win, lose = (comp["b"], comp["a"]) if comp["winner"] == "b" else (comp["a"], comp["b"])
        p_a = comp.get("p_a")
        # A strength only where there is one: a judge's single verdict (one order, or two
        # scores compared) would always give 1.0, so it gets none; two orders that may
        # disagree, or an imported strength, do.
        single = comp.get("orders") is not None and comp["orders"] < 2
        margin = abs(p_a - 0.5) * 2 if p_a is not None and not single else None
        made = {"chosen": win, "rejected": lose, "margin": margin,
                "tie": comp["winner"] == "tie", "judge": comp.get("judge")}
        if comp.get("incomplete"):
            made["incomplete"] = True
        out.append(made)
    return out


@pairing_rule("instantiation.pairing.best_vs_worst")
def best_vs_worst(record, config, ctx):
    """Best vs worst: the highest- and lowest-scored candidates form the pair
    (Self-Rewarding). All candidates equal makes a tie."""
    order = ranked_scores(record)
    if len(order) < 2:
        return []
    # pair() of the first and last, from the scores ranked_scores found (minus the score,
    # so the best is first and never needs swapping).
    (low, better), (high, worse) = order[0], order[-1]
    diff = high - low
    margin = None if binary_scored(better) and binary_scored(worse) else diff
    return [{"chosen": better["id"], "rejected": worse["id"], "margin": margin,
             "tie": diff == 0, "rule": "best_vs_worst"}]


@pairing_rule("instantiation.pairing.best_vs_random")
def best_vs_random(record, config, ctx):
    """Best vs random: the highest-scored candidate against one other drawn at random (seeded
    per prompt), as UltraFeedback's binarised pairs."""
    order = ranked(record)
    if len(order) < 2:
        return []
    other = rng(ctx, record, "best_vs_random").choice(order[1:])
    return [pair(order[0], other, "best_vs_random")]


@pairing_rule("instantiation.pairing.all_pairs", {
    "max_pairs": Param(int, None, "cap per prompt, largest margins first (null: no cap)")})
def all_pairs(record, config, ctx):
    """All pairs: every unordered pair of scored candidates, better one chosen (InstructGPT's
    K-choose-2 comparisons)."""
    pairs = [pair(a, b, "all_pairs") for a, b in itertools.combinations(ranked(record), 2)]
    if config["max_pairs"]:
        pairs = sorted(pairs, key=lambda p: -(p["margin"] or 0))[:config["max_pairs"]]
    return pairs


@pairing_rule("instantiation.pairing.random_pairs", {
    "n": Param(int, 1, "pairs drawn per prompt")})
def random_pairs(record, config, ctx):
    """Random pairs: ``n`` pairs drawn at random (seeded per prompt) from the scored
    candidates, each ordered by score."""
    order = ranked(record)
    if len(order) < 2:
        return []
    r = rng(ctx, record, "random_pairs")
    return [pair(*r.sample(order, 2), "random_pairs") for _ in range(config["n"])]


def _is_reference(c):
    return c.get("is_reference") or c.get("origin") == "human_written"


@pairing_rule("instantiation.pairing.reference_vs_generated")
def reference_vs_generated(record, config, ctx):
    """Reference vs generated (SPIN): the reference or human-written answer is chosen over
    each model-generated candidate of the prompt, whatever their scores."""
    cands = candidates(record)
    refs = [c for c in cands if _is_reference(c)]
    return [unscored(r, g) for r in refs[:1] for g in cands if not _is_reference(g)]


def parent_pairs(record, child_is, child_wins: bool):
    """(chosen, rejected) pairs of each child (``child_is(c)``) and its usable parent."""
    usable = {c["id"] for c in candidates(record)}
    parents = by_id(record)
    out = []
    for child in candidates(record):
        parent = parents.get(child.get("parent"))
        if not child_is(child) or parent is None or parent["id"] not in usable \
                or child.get("unchanged"):
            continue
        out.append(unscored(child, parent) if child_wins else unscored(parent, child))
    return out


@pairing_rule("instantiation.pairing.revised_vs_original")
def revised_vs_original(record, config, ctx):
    """Revised vs original: a revision (self-refinement) or correction is chosen over the
    candidate it revises. Unchanged rewrites make no pair."""
    return parent_pairs(record, lambda c: c.get("origin") in ("self_refinement", "correction"),
                        child_wins=True)


@pairing_rule("instantiation.pairing.original_vs_perturbed")
def original_vs_perturbed(record, config, ctx):
    """Original vs perturbed: the unmodified candidate is chosen over each copy that
    perturbation corrupted."""
    return parent_pairs(record, lambda c: c.get("origin") == "perturbation", child_wins=False)


@pairing_rule("instantiation.pairing.contrastive_pair")
def contrastive_pair(record, config, ctx):
    """Contrastive-prompt pair (RLCD): the candidate written under the positive prompt is
    chosen over the one written under the negative prompt (matched by order of
    generation)."""
    cands = [c for c in candidates(record) if c.get("origin") == "contrastive_prompting"]
    pos = [c for c in cands if c.get("polarity") == "positive"]
    neg = [c for c in cands if c.get("polarity") == "negative"]
    return [unscored(p, n) for p, n in zip(pos, neg, strict=False)]


@pairing_rule("instantiation.pairing.correct_vs_incorrect", {
    "max_pairs": Param(int, None, "cap per prompt, in candidate order (null: no cap)")})
def correct_vs_incorrect(record, config, ctx):
    """Verified correct vs incorrect: a candidate that passed a correctness check
    (``verified`` true) is chosen over one that failed it for the same prompt; unverifiable
    candidates make no pair."""
    cands = candidates(record)
    good = [c for c in cands if c.get("verified") is True]
    bad = [c for c in cands if c.get("verified") is False]
    pairs = [unscored(g, b) for g in good for b in bad]
    return pairs[:config["max_pairs"]] if config["max_pairs"] else pairs


@stage("instantiation.pairing.margin_threshold", per_record=True, params={
    "min_margin": Param(float, 1.0, "smallest score difference a pair keeps")})
def margin_threshold(record, config, ctx):
    """Margin threshold: keep only pairs whose score difference is at least ``min_margin``.
    Filters the pairs made by the rules before it; if none ran, starts from all pairs. Pairs
    without a margin are dropped (and counted in ``record['margin_unknown']``)."""
    if "pairs" not in record:
        record["pairs"] = [pair(a, b, "all_pairs")
                           for a, b in itertools.combinations(ranked(record), 2)]
    kept = []
    for p in record["pairs"]:
        if p.get("margin") is None:
            record["margin_unknown"] = record.get("margin_unknown", 0) + 1
        elif p["margin"] >= config["min_margin"]:
            kept.append(p)
    record["pairs"] = kept
