"""The real catalog validates, and its first entries carry what issue 2 promised."""

from __future__ import annotations

from alignscape.catalog.validation import validate_catalog

FIRST_TWELVE = {
    # id: (arXiv id, year, first author's surname), checked against the abstract pages
    "instructgpt": ("2203.02155", 2022, "Ouyang"),
    "hh_rlhf": ("2204.05862", 2022, "Bai"),
    "constitutional_ai": ("2212.08073", 2022, "Bai"),
    "rlaif": ("2309.00267", 2023, "Lee"),
    "dpo": ("2305.18290", 2023, "Rafailov"),
    "kto": ("2402.01306", 2024, "Ethayarajh"),
    "ultrafeedback": ("2310.01377", 2023, "Cui"),
    "self_rewarding": ("2401.10020", 2024, "Yuan"),
    "spin": ("2401.01335", 2024, "Chen"),
    "rrhf": ("2304.05302", 2023, "Yuan"),
    "math_shepherd": ("2312.08935", 2023, "Wang"),
    "safe_rlhf": ("2310.12773", 2023, "Dai"),
}


def test_catalog_validates(project_root):
    result = validate_catalog(project_root)
    assert [f.format() for f in result.findings] == []


def test_first_entries_are_complete_and_right(catalog):
    for entry_id, (arxiv, year, surname) in FIRST_TWELVE.items():
        entry = catalog[entry_id]
        reference = catalog.reference(entry.cite)
        assert (entry.arxiv, entry.year, reference.first_author_surname) == (arxiv, year, surname)
        for stage in ("synthesis", "evaluation", "instantiation"):
            block = entry.stage(stage)
            assert block.get("evidence") or block.get("open") or entry.not_applicable(stage)


def test_first_entries_exercise_every_stage_dimension(catalog):
    used = set()
    for entry_id in FIRST_TWELVE:
        used |= {dim for dim in catalog[entry_id].choices}
    for group in catalog.taxonomy.stages:
        for dim in group.dimensions:
            if dim.id in ("prompt_sources", "prompt_selection", "exploration", "bias_controls",
                          "filtering", "weighting", "selection", "sampling"):
                continue  # optional refinements; not every early entry states them
            assert dim.qualified in used, f"no first entry classifies {dim.qualified}"


def test_taxonomy_examples_choose_their_option(catalog):
    """An option's example entries are ones that choose it (as the method, or in the paper's
    experiments), so the taxonomy page's examples say something true."""
    wrong = []
    for qualified, option in catalog.taxonomy.options.items():
        for example in option.examples:
            entry = catalog[example]
            chosen = entry.options | {f"{d}.{v}" for d, vs in entry.experiment_choices.items()
                                      for v in vs}
            if qualified not in chosen:
                wrong.append((qualified, example))
    assert wrong == []
