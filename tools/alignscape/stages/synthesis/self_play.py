"""Self-play (Absolute Zero, R-Zero): the same model first proposes a task, then solves it —
two requests per seed record, both kept.

1. Propose: the model (role ``policy``) is shown the record's prompt as an example and asked
   for a new task, written after "Task:", optionally with its answer after "Answer:" and
   Python tests after "Tests:".
2. Solve: each proposed task becomes a new record (``<seed id>-sp<i>``, ``seed_prompt_id``,
   ``prompt_origin: self_play``) whose prompt is the task, and the model answers it under the
   seed record's decoding plan; the answers are its candidates (origin ``self_play``).

The proposal is kept whole on the new record (``self_play``: the proposer's raw text, the
task, answer and tests it stated, the proposer model). With ``use_proposed_checks`` the
stated answer becomes the record's ``reference`` and the stated tests its ``tests``
(``reference_origin: self_play``), so a rule or execution verifier can reward the solution;
they are the proposer's claims, not checked here (Absolute Zero validates proposals by running
them). A failed or empty proposal becomes a record with the error and no candidates, never a
silently missing task. The seed record is kept unless ``keep_seed`` is false."""

from __future__ import annotations

import re

from alignscape.runtime import Request
from alignscape.stages.base import add_error, derived_seed, user_messages
from alignscape.stages.registry import Param, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, role_params, sample

OPTION = "synthesis.sources.self_play"
PROPOSE = ("Here is an example of a task:\n\n{prompt}\n\nPropose one new task of the same kind "
           "that you could learn from: not too easy, not impossible, fully specified and with "
           "one checkable answer. Write it after \"Task:\". Then give its answer after "
           "\"Answer:\" and, for a programming task, Python assert statements that check a "
           "solution after \"Tests:\".")
_SECTION = re.compile(r"^\s*\**\s*(task|answer|tests)\s*\**\s*:\s*\**\s*", re.I | re.M)


def parse(text: str) -> dict:
    """{task, answer, tests} from a proposal; without a "Task:" header the whole text (up to
    any Answer/Tests section) is the task."""
    marks = list(_SECTION.finditer(text))
    parts: dict[str, str] = {}
    if not marks or marks[0].group(1).lower() != "task":
        parts["task"] = text[:marks[0].start()] if marks else text
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        parts.setdefault(m.group(1).lower(), text[m.end():end])
    out = {k: v.strip() for k, v in parts.items()}
    if out.get("tests"):
        fenced = re.findall(r"```(?:python|py)?\s*\n(.*?)```", out["tests"], re.S)
        out["tests"] = (fenced[-1] if fenced else out["tests"]).strip()
    return {k: v for k, v in out.items() if v}


@stage(OPTION, params={
    **role_params("policy"), **SAMPLING_PARAMS,
    "proposals": Param(int, 1, "tasks proposed from each seed record"),
    "propose_temperature": Param(float, 0.7, "sampling temperature of the proposer"),
    "propose_max_tokens": Param(int, 512, "longest proposal, in tokens"),
    "use_proposed_checks": Param(bool, True, "the proposer's stated answer and tests become "
                                 "the new record's reference and tests"),
    "keep_seed": Param(bool, True, "keep the seed record too")})
def self_play(records, config, ctx):
    """The model proposes tasks from each seed prompt, then solves them (see the module
    docstring)."""
    role = config["role"]
    model = config["model"] or ctx.model(role)
    jobs = [(seed, i) for i in range(config["proposals"]) for seed in records]
    requests = [Request(user_messages(PROPOSE.format(prompt=seed["prompt"])), model=model,
                        temperature=config["propose_temperature"],
                        max_tokens=config["propose_max_tokens"],
                        seed=derived_seed(ctx, seed, f"{OPTION}|propose|{i}"),
                        key={"prompt_id": seed.get("prompt_id"), "generator": model})
                for seed, i in jobs]
    new, solvable = [], []
    for (seed, i), resp in zip(jobs, ctx.generate(role, requests), strict=True):
        record = {"prompt_id": f"{seed['prompt_id']}-sp{i}", "prompt": "",
                  "seed_prompt_id": seed["prompt_id"], "prompt_origin": "self_play"}
        if seed.get("decoding"):
            record["decoding"] = [dict(s) for s in seed["decoding"]]
        proposal = parse(resp.text) if resp.ok else {}
        record["self_play"] = {"proposal": resp.text, "proposer_model": resp.model or model,
                               **{k: v for k, v in proposal.items() if k != "task"}}
        if not proposal.get("task"):
            add_error(record, OPTION, resp.error or "the proposal states no task",
                      seed=seed["prompt_id"])
        else:
            record["prompt"] = record["self_play"]["task"] = proposal["task"]
            if config["use_proposed_checks"]:
                for key, field in (("answer", "reference"), ("tests", "tests")):
                    if proposal.get(key):
                        record[field] = proposal[key]
                        record["reference_origin"] = "self_play"
            solvable.append(record)
        new.append(record)
    sample(solvable, ctx, role=role, origin="self_play", models=[model], config=config,
           self_play_role="solver")
    return (records if config["keep_seed"] else []) + new
