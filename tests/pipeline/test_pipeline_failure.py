"""Honest failure: systematic request failures stop the run early with a one-line cause and a
non-zero exit; no rows is a non-zero exit; every flag is checked; a file in the way of --out
or a full disk ends in a message, not a traceback, and the resume stays exact."""

from __future__ import annotations

import errno
import socket
import time

import pytest
from fake_server import FakeServer
from pipeline_helpers import read_jsonl, write_jsonl
from test_pipeline_run import prompts, run_args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_answering_501_stops_the_run(tmp_path, cli):
    prompts(tmp_path, 40)
    with FakeServer(lambda n, body: "400") as s:
        code, _, err = cli(*run_args(tmp_path, s.url, tmp_path / "out"))
    assert code != 0
    assert "the first 10 requests all failed with the same error (HTTP 400)" in err
    assert "Traceback" not in err
    assert err.strip().count("\n") <= 1


def test_unreachable_server_stops_quickly(tmp_path, cli):
    prompts(tmp_path, 40)
    url = f"http://127.0.0.1:{_free_port()}/v1"
    started = time.monotonic()
    code, _, err = cli(*run_args(tmp_path, url, tmp_path / "out"))
    assert code != 0 and "connection error" in err
    assert time.monotonic() - started < 20


def test_failure_rate_limit_stops_a_mostly_failing_run(tmp_path, cli):
    prompts(tmp_path, 40)
    # Every request but the first fails: the first-N rule cannot fire, the rate rule does.
    # One batch at a time: with several in flight, the batch holding the first request may
    # finish after ten failures of others, and the first-N rule (rightly) fires instead.
    with FakeServer(lambda n, body: None if n == 1 else "400") as s:
        code, _, err = cli(*run_args(tmp_path, s.url, tmp_path / "out",
                                     "--max-failure-rate", "0.3", "--batches-in-flight", "1"))
    assert code != 0 and "--max-failure-rate 0.3" in err


def test_no_rows_is_a_non_zero_exit(tmp_path, cli, server):
    write_jsonl(tmp_path / "prompts.jsonl", [])
    code, _, err = cli(*run_args(tmp_path, server.url, tmp_path / "out"))
    assert code == 1 and "no rows written: no prompt was read" in err


def test_a_stage_raising_on_every_record_stops_the_run(tmp_path, cli, server, monkeypatch):
    from alignscape.stages.instantiation import pairing

    def broken(record, config, ctx):
        raise RuntimeError("cannot pair")

    prompts(tmp_path, 12)
    monkeypatch.setattr(pairing.best_vs_worst, "fn", broken)
    code, _, err = cli(*run_args(tmp_path, server.url, tmp_path / "out"))
    assert code != 0
    assert "instantiation.pairing.best_vs_worst failed on every record so far" in err
    assert "RuntimeError: cannot pair" in err


@pytest.mark.parametrize("flag,value,message", [
    ("--concurrency", "0", "--concurrency 0: must be at least 1"),
    ("--max-retries", "-1", "--max-retries -1: must be 0 or more"),
    ("--limit", "-1", "--limit -1: must be at least 1"),
    ("--timeout", "0", "--timeout 0.0: must be a positive number"),
    ("--batch-size", "0", "--batch-size 0: must be at least 1"),
    ("--max-failure-rate", "1.5", "--max-failure-rate 1.5: must be above 0"),
    ("--backoff", "-2", "--backoff -2.0: must be 0 or more"),
])
def test_every_flag_is_checked(tmp_path, cli, flag, value, message):
    prompts(tmp_path, 2)
    code, _, err = cli(*run_args(tmp_path, "http://127.0.0.1:9/v1", tmp_path / "out"),
                       flag, value)
    assert code == 2 and message in err, err


def test_set_with_a_wrong_type_is_a_recipe_error(tmp_path, cli):
    prompts(tmp_path, 2)
    code, _, err = cli(*run_args(tmp_path, "http://127.0.0.1:9/v1", tmp_path / "out"),
                       "--set", "llm_judge.pairs=[1,2]")
    assert code == 2 and "--set llm_judge.pairs" in err and "must be str" in err


def test_a_file_in_the_way_of_out(tmp_path, cli):
    prompts(tmp_path, 2)
    (tmp_path / "taken").write_text("x")
    for out in (tmp_path / "taken", tmp_path / "taken" / "sub"):
        code, _, err = cli(*run_args(tmp_path, "http://127.0.0.1:9/v1", out))
        assert code == 2 and "is a file, not a folder" in err and "Traceback" not in err


def test_full_disk_is_a_message_and_the_resume_is_exact(tmp_path, cli, server, monkeypatch):
    from alignscape.pipeline import checkpoint

    prompts(tmp_path, 12)
    slow_ok = ("--timeout", "10")  # a retry after a timeout under load would change records

    def args(out):
        return [*run_args(tmp_path, server.url, out), *slow_ok]

    code, _, _ = cli(*args(tmp_path / "ref"))
    assert code == 0
    real = checkpoint.Checkpoint.commit
    calls = {"n": 0}

    def full(self, keys):
        calls["n"] += 1
        if calls["n"] == 2:
            for fh in self.handles.values():
                fh.write(b"half a batch")
            raise OSError(errno.ENOSPC, "No space left on device", str(self.directory))
        return real(self, keys)

    monkeypatch.setattr(checkpoint.Checkpoint, "commit", full)
    code, _, err = cli(*args(tmp_path / "out"))
    assert code == 1 and "No space left on device" in err and "resume" in err
    assert "Traceback" not in err
    monkeypatch.setattr(checkpoint.Checkpoint, "commit", real)
    assert cli(*args(tmp_path / "out"))[0] == 0
    for name in ("pairwise.jsonl", "records.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()
    assert len(read_jsonl(tmp_path / "out" / "records.jsonl")) == 12
