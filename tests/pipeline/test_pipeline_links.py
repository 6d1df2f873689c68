"""The site contract and the coverage of the taxonomy by registered stage functions."""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from alignscape.pipeline.entry_recipe import from_entry
from alignscape.pipeline.links import entry_pipeline, resolve
from alignscape.pipeline.recipe import RecipeError
from alignscape.stages import registry
from alignscape.stages.registry import DESCRIPTIVE, STAGE_GROUPS

ROOT = Path(__file__).resolve().parents[2]


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
        if "descriptive" in found:
            continue
        assert importlib.util.find_spec(found["module"]) is not None, found
        assert found["source"] == "tools/" + found["module"].replace(".", "/") + ".py"
        assert (ROOT / found["source"]).is_file(), found
        module = importlib.import_module(found["module"])
        lines, first = inspect.getsourcelines(module)
        assert 1 <= found["line"] <= len(lines), found
        key = f"{group}.{dim}.{option}"
        if "mapping" not in found:
            fn = registry.get(key)
            assert fn.option == key and callable(fn)
            assert fn.__doc__ and len(fn.__doc__) > 30, key
            for name, param in fn.params.items():
                assert param.doc, (key, name)
        assert module.__doc__ and len(module.__doc__) > 40, found["module"]
    assert not missing, missing


def test_links_point_at_the_function_line(catalog):
    found = resolve("instantiation", "pairing", "best_vs_worst")
    text = (ROOT / found["source"]).read_text().splitlines()
    assert "best_vs_worst" in text[found["line"]] or "best_vs_worst" in text[found["line"] - 1]
    swap = resolve("evaluation", "bias_controls", "position_swap")
    assert "both_orders" in swap["mapping"] and swap["function"] == "combine"


def test_mapping_tables_name_real_options_only(catalog):
    real = set(catalog.taxonomy.options)
    reg = registry.load()
    assert not (set(reg.stages) | set(reg.aliases) | set(reg.settings) | set(DESCRIPTIVE)) - real
    for found in reg.aliases.values():
        assert found.target in reg.stages


def test_every_entry_links_its_stage_sources(catalog):
    for entry in catalog:
        data = entry_pipeline(entry, catalog)
        assert data["command"] == (f"alignscape run {entry.id} --prompts PROMPTS.jsonl "
                                   "--out OUT_DIR")
        assert data["problems"] == [], entry.id
        for row in data["stages"]:
            assert row["source"].startswith("tools/alignscape/"), row
            assert (ROOT / row["source"]).is_file(), row
            assert isinstance(row["line"], int), row
            assert {"stage", "option", "module", "source", "line"} <= set(row)
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
            assert callable(stage.function), stage.use
            assert set(stage.settings) == set(stage.function.params), stage.use
        if not entry.not_applicable("instantiation"):
            assert recipe.formats, entry.id


def test_links_import_nothing_heavy():
    code = ("import sys, alignscape.pipeline.links, alignscape.pipeline.recipe, "
            "alignscape.pipeline.entry_recipe, alignscape.commands.run\n"
            "alignscape.stages.registry.load()\n"
            "heavy = {'torch', 'transformers', 'datasets', 'pyarrow', 'trl', 'httpx'} & "
            "set(sys.modules)\nassert not heavy, heavy")
    subprocess.run([sys.executable, "-c", "import alignscape.stages.registry\n" + code],
                   check=True)


def test_stages_never_import_the_pipeline():
    code = ("import sys, alignscape.stages.registry as r\nr.load()\n"
            "bad = [m for m in sys.modules if m.startswith('alignscape.pipeline')]\n"
            "assert not bad, bad")
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
