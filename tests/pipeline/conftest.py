"""Fixtures of the pipeline tests: the fake OpenAI-compatible server, the AlpacaEval data,
small prompt files, and running the CLI in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_server import FakeServer  # tests/pipeline is on pytest's pythonpath (pyproject)


@pytest.fixture
def server():
    with FakeServer() as s:
        yield s


@pytest.fixture(scope="session")
def alpaca_eval(shared_data) -> Path:
    path = shared_data / "alpaca_eval"
    if not (path / "responses.jsonl.gz").is_file():
        pytest.skip("AlpacaEval data is not present")
    return path


@pytest.fixture
def cli(capsys):
    """Run `alignscape ...` in-process; returns (exit code, stdout, stderr)."""
    from alignscape.cli import main

    def run(*argv):
        code = main([str(a) for a in argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
