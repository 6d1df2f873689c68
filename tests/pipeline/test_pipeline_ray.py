"""The Ray path (pipeline/ray_support.py) on one local Ray cluster shared by the module: the
same files as the local runner on the AlpacaEval pool, an exact resume after the driver is
SIGKILLed mid-run, bad rows and list-valued fields as the runner's located input errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.ray, pytest.mark.slow]

ray = pytest.importorskip("ray")

from alignscape.pipeline.backends import make_backend  # noqa: E402
from alignscape.pipeline.ray_parts import MANIFEST, PARTS  # noqa: E402
from alignscape.pipeline.ray_support import run_ray  # noqa: E402
from alignscape.pipeline.recipe import load_recipe  # noqa: E402
from alignscape.pipeline.runner import RunOptions, run  # noqa: E402
from alignscape.runtime import Context  # noqa: E402

RECIPE = (Path(__file__).resolve().parents[2]
          / "tools/alignscape/pipeline/recipes/alpaca_eval_pairwise.yaml")
BATCH = 8
FILES = ["records.jsonl", "failures.jsonl", "input_errors.jsonl"]
# What differs between two runs of the same data: how long they took.
TIMINGS = ("elapsed_seconds", "elapsed_this_segment_seconds")


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True,
             log_to_driver=False, configure_logging=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _backends(alpaca_eval: Path) -> dict:
    return {"default": f"replay:{alpaca_eval}", "judge": "heuristic"}


def _local(recipe_path, prompts, out, backends: dict, batch_size: int) -> dict:
    recipe = load_recipe(recipe_path)
    built = {spec: make_backend(spec) for spec in set(backends.values())}
    with Context(backends={r: built[s] for r, s in backends.items()},
                 entry=recipe.name) as ctx:
        return run(recipe, prompts, out, ctx, RunOptions(progress=False, parquet=False,
                                                         batch_size=batch_size))


@pytest.fixture(scope="module")
def local_pool(alpaca_eval, tmp_path_factory):
    """The local runner's folder for the whole AlpacaEval pool."""
    out = tmp_path_factory.mktemp("local") / "out"
    _local(RECIPE, alpaca_eval / "prompts.jsonl", out, _backends(alpaca_eval), BATCH)
    return out


def _same_folder(got: Path, want: Path, formats: list[str], skip=()) -> dict:
    for name in FILES + formats:
        assert (got / name).read_bytes() == (want / name).read_bytes(), name
    a, b = (json.loads((p / "report.json").read_text()) for p in (got, want))
    for key in TIMINGS + tuple(skip):
        a.pop(key), b.pop(key)
    assert a == b
    return b


def _ray_pool(alpaca_eval: Path, out: Path) -> dict:
    return run_ray(load_recipe(RECIPE), alpaca_eval / "prompts.jsonl", out,
                   _backends(alpaca_eval), {}, RunOptions(progress=False, parquet=False,
                                                          batch_size=BATCH))


def test_ray_run_writes_the_local_runners_files_on_alpaca_eval(cluster, alpaca_eval,
                                                                local_pool, tmp_path):
    report = _ray_pool(alpaca_eval, tmp_path / "ray")
    assert report["rows"]["pairwise"] > 10_000
    _same_folder(tmp_path / "ray", local_pool, ["pairwise.jsonl"])
    ids = [json.loads(line)["prompt_id"]
           for line in (tmp_path / "ray" / "records.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) == 805
    # Every part went into the output files: only the commit lines are left.
    assert sorted(p.name for p in (tmp_path / "ray" / PARTS).iterdir()) == \
        [MANIFEST, "plan.json"]


DRIVER = """
import sys
from pathlib import Path
import ray
from alignscape.pipeline.ray_support import run_ray
from alignscape.pipeline.recipe import load_recipe
from alignscape.pipeline.runner import RunOptions
recipe, prompts, out, data, address, batch = sys.argv[1:]
ray.init(address=address, log_to_driver=False, configure_logging=False)
run_ray(load_recipe(recipe), prompts, out, {"default": "replay:" + data, "judge": "heuristic"},
        {}, RunOptions(progress=False, parquet=False, batch_size=int(batch)), window=8)
"""


def _commits(out: Path) -> int:
    try:
        return (out / PARTS / MANIFEST).read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_a_killed_driver_resumes_without_losing_or_doubling_a_row(cluster, alpaca_eval,
                                                                    local_pool, tmp_path):
    out = tmp_path / "ray"
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(RECIPE), str(alpaca_eval / "prompts.jsonl"),
         str(out), str(alpaca_eval), cluster, str(BATCH)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    try:
        while _commits(out) < 3:
            assert driver.poll() is None, driver.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "no part was committed in 90 s"
            time.sleep(0.01)
        os.kill(driver.pid, signal.SIGKILL)
    finally:
        driver.kill()
        driver.wait()
        driver.stderr.close()
    parts = -(-805 // BATCH)
    killed_at = _commits(out)
    assert 3 <= killed_at < parts, "the driver was not killed mid-way"
    assert not (out / "report.json").exists()
    report = _ray_pool(alpaca_eval, out)
    assert _commits(out) == parts
    assert report["records"] == 805
    # The result is the clean run's; request counts are this segment's (as the local
    # runner's): fewer, since the committed batches were not computed again.
    want = json.loads((local_pool / "report.json").read_text())
    _same_folder(out, local_pool, ["pairwise.jsonl"], skip=("requests",))
    assert 0 < report["requests"] < want["requests"]


GIVEN = """\
name: given_responses_two_formats
seed: 0
stages:
  - use: synthesis.sources.human_written
  - use: evaluation.evaluators.reward_model
  - use: instantiation.pairing.best_vs_worst
  - use: instantiation.formats.pairwise
  - use: instantiation.formats.binary_label
"""


def _hostile_prompts(path: Path) -> None:
    """List-valued fields (a conversation, given responses), bad rows of every kind, rows
    without ids; line numbers matter (the errors name them)."""
    conversation = [{"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello"},
                    {"role": "user", "content": "Name three colours."}]
    lines = [
        "\ufeff" + json.dumps({"prompt": conversation,
                               "responses": ["Red, green and blue.",
                                             {"text": "Blue.", "author": "ann"}]}),
        json.dumps({"instruction": "Say yes.", "responses": ["yes", "no, I will not"]}),
        '{"prompt": "broken"',
        json.dumps([1, 2, 3]),
        json.dumps({"prompt_id": "p1", "prompt": "What is 2+2?",
                    "responses": ["4", "four, since 2+2=4", "5"]}),
        json.dumps({"prompt_id": "p1", "prompt": "dup", "responses": ["a", "b"]}),
        json.dumps({"prompt": 42}),
        json.dumps({"prompt": [{"role": "robot", "content": "x"}]}),
        "",
        json.dumps({"prompt_id": 7, "question": "Why is the sky blue?",
                    "responses": ["Rayleigh scattering of sunlight.", "Because."]}),
    ]
    data = "\n".join(lines).encode() + b"\n" + b'{"prompt": "bad \xff byte"}\n'
    data += json.dumps({"prompt": "A failing one", "responses": [3, "an answer"]}).encode()
    data += b"\n" + json.dumps({"prompt": "Last one", "responses": ["x y z", "x"]}).encode()
    path.write_bytes(data + b"\n")


def test_bad_rows_and_list_columns_are_the_runners_input_errors(cluster, tmp_path):
    recipe_path, prompts = tmp_path / "given.yaml", tmp_path / "prompts.jsonl"
    recipe_path.write_text(GIVEN)
    _hostile_prompts(prompts)
    backends = {"default": "heuristic"}
    _local(recipe_path, prompts, tmp_path / "local", backends, 2)
    report = run_ray(load_recipe(recipe_path), prompts, tmp_path / "ray", backends, {},
                     RunOptions(progress=False, parquet=False, batch_size=2))
    _same_folder(tmp_path / "ray", tmp_path / "local",
                 ["pairwise.jsonl", "binary_label.jsonl"])
    errors = [json.loads(line) for line in
              (tmp_path / "ray" / "input_errors.jsonl").read_text().splitlines()]
    assert [e["where"] for e in errors] == [f"{prompts}:{n}" for n in (3, 4, 6, 7, 8, 11)]
    assert "already used on line 5" in errors[2]["error"]
    assert "not UTF-8" in errors[5]["error"]
    records = [json.loads(line) for line in
               (tmp_path / "ray" / "records.jsonl").read_text().splitlines()]
    # The runner's ids: the given one, else the line number; never two alike.
    assert sorted(r["prompt_id"] for r in records) == \
        sorted(["line-1", "line-2", "p1", "7", "line-12", "line-13"])
    assert report["rows"]["pairwise"] > 0 and report["rows"]["binary_label"] > 0
    assert report["input_errors"] == 6 and report["failures"] >= 1
    pairs = [json.loads(line) for line in
             (tmp_path / "ray" / "pairwise.jsonl").read_text().splitlines()]
    # The conversation reaches the rows whole (TRL conversational prompt, every turn).
    assert next(p for p in pairs if p["prompt_id"] == "line-1")["prompt"][1] == \
        {"role": "assistant", "content": "Hello"}


def test_a_part_committed_out_of_order_is_replayed_not_computed(cluster, tmp_path):
    """The state a killed driver leaves when a later batch finished first: part 1 committed,
    part 0 not. The resume computes part 0 and the rest, replays part 1 from its file."""
    from alignscape.pipeline.manifest import prepare
    from alignscape.pipeline.ray_parts import PartStore, plan
    from alignscape.pipeline.ray_support import run_part

    recipe_path, prompts = tmp_path / "given.yaml", tmp_path / "prompts.jsonl"
    recipe_path.write_text(GIVEN)
    _hostile_prompts(prompts)
    backends = {"default": "heuristic"}
    want = _local(recipe_path, prompts, tmp_path / "local", backends, 2)
    recipe = load_recipe(recipe_path).check()
    recipe.style = "conversational"  # as the run sets it for this file's conversation
    out = tmp_path / "ray"
    prepare(out, recipe, prompts, restart=False, backends={"default": make_backend(
        "heuristic").name}, batch_size=2, limit=None)
    store = PartStore(out)
    store.batch_size(2)
    store.open()
    part = list(plan(prompts, 2))[1]
    spec = {"recipe": recipe.as_dict(), "fingerprint": recipe.fingerprint(),
            "backends": backends, "options": {}, "max_failure_rate": 0.5,
            "every_record_limit": 10}
    done = run_part(part.records, part.input_errors, spec)
    assert done["requests"][0] > 0
    store.commit(part, done["calls"])
    store.close()
    report = run_ray(load_recipe(recipe_path), prompts, out, backends, {},
                     RunOptions(progress=False, parquet=False, batch_size=2))
    _same_folder(out, tmp_path / "local", ["pairwise.jsonl", "binary_label.jsonl"],
                 skip=("requests",))
    assert report["requests"] == want["requests"] - done["requests"][0]


def test_a_stage_failing_on_every_record_stops_the_run_with_one_line(cluster, alpaca_eval,
                                                                     tmp_path):
    from alignscape.pipeline.manifest import RunError

    recipe_path, prompts = tmp_path / "given.yaml", tmp_path / "prompts.jsonl"
    recipe_path.write_text(GIVEN)
    _hostile_prompts(prompts)
    # The replay backend cannot score: the reward stage fails on every record, in a worker.
    with pytest.raises(RunError) as stopped:
        run_ray(load_recipe(recipe_path), prompts, tmp_path / "ray",
                {"default": f"replay:{alpaca_eval}"}, {},
                RunOptions(progress=False, parquet=False, batch_size=2))
    message = str(stopped.value)
    assert "\n" not in message and "Traceback" not in message
    assert "evaluation.evaluators.reward_model failed on every record" in message
    assert "cannot score" in message
    assert not (tmp_path / "ray" / "report.json").exists()


def test_run_ray_flag_writes_the_local_runners_folder(cluster, tmp_path, capsys):
    from alignscape.cli import main

    recipe_path, prompts = tmp_path / "given.yaml", tmp_path / "prompts.jsonl"
    recipe_path.write_text(GIVEN)
    _hostile_prompts(prompts)
    _local(recipe_path, prompts, tmp_path / "local", {"default": "heuristic"}, 2)
    common = ["run", "--recipe", str(recipe_path), "--prompts", str(prompts),
              "--backend", "heuristic", "--batch-size", "2", "--no-progress", "--no-parquet"]
    assert main([*common, "--out", str(tmp_path / "cli"), "--ray"]) == 0
    _same_folder(tmp_path / "cli", tmp_path / "local", ["pairwise.jsonl", "binary_label.jsonl"])
    # --ray-address alone is a flag error, not a silent local run.
    assert main([*common, "--out", str(tmp_path / "x"), "--ray-address", "auto"]) == 2
    assert "--ray-address is only used with --ray" in capsys.readouterr().err
