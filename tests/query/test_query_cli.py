"""The query commands: output formats, and clear errors (exit 2, no traceback)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil

import pytest

from alignscape.cli import main


def run(*args, root=None):
    out, err = io.StringIO(), io.StringIO()
    argv = (["--root", str(root)] if root else []) + list(args)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def at_root(project_root, monkeypatch):
    monkeypatch.chdir(project_root)


EXPR = "evaluators has llm_judge and kind = dataset"


def test_table_shows_the_fields_the_query_mentions():
    code, out, err = run("query", EXPR + " and bias_risk is known")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["id", "kind", "year", "name", "evaluators", "bias_risk"]
    assert "ultrafeedback" in out and "entries of" in err


def test_formats_agree(catalog):
    expected = [e.id for e in catalog.query(EXPR)]
    assert run("query", EXPR, "--format", "ids")[1].split() == expected
    rows = json.loads(run("query", EXPR, "--format", "json")[1])
    assert [r["id"] for r in rows] == expected
    assert all("llm_judge" in r["choices"]["evaluation.evaluators"] for r in rows)
    table = list(csv.DictReader(io.StringIO(run("query", EXPR, "--format", "csv")[1])))
    assert [r["id"] for r in table] == expected
    assert all("llm_judge" in r["evaluation.evaluators"].split(";") for r in table)
    bibtex = run("query", EXPR, "--format", "bibtex")[1]
    cites = list(dict.fromkeys(catalog[i].cite for i in expected))
    assert bibtex.count("\n@") + bibtex.startswith("@") == len(cites)
    assert all("{" + key + "," in bibtex for key in cites)


def test_sort_by_year_newest_first():
    rows = json.loads(run("query", "kind = dataset", "--format", "json", "--sort", "year")[1])
    years = [r["year"] for r in rows]
    assert years == sorted(years, reverse=True)


def test_query_errors_are_located_not_raised():
    code, out, err = run("query", "evaluators has llm_judge and bias_rsk < low")
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert "unknown field 'bias_rsk'" in lines[0]
    assert lines[2] == "  " + " " * 29 + "^" * 8
    assert "did you mean 'bias_risk'?" in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["explain", "ultrafeedbak"], "did you mean 'ultrafeedback'"),
    (["similar", "dpoo"], "did you mean 'dpo'"),
    (["pareto", "annotation_cost", "bias_rsk"], "did you mean 'bias_risk'"),
    (["pareto", "bias_risk", "--where", "kind = paper"], "not an entry kind"),
    (["similar", "dpo", "--where", "year >"], "expected a value"),
    (["gaps", "--dims", "synthesis.sources"], "two or more"),
    (["recommend", "low_budget"], "unknown scenario"),
])
def test_analysis_errors(args, message):
    code, out, err = run(*args)
    assert code == 2 and message in err and "Traceback" not in err


def test_analysis_commands(catalog):
    code, out, err = run("pareto", "annotation_cost", "bias_risk", "--format", "json")
    front = json.loads(out)
    assert code == 0 and front["front"] and front["excluded_unknown"]
    assert "left out for an unknown level" in run("pareto", "bias_risk")[2]
    code, out, _ = run("similar", "dpo", "--limit", "3", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out, _ = run("gaps", "--limit", "2", "--format", "json")
    assert code == 0 and len(json.loads(out)["gaps"]) == 2
    code, out, _ = run("explain", "rlaif")
    assert code == 0 and "position_swap shifts by -1" in out and "[zheng2023judging]" in out
    code, out, _ = run("recommend", "complex_reasoning", "--format", "json")
    assert code == 0 and json.loads(out)["entries"]
    code, out, _ = run("recommend")
    assert code == 0 and "cold_start_adaptation" in out
    code, out, _ = run("recommend", "safety_compliance", "--format", "markdown")
    assert code == 0 and "\n# Safety compliance\n" in out


def test_an_invalid_catalog_is_reported_not_raised(project_root, tmp_path):
    shutil.copytree(project_root / "catalog", tmp_path / "catalog")
    path = tmp_path / "catalog" / "entries" / "dpo.yaml"
    path.write_text(path.read_text().replace("kind: objective", "kind: recipe"))
    code, out, err = run("query", "kind = dataset", root=tmp_path)
    assert code == 1 and out == ""
    assert "dpo.yaml" in err and "alignscape validate" in err and "Traceback" not in err


def test_cli_startup_does_not_import_the_validator():
    """A cached query must not pay for jsonschema, networkx or the YAML loader."""
    import subprocess
    import sys

    probe = ("import sys; from alignscape.cli import build_parser; build_parser(); "
             "print(' '.join(m for m in ('jsonschema', 'networkx', 'yaml') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == ""
