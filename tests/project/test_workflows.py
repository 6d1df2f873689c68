"""The GitHub workflows pass actionlint (the binary inside the actionlint wheel of the dev extra:
nothing is downloaded) and do what CONTRIBUTING.md promises."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def _actionlint() -> str:
    found = Path(sys.executable).parent / "actionlint"
    if found.exists():
        return str(found)
    on_path = shutil.which("actionlint")
    if on_path is None:
        pytest.fail("actionlint is not installed: pip install -e '.[dev]'")
    return on_path


def _workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_actionlint_passes_on_every_workflow():
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"pull-request.yml", "pages.yml"}
    done = subprocess.run([_actionlint(), "-color=false", "-oneline", *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_is_not_vacuous(tmp_path):
    bad = tmp_path / ".github" / "workflows"
    bad.mkdir(parents=True)
    (bad / "bad.yml").write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - uses: actions/checkout@v5\n        with: {fetch_depth: 0}\n", encoding="utf-8")
    done = subprocess.run([_actionlint(), "-color=false", "-oneline", str(bad / "bad.yml")],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert "fetch_depth" in done.stdout and "untrusted" in done.stdout


def test_the_pull_request_workflow_runs_the_contributors_commands():
    workflow = _workflow("pull-request.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in _steps(workflow)]
    validate = next(r for r in runs if "alignscape validate" in r)
    assert "--changed" in validate and "--format github" in validate
    assert 'origin/$BASE_REF' in validate
    order = [next(i for i, r in enumerate(runs) if needle in r)
             for needle in ("make install-test", "alignscape validate", "make test", "make build")]
    assert order == sorted(order)
    checkout = next(s for s in _steps(workflow) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # --changed needs the base branch


def test_make_install_test_installs_what_make_test_does():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "install-test: $(TEST_STAMP)" in makefile
    assert "test: $(TEST_STAMP)" in makefile


def test_main_deploys_the_built_site_to_pages():
    workflow = _workflow("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [s.get("uses", "") for s in build["steps"]]
    upload = next(s for s in build["steps"]
                  if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "build/site"
    assert any("make build" in s.get("run", "") for s in build["steps"])
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_actions_are_pinned_by_major_version():
    for path in WORKFLOWS.glob("*.yml"):
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    ref = step["uses"].split("@", 1)[1]
                    assert ref.startswith("v") and ref[1:].isdigit(), (path.name, step["uses"])


def test_the_pull_request_template_has_the_reviewers_checklist():
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    for needle in ("- [ ]", "arXiv", "year", "author", "evidence", "confidence",
                   "experiments", "open:", "alignscape validate --changed", "alignscape fmt",
                   "builds_on"):
        assert needle in text, needle
