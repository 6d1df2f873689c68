"""Weighting: training columns added to each pair (and to each candidate, for
one-completion formats) that trainers read beside the preference label. Formats copy
``columns`` into their rows. aspect_weighted is the exception: it changes the candidates'
scores, so it runs before pairing."""

from __future__ import annotations

import difflib
import functools
import math
import re

from alignscape.stages.base import by_id, candidates, words
from alignscape.stages.registry import Param, alias, stage


def usable_by_id(record: dict) -> dict[str, dict]:
    usable = {c["id"] for c in candidates(record)}
    return {k: v for k, v in by_id(record).items() if k in usable}


def column_stage(option: str, params: dict | None = None, for_candidate=None):
    """Register ``for_pair(pair, chosen, rejected, record, config, ctx) -> columns``; with
    ``for_candidate(cand, record, config, ctx)`` each candidate gets columns too."""

    def register(for_pair):
        @functools.wraps(for_pair)
        def apply(record, config, ctx):
            cands = usable_by_id(record)
            for p in record.get("pairs", []):
                ch, rj = cands.get(p["chosen"]), cands.get(p["rejected"])
                if ch is not None and rj is not None:
                    p.setdefault("columns", {}).update(for_pair(p, ch, rj, record, config, ctx))
            if for_candidate:
                for cand in candidates(record):
                    cand.setdefault("columns", {}).update(for_candidate(cand, record, config,
                                                                        ctx))

        return stage(option, per_record=True, params=params)(apply)

    return register


@column_stage("instantiation.weighting.margin_weighted", {
    "scale": Param(float, 1.0, "factor applied to the score margin"),
    "default": Param(float, 0.0, "margin of pairs without a known one")})
def margin_weighted(p, chosen, rejected, record, config, ctx):
    """Margin weighting: the pair's score margin, times ``scale``, goes into the ``margin``
    column that TRL's reward trainer (and OpenRLHF) read as a margin in the loss, and that
    adaptive-beta DPO variants use per pair. Pairs without a known margin get ``default`` and
    ``margin_known: false`` rather than being dropped."""
    known = p.get("margin") is not None
    p["margin"] = p["margin"] * config["scale"] if known else config["default"]
    return {"margin_known": known}


@column_stage("instantiation.weighting.label_smoothing", {
    "default": Param(float, 0.9, "confidence of pairs the judgements say nothing about")})
def label_smoothing(p, chosen, rejected, record, config, ctx):
    """Noise-robust labels: each pair gets ``label_confidence`` in [0.5, 1], the probability
    that its label is right as far as the judgements show: from a pairwise verdict's P(a) over
    both orders (0.5 when the orders disagreed), or an ensemble's agreement, else ``default``.
    cDPO / robust DPO read 1 - label_confidence as the flip probability."""
    conf = None
    for comp in record.get("comparisons", []):
        if {comp["a"], comp["b"]} != {p["chosen"], p["rejected"]}:
            continue
        if comp.get("p_a") is not None:
            p_chosen = comp["p_a"] if comp["a"] == p["chosen"] else 1 - comp["p_a"]
            conf = max(conf or 0.0, p_chosen)
        elif comp.get("agreement") is not None:
            conf = max(conf or 0.0, comp["agreement"])
    return {"label_confidence": conf if conf is not None else config["default"]}


@column_stage("instantiation.weighting.soft_labels", {
    "temperature": Param(float, 1.0, "Bradley-Terry temperature for score-made pairs")})
def soft_labels(p, chosen, rejected, record, config, ctx):
    """Soft preference labels: ``preference_probability``, the judge's probability that
    chosen beats rejected: a pairwise verdict's P(a) averaged over both orders, or, for
    score-made pairs, sigmoid(margin / ``temperature``). Pairs with neither get null and
    ``soft_label_known: false``."""
    for comp in record.get("comparisons", []):
        if {comp["a"], comp["b"]} == {p["chosen"], p["rejected"]} and \
                comp.get("p_a") is not None:
            prob = comp["p_a"] if comp["a"] == p["chosen"] else 1.0 - comp["p_a"]
            return {"preference_probability": prob, "soft_label_known": True}
    if p.get("margin") is not None:
        return {"preference_probability": 1.0 / (1.0 + math.exp(-p["margin"] /
                                                              config["temperature"])),
                "soft_label_known": True}
    return {"preference_probability": None, "soft_label_known": False}


IMPORTANCE = {
    "clip": Param(float, 5.0, "bound on the log importance ratio"),
    "behaviour_role": Param(str, "reference", "backend role of the behaviour model")}


def importance(cand, record, config, ctx):
    try:
        policy = ctx.backend("policy")
        behaviour = ctx.backend(config["behaviour_role"])
        lp = [b.logprob(record["prompt"], cand["text"]) for b in (policy, behaviour)]
    except Exception as exc:  # any backend without log-probs: recorded, never fatal
        return {"importance_weight": None,
                "importance_error": f"{type(exc).__name__}: {exc}"[:200]}
    clip = config["clip"]
    return {"importance_weight": math.exp(max(-clip, min(clip, lp[0] - lp[1])))}


@column_stage("instantiation.weighting.importance_weighted", IMPORTANCE,
              for_candidate=importance)
def importance_weighted(p, chosen, rejected, record, config, ctx):
    """Importance weights for off-policy data: w = exp(clip(log p_policy(y|x) - log
    p_behaviour(y|x), -c, c)) per completion. log p comes from backends that can compute it
    (local transformers models). Where a log-probability is unavailable the column is null and
    ``importance_error`` says why; the row is still written."""
    wc, wr = importance(chosen, record, config, ctx), importance(rejected, record, config, ctx)
    return {"chosen_importance_weight": wc["importance_weight"],
            "rejected_importance_weight": wr["importance_weight"],
            **({"importance_error": wc.get("importance_error") or wr.get("importance_error")}
               if "importance_error" in wc or "importance_error" in wr else {})}


def cost(cand, config):
    if isinstance(cand.get("cost"), int | float):
        return float(cand["cost"])
    value = (cand.get("aspects") or {}).get(config["cost_aspect"])
    return -float(value) if isinstance(value, int | float) else None


@column_stage("instantiation.weighting.cost_constrained", {
    "cost_aspect": Param(str, "harmlessness", "aspect whose negated rating is the cost when a "
                         "candidate has no cost field")},
    for_candidate=lambda c, record, config, ctx: {"cost": cost(c, config)})
def cost_constrained(p, chosen, rejected, record, config, ctx):
    """Reward and cost kept apart (Safe RLHF): each pair gets ``chosen_cost``,
    ``rejected_cost`` and ``safer`` ("chosen" | "rejected" | "tie"); nothing is folded into
    the preference label."""
    cc, rc = cost(chosen, config), cost(rejected, config)
    safer = None if cc is None or rc is None else (
        "tie" if cc == rc else "chosen" if cc < rc else "rejected")
    return {"chosen_cost": cc, "rejected_cost": rc, "safer": safer}


@column_stage("instantiation.weighting.length_regularized",
              for_candidate=lambda c, record, config, ctx: {"length": len(words(c["text"]))})
def length_regularized(p, chosen, rejected, record, config, ctx):
    """Length columns for length-regularised objectives (R-DPO, SimPO's length
    normalisation): ``chosen_length`` / ``rejected_length`` in words (``length`` for
    one-completion rows). The regulariser itself lives in the trainer."""
    return {"chosen_length": len(words(chosen["text"])),
            "rejected_length": len(words(rejected["text"]))}


@column_stage("instantiation.weighting.maxmin_groups", {
    "group_field": Param(str, None, "record field naming the annotator group (null: the "
                         "judge that made the pair)")})
def maxmin_groups(p, chosen, rejected, record, config, ctx):
    """Annotator groups for max-min RLHF: each pair carries ``annotator_group``, so a
    separate reward can be learnt per group."""
    field = config["group_field"]
    group = record.get(field) if field else p.get("judge")
    return {"annotator_group": None if group is None else str(group)}


def _spans(text):
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def diff_segments(a: str, b: str) -> tuple[list, list]:
    sa, sb = _spans(a), _spans(b)
    ta, tb = [a[s:e] for s, e in sa], [b[s:e] for s, e in sb]
    out_a, out_b = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb,
                                                       autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            out_a.append([sa[i1][0], sa[i2 - 1][1]])
        if j2 > j1:
            out_b.append([sb[j1][0], sb[j2 - 1][1]])
    return out_a, out_b


@column_stage("instantiation.weighting.segment_weighted")
def segment_weighted(p, chosen, rejected, record, config, ctx):
    """Segment weights (RLHF-V's dense feedback): the character spans where chosen and
    rejected differ (``chosen_segments`` / ``rejected_segments``: [[start, end], ...],
    word-level diff), so a trainer can up-weight the corrected tokens."""
    segs_c, segs_r = diff_segments(chosen["text"], rejected["text"])
    return {"chosen_segments": segs_c, "rejected_segments": segs_r}


@stage("instantiation.weighting.aspect_weighted", per_record=True, params={
    "weights": Param(dict, None, "{aspect: weight} (null: equal weights over the aspects "
                     "present)")})
def aspect_weighted(record, config, ctx):
    """Aspect weights: combine a candidate's aspect scores into its overall score, so pairing
    ranks by the weighted sum. Runs before pairing; the weights used are recorded on the
    candidate."""
    weights = config["weights"]
    for cand in candidates(record):
        aspects = {k: v for k, v in (cand.get("aspects") or {}).items() if v is not None}
        if not aspects:
            continue
        w = weights or {k: 1.0 for k in aspects}
        used = {k: float(w[k]) for k in aspects if k in w}
        total = sum(used.values())
        if total:
            cand["score"] = sum(aspects[k] * v for k, v in used.items()) / total
            cand["aspect_weights"] = used


alias("instantiation.weighting.adaptive_temperature", "instantiation.weighting.margin_weighted",
      "the per-pair margin column is what an adaptive-beta trainer reads")
