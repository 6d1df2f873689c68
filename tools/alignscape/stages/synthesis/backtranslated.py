"""Instruction backtranslation (Humpback): for an existing text, a model writes the
instruction it answers; the text becomes a human-written candidate for that instruction.

Input records carry ``text`` (the existing document); ``prompt`` may be absent. A failed
request leaves the record with its error and no prompt.
config: role (default policy)."""

from __future__ import annotations

from alignscape.stages.base import add_candidate, batched, trace
from alignscape.stages.synthesis._prompting import ask

OPTION = "synthesis.prompt_sources.backtranslated"
TEMPLATE = ("Below is a text. Write the instruction or question that a user could have asked "
            "so that this text is an excellent answer. Write the instruction only.\n\n{text}")


@batched
def apply(records, config, ctx):
    todo = [r for r in records if r.get("text")]
    texts = ask(todo, ctx, config.get("role", "policy"), TEMPLATE, config, OPTION)
    for record, instruction in zip(todo, texts, strict=True):
        if instruction:
            record["prompt"] = instruction
            record["prompt_origin"] = "backtranslated"
            add_candidate(record, record["text"], "human_written", model="corpus",
                          backtranslated=True)
    for record in records:
        trace(record, OPTION)
    return records
