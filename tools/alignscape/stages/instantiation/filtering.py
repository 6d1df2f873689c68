"""Filters: drop candidates (marked ``excluded`` with the reason, so they stay visible in
records.jsonl) or remove pairs (counted per prompt in ``record['pairs_filtered']``).

Candidate filters run before pairing, pair filters after it (which is which is the
``acts_on`` attribute of each filtering option in taxonomy.yaml)."""

from __future__ import annotations

import functools
import re

from alignscape.stages.base import by_id, candidates, rng, score_of, words
from alignscape.stages.registry import Param, stage

SAFETY_PATTERNS = [
    r"[\w.+-]+@[\w-]+\.[\w.]+",
    r"\+?\d{1,3}[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b",
    r"\bhow to (make|build) (a )?(bomb|explosive|nerve agent)\b",
    r"\b(kill|hurt) yourself\b",
]


def candidate_filter(option: str, params: dict | None = None):
    """Register ``reason(cand, record, config)`` (a reason to exclude, or None) as a filter
    over each record's usable candidates."""
    name = option.rsplit(".", 1)[1]

    def register(reason):
        @functools.wraps(reason)
        def apply(record, config, ctx):
            for cand in candidates(record):
                why = reason(cand, record, config)
                if why:
                    cand["excluded"] = f"{name}: {why}"

        return stage(option, per_record=True, params=params)(apply)

    return register


def count_removed(record: dict, name: str, before: int) -> None:
    removed = before - len(record.get("pairs", []))
    if removed > 0:
        counts = record.setdefault("pairs_filtered", {})
        counts[name] = counts.get(name, 0) + removed


@stage("instantiation.filtering.drop_ties", per_record=True)
def drop_ties(record, config, ctx):
    """Drop ties: pairs whose candidates were judged equal (equal scores or a tie verdict) are
    removed. Pairing already drops ties unless ``ties: keep``; this stage makes the choice
    explicit and also removes ties kept by an earlier rule."""
    pairs = record.get("pairs", [])
    record["pairs"] = [p for p in pairs if not p.get("tie")]
    count_removed(record, "drop_ties", len(pairs))


@candidate_filter("instantiation.filtering.score_threshold", {
    "min_score": Param(float, None, "lowest score kept (null: no bar)"),
    "max_score": Param(float, None, "highest score kept (null: no bar)"),
    "keep_unscored": Param(bool, False, "keep candidates without a score")})
def score_threshold(cand, record, config):
    """Score threshold: exclude candidates scoring below ``min_score`` or above
    ``max_score``; unscored candidates are excluded unless ``keep_unscored``."""
    s = score_of(cand)
    if s is None:
        return None if config["keep_unscored"] else "no score"
    if config["min_score"] is not None and s < config["min_score"]:
        return f"score {s:.3g} < {config['min_score']:g}"
    if config["max_score"] is not None and s > config["max_score"]:
        return f"score {s:.3g} > {config['max_score']:g}"
    return None


@candidate_filter("instantiation.filtering.correctness_filter", {
    "mode": Param(str, "correct", "correct: keep verified-correct only; split: keep "
                  "incorrect ones too, as negatives", choices=("correct", "split"))})
def correctness_filter(cand, record, config):
    """Correctness filter: keep only verified candidates; ``mode: split`` keeps the incorrect
    ones as well (polarity ``negative``) and excludes only the unverifiable."""
    verified = cand.get("verified")
    if verified is None:
        return "not verifiable"
    if verified is False:
        if config["mode"] == "correct":
            return "verified incorrect"
        cand["polarity"] = "negative"
    return None


@candidate_filter("instantiation.filtering.safety_filter", {
    "patterns": Param(list, None, "blocklist of regular expressions (null: personal data and "
                      "explicit harm phrases)", items=str)})
def safety_filter(cand, record, config):
    """Safety / content filter: exclude candidates that match a blocklist of regular
    expressions, and candidates that the safety_classifier stage flagged ``unsafe``. On its
    own it is a keyword filter; put safety_classifier with a model on the ``safety`` role
    before it to filter with a model."""
    if cand.get("unsafe"):
        return "flagged unsafe by the safety classifier"
    for pattern in config["patterns"] or SAFETY_PATTERNS:
        if re.search(pattern, cand["text"], re.I):
            return f"matches {pattern!r}"
    return None


@stage("instantiation.filtering.deduplication", per_record=True, params={
    "threshold": Param(float, 0.9, "word-set Jaccard similarity that counts as a duplicate")})
def deduplication(record, config, ctx):
    """Deduplication within a prompt: a candidate whose normalised text (lower-case words)
    equals an earlier one's, or whose word-set Jaccard similarity to one is at least
    ``threshold``, is excluded. Cross-prompt deduplication needs the whole dataset and is
    left to the consumer (e.g. datasets' ``unique``)."""
    bar = config["threshold"]
    kept: list[tuple[str, tuple[str, set]]] = []
    for cand in candidates(record):
        toks = words(cand["text"])
        norm, bag = " ".join(toks), set(toks)
        dup = next((cid for cid, (n, b) in kept
                    if n == norm or (bag | b and len(bag & b) / len(bag | b) >= bar)), None)
        if dup is not None:
            cand["excluded"] = f"deduplication: duplicate of {dup}"
        else:
            kept.append((cand["id"], (norm, bag)))


@stage("instantiation.filtering.agreement_filter", per_record=True, params={
    "min_agreement": Param(float, 1.0, "smallest ensemble agreement kept (1.0: unanimous)")})
def agreement_filter(record, config, ctx):
    """Agreement filter: remove judgements the judges disagree on. Pairs from comparisons
    whose two orders disagreed (``consistent: false``) or whose ensemble agreement is below
    ``min_agreement`` are removed; candidates whose binary labels differ between judges are
    excluded. Comparisons stay in the record (``disagreements`` lists them)."""
    bar = config["min_agreement"]
    doubtful = {tuple(sorted((c["a"], c["b"]))) for c in record.get("comparisons", [])
                if c.get("consistent") is False or c.get("agreement", 1.0) < bar}
    before = len(record.get("pairs", []))
    record["pairs"] = [p for p in record.get("pairs", [])
                       if tuple(sorted((p["chosen"], p["rejected"]))) not in doubtful]
    if before > len(record["pairs"]):
        record["pairs_filtered"] = {**record.get("pairs_filtered", {}),
                                    "agreement_filter": before - len(record["pairs"])}
    for cand in candidates(record):
        labels = {v for v in (cand.get("labels_by_judge") or {}).values() if v is not None}
        if len(labels) > 1:
            cand["excluded"] = "agreement_filter: judges disagree on the label"
    record["disagreements"] = sorted(map(list, doubtful))


def position(pair, record, ctx) -> str:
    for comp in record.get("comparisons", []):
        if (comp["a"], comp["b"]) == (pair["chosen"], pair["rejected"]):
            return "first"
        if (comp["a"], comp["b"]) == (pair["rejected"], pair["chosen"]):
            return "second"
    coin = rng(ctx, record, f"balance|{pair['chosen']}|{pair['rejected']}").random()
    return "first" if coin < 0.5 else "second"


@stage("instantiation.filtering.label_balance", per_record=True)
def label_balance(record, config, ctx):
    """Label balancing: every pair gets a presentation order, ``chosen_position`` "first" or
    "second" (for judge-training data). Pairs from a judged comparison keep the order they
    were judged in; others get a coin flip seeded per prompt and pair. Within a prompt,
    surplus pairs of the majority label are then dropped, so that no prompt teaches a
    position prior. Across prompts the balance is in expectation; for exact balance subsample
    the ``chosen_position`` column of the finished dataset."""
    pairs = record.get("pairs", [])
    for p in pairs:
        p.setdefault("columns", {})["chosen_position"] = position(p, record, ctx)
    firsts = [p for p in pairs if p["columns"]["chosen_position"] == "first"]
    seconds = [p for p in pairs if p["columns"]["chosen_position"] == "second"]
    if firsts and seconds:
        n = min(len(firsts), len(seconds))
        kept = firsts[:n] + seconds[:n]
        if len(kept) < len(pairs):
            counts = record.setdefault("pairs_filtered", {})
            counts["label_balance"] = len(pairs) - len(kept)
        record["pairs"] = [p for p in pairs if any(p is k for k in kept)]


@stage("instantiation.filtering.length_filter", per_record=True, params={
    "min_words": Param(int, None, "shorter candidates are excluded (null: no bar)"),
    "max_words": Param(int, None, "longer candidates are excluded (null: no bar)"),
    "max_ratio": Param(float, None, "pairs whose chosen answer is more than this many times "
                       "longer than the rejected one are removed (null: no bar)")})
def length_filter(record, config, ctx):
    """Length filter: exclude candidates shorter than ``min_words`` or longer than
    ``max_words``, and remove pairs whose chosen answer is more than ``max_ratio`` times
    longer than the rejected one (so length cannot be what the pair teaches)."""
    lo, hi, ratio = config["min_words"], config["max_words"], config["max_ratio"]
    for cand in candidates(record):
        n = len(words(cand["text"]))
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            cand["excluded"] = f"length_filter: {n} words"
    if ratio is not None and record.get("pairs"):
        n_words = {cid: max(1, len(words(c["text"] or ""))) for cid, c in by_id(record).items()}
        record["pairs"] = [p for p in record["pairs"]
                           if n_words[p["chosen"]] <= ratio * n_words[p["rejected"]]]


@stage("instantiation.filtering.zero_variance_group_filter", per_record=True, params={
    "tolerance": Param(float, 0.0, "scores whose spread (max - min) is at most this count as "
                       "all equal"),
    "min_size": Param(int, 2, "a group with fewer scored candidates than this carries no "
                      "group-relative signal either and is dropped too")})
def zero_variance_group_filter(record, config, ctx):
    """Zero-variance group filter (DAPO's dynamic sampling): when the scores of a record's
    usable candidates are all equal (every answer right, or every one wrong), their
    group-relative advantages are all zero and the group teaches nothing, so every usable
    candidate of the record is excluded, with the reason; ``record['zero_variance']`` is
    true for such a record (a trainer that re-samples reads it). Unscored candidates are not
    counted, but go with their group when it is dropped."""
    usable = candidates(record)
    values = [s for s in map(score_of, usable) if s is not None]
    if len(values) < max(1, config["min_size"]):
        why = f"{len(values)} scored candidate{'s' if len(values) != 1 else ''}, fewer than " \
              f"{config['min_size']}"
    elif max(values) == min(values):
        why = f"all {len(values)} scores equal ({values[0]:g})"
    elif max(values) - min(values) <= config["tolerance"]:
        why = f"all {len(values)} scores within {config['tolerance']:g} ({min(values):g} to " \
              f"{max(values):g})"
    else:
        record["zero_variance"] = False
        return
    record["zero_variance"] = True
    for cand in usable:
        cand["excluded"] = f"zero_variance_group_filter: {why}"
