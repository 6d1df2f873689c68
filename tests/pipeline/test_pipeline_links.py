"""The site contract and the coverage of the taxonomy by stage implementations."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from alignscape.pipeline.links import entry_pipeline
from alignscape.pipeline.recipe import RecipeError, from_entry
from alignscape.stages.registry import DESCRIPTIVE, MAPPED, REPO_ROOT, STAGE_GROUPS, resolve


def stage_options(catalog):
    for dim in catalog.taxonomy.dimensions.values():
        if dim.group in STAGE_GROUPS and not dim.derived_from:
            for opt in dim.options:
                yield dim.group, dim.id, opt.id


def test_every_stage_option_has_an_implementation_or_a_documented_mapping(catalog):
    missing = []
    for group, dim, option in stage_options(catalog):
        try:
            found = resolve(group, dim, option)
        except KeyError as exc:
            missing.append(str(exc))
            continue
        if "module" in found:
            assert (REPO_ROOT / found["source"]).is_file(), found
            module = importlib.import_module(found["module"])
            if found["module"].startswith("alignscape.stages.") and "mapping" not in found \
                    and dim not in ("bias_controls",):
                assert callable(getattr(module, "apply", None)), found["module"]
                assert module.OPTION == f"{group}.{dim}.{option}", found["module"]
            assert module.__doc__ and len(module.__doc__) > 40, found["module"]
    assert not missing, missing


def test_mapping_tables_name_real_options_only(catalog):
    real = {".".join(o) for o in stage_options(catalog)}
    assert not (set(MAPPED) | set(DESCRIPTIVE)) - real


def test_every_entry_links_its_stage_sources(catalog):
    for entry in catalog:
        data = entry_pipeline(entry, catalog)
        assert data["command"] == (f"alignscape run {entry.id} --prompts PROMPTS.jsonl "
                                   "--out OUT_DIR")
        assert data["problems"] == [], entry.id
        for row in data["stages"]:
            assert row["source"].startswith("tools/alignscape/"), row
            assert (REPO_ROOT / row["source"]).is_file(), row
            assert {"stage", "option", "module", "source"} <= set(row)
        for stage in data["not_applicable"]:
            assert entry.not_applicable(stage)


def test_every_entry_pipeline_builds_or_says_why(catalog):
    for entry in catalog:
        try:
            recipe = from_entry(entry, catalog)
        except RecipeError as exc:
            assert all(entry.not_applicable(s) for s in STAGE_GROUPS), (entry.id, exc)
            assert "not_applicable" in str(exc)
            continue
        assert recipe.stages, entry.id
        for stage in recipe.stages:
            assert callable(stage.function()), stage.use
        if not entry.not_applicable("instantiation"):
            assert recipe.formats, entry.id


def test_links_import_nothing_heavy():
    code = ("import sys, alignscape.pipeline.links, alignscape.pipeline.recipe, "
            "alignscape.pipeline.entry_recipe, alignscape.commands.run\n"
            "heavy = {'torch', 'transformers', 'datasets', 'pyarrow', 'trl', 'httpx'} & "
            "set(sys.modules)\nassert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("entry_id", ["ultrafeedback", "kto", "math_shepherd", "spin"])
def test_known_entries_map_to_the_expected_stages(catalog, entry_id):
    if entry_id not in catalog.entries:
        pytest.skip(f"{entry_id} not in the catalog")
    recipe = from_entry(catalog[entry_id], catalog)
    uses = [s.use for s in recipe.stages]
    expected = {"ultrafeedback": "synthesis.sources.multi_model_pool",
                "kto": "instantiation.formats.binary_label",
                "math_shepherd": "synthesis.sources.step_search",
                "spin": "instantiation.pairing.reference_vs_generated"}[entry_id]
    assert expected in uses, uses
