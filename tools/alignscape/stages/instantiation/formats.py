"""Signal formats: the rows handed to trainers, in TRL's shapes, with provenance.

Every row carries ``prompt_id`` and ``provenance`` (a JSON string, so the column has one type
in Parquet whatever the stages recorded): entry, stage options run, seed, backends by role,
the models that wrote the completions, the judges that scored them and their scores. Style
``standard`` writes strings; ``conversational`` writes lists of {role, content} messages
(TRL's two flavours). Formats expand records into rows: they return rows, not records; pairs
or candidates that a filter excluded are never written."""

from __future__ import annotations

import functools
import statistics

from alignscape.stages.base import candidates, score_of
from alignscape.stages.instantiation.encoding import sorted_text
from alignscape.stages.instantiation.pairing import ranked_scores
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


# Provenance headers by what they are made of: a run has one or a few (the stages run and the
# judges seldom differ between records), so each is built once, not once per row.
_HEADERS: dict[tuple, dict] = {}
_HEADERS_KEPT = 256


def provenance_header(record: dict, ctx) -> dict:
    """What every row of a record shares in its provenance: entry, stages run, seed, backends
    by role, judges, and prompt_origin when the prompt did not come from the input. Shared
    between rows and records: read it, never change it."""
    judgements = record.get("judgements")
    judges = tuple(sorted({j["judge"] for j in judgements if j.get("judge")})) \
        if judgements else ()
    backends = ctx.describe() if hasattr(ctx, "describe") else {}
    key = (getattr(ctx, "entry", None), getattr(ctx, "seed", None),
           tuple(backends.items()), tuple(record.get("trace", ())), judges,
           record.get("prompt_origin"))
    header = _HEADERS.get(key)
    if header is None:
        header = {"entry": key[0], "seed": key[1], "backends": backends,
                  "stages": list(key[3]), "judges": list(judges)}
        if key[5] is not None:
            header["prompt_origin"] = key[5]
        if len(_HEADERS) >= _HEADERS_KEPT:
            _HEADERS.clear()
        _HEADERS[key] = header
    return header


def provenance(record: dict, ctx, cands: list[dict], header: dict | None = None,
               **extra) -> str:
    """The provenance column: a JSON text (one column type in Parquet), keys sorted at every
    level; ``extra`` keys whose value is None are left out."""
    keys = PROVENANCE_KEYS
    kept = []
    # Loops, not a dict comprehension per candidate: each comprehension is a function
    # created and called (CPython before 3.12), and this runs for every row written.
    for c in cands:
        d = {}
        for k, v in c.items():
            if k in keys and v is not None:
                d[k] = v
        kept.append(d)
    value = {**(header or provenance_header(record, ctx)), "candidates": kept}
    for key, v in extra.items():
        if v is not None:
            value[key] = v
    return sorted_text(value)


def usable_by_id(record: dict) -> dict[str, dict]:
    """The usable candidates (candidates()) by id."""
    found = {}
    for c in candidates(record):
        found[c["id"]] = c
    return found


def fmt(option: str, params: dict | None = None):
    """Register ``rows(record, config, ctx) -> rows`` as a format."""
    return stage(option, per_record=True, rows=True, params={**STYLE, **(params or {})})


def completion_format(option: str, params: dict | None = None, keep=None, prepare=None):
    """Register ``fields(cand, record, config, state) -> columns | None`` as a
    one-completion-per-row format: one row per usable candidate (``keep(record, config)``
    narrows them) for which fields gives the format's columns. ``state`` is what
    ``prepare(record, config)`` computed once for the record (None without prepare)."""

    def register(fields):
        @functools.wraps(fields)
        def rows(record, config, ctx):
            chosen = keep(record, config) if keep else None
            state = prepare(record, config) if prepare else None
            out = []
            header = prompt = None
            conversational = config.get("style", "standard") == "conversational"
            for cand in candidates(record):
                if chosen is not None and cand["id"] not in chosen:
                    continue
                extra = fields(cand, record, config, state)
                if extra is None:
                    continue
                if header is None:
                    header = provenance_header(record, ctx)
                    prompt = prompt_value(record, config)
                text = cand["text"]
                row = {"prompt_id": record["prompt_id"], "prompt": prompt,
                       "completion": completion_value(text, config) if conversational
                       else text, "model": cand.get("model")}
                row.update(extra)
                columns = cand.get("columns")
                if columns:
                    row.update(columns)
                row["provenance"] = provenance(record, ctx, [cand], header)
                out.append(row)
            return out

        return fmt(option, params)(rows)

    return register


@fmt("instantiation.formats.pairwise")
def pairwise(record, config, ctx):
    """TRL preference rows: ``prompt``, ``chosen``, ``rejected``, plus ``margin`` (score
    difference, null when the pair came from construction or a verdict without strength),
    ``prompt_id``, ``chosen_model``, ``rejected_model``, ``tie``, the weighting columns of the
    pair and ``provenance``. One row per pair in ``record['pairs']``."""
    pairs = record.get("pairs")
    if not pairs:
        return []
    cands = usable_by_id(record)
    header, prompt = provenance_header(record, ctx), prompt_value(record, config)
    conversational = config.get("style", "standard") == "conversational"
    out = []
    for p in pairs:
        chosen, rejected = cands.get(p["chosen"]), cands.get(p["rejected"])
        if chosen is None or rejected is None:
            continue
        row = {"prompt_id": record["prompt_id"], "prompt": prompt,
               "chosen": completion_value(chosen["text"], config) if conversational
               else chosen["text"],
               "rejected": completion_value(rejected["text"], config) if conversational
               else rejected["text"],
               "margin": p.get("margin"), "tie": bool(p.get("tie")),
               "chosen_model": chosen.get("model"), "rejected_model": rejected.get("model")}
        columns = p.get("columns")
        if columns:
            row.update(columns)
        row["provenance"] = provenance(record, ctx, [chosen, rejected], header,
                                       rule=p.get("rule"), pair_judge=p.get("judge"),
                                       incomplete=p.get("incomplete") or None)
        out.append(row)
    return out


@completion_format("instantiation.formats.pointwise_scalar")
def pointwise_scalar(cand, record, config, state):
    """Scalar rewards: ``prompt``, ``completion``, ``reward`` (the candidate's score), one row
    per scored candidate; unscored candidates are not written."""
    score = score_of(cand)
    return None if score is None else {"reward": score}


def _labels_from_pairs(record, config=None) -> dict:
    in_pairs = {}
    for p in record.get("pairs", ()):
        if not p.get("tie"):
            in_pairs.setdefault(p["chosen"], True)
            in_pairs.setdefault(p["rejected"], False)
    return in_pairs


@completion_format("instantiation.formats.binary_label", {
    "threshold": Param(float, None, "score from which an otherwise unlabelled candidate is "
                       "desirable (null: such candidates are not written)")},
    prepare=_labels_from_pairs)
def binary_label(cand, record, config, in_pairs):
    """Binary desirable / undesirable labels for KTO: TRL's unpaired preference rows
    ``prompt``, ``completion``, ``label`` (bool). The label comes from, in order: a verifier
    (``verified``), a binary judgement (``label``), the record's pairs (chosen True, rejected
    False, as TRL's unpair_preference_dataset does), or ``score >= threshold``."""
    # The first bool of verified, label and the pairs' label, looked up only as needed.
    value = cand.get("verified")
    if value is not True and value is not False:
        value = cand.get("label")
        if value is not True and value is not False:
            value = in_pairs.get(cand["id"])
    if value is True or value is False:
        return {"label": value}
    if config["threshold"] is not None and score_of(cand) is not None:
        return {"label": score_of(cand) >= config["threshold"]}
    return None


@completion_format("instantiation.formats.multi_aspect")
def multi_aspect(cand, record, config, state):
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
def natural_language_feedback(cand, record, config, state):
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
def demonstration(cand, record, config, state):
    """Filtered demonstrations for SFT: TRL prompt-completion rows of the kept candidates, the
    best ``per_prompt`` by score (unscored ones after the scored, in order)."""
    return {"score": score_of(cand)}


def ordered(record):
    return [c for _, c in ordered_scores(record)]


def ordered_scores(record) -> list[tuple[float | None, dict]]:
    """(score, candidate) in listwise order: the judge's ranking when there is one, else by
    score (pairing.ranked)."""
    if record.get("ranking"):
        cands = usable_by_id(record)
        return [(score_of(cands[i]), cands[i]) for i in record["ranking"] if i in cands]
    return [(-s, c) for s, c in ranked_scores(record)]


@fmt("instantiation.formats.listwise")
def listwise(record, config, ctx):
    """Listwise rankings: ``prompt``, ``completions`` (best first) and ``scores`` (same
    order), one row per prompt with at least two ranked candidates. The order is the judge's
    ranking when a listwise judgement was made, else the scores."""
    if record.get("ranking"):
        order = ordered_scores(record)
        scores = [s for s, _ in order]
    else:  # ordered_scores' other case, without its list of (score, candidate)
        order = ranked_scores(record)
        scores = [-s for s, _ in order]
    if len(order) < 2:
        return []
    cands, completions, models = [], [], []
    conversational = config.get("style", "standard") == "conversational"
    for _, c in order:
        cands.append(c)
        completions.append(completion_value(c["text"], config) if conversational
                           else c["text"])
        models.append(c.get("model"))
    return [{"prompt_id": record["prompt_id"], "prompt": prompt_value(record, config),
             "completions": completions, "scores": scores, "models": models,
             "provenance": provenance(record, ctx, cands)}]


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
