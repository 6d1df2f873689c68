"""Evol-Instruct: a model rewrites each prompt to be harder (in depth) or different (in
breadth), for ``rounds`` rounds. The evolved prompt replaces ``prompt``; every version is kept
in ``prompt_history``. A failed rewrite keeps the last good prompt and records the error.
config: rounds (default 1), operations (default: all below; one drawn per round, seeded)."""

from __future__ import annotations

from alignscape.stages.base import batched, rng, trace
from alignscape.stages.synthesis._prompting import ask

OPTION = "synthesis.prompt_sources.evolved"
OPERATIONS = {
    "constraints": "Add one more constraint or requirement to it.",
    "deepen": "Make it require deeper reasoning or more expertise.",
    "concretise": "Replace general concepts with more specific ones.",
    "reasoning": "Make it explicitly require several steps of reasoning.",
    "breadth": "Write a new task in the same domain but on a rarer topic.",
}
TEMPLATE = ("Rewrite the following task for an AI assistant. {operation} Keep it answerable "
            "and self-contained. Write the rewritten task only.\n\nTask:\n{prompt}")


@batched
def apply(records, config, ctx):
    ops = config.get("operations") or list(OPERATIONS)
    role = config.get("role", "policy")
    for round_ in range(int(config.get("rounds", 1))):
        picked = [rng(ctx, r, f"evolve|{round_}").choice(ops) for r in records]
        op_of = {id(r): op for r, op in zip(records, picked, strict=True)}
        texts = ask(records, ctx, role, TEMPLATE, config, f"{OPTION}|{round_}",
                    fields=lambda r, op_of=op_of: {"prompt": r["prompt"],
                                                   "operation": OPERATIONS[op_of[id(r)]]})
        for record, op, text in zip(records, picked, texts, strict=True):
            if text:
                record.setdefault("prompt_history", []).append(
                    {"prompt": record["prompt"], "operation": op})
                record["prompt"] = text
    for record in records:
        record["prompt_origin"] = "evolved"
        trace(record, OPTION)
    return records
