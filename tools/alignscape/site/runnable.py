"""Which run command an entry page can print so that it works as typed.

The offline backend (`heuristic`) scores and judges but cannot write text, so an entry runs
offline exactly when none of its synthesis stages has to write text: responses and prompts that
already exist in the input (human-written responses, mined text, prompts read from the file)
are served by the input-reading modules; any other synthesis source samples a model. Entries
that import human annotations read the example annotations file. tests/site checks this
against real runs of the printed commands.
"""

from __future__ import annotations

# The modules that serve a synthesis source from the input file itself.
INPUT_MODULES = ("alignscape.pipeline.inputs", "alignscape.stages.synthesis.existing_text")
# Synthesis dimensions whose options bring new text into the pipeline.
SOURCE_DIMENSIONS = ("sources", "prompt_sources")
EXAMPLE_ANNOTATIONS = "examples/annotations.jsonl"


def needs_text_model(entry, stages: list[dict]) -> str | None:
    """The first option (as `dimension.option`) whose stage must sample a model, or None."""
    for row in stages:
        if row["stage"] != "synthesis" or row["dimension"] not in SOURCE_DIMENSIONS:
            continue
        if row["module"] not in INPUT_MODULES:
            return f"{row['dimension']}.{row['option']}"
    return None


def extra_settings(stages: list[dict]) -> list[str]:
    """`--set` flags the offline command needs (the human-annotation file)."""
    if any(row["stage"] == "evaluation" and row["option"] == "human" for row in stages):
        return [f"--set human.path={EXAMPLE_ANNOTATIONS}"]
    return []


def pairs_from_input_only(entry, stages: list[dict]) -> bool:
    """True when the recipe judges nothing itself (its evaluation is left to the data) and so
    pairs only what its input already judged: it writes rows only from prompt lines that carry
    verdicts (scored `responses` or `annotations`) or with an annotations file or an evaluator
    chosen."""
    return not any(row["stage"] == "evaluation" for row in stages) and \
        "evaluation" in entry.open_stages
