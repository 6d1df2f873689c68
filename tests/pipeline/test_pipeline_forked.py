"""Batches computed in forked worker processes (pipeline/forked.py) write what one process
writes: the same files byte for byte (the checkpoint's lines but their elapsed seconds), with
bad lines, a duplicate id in a later batch and failing records in the input, and after a
resume; the check that a stage failed on every record so far sees the batches in order; a
worker that dies ends the run with a message; a run that calls a backend is not forked."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from pipeline_helpers import write_jsonl

from alignscape.bench.pipeline import RECIPE  # read, pair best vs worst, three formats
from alignscape.pipeline.forked import worker_count

FILES = ("records.jsonl", "failures.jsonl", "input_errors.jsonl", "pairwise.jsonl",
         "binary_label.jsonl", "listwise.jsonl")


def _prompts(tmp_path, n: int = 30):
    rows = [{"prompt_id": f"p{i}", "prompt": f"Question {i}", "reference": f"ref {i}",
             "responses": [{"text": f"answer {i}.{j}", "model": f"m{j}", "score": (i * j) % 4}
                           for j in range(3)]} for i in range(n)]
    rows[5]["responses"].append(7)  # neither a string nor an object: a failure of p5
    rows[21]["prompt_id"] = "p2"  # a duplicate of a prompt in an earlier batch
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"prompt_id": "broken", \n\n{"prompt_id": "late", "prompt": "last one"}\n')
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    return recipe, path


def _run(cli, recipe, prompts, out, workers: int, *extra):
    return cli("run", "--recipe", recipe, "--prompts", prompts, "--out", out,
               "--batch-size", 4, "--workers", workers, "--no-progress", "--no-parquet", *extra)


def _files(out) -> dict[str, bytes]:
    got = {name: (out / name).read_bytes() for name in FILES}
    got["checkpoint.jsonl"] = re.sub(rb'"elapsed":[0-9.]+', b"",
                                     (out / "checkpoint.jsonl").read_bytes())
    return got


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_write_what_one_process_writes(tmp_path, cli, workers):
    recipe, prompts = _prompts(tmp_path)
    code, _, err = _run(cli, recipe, prompts, tmp_path / "one", 1)
    assert code == 0, err
    code, _, err = _run(cli, recipe, prompts, tmp_path / "many", workers)
    assert code == 0, err
    one, many = _files(tmp_path / "one"), _files(tmp_path / "many")
    assert one == many
    assert one["failures.jsonl"].count(b"\n") == 1  # p5
    assert one["input_errors.jsonl"].count(b"\n") == 2  # the duplicate and the broken line
    assert one["checkpoint.jsonl"].count(b"\n") == 8  # 29 prompts in batches of 4


def test_a_resumed_run_in_workers_writes_what_an_uninterrupted_one_does(tmp_path, cli):
    recipe, prompts = _prompts(tmp_path)
    code, _, err = _run(cli, recipe, prompts, tmp_path / "one", 1)
    assert code == 0, err
    shutil.copytree(tmp_path / "one", tmp_path / "resumed")
    ck = tmp_path / "resumed" / "checkpoint.jsonl"
    ck.write_bytes(b"".join(ck.read_bytes().splitlines(keepends=True)[:3]))  # killed there
    code, _, err = _run(cli, recipe, prompts, tmp_path / "resumed", 2)
    assert code == 0, err
    assert _files(tmp_path / "resumed") == _files(tmp_path / "one")


def test_a_stage_failing_on_every_record_stops_the_run_as_in_one_process(tmp_path, cli,
                                                                          monkeypatch):
    from alignscape.stages.instantiation import pairing

    def broken(record, config, ctx):
        raise RuntimeError("cannot pair")

    recipe, prompts = _prompts(tmp_path)
    monkeypatch.setattr(pairing.best_vs_worst, "fn", broken)  # inherited by the workers
    results = [_run(cli, recipe, prompts, tmp_path / f"w{w}", w) for w in (1, 2)]
    # The same end (workers read a few batches ahead, so they may show more input errors).
    ends = [(code, err.splitlines()[-1]) for code, _, err in results]
    assert ends[0] == ends[1]
    code, end = ends[1]
    assert code != 0 and "failed on every record so far (12)" in end and "cannot pair" in end
    # Nothing was committed: the check runs before the batch that reaches the limit is written.
    assert _files(tmp_path / "w1") == _files(tmp_path / "w2")


def test_a_worker_that_dies_ends_the_run_with_a_message(tmp_path, cli, monkeypatch):
    from alignscape.stages.instantiation import pairing

    main, real = os.getpid(), pairing.best_vs_worst.fn

    def dies_in_a_worker(record, config, ctx):
        if os.getpid() != main and record["prompt_id"] == "p9":
            os._exit(3)
        return real(record, config, ctx)

    recipe, prompts = _prompts(tmp_path)
    monkeypatch.setattr(pairing.best_vs_worst, "fn", dies_in_a_worker)
    code, _, err = _run(cli, recipe, prompts, tmp_path / "out", 2)
    assert code == 2 and "a worker process ended unexpectedly" in err
    assert "the same command resumes" in err
    monkeypatch.setattr(pairing.best_vs_worst, "fn", real)
    code, _, err = _run(cli, recipe, prompts, tmp_path / "out", 2)
    assert code == 0, err
    code, _, err = _run(cli, recipe, prompts, tmp_path / "one", 1)
    assert _files(tmp_path / "out") == _files(tmp_path / "one")


def test_only_runs_without_backends_are_forked():
    assert worker_count(None, {"judge": object()}, 100) == 1
    assert worker_count(4, {"judge": object()}, 100) == 1
    assert worker_count(None, None, 100) == 1  # a context that does not say: not forked
    assert worker_count(None, {}, 1) == 1  # a single batch
    assert worker_count(3, {}, 1) == 3
    assert worker_count(None, {}, 100) == min(8, len(os.sched_getaffinity(0)))


def test_workers_flag_is_checked(tmp_path, cli):
    recipe, prompts = _prompts(tmp_path)
    code, _, err = _run(cli, recipe, prompts, tmp_path / "out", 0)
    assert code == 2 and "--workers 0: must be at least 1" in err
    code, _, err = _run(cli, recipe, prompts, tmp_path / "out", 2, "--ray")
    assert code == 2 and "--workers is not used with --ray" in err


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc")
def test_workers_end_when_the_main_process_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    recipe, prompts = _prompts(tmp_path, 20_000)
    out = tmp_path / "out"
    main = subprocess.Popen(
        [sys.executable, "-c", "import sys; from alignscape.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "run", "--recipe", str(recipe), "--prompts",
         str(prompts), "--out", str(out), "--batch-size", "4", "--workers", "2",
         "--no-progress", "--no-parquet"], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (out / "checkpoint.jsonl").exists() or \
                not (out / "checkpoint.jsonl").read_bytes().count(b"\n"):
            assert main.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        with open(f"/proc/{main.pid}/task/{main.pid}/children") as fh:
            workers = [int(p) for p in fh.read().split()]
        assert len(workers) == 2
    finally:
        main.send_signal(signal.SIGKILL)
        main.wait()
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, workers))
