"""Prompt sources that a model writes (self-instruct, Evol-Instruct, backtranslation). Prompts
that exist before the pipeline starts (human-authored, logs, datasets, red-team) are read from
the --prompts file by alignscape.pipeline.inputs."""

from __future__ import annotations

from alignscape.runtime import Request
from alignscape.stages.base import add_candidate, add_error, derived_seed, rng, user_messages
from alignscape.stages.registry import Param, alias, stage

ASK_PARAMS = {
    "role": Param(str, "policy", "backend role that writes the text"),
    "temperature": Param(float, 0.7, "sampling temperature of the writing model"),
    "max_tokens": Param(int, 256, "longest text, in tokens"),
}


def ask(records, ctx, role, template, config, salt, fields=lambda r: r):
    """One request per record; returns the texts (None where the request failed, with the
    error recorded on the record)."""
    reqs = [Request(user_messages(template.format(**fields(r))),
                    temperature=config["temperature"], max_tokens=config["max_tokens"],
                    seed=derived_seed(ctx, r, salt)) for r in records]
    out = []
    for record, resp in zip(records, ctx.generate(role, reqs), strict=True):
        if not resp.ok:
            add_error(record, salt, resp.error)
        out.append(resp.text.strip() if resp.ok else None)
    return out


SELF_INSTRUCT = ("Here is an example of a task given to an AI assistant:\n\n{prompt}\n\nWrite "
                 "one new, different task of similar difficulty on another topic. Write the "
                 "task only.")


@stage("synthesis.prompt_sources.model_generated", params={
    **ASK_PARAMS,
    "per_seed": Param(int, 1, "new prompts written from each input prompt"),
    "keep_seed": Param(bool, True, "keep the input prompt as a record too")})
def model_generated(records, config, ctx):
    """Self-instruct: a model writes new prompts from each input prompt used as a seed example.

    Each seed record yields ``per_seed`` new records with ids ``<seed id>-gen<i>`` and
    ``seed_prompt_id``; the seed is kept unless ``keep_seed`` is false. A failed request
    becomes a record with the error (never silently missing)."""
    option = "synthesis.prompt_sources.model_generated"
    out = []
    for i in range(config["per_seed"]):
        texts = ask(records, ctx, config["role"], SELF_INSTRUCT, config, f"{option}|{i}")
        for seed, text in zip(records, texts, strict=True):
            new = {"prompt_id": f"{seed['prompt_id']}-gen{i}", "prompt": text or "",
                   "seed_prompt_id": seed["prompt_id"], "prompt_origin": "model_generated"}
            if text is None:
                add_error(new, option, "prompt generation failed", seed=seed["prompt_id"])
            out.append(new)
    return (records if config["keep_seed"] else []) + out


OPERATIONS = {
    "constraints": "Add one more constraint or requirement to it.",
    "deepen": "Make it require deeper reasoning or more expertise.",
    "concretise": "Replace general concepts with more specific ones.",
    "reasoning": "Make it explicitly require several steps of reasoning.",
    "breadth": "Write a new task in the same domain but on a rarer topic.",
}
EVOLVE = ("Rewrite the following task for an AI assistant. {operation} Keep it answerable "
          "and self-contained. Write the rewritten task only.\n\nTask:\n{prompt}")


@stage("synthesis.prompt_sources.evolved", params={
    **ASK_PARAMS,
    "rounds": Param(int, 1, "rewriting rounds"),
    "operations": Param(list, list(OPERATIONS), "rewrite operations, one drawn per round "
                        "(seeded)", items=str, choices=tuple(OPERATIONS))})
def evolved(records, config, ctx):
    """Evol-Instruct: a model rewrites each prompt to be harder (in depth) or different (in
    breadth), for ``rounds`` rounds. The evolved prompt replaces ``prompt``; every version is
    kept in ``prompt_history``. A failed rewrite keeps the last good prompt and records the
    error."""
    option = "synthesis.prompt_sources.evolved"
    ops = config["operations"] or list(OPERATIONS)
    for round_ in range(config["rounds"]):
        picked = [rng(ctx, r, f"evolve|{round_}").choice(ops) for r in records]
        op_of = {id(r): op for r, op in zip(records, picked, strict=True)}
        texts = ask(records, ctx, config["role"], EVOLVE, config, f"{option}|{round_}",
                    fields=lambda r, op_of=op_of: {"prompt": r["prompt"],
                                                   "operation": OPERATIONS[op_of[id(r)]]})
        for record, op, text in zip(records, picked, texts, strict=True):
            if text:
                record.setdefault("prompt_history", []).append(
                    {"prompt": record["prompt"], "operation": op})
                record["prompt"] = text
    for record in records:
        record["prompt_origin"] = "evolved"
    return records


BACKTRANSLATE = ("Below is a text. Write the instruction or question that a user could have "
                 "asked so that this text is an excellent answer. Write the instruction "
                 "only.\n\n{text}")


@stage("synthesis.prompt_sources.backtranslated", params=ASK_PARAMS)
def backtranslated(records, config, ctx):
    """Instruction backtranslation (Humpback): for an existing text (the record's ``text``),
    a model writes the instruction it answers; the text becomes a human-written candidate for
    that instruction. A failed request leaves the record with its error and no prompt."""
    todo = [r for r in records if r.get("text")]
    texts = ask(todo, ctx, config["role"], BACKTRANSLATE, config,
                "synthesis.prompt_sources.backtranslated")
    for record, instruction in zip(todo, texts, strict=True):
        if instruction:
            record["prompt"] = instruction
            record["prompt_origin"] = "backtranslated"
            add_candidate(record, record["text"], "human_written", model="corpus",
                          backtranslated=True)
    return records


alias("synthesis.exploration.evolutionary", "synthesis.prompt_sources.evolved",
      "prompts rewritten by a model in rounds")
