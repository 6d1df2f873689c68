"""Self-instruct: a model writes new prompts from each input prompt used as a seed example.

Each seed record yields ``per_seed`` new records (default 1) with ids ``<seed id>-gen<i>``
and ``seed_prompt_id``; the seed is kept unless ``keep_seed: false``. A failed request
becomes a record with the error (never silently missing).
config: per_seed, keep_seed, role (default policy), temperature (0.7)."""

from __future__ import annotations

from alignscape.stages.base import add_error, batched, trace
from alignscape.stages.synthesis._prompting import ask

OPTION = "synthesis.prompt_sources.model_generated"
TEMPLATE = ("Here is an example of a task given to an AI assistant:\n\n{prompt}\n\nWrite one "
            "new, different task of similar difficulty on another topic. Write the task only.")


@batched
def apply(records, config, ctx):
    out = []
    role = config.get("role", "policy")
    for i in range(int(config.get("per_seed", 1))):
        texts = ask(records, ctx, role, TEMPLATE, config, f"{OPTION}|{i}")
        for seed, text in zip(records, texts, strict=True):
            new = {"prompt_id": f"{seed['prompt_id']}-gen{i}", "prompt": text or "",
                   "seed_prompt_id": seed["prompt_id"], "prompt_origin": "model_generated"}
            if text is None:
                add_error(new, OPTION, "prompt generation failed", seed=seed["prompt_id"])
            trace(new, OPTION)
            out.append(new)
    kept = [r for r in records if config.get("keep_seed", True)]
    for record in kept:
        trace(record, OPTION)
    return kept + out
