"""What an entry page shows about its runnable pipeline: the command and, per option, the
function that implements it with its source file and line.

Light on purpose (no model libraries are imported): the site calls it once per entry page.
"""

from __future__ import annotations

from alignscape.pipeline.recipe import INPUT_OPTIONS
from alignscape.stages import registry
from alignscape.stages.registry import STAGE_GROUPS

_INPUTS_MODULE = "alignscape.pipeline.inputs"


def resolve(group: str, dimension: str, option: str) -> dict:
    """{"module", "source", "line", "function"?, "mapping"?} or {"descriptive": why} for an
    option; KeyError when it has no implementation at all. ``source`` is the file relative to
    the repository root, ``line`` the first line of the function (link ``source#L<line>``)."""
    key = f"{group}.{dimension}.{option}"
    if key in INPUT_OPTIONS:
        from alignscape.pipeline import inputs

        return {"module": _INPUTS_MODULE, "source": registry.source_path(_INPUTS_MODULE),
                "line": inputs.read_prompts.__code__.co_firstlineno,
                "function": "read_prompts", "mapping": INPUT_OPTIONS[key]}
    return registry.resolve(group, dimension, option)


def entry_pipeline(entry, catalog) -> dict:
    """{"command", "stages": [{"stage", "dimension", "option", "module", "source", "line",
    "function", "mapping"?}], "not_applicable": {stage: reason}, "descriptive": [...],
    "problems": [...]}.

    `stages` follows the taxonomy's order of dimensions and options. A stage marked
    not_applicable in the entry has no rows. `problems` lists options that have no
    implementation (a test keeps it empty for the real catalog)."""
    stages, descriptive, problems = [], [], []
    not_applicable = {}
    taxonomy = catalog.taxonomy
    for group in STAGE_GROUPS:
        reason = entry.not_applicable(group)
        if reason:
            not_applicable[group] = reason
            continue
        for qualified, dim in taxonomy.dimensions.items():
            if dim.group != group or dim.derived_from:
                continue
            for option in entry.choices.get(qualified, ()):
                row = {"stage": group, "dimension": dim.id, "option": option}
                try:
                    found = resolve(group, dim.id, option)
                except KeyError as exc:
                    problems.append(str(exc.args[0]))
                    continue
                if "descriptive" in found:
                    descriptive.append({**row, "note": found["descriptive"]})
                else:
                    stages.append({**row, **found})
    return {"command": f"alignscape run {entry.id} --prompts PROMPTS.jsonl --out OUT_DIR",
            "stages": stages, "not_applicable": not_applicable,
            "descriptive": descriptive, "problems": problems}
