"""The template that `alignscape new` writes: every field, the allowed options as comments."""

from __future__ import annotations

from alignscape.catalog.validation import load_vocabulary
from alignscape.paths import find_root


def render_template(entry_id: str, kind: str, root=None) -> str:
    taxonomy, tradeoffs, findings = load_vocabulary(root or find_root())
    if taxonomy is None or tradeoffs is None:
        raise SystemExit("alignscape new: the taxonomy does not validate; run alignscape validate")
    lines = [
        "# New catalog entry. Replace every TODO, delete what does not apply, then run",
        f"#   alignscape validate catalog/entries/{entry_id}.yaml",
        "# Every fact must be checked against the paper's abstract page or an official source.",
        f"id: {entry_id}",
        f"kind: {kind}",
        "short_name: TODO         # the name the field uses (DPO, Auto-J), shown in lists",
        "name: TODO full name     # or the paper's title",
        "aliases: [TODO]          # acronyms and other names the field uses",
        "year: TODO               # year of the first public version (arXiv v1)",
        "cite: TODO               # a key of catalog/references.bib (add the BibTeX entry there)",
        'arxiv: "TODO"            # e.g. "2305.18290"; the BibTeX entry needs the same eprint',
        "links:",
        "  paper: https://arxiv.org/abs/TODO",
        "summary: >-",
        "  TODO two to four sentences, in your own words, on how the work builds its data.",
        "pipeline:",
    ]
    for stage in taxonomy.stages:
        lines.append(f"  {stage.id}:            # or: {{not_applicable: \"why\"}}, or add "
                     "`open: \"why\"` if the method leaves (part of) this stage to the data")
        for dim in stage.dimensions:
            if dim.derived_from:
                continue
            shown = ", ".join(dim.option_ids)
            value = "[TODO]" if dim.cardinality == "many" else "TODO"
            lines.append(f"    {dim.id}: {value}    # {dim.cardinality}: {shown}")
        lines.append("    evidence: >-")
        lines.append("      TODO where in the paper this comes from (section, table, figure).")
    for group in taxonomy.groups:
        if group.kind == "pipeline":
            for dim in group.dimensions:
                lines.append(f"  {dim.id}: TODO    # {', '.join(dim.option_ids)}")
    lines.append("training:")
    for group in taxonomy.groups:
        if group.kind == "training":
            for dim in group.dimensions:
                value = "[TODO]" if dim.cardinality == "many" else "TODO"
                lines.append(f"  {dim.id}: {value}    # {', '.join(dim.option_ids)}")
    lines += [
        "  evidence: >-",
        "    TODO where the paper describes its training objective.",
        "# experiments:           # the data of the paper's own experiments, where it differs from",
        "#   evaluation: {...}    # what the method prescribes (same stage shape as pipeline:)",
        "builds_on: []            # ids of entries this work extends",
        "uses_data: []            # ids of dataset entries it trains on",
        "# tradeoffs:             # only where the paper shows what the rules would not derive",
        f"#   {next(iter(tradeoffs.dimensions))}: {{level: low, why: \"...\", cite: [key]}}",
        "",
    ]
    return "\n".join(lines)
