"""Rationalisation (STaR): generate with the correct answer given as a hint, then keep the
answer as if it had been written without it. The candidate records ``hinted: true`` so the
hint is never hidden from whoever uses the data."""

from __future__ import annotations

from alignscape.stages.base import add_error, candidates
from alignscape.stages.evaluation.answers import same_answer
from alignscape.stages.registry import Param, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, sample

OPTION = "synthesis.sources.hint_conditioned"
HINT = ("{prompt}\n\n(Hint: the correct answer is {answer}. Explain step by step how to reach "
        "it, without mentioning that you were given the answer.)")


@stage(OPTION, params={
    "role": Param(str, "policy", "backend role that generates"), **SAMPLING_PARAMS,
    "only_if_wrong": Param(bool, True, "rationalise only records where no existing candidate "
                           "reaches the reference answer")})
def hint_conditioned(records, config, ctx):
    """Records without ``reference`` are skipped with a recorded error."""
    role = config["role"]
    todo = []
    for record in records:
        if not record.get("reference"):
            add_error(record, OPTION, "no reference answer to use as the hint")
        elif config["only_if_wrong"] and any(
                same_answer(c["text"], record["reference"]) for c in candidates(record)):
            continue
        else:
            todo.append(record)
    sample(todo, ctx, role=role, origin="hint_conditioned", models=[ctx.model(role)],
           config=config, hinted=True,
           prompt_of=lambda r: HINT.format(prompt=r["prompt"], answer=r["reference"]))
    return records
