"""The pre-commit hooks: this repository's (.pre-commit-config.yaml, all `repo: local`, so
nothing is fetched) pass over the whole repository, catch a broken entry, and are the hooks
.pre-commit-hooks.yaml offers to other repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


def _pre_commit() -> str:
    found = BIN / "pre-commit"
    if not found.exists():
        pytest.fail("pre-commit is not installed: pip install -e '.[dev]'")
    return str(found)


def _env(home: Path) -> dict:
    env = dict(os.environ)
    # A fresh cache of hook environments: a hook that needed fetching would have to fetch here.
    env["PRE_COMMIT_HOME"] = str(home)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(name, None)
    return env


def _config() -> dict:
    return yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))


def test_every_hook_is_local_so_nothing_is_fetched():
    for repo in _config()["repos"]:
        assert repo["repo"] == "local", repo["repo"]
        for hook in repo["hooks"]:
            assert hook["language"] == "system", hook["id"]
            assert hook["entry"].startswith("scripts/venv-exec "), hook["id"]


def test_the_local_hooks_are_the_published_ones():
    published = {h["id"]: h for h in
                 yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(published) == {"alignscape-validate", "alignscape-fmt"}
    local = {h["id"]: h for repo in _config()["repos"] for h in repo["hooks"]}
    assert {"ruff", "actionlint"} <= set(local)
    for hook_id, hook in published.items():
        mine = local[hook_id]
        assert hook["language"] == "python"
        assert mine["entry"] == "scripts/venv-exec " + hook["entry"]
        for key in ("files", "pass_filenames", "require_serial"):
            assert mine.get(key) == hook.get(key), (hook_id, key)
    assert published["alignscape-validate"]["entry"] == "alignscape validate --changed"
    assert published["alignscape-fmt"]["entry"] == "alignscape fmt --check"


def test_the_hooks_pass_over_the_repository(tmp_path):
    done = subprocess.run([_pre_commit(), "run", "--all-files",
                           "--color", "never"], cwd=ROOT, env=_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    for hook in ("alignscape validate", "alignscape fmt --check", "ruff check", "actionlint"):
        assert hook in done.stdout, hook
    # Nothing was cloned or installed: local hooks need no repository of their own.
    home = tmp_path / "home"
    assert not home.exists() or not [p for p in home.iterdir() if p.name.startswith("repo")]


def _scratch_repo(tmp_path: Path) -> Path:
    """A git work tree holding a copy of the catalog and the hook configuration."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "catalog", repo / "catalog")
    (repo / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "venv-exec", repo / "scripts" / "venv-exec")
    shutil.copy2(ROOT / ".pre-commit-config.yaml", repo / ".pre-commit-config.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
           "-c", "commit.gpgsign=false"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *args], cwd=repo, check=True, capture_output=True)
    return repo


def test_the_validate_hook_reports_a_broken_entry_located(tmp_path):
    repo = _scratch_repo(tmp_path)
    entry = repo / "catalog" / "entries" / "dpo.yaml"
    text = entry.read_text(encoding="utf-8")
    assert "year: 2023\n" in text
    entry.write_text(text.replace("year: 2023\n", "year: twenty\n"), encoding="utf-8")
    done = subprocess.run([_pre_commit(), "run", "alignscape-validate", "--all-files",
                           "--color", "never"], cwd=repo, env=_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "catalog/entries/dpo.yaml:" in done.stdout
    assert "S003 year:" in done.stdout


def test_pre_commit_accepts_the_manifest_and_the_config():
    for command, name in (("validate-manifest", ".pre-commit-hooks.yaml"),
                          ("validate-config", ".pre-commit-config.yaml")):
        done = subprocess.run([_pre_commit(), command, name], cwd=ROOT, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stdout + done.stderr
