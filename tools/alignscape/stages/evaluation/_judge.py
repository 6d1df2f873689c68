"""Shared by the judge protocols: their parameters, judge requests, and the log of every raw
answer.

A judge role may be served by a text model (its answer is parsed) or by a scoring backend (a
reward model or the labelled heuristic): then a pointwise rating is the score itself and a
pairwise verdict compares two scores. Either way each call is logged in
``record['judgements']`` with the raw answer, the parsed value and any error, so an
unparseable verdict is visible in the output instead of being dropped.
"""

from __future__ import annotations

from alignscape.runtime import Request
from alignscape.stages.base import derived_seed
from alignscape.stages.evaluation.judge_prompts import SYSTEM
from alignscape.stages.registry import Param

# The parameters every model judge and every protocol stage declares: a judge passes its
# settings to each protocol it runs.
JUDGE_PARAMS = {
    "role": Param(str, "judge", "backend role that judges"),
    "judge_name": Param(str, None, "judge name in provenance (default role:backend)"),
    "judge_model": Param(str, None, "model name to ask for (default: the role's model)"),
    "judge_temperature": Param(float, 0.0, "sampling temperature of the judge"),
    "judge_max_tokens": Param(int, 512, "longest judge answer, in tokens"),
    "judge_system": Param(str, SYSTEM, "system prompt of the judge"),
    "scale": Param(list, [1, 5], "rating scale [low, high]", items=(int, float)),
    "rubric": Param(bool, False, "describe each score level (detailed_rubric)"),
    "reference_guided": Param(bool, False, "show the record's reference answer "
                              "(reference_guided)"),
    "principles": Param(list, None, "written principles the judge applies", items=str),
    "question": Param(str, None, "what a binary / step / atomic judgement decides"),
    "threshold": Param(float, 0.0, "score above which a scoring backend says yes"),
    "pairs": Param(str, "all", "pairs compared: all, adjacent or anchor:MODEL"),
    "both_orders": Param(bool, True, "judge each pair in both orders and combine "
                         "(position_swap)"),
    "randomize_order": Param(bool, False, "show a pair judged once in a seeded random order "
                             "(order_randomization)"),
    "tie_delta": Param(float, 0.0, "score difference a scoring backend calls a tie"),
    "scores_from_comparisons": Param(bool, True, "give candidates a win-rate score from "
                                     "their comparisons"),
    "unit": Param(str, "sentence", "atomic unit: sentence or token",
                  choices=("sentence", "token")),
    "aspect": Param(str, None, "rate this one aspect instead of overall quality"),
    "aspects": Param(list, None, "rate each aspect separately (multi-aspect)", items=str),
    "rubric_field": Param(str, "rubric", "record field holding the prompt's own rubric or "
                          "checklist (rubric_checklist)"),
    "checklist": Param(list, None, "criteria for records without their own rubric: strings "
                       "or {criterion, weight} (rubric_checklist)", items=(str, dict)),
    "classes": Param(list, ["comply", "refuse", "partial"], "classes a categorical judge "
                     "chooses from (categorical_label)", items=str),
    "class_definitions": Param(dict, None, "one-line definition per class shown to the judge "
                               "(categorical_label; null: built-in ones for comply, refuse, "
                               "partial)"),
    "class_scores": Param(dict, None, "score of each class, e.g. {comply: 1, partial: 0.5, "
                          "refuse: 0} (categorical_label; null: the label only, no score)"),
}


def protocol_params(role: str = "judge") -> dict:
    return {**JUDGE_PARAMS, "role": Param(str, role, "backend role that judges")}


def is_scorer(ctx, role: str) -> bool:
    backend = ctx.backend(role)
    return bool(getattr(backend, "can_score", False)) and not getattr(backend, "can_generate",
                                                                      True)


def judge_name(ctx, role: str, config: dict) -> str:
    return config.get("judge_name") or f"{role}:{ctx.backend(role).name}"


def ask(ctx, role: str, jobs: list[tuple[dict, list[dict], str]], config: dict):
    """jobs: (record, messages, salt). Returns one Response per job."""
    reqs = [Request(messages, model=config.get("judge_model") or ctx.model(role),
                    temperature=float(config.get("judge_temperature", 0.0)),
                    max_tokens=int(config.get("judge_max_tokens", 512)),
                    seed=derived_seed(ctx, record, salt))
            for record, messages, salt in jobs]
    return ctx.generate(role, reqs)


def scores(ctx, role: str, pairs: list[tuple[dict, str]]):
    """pairs: (record, response text). Returns one Response per pair (meta['score'])."""
    return ctx.score(role, [r["prompt"] for r, _ in pairs], [t for _, t in pairs])


def log(record: dict, **judgement) -> dict:
    """Append one judgement; ``parse_error`` is set when a raw answer yields no verdict."""
    if judgement.get("raw") is not None and judgement.get("parsed") is None \
            and not judgement.get("error"):
        judgement["parse_error"] = "no verdict found in the judge's answer"
    record.setdefault("judgements", []).append(judgement)
    return judgement
