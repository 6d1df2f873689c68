"""Candidates built and scored step by step.

mode ``rollouts`` (Math-Shepherd): each candidate solution is split into steps; from every
step's prefix the policy completes the solution ``rollouts`` times, and the step's score is the
fraction of completions whose final answer matches the record's ``reference`` (``step_labels``:
score > 0). Candidates without a reference get an error, not a guess.
mode ``tree``: beam search over steps: each partial solution is extended ``expand`` ways by
one step, prefixes are scored by the ``reward`` role's scorer and the best ``beam`` kept, for
at most ``max_steps`` steps; each finished beam becomes a candidate with its steps."""

from __future__ import annotations

from alignscape.runtime import Request
from alignscape.stages.base import (
    add_candidate,
    add_error,
    candidates,
    derived_seed,
    steps,
    user_messages,
)
from alignscape.stages.evaluation.answers import final_answer, same_answer
from alignscape.stages.registry import Param, alias, stage
from alignscape.stages.synthesis._sampling import SAMPLING_PARAMS, sample

OPTION = "synthesis.sources.step_search"
CONTINUE = ("Problem:\n{prompt}\n\nPartial solution:\n{prefix}\n\nContinue the solution from "
            "where it stops{how}. End with 'The answer is X'.")


def _requests(ctx, jobs, config, how=""):
    t = config["temperature"]
    return [Request(user_messages(CONTINUE.format(prompt=r["prompt"], prefix=prefix, how=how)),
                    temperature=t, max_tokens=config["max_tokens"],
                    seed=derived_seed(ctx, r, salt), stop=stop)
            for r, prefix, salt, stop in jobs]


def rollouts(records, config, ctx):
    k, role = config["rollouts"], config["role"]
    need = [r for r in records if not candidates(r)]
    if need:
        sample(need, ctx, role=role, origin="step_search", models=[ctx.model(role)],
               config=config)
    jobs, owners = [], []
    for record in records:
        for cand in candidates(record):
            if not record.get("reference"):
                cand["step_error"] = "no reference answer to roll out against"
                continue
            cand["steps"] = steps(cand["text"])
            for i in range(len(cand["steps"])):
                prefix = "\n\n".join(cand["steps"][:i + 1])
                for j in range(k):
                    jobs.append((record, prefix, f"roll|{cand['id']}|{i}|{j}", None))
                    owners.append((record, cand, i))
    answers = ctx.generate(role, _requests(ctx, jobs, config))
    tally: dict[tuple[int, int], list] = {}
    for (record, cand, i), resp in zip(owners, answers, strict=True):
        ok = same_answer(resp.text, record["reference"]) if resp.ok else None
        tally.setdefault((id(cand), i), []).append(ok)
        if not resp.ok:
            add_error(record, OPTION, resp.error, candidate=cand["id"], step=i)
    for record in records:
        for cand in candidates(record):
            if "steps" not in cand:
                continue
            scores = []
            for i in range(len(cand["steps"])):
                got = [v for v in tally.get((id(cand), i), []) if v is not None]
                scores.append(sum(got) / len(got) if got else None)
            cand["step_scores"] = scores
            cand["step_labels"] = [None if s is None else s > 0 for s in scores]


def tree(records, config, ctx):
    role = config["role"]
    expand, width = config["expand"], config["beam"]
    beams = {id(r): [[]] for r in records}
    done: dict[int, list] = {id(r): [] for r in records}
    for depth in range(config["max_steps"]):
        jobs, owners = [], []
        for record in records:
            for b, beam in enumerate(beams[id(record)]):
                for e in range(expand):
                    jobs.append((record, "\n\n".join(beam) or "(empty)",
                                 f"tree|{depth}|{b}|{e}", ["\n\n"]))
                    owners.append((record, beam))
        if not jobs:
            break
        grown = []
        for (record, beam), resp in zip(owners, ctx.generate(
                role, _requests(ctx, jobs, config, how=" with exactly one more step")),
                strict=True):
            if resp.ok and resp.text.strip():
                grown.append((record, beam + [resp.text.strip()]))
            elif not resp.ok:
                add_error(record, OPTION, resp.error, depth=depth)
        scores = ctx.score("reward", [r["prompt"] for r, _ in grown],
                           ["\n\n".join(s) for _, s in grown])
        ranked: dict[int, list] = {id(r): [] for r in records}
        for (record, path), sc in zip(grown, scores, strict=True):
            ranked[id(record)].append((sc.meta.get("score", float("-inf")), path))
        for record in records:
            best = sorted(ranked[id(record)], key=lambda x: -x[0])[:width]
            beams[id(record)] = []
            for _score, path in best:
                target = done if final_answer(path[-1]) and "answer" in path[-1].lower() else None
                (target[id(record)] if target else beams[id(record)]).append(path)
    for record in records:
        for path in done[id(record)] + beams[id(record)]:
            if path:
                add_candidate(record, "\n\n".join(path), "step_search", steps=path,
                              finished=path in done[id(record)])


@stage(OPTION, params={
    "mode": Param(str, "rollouts", "rollouts (Math-Shepherd) or tree (beam search)",
                  choices=("rollouts", "tree")),
    "role": Param(str, "policy", "backend role that writes the steps"), **SAMPLING_PARAMS,
    "rollouts": Param(int, 4, "completions per step prefix (mode rollouts)"),
    "temperature": Param(float, 0.7, "sampling temperature of continuations"),
    "expand": Param(int, 3, "extensions per beam and step (mode tree)"),
    "beam": Param(int, 2, "beams kept per step (mode tree)"),
    "max_steps": Param(int, 6, "longest search, in steps (mode tree)")})
def step_search(records, config, ctx):
    """Candidates built and scored step by step (see the module docstring)."""
    (rollouts if config["mode"] == "rollouts" else tree)(records, config, ctx)
    return records


alias("synthesis.sampling.tree_search", OPTION, "step_search with mode: tree", mode="tree")
alias("synthesis.sampling.prefix_rollouts", OPTION, "step_search with mode: rollouts",
      mode="rollouts")
alias("synthesis.exploration.search_exploration", OPTION, "exploration by step-level search")
