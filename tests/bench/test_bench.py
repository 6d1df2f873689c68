"""make bench: one Markdown table with ratios to baselines of the same run, JSON beside it,
README updated between its markers, unmeasured work listed as such."""

from __future__ import annotations

import json

import pytest

from alignscape.bench import runner
from alignscape.bench.context import Result


def test_table_shows_ratios_memory_and_unmeasured_rows():
    rows = [Result("validate", 2.0, "CPU 2 s", baseline="check-jsonschema", baseline_seconds=20.0,
                   peak_mb=100, baseline_peak_mb=50, goal=">= 5x", entries=10_000),
            Result("build the site", None, "not registered", baseline="mkdocs")]
    text = runner.table(rows)
    assert "| validate | 10,000 | 2.00 s | check-jsonschema: 20.00 s | 10.0× faster |" in text
    assert "100 MB (baseline 50 MB)" in text
    assert "| build the site |  | not measured in this run | mkdocs | — |" in text


def test_sizes_are_selectable():
    assert runner._sizes("200,2000") == [200, 2000]
    assert runner._sizes("10_000") == [10_000]


def test_readme_block_is_replaced(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("intro\n")
    info = {"date": "today", "machine": {"cpu": "x", "cpus": 2, "memory_gb": 4,
                                         "python": "3.11", "load_average": 1.0}}
    runner.write_readme(readme, "| a |\n", info, "python -m alignscape.bench")
    runner.write_readme(readme, "| b |\n", info, "python -m alignscape.bench")
    text = readme.read_text()
    assert text.count(runner.README_START) == 1 and "| b |" in text and "| a |" not in text
    assert text.startswith("intro\n")


@pytest.mark.slow
def test_a_small_run_writes_the_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ALIGNSCAPE_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "latest.json"
    assert runner.main(["query", "--entries", "60", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["sizes"] == [60] and data["machine"]["cpus"]
    measured = [r for r in data["rows"] if r["seconds"] is not None]
    assert measured and all(r["ratio"] for r in measured)
    # site, serve and pipeline were not run: listed as not measured, never faked
    assert any(r["seconds"] is None for r in data["rows"])
    assert "| work |" in capsys.readouterr().out


def test_a_child_reports_its_own_peak_memory_not_the_grown_benchmarks(tmp_path):
    """Children are started by the launcher, which stays small: a child started after this
    process grew by 400 MB still reports its own few tens of MB."""
    import sys

    from alignscape.bench.context import Context, launcher

    launcher()
    grown = bytearray(400 * 1024 * 1024)  # noqa: F841 - resident while the child runs
    grown[::4096] = b"x" * len(grown[::4096])
    context = Context(200, tmp_path, tmp_path)
    small, done = context.run([sys.executable, "-c", "print('hi')"])
    big, _ = context.run([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = "
                          "b'x' * len(b[::4096])"])
    assert done.stdout.strip() == "hi"
    assert small.peak_mb < 100 and 200 < big.peak_mb < 350
