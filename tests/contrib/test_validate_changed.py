"""`alignscape validate --changed` in a throw-away git repository, and `--format github`."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from alignscape.catalog.findings import Finding
from alignscape.cli import main
from alignscape.contrib.annotations import escape_data, escape_property, github_line
from alignscape.contrib.changes import changed_since


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(scratch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(scratch, "init", "-q", "-b", "main")
    git(scratch, "config", "user.email", "t@example.org")
    git(scratch, "config", "user.name", "Test")
    git(scratch, "add", "catalog")
    git(scratch, "commit", "-q", "-m", "catalog")
    return scratch


def test_only_changed_entries_are_reported(repo, capsys):
    entries = repo / "catalog" / "entries"
    # An old problem in an untouched file must not be reported...
    broken_old = entries / "dpo.yaml"
    broken_old.write_text(broken_old.read_text().replace("year: 2023", "year: 1800"))
    git(repo, "commit", "-q", "-am", "an old problem")
    assert main(["--root", str(repo), "validate", "--changed"]) == 0  # nothing changed
    assert "no catalog file changed since HEAD" in capsys.readouterr().err
    # ...while a modified tracked file, a staged new file and an untracked one are.
    kto = entries / "kto.yaml"
    kto.write_text(kto.read_text().replace("kind:", "kind: nonsense\nkindd:", 1))
    staged = entries / "staged_one.yaml"
    staged.write_text((entries / "simpo.yaml").read_text())
    git(repo, "add", str(staged))
    (entries / "untracked_one.yaml").write_text("id: untracked_one\n")
    changes = changed_since(repo)
    assert [p.name for p in changes.entries] == ["kto.yaml", "staged_one.yaml",
                                                 "untracked_one.yaml"]
    assert not changes.needs_whole_catalog
    assert main(["--root", str(repo), "validate", "--changed", "--format", "github"]) == 1
    out = capsys.readouterr()
    files = {line.split("file=")[1].split(",")[0] for line in out.out.splitlines()}
    assert files == {"catalog/entries/kto.yaml", "catalog/entries/staged_one.yaml",
                     "catalog/entries/untracked_one.yaml"}
    assert "title=X002 id::id 'simpo' is already used" in out.out  # checked against the rest
    total = len(list(entries.glob("*.yaml")))
    assert f"3 changed entry file(s) checked against {total}" in out.err


def test_a_changed_shared_file_or_a_deletion_checks_everything(repo, capsys):
    git(repo, "rm", "-q", "catalog/entries/hh_rlhf.yaml")  # entries use it as data
    changes = changed_since(repo, "HEAD")
    assert changes.deleted == ["catalog/entries/hh_rlhf.yaml"] and changes.needs_whole_catalog
    assert main(["--root", str(repo), "validate", "--changed", "HEAD"]) == 1
    out = capsys.readouterr()
    assert "validating the whole catalog" in out.err
    assert "X005" in out.out and "hh_rlhf" in out.out
    git(repo, "reset", "-q", "--hard")
    bib = repo / "catalog" / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{broken,\n")
    assert changed_since(repo).shared == ["catalog/references.bib"]
    assert main(["--root", str(repo), "validate", "--changed"]) == 1
    assert "references.bib" in capsys.readouterr().out


def test_bad_base_is_a_message_not_a_traceback(repo, capsys):
    assert main(["--root", str(repo), "validate", "--changed", "no-such-branch"]) == 2
    assert "'no-such-branch' is not a commit" in capsys.readouterr().err


def test_origin_main_is_the_default_base(repo):
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    (repo / "catalog/entries/new_one.yaml").write_text("id: new_one\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "local work")
    changes = changed_since(repo)
    assert changes.base == "origin/main"
    assert [p.name for p in changes.entries] == ["new_one.yaml"]


def test_changed_is_fast(repo):
    kto = repo / "catalog" / "entries" / "kto.yaml"
    kto.write_text(kto.read_text() + "\n")
    start = time.perf_counter()
    assert main(["--root", str(repo), "validate", "--changed"]) == 0
    assert time.perf_counter() - start < 5  # about a second at 300 entries


def test_github_escaping():
    assert escape_data("50% of\r\nit") == "50%25 of%0D%0Ait"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    finding = Finding("catalog/entries/x,y.yaml", 3, 7, "T001", "pipeline.synthesis.sources[0]",
                      "'a: b' is not an option\nreally, 100%", "one of a, b")
    line = github_line(finding, __import__("pathlib").Path.cwd())
    assert line == ("::error file=catalog/entries/x%2Cy.yaml,line=3,col=7,"
                    "title=T001 pipeline.synthesis.sources[0]::"
                    "'a: b' is not an option%0Areally, 100%25 (one of a, b)")
    bare = github_line(Finding("catalog/taxonomy.yaml", 1, 1, "C001", "", "broken"), "/")
    assert "title=C001::broken" in bare
