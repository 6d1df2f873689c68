"""What an entry page shows about its runnable pipeline: the command and the stage sources.

Light on purpose (no model libraries are imported): the site calls it once per entry page.
"""

from __future__ import annotations

from alignscape.stages.registry import STAGE_GROUPS, resolve


def entry_pipeline(entry, catalog) -> dict:
    """{"command", "stages": [{"stage", "dimension", "option", "module", "source", ...}],
    "not_applicable": {stage: reason}, "descriptive": [...], "problems": [...]}.

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
