"""Score-conditioned writing (Prometheus's Feedback Collection): a generator is asked to write
a response that deserves a given score under a rubric, once per target score, so the
candidates cover every level of quality on purpose.

The rubric is the ``rubric`` setting, else the record's ``rubric`` field (a string, a list of
criteria or {score: description}), else the built-in description of each level of a 1-5
scale. Each candidate records its ``target_score``; ``score_from_target: true`` also makes the
target its score (named ``target``), as Prometheus fixes each response's score by the score
it was written to have. Every target follows the record's decoding plan (one greedy answer by
default)."""

from __future__ import annotations

from alignscape.stages.base import set_score
from alignscape.stages.evaluation.judge_prompts import RUBRIC
from alignscape.stages.registry import Param, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, role_params, sample

OPTION = "synthesis.sources.score_conditioned"
WRITE = ("Below is a request, a score rubric and a target score. Write the response to the "
         "request that a careful evaluator applying the rubric would give exactly the score "
         "{target} on a scale of {lo} to {hi}: no better and no worse. Do not mention the "
         "score or the rubric; write only the response.\n\n[Request]\n{prompt}\n\n"
         "[Score rubric]\n{rubric}\n\n[Target score]\n{target}")


def rubric_text(record: dict, config: dict) -> str:
    given = config["rubric"] if config["rubric"] is not None else record.get("rubric")
    if isinstance(given, str) and given.strip():
        return given.strip()
    if isinstance(given, dict) and given:
        return "\n".join(f"{k}: {v}" for k, v in given.items())
    if isinstance(given, list) and given:
        return "\n".join(f"- {c if isinstance(c, str) else c.get('criterion', c)}"
                         for c in given)
    lo, hi = config["scale"]
    if (lo, hi) == (1, 5):
        return "\n".join(f"{k}: {v}" for k, v in RUBRIC.items())
    return f"{lo}: fails the request entirely; {hi}: answers it perfectly"


def _check(settings):
    if len(settings["scale"]) != 2 or settings["scale"][0] >= settings["scale"][1]:
        return "scale", "scale must be [low, high] with low < high"
    lo, hi = settings["scale"]
    bad = [t for t in settings["targets"] if not lo <= t <= hi]
    if bad or not settings["targets"]:
        return "targets", f"targets must be non-empty and within the scale {lo}..{hi}" + (
            f"; {bad} are not" if bad else "")
    return None


@stage(OPTION, validate=_check, params={
    **role_params("teacher"), **SAMPLING_PARAMS,
    "targets": Param(list, [1, 2, 3, 4, 5], "target scores, one response written for each",
                     items=(int, float)),
    "scale": Param(list, [1, 5], "the rubric's scale [low, high]", items=(int, float)),
    "rubric": Param(str, None, "the score rubric (null: the record's 'rubric' field, else a "
                    "description of each level of a 1-5 scale)"),
    "score_from_target": Param(bool, False, "give each candidate its target as its score "
                               "(named target)")})
def score_conditioned(records, config, ctx):
    """For each target score, a response written to deserve exactly that score under the
    rubric (see the module docstring)."""
    role = config["role"]
    model = config["model"] or ctx.model(role)
    lo, hi = config["scale"]
    for target in config["targets"]:
        before = {id(r): len(r.get("candidates", [])) for r in records}
        shown = f"{target:g}"
        sample(records, ctx, role=role, origin="score_conditioned", models=[model],
               config=config, target_score=target,
               prompt_of=lambda r, shown=shown: WRITE.format(
                   prompt=r["prompt"], rubric=rubric_text(r, config), target=shown,
                   lo=f"{lo:g}", hi=f"{hi:g}"))
        if config["score_from_target"]:
            for record in records:
                for cand in record["candidates"][before[id(record)]:]:
                    if cand.get("text") is not None:
                        set_score(cand, "target", float(target))
    return records
