"""Recipes that cannot run are refused before any work, with the file and line; the bias
controls run as settings of the judges; a bug in a stage stops the run with one line."""

from __future__ import annotations

import dataclasses

import yaml
from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl

from alignscape.pipeline.entry_recipe import from_entry
from alignscape.pipeline.recipe import RecipeError, load_recipe
from alignscape.stages import registry

HEAD = "name: t\nstages:\n"


def write(tmp_path, body: str):
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + body)
    return path


def prompts(tmp_path):
    return write_jsonl(tmp_path / "p.jsonl", [{"prompt_id": f"p{i}", "prompt": f"Q{i}?"}
                                              for i in range(3)])


def run_cli(cli, tmp_path, path, *extra):
    return cli("run", "--recipe", path, "--prompts", prompts(tmp_path), "--out",
               tmp_path / "out", "--backend", "heuristic", "--no-progress", "--no-parquet",
               *extra)


def test_misspelt_parameter_is_located_with_a_suggestion(tmp_path, cli):
    path = write(tmp_path, "  - use: synthesis.sources.human_written\n"
                           "  - use: synthesis.selection.threshold_filter\n"
                           "    config:\n"
                           "      min_scor: 3\n"
                           "  - use: instantiation.formats.pointwise_scalar\n")
    code, _, err = run_cli(cli, tmp_path, path)
    assert code == 2
    assert f"{path}:6: stages[1].config.min_scor: " in err
    assert "has no parameter 'min_scor'; did you mean 'min_score'?" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before any file is written


def test_wrong_type_and_bad_choice_are_located(tmp_path):
    path = write(tmp_path, "  - use: synthesis.selection.best_of_n\n"
                           "    config: {keep: two}\n"
                           "  - use: instantiation.pairing.best_vs_worst\n"
                           "    config: {ties: kep}\n"
                           "  - use: instantiation.formats.pairwise\n")
    try:
        load_recipe(path)
    except RecipeError as exc:
        lines = str(exc).splitlines()
    else:
        raise AssertionError("accepted")
    assert lines[0].startswith(f"{path}:4: stages[0].config.keep: keep must be int, not a "
                               "string 'two'")
    assert lines[1].startswith(f"{path}:6: stages[1].config.ties: ties: 'kep' is not one of "
                               "drop, keep; did you mean 'keep'?")


def test_unknown_stage_recipe_key_and_stage_key(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("name: t\nsede: 3\nstages:\n"
                    "  - use: instantiation.pairing.best_vs_wrst\n"
                    "  - use: instantiation.formats.pairwise\n    confg: {}\n")
    try:
        load_recipe(path)
    except RecipeError as exc:
        text = str(exc)
    else:
        raise AssertionError("accepted")
    assert f"{path}:2: sede: unknown recipe key 'sede'; did you mean 'seed'?" in text
    assert f"{path}:4: stages[0].use: no stage 'instantiation.pairing.best_vs_wrst'; did " \
           "you mean 'instantiation.pairing.best_vs_worst'?" in text
    assert f"{path}:6: stages[1].confg: unknown stage key 'confg'; did you mean " \
           "'config'?" in text


def test_position_swap_option_is_a_setting_of_the_judges(tmp_path):
    path = write(tmp_path, "  - use: synthesis.sources.human_written\n"
                           "  - use: evaluation.evaluators.llm_judge\n"
                           "    config: {protocols: [pairwise_comparison], both_orders: false}\n"
                           "  - use: evaluation.evaluators.preference_model\n"
                           "  - use: evaluation.bias_controls.position_swap\n"
                           "  - use: evaluation.bias_controls.order_randomization\n"
                           "  - use: instantiation.pairing.given_pairs\n"
                           "  - use: instantiation.formats.pairwise\n")
    recipe = load_recipe(path)
    judge, pm = recipe.stages[1], recipe.stages[2]
    assert [s.use for s in recipe.stages][-2:] == ["instantiation.pairing.given_pairs",
                                                   "instantiation.formats.pairwise"]
    assert judge.settings["both_orders"] is False  # given explicitly: kept
    assert judge.settings["randomize_order"] is True and pm.settings["both_orders"] is True


def test_position_swap_without_a_judge_is_a_located_error(tmp_path, cli):
    path = write(tmp_path, "  - use: synthesis.sources.human_written\n"
                           "  - use: evaluation.bias_controls.position_swap\n"
                           "  - use: instantiation.formats.pointwise_scalar\n")
    code, _, err = run_cli(cli, tmp_path, path)
    assert code == 2 and f"{path}:4: stages[1].use: evaluation.bias_controls.position_swap " \
        "is judge each pair in both orders" in err
    assert "no stage of the recipe has a 'both_orders' setting" in err


def test_position_swap_recipe_runs(tmp_path, cli):
    path = write(tmp_path, "  - use: synthesis.sources.human_written\n"
                           "  - use: evaluation.evaluators.llm_judge\n"
                           "    config: {protocols: [pairwise_comparison]}\n"
                           "  - use: evaluation.bias_controls.position_swap\n"
                           "  - use: instantiation.pairing.given_pairs\n"
                           "  - use: instantiation.formats.pairwise\n")
    rows = [{"prompt_id": "a", "prompt": "Name a colour.",
             "responses": ["Blue is a colour of the sky.", "No."]}]
    write_jsonl(tmp_path / "p.jsonl", rows)
    with FakeServer() as s:
        code, _, err = cli("run", "--recipe", path, "--prompts", tmp_path / "p.jsonl",
                           "--out", tmp_path / "out", "--backend", "openai:fake",
                           "--base-url", s.url, "--no-progress", "--no-parquet")
    assert code == 0, err
    record = read_jsonl(tmp_path / "out" / "records.jsonl")[0]
    assert record["comparisons"][0]["orders"] == 2


def test_set_is_checked_with_a_suggestion(tmp_path, cli):
    path = write(tmp_path, "  - use: synthesis.sources.human_written\n"
                           "  - use: instantiation.formats.pointwise_scalar\n")
    code, _, err = run_cli(cli, tmp_path, path, "--set", "human_written.include_refrence=no")
    assert code == 2 and "--set human_written.include_refrence: " in err
    assert "did you mean 'include_reference'?" in err
    code, _, err = run_cli(cli, tmp_path, path, "--set", "human_writen.origin=x")
    assert code == 2 and "did you mean 'human_written'?" in err
    code, _, err = run_cli(cli, tmp_path, path, "--set", "human_written.include_reference=7")
    assert code == 2 and "include_reference must be bool, not an integer 7" in err


def test_entry_run_block_errors_point_at_the_entry(catalog, tmp_path):
    entry = catalog["ultrafeedback"]
    pairing = next(s.option for s in from_entry(entry, catalog).stages
                   if "ties" in s.function.params)
    text = (catalog.root / entry.source).read_text()
    folder = tmp_path / "catalog" / "entries"
    folder.mkdir(parents=True)
    (folder / "ultrafeedback.yaml").write_text(
        text + f"run:\n  config:\n    {pairing}: {{ties: maybe}}\n    llm_jduge: {{}}\n")
    line = len(text.splitlines()) + 3
    fake = dataclasses.replace(entry, run={"config": {
        pairing: {"ties": "maybe"}, "llm_jduge": {}}})
    shim = type("C", (), {"taxonomy": catalog.taxonomy, "root": tmp_path})()
    try:
        from_entry(fake, shim)
    except RecipeError as exc:
        text = str(exc)
    else:
        raise AssertionError("accepted")
    assert f"{entry.source}:{line}: run.config.{pairing}.ties: ties: 'maybe' is not " \
        "one of drop, keep" in text
    assert f"{entry.source}:{line + 1}: run.config.llm_jduge: no stage 'llm_jduge' in this " \
        "entry's recipe; did you mean 'llm_judge'?" in text


def test_print_recipe_shows_every_parameter_with_its_default(cli):
    code, out, err = cli("run", "ultrafeedback", "--print-recipe")
    assert code == 0, err
    data = yaml.safe_load(out)
    for item in data["stages"]:
        params = registry.get(item.get("runs", item["use"])).params if item["use"] in \
            registry.stages() else None
        if params is not None:
            assert set(item["config"]) == set(params), item["use"]
    assert "# int|null, default null: draw this many models per prompt" in out


def test_a_bug_in_a_stage_stops_the_run_with_one_line(tmp_path, cli, monkeypatch):
    fn = registry.get("synthesis.sources.human_written")

    def broken(record, config, ctx):
        return record["candidates"].append  # KeyError on every record: a bug, not the data

    monkeypatch.setattr(fn, "fn", broken)
    path = write(tmp_path, "  - use: synthesis.sources.human_written\n"
                           "  - use: instantiation.formats.pointwise_scalar\n")
    code, _, err = run_cli(cli, tmp_path, path)
    assert code == 2
    assert err.strip().splitlines() == [
        "alignscape run: stage synthesis.sources.human_written failed on every record of a "
        "batch with KeyError: 'candidates' (a bug in the stage, not a problem of the data); "
        "the batch was not written"]
    assert read_jsonl(tmp_path / "out" / "records.jsonl") == []
