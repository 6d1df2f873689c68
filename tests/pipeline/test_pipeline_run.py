"""`alignscape run` end to end over real HTTP: faults lose nothing, bad lines are located,
a SIGKILLed run resumes exactly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl

RECIPE = """\
name: http-pairs
seed: 3
stages:
  - use: synthesis.sampling.repeated_sampling
    config: {n: 3, temperature: 0.9}
  - use: synthesis.sources.policy_sampling
  - use: evaluation.evaluators.llm_judge
    config: {protocols: [pointwise_rating], rubric: true}
  - use: instantiation.pairing.best_vs_worst
  - use: instantiation.formats.pairwise
"""


def prompts(tmp_path: Path, n: int, doomed=()) -> Path:
    rows = [{"prompt_id": f"p{i}", "prompt": f"Question {i}: " + ("doomed " if i in doomed else "")
             + "explain " * (i % 5)} for i in range(n)]
    return write_jsonl(tmp_path / "prompts.jsonl", rows)


def recipe(tmp_path: Path) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(RECIPE)
    return path


def run_args(tmp_path, url, out, *extra):
    return ["run", "--recipe", recipe(tmp_path), "--prompts", tmp_path / "prompts.jsonl",
            "--out", out, "--backend", "openai:fake", "--base-url", url, "--timeout", "0.3",
            "--max-retries", "3", "--backoff", "0.01", "--no-progress", "--batch-size", "4", *extra]


def test_flaky_server_loses_no_row_and_permanent_failures_are_recorded(tmp_path, cli):
    prompts(tmp_path, 10, doomed={7})
    attempts: dict[str, int] = {}
    kinds = ["429", "500", "malformed", "timeout", "503"]

    def faults(n, body):
        text = json.dumps(body, sort_keys=True)
        if "doomed" in text and "Rating" not in text:
            return "500"  # the generation of prompt 7 always fails
        attempts[text] = attempts.get(text, 0) + 1
        # Every request fails once or twice with some fault, then succeeds.
        return kinds[n % len(kinds)] if attempts[text] <= 1 + n % 2 else None

    with FakeServer(faults, timeout_sleep=0.4) as s:
        code, out, err = cli(*run_args(tmp_path, s.url, tmp_path / "out"))
    assert code == 0, err
    out_dir = tmp_path / "out"
    records = {r["prompt_id"]: r for r in read_jsonl(out_dir / "records.jsonl")}
    assert sorted(records) == sorted(f"p{i}" for i in range(10))
    rows = read_jsonl(out_dir / "pairwise.jsonl")
    paired = {r["prompt_id"] for r in rows}
    for pid, record in records.items():
        if pid == "p7":
            assert pid not in paired
        else:  # every other prompt made its pair, or its tie is counted
            assert all(c.get("error") is None for c in record["candidates"]), pid
            assert pid in paired or record.get("ties_dropped") == 1, pid
    assert len(paired) >= 6
    failures = read_jsonl(out_dir / "failures.jsonl")
    assert [f["prompt_id"] for f in failures] == ["p7"]
    assert all("HTTP 500" in e["error"] and e["attempts"] == 4
               for e in failures[0]["candidate_errors"])
    assert failures[0]["prompt"].startswith("Question 7")  # can be fed back as --prompts
    report = json.loads((out_dir / "report.json").read_text())
    assert report["records"] == report["unique_prompt_ids"] == 10
    assert report["candidates_failed"] == 3
    prov = json.loads(rows[0]["provenance"])
    assert prov["seed"] == 3 and prov["candidates"][0]["decoding"]["temperature"] == 0.9
    assert "synthesis.sources.policy_sampling" in prov["stages"]


def test_bad_input_lines_get_file_and_line(tmp_path, cli):
    path = tmp_path / "prompts.jsonl"
    path.write_text('{"prompt_id": "a", "prompt": "fine"}\nnot json\n[1, 2]\n'
                    '{"prompt_id": "b"}\n{"prompt_id": "a", "prompt": "again"}\n'
                    '{"prompt_id": "c", "prompt": 5}\n')
    with FakeServer() as s:
        code, out, err = cli(*run_args(tmp_path, s.url, tmp_path / "out"))
    assert code == 0
    assert f"{path}:2: not valid JSON" in err
    assert f"{path}:3: expected a JSON object" in err
    assert f"{path}:4: no prompt" in err
    assert f"{path}:5: prompt_id 'a' already used on line 1" in err
    assert f"{path}:6: prompt must be a string" in err
    errors = read_jsonl(tmp_path / "out" / "input_errors.jsonl")
    assert [e["where"].rsplit(":", 1)[1] for e in errors] == ["2", "3", "4", "5", "6"]
    assert [r["prompt_id"] for r in read_jsonl(tmp_path / "out" / "records.jsonl")] == ["a"]


def test_clear_errors_instead_of_tracebacks(tmp_path, cli):
    prompts(tmp_path, 2)
    code, _, err = cli("run", "no_such_entry", "--prompts", tmp_path / "prompts.jsonl",
                       "--out", tmp_path / "o")
    assert code == 2 and "no entry 'no_such_entry'" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nstages:\n  - use: synthesis.sources.nope\n")
    code, _, err = cli("run", "--recipe", bad, "--prompts", tmp_path / "prompts.jsonl",
                       "--out", tmp_path / "o")
    assert code == 2 and f"{bad}:3: stages[0].use: no stage" in err
    code, _, err = cli("run", "--recipe", recipe(tmp_path), "--prompts",
                       tmp_path / "prompts.jsonl", "--out", tmp_path / "o", "--backend",
                       "openai:x", "--base-url", "http://127.0.0.1:9/v1", "--role", "bogus=x")
    assert code == 2 and "unknown role" in err
    code, _, err = cli("run", "--recipe", recipe(tmp_path), "--prompts",
                       tmp_path / "prompts.jsonl", "--out", tmp_path / "o")
    assert code == 2 and "no backend for the 'policy' role" in err


def test_output_folder_of_another_recipe_is_refused(tmp_path, cli):
    prompts(tmp_path, 2)
    with FakeServer() as s:
        assert cli(*run_args(tmp_path, s.url, tmp_path / "out"))[0] == 0
        code, _, err = cli(*run_args(tmp_path, s.url, tmp_path / "out", "--seed", "9"))
    assert code == 2 and "holds a run of another recipe" in err


def _start_cli(tmp_path, url, out):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "-m", "alignscape.cli", *map(str, run_args(tmp_path, url, out))]
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sigkill_mid_run_then_resume_is_exact(tmp_path):
    prompts(tmp_path, 24)
    server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "fake_server.py"),
                               "0.01"], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        # Reference: the same run, uninterrupted.
        ref = _start_cli(tmp_path, url, tmp_path / "ref")
        assert ref.wait(120) == 0, ref.stderr.read()
        # Kill a second run once at least one batch is committed but before the end.
        out = tmp_path / "killed"
        proc = _start_cli(tmp_path, url, out)
        ck = out / "checkpoint.jsonl"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if ck.exists() and 1 <= len(ck.read_text().splitlines()) < 6:
                break
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        committed = len(ck.read_text().splitlines())
        assert committed < 6, "the run finished before it could be killed"
        resumed = _start_cli(tmp_path, url, out)
        assert resumed.wait(120) == 0, resumed.stderr.read()
    finally:
        server.kill()
        server.wait()
    for name in ("pairwise.jsonl", "records.jsonl"):
        got = read_jsonl(out / name)
        want = read_jsonl(tmp_path / "ref" / name)
        assert got == want, name
    ids = [r["prompt_id"] for r in read_jsonl(out / "records.jsonl")]
    assert len(ids) == len(set(ids)) == 24


def test_rerunning_a_finished_run_adds_nothing_and_restart_keeps_other_files(tmp_path, cli):
    prompts(tmp_path, 5)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.json").write_text("{}")  # the user's own file in the output folder
    with FakeServer() as s:
        assert cli(*run_args(tmp_path, s.url, out))[0] == 0
        first = (out / "pairwise.jsonl").read_text()
        assert cli(*run_args(tmp_path, s.url, out))[0] == 0
        assert (out / "pairwise.jsonl").read_text() == first
        assert cli(*run_args(tmp_path, s.url, out, "--seed", "5", "--restart"))[0] == 0
    assert (out / "notes.json").exists()
    assert json.loads((out / "manifest.json").read_text())["recipe"]["seed"] == 5
