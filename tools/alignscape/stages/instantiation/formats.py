"""Signal formats: the rows handed to trainers, in TRL's shapes, with provenance.

Every row carries ``prompt_id`` and ``provenance`` (a JSON string, so the column has one type
in Parquet whatever the stages recorded): entry, stage options run, seed, backends by role,
the models that wrote the completions, the judges that scored them and their scores. Style
``standard`` writes strings; ``conversational`` writes lists of {role, content} messages
(TRL's two flavours). Formats expand records into rows: they return rows, not records; pairs
or candidates that a filter excluded are never written."""

from __future__ import annotations

import functools
import json
import statistics

from alignscape.stages.base import by_id, candidates, score_of
from alignscape.stages.instantiation.pairing import ranked
from alignscape.stages.registry import Param, stage

STYLE = {"style": Param(str, None, "TRL style: standard strings or conversational "
                        "messages (null: the recipe's style)",
                        choices=("standard", "conversational"))}


def prompt_value(record: dict, config: dict):
    """The prompt column: conversational style writes every turn of a conversation prompt
    (TRL conversational prompt), else the prompt as one user turn; standard writes the string.
    (The runner switches a run whose input holds conversations to conversational, so no turn
    is lost.)"""
    if config.get("style", "standard") == "conversational":
        msgs = record.get("messages")
        if msgs:
            return [{"role": m["role"], "content": m["content"]} for m in msgs]
        return [{"role": "user", "content": record["prompt"]}]
    return record["prompt"]


def completion_value(text: str, config: dict):
    if config.get("style", "standard") == "conversational":
        return [{"role": "assistant", "content": text}]
    return text


# What provenance keeps of a candidate. Keys are sorted when encoded, so the order in which
# a candidate holds them does not matter.
PROVENANCE_KEYS = frozenset(("id", "model", "origin", "decoding", "score", "scores", "aspects",
                             "verified", "parent", "finish_reason", "truncated", "incomplete",
                             "incomplete_aspects"))
# One encoder for every row (json.dumps would build one per call): the same text as
# json.dumps(..., ensure_ascii=False, sort_keys=True, default=str).
_encode_provenance = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode


def provenance(record: dict, ctx, cands: list[dict], **extra) -> str:
    judgements = record.get("judgements")
    judges = sorted({j["judge"] for j in judgements if j.get("judge")}) if judgements else []
    keys = PROVENANCE_KEYS
    return _encode_provenance({
        "entry": getattr(ctx, "entry", None), "stages": record.get("trace", []),
        "seed": getattr(ctx, "seed", None),
        "backends": ctx.describe() if hasattr(ctx, "describe") else {},
        "prompt_origin": record.get("prompt_origin"),
        "candidates": [{k: v for k, v in c.items() if k in keys and v is not None}
                       for c in cands],
        "judges": judges, **extra})


def usable_by_id(record: dict) -> dict[str, dict]:
    usable = {c["id"] for c in candidates(record)}
    return {k: v for k, v in by_id(record).items() if k in usable}


def fmt(option: str, params: dict | None = None):
    """Register ``rows(record, config, ctx) -> rows`` as a format."""
    return stage(option, per_record=True, rows=True, params={**STYLE, **(params or {})})


def completion_format(option: str, params: dict | None = None, keep=None):
    """Register ``fields(cand, record, config) -> columns | None`` as a one-completion-per-row
    format: one row per usable candidate (``keep(record, config)`` narrows them) for which
    fields gives the format's columns."""

    def register(fields):
        @functools.wraps(fields)
        def rows(record, config, ctx):
            chosen = keep(record, config) if keep else None
            out = []
            for cand in candidates(record):
                if chosen is not None and cand["id"] not in chosen:
                    continue
                extra = fields(cand, record, config)
                if extra is None:
                    continue
                out.append({"prompt_id": record["prompt_id"],
                            "prompt": prompt_value(record, config),
                            "completion": completion_value(cand["text"], config),
                            "model": cand.get("model"), **extra, **cand.get("columns", {}),
                            "provenance": provenance(record, ctx, [cand])})
            return out

        return fmt(option, params)(rows)

    return register


@fmt("instantiation.formats.pairwise")
def pairwise(record, config, ctx):
    """TRL preference rows: ``prompt``, ``chosen``, ``rejected``, plus ``margin`` (score
    difference, null when the pair came from construction or a verdict without strength),
    ``prompt_id``, ``chosen_model``, ``rejected_model``, ``tie``, the weighting columns of the
    pair and ``provenance``. One row per pair in ``record['pairs']``."""
    cands = usable_by_id(record)
    out = []
    for p in record.get("pairs", []):
        chosen, rejected = cands.get(p["chosen"]), cands.get(p["rejected"])
        if chosen is None or rejected is None:
            continue
        out.append({
            "prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
            "chosen": completion_value(chosen["text"], config),
            "rejected": completion_value(rejected["text"], config),
            "margin": p.get("margin"), "tie": bool(p.get("tie")),
            "chosen_model": chosen.get("model"), "rejected_model": rejected.get("model"),
            **p.get("columns", {}),
            "provenance": provenance(record, ctx, [chosen, rejected], rule=p.get("rule"),
                                     pair_judge=p.get("judge"),
                                     **({"incomplete": True} if p.get("incomplete") else {}))})
    return out


@completion_format("instantiation.formats.pointwise_scalar")
def pointwise_scalar(cand, record, config):
    """Scalar rewards: ``prompt``, ``completion``, ``reward`` (the candidate's score), one row
    per scored candidate; unscored candidates are not written."""
    return None if score_of(cand) is None else {"reward": score_of(cand)}


def _labels_from_pairs(record) -> dict:
    in_pairs = {}
    for p in record.get("pairs", []):
        if not p.get("tie"):
            in_pairs.setdefault(p["chosen"], True)
            in_pairs.setdefault(p["rejected"], False)
    return in_pairs


@completion_format("instantiation.formats.binary_label", {
    "threshold": Param(float, None, "score from which an otherwise unlabelled candidate is "
                       "desirable (null: such candidates are not written)")})
def binary_label(cand, record, config):
    """Binary desirable / undesirable labels for KTO: TRL's unpaired preference rows
    ``prompt``, ``completion``, ``label`` (bool). The label comes from, in order: a verifier
    (``verified``), a binary judgement (``label``), the record's pairs (chosen True, rejected
    False, as TRL's unpair_preference_dataset does), or ``score >= threshold``."""
    for value in (cand.get("verified"), cand.get("label"),
                  _labels_from_pairs(record).get(cand["id"])):
        if isinstance(value, bool):
            return {"label": value}
    if config["threshold"] is not None and score_of(cand) is not None:
        return {"label": score_of(cand) >= config["threshold"]}
    return None


@completion_format("instantiation.formats.multi_aspect")
def multi_aspect(cand, record, config):
    """Multi-aspect vectors: ``prompt``, ``completion``, ``aspects`` (names, sorted so every
    row has the same order) and ``aspect_scores`` (null where a rating could not be parsed),
    plus the overall ``score``."""
    aspects = cand.get("aspects") or {}
    if not aspects:
        return None
    names = sorted(aspects)
    return {"aspects": names, "aspect_scores": [aspects[n] for n in names],
            "score": score_of(cand)}


@completion_format("instantiation.formats.natural_language_feedback")
def natural_language_feedback(cand, record, config):
    """Natural-language feedback: ``prompt``, ``completion``, ``feedback`` (the judge's
    critique) and ``score``; candidates without a critique are not written."""
    if not cand.get("critique"):
        return None
    return {"feedback": cand["critique"], "score": score_of(cand)}


def _best(record, config):
    pool = [c for c in candidates(record)
            if not config["require_verified"] or c.get("verified") is True]
    pool.sort(key=lambda c: -(score_of(c) if score_of(c) is not None else float("-inf")))
    return {c["id"] for c in pool[:config["per_prompt"]]}


@completion_format("instantiation.formats.demonstration", {
    "per_prompt": Param(int, 1, "demonstrations written per prompt, best first"),
    "require_verified": Param(bool, False, "write only verified-correct candidates")},
    keep=_best)
def demonstration(cand, record, config):
    """Filtered demonstrations for SFT: TRL prompt-completion rows of the kept candidates, the
    best ``per_prompt`` by score (unscored ones after the scored, in order)."""
    return {"score": score_of(cand)}


def ordered(record):
    usable = {c["id"] for c in candidates(record)}
    if record.get("ranking"):
        cands = by_id(record)
        return [cands[i] for i in record["ranking"] if i in usable]
    return ranked(record)


@fmt("instantiation.formats.listwise")
def listwise(record, config, ctx):
    """Listwise rankings: ``prompt``, ``completions`` (best first) and ``scores`` (same
    order), one row per prompt with at least two ranked candidates. The order is the judge's
    ranking when a listwise judgement was made, else the scores."""
    order = ordered(record)
    if len(order) < 2:
        return []
    return [{"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
             "completions": [completion_value(c["text"], config) for c in order],
             "scores": [score_of(c) for c in order], "models": [c.get("model") for c in order],
             "provenance": provenance(record, ctx, order)}]


@fmt("instantiation.formats.groupwise", {
    "scale_std": Param(bool, True, "divide by the group's standard deviation (false: only "
                       "mean-centre, as Dr. GRPO)")})
def groupwise(record, config, ctx):
    """Group-wise (GRPO-style) groups: ``prompt``, ``completions``, ``rewards`` and
    ``advantages`` = (reward - group mean) / (group std + eps). Groups whose rewards are all
    equal carry zero advantages and are written anyway, flagged ``degenerate: true`` (DAPO
    filters them; that is the trainer's choice)."""
    group = [c for c in candidates(record) if score_of(c) is not None]
    if len(group) < 2:
        return []
    rewards = [score_of(c) for c in group]
    mean, sd = statistics.fmean(rewards), statistics.pstdev(rewards)
    div = (sd + 1e-6) if config["scale_std"] else 1.0
    return [{"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
             "completions": [completion_value(c["text"], config) for c in group],
             "rewards": rewards, "advantages": [(r - mean) / div for r in rewards],
             "degenerate": sd == 0, "provenance": provenance(record, ctx, group)}]


@fmt("instantiation.formats.step_level", {
    "truncate_at_unknown": Param(bool, False, "write the steps before the first unlabelled "
                                 "one instead of skipping the candidate")})
def step_level(record, config, ctx):
    """TRL stepwise supervision: ``prompt``, ``completions`` (the steps) and ``labels`` (one
    bool per step). A candidate with any step left unlabelled (unparseable judgement, failed
    rollout) is not written: TRL needs a bool for every step; the reason stays in
    records.jsonl."""
    out = []
    for cand in candidates(record):
        step_list, labels = cand.get("steps"), cand.get("step_labels")
        if not step_list or not labels or len(step_list) != len(labels):
            continue
        if None in labels:
            if not config["truncate_at_unknown"]:
                cand["step_format_skipped"] = "a step has no label"
                continue
            cut = labels.index(None)
            step_list, labels = step_list[:cut], labels[:cut]
            if not step_list:
                continue
        out.append({"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
                    "completions": list(step_list), "labels": [bool(x) for x in labels],
                    "provenance": provenance(record, ctx, [cand])})
    return out
