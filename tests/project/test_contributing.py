"""CONTRIBUTING.md tells the truth: its validation example is what the validator prints today,
it walks through both routes and says how a disputed classification is argued; the site's
contributing page is the same text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
SECTION = TEXT[TEXT.index("## A real validation error and its fix"):]
SECTION = SECTION[:SECTION.index("\n## ", 5)]
DRAFT = re.search(r"```yaml\n(.*?)```", SECTION, re.S).group(1)
FIRST, SECOND = re.findall(r"```text\n(.*?)```", SECTION, re.S)
FIXES = [('year: "2024"', "year: 2024"), ("[policy_sample]", "[policy_sampling]"),
         ("    bias_controls: [position_swap]\n",
          "    bias_controls: [position_swap]\n    evidence: \"Section 3.2: a GPT-4 judge "
          "compares the two responses in both orders.\"\n"),
         ("    structure: [pair]\n", "")]
SUMMARY = re.compile(r"^\d+ entry file\(s\) checked: (\d+) problem\(s\)$")


def _validate(root: Path, text: str) -> tuple[int, list[str], list[str]]:
    entry = root / "catalog" / "entries" / "pair_judge_po.yaml"
    entry.write_text(text, encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "alignscape"), "--root", str(root),
                           "validate", "catalog/entries/pair_judge_po.yaml"], cwd=root,
                          capture_output=True, text=True)
    return done.returncode, done.stdout.splitlines(), done.stderr.splitlines()


def _expected(block: str) -> tuple[list[str], int]:
    lines = block.strip("\n").splitlines()
    return lines[:-1], int(SUMMARY.match(lines[-1]).group(1))


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    return tmp_path


def test_the_validation_example_is_the_validators_real_output(root):
    code, out, err = _validate(root, DRAFT)
    findings, count = _expected(FIRST)
    assert code == 1
    assert out == findings
    assert SUMMARY.match(err[-1]).group(1) == str(count) == str(len(findings))


def test_the_fixes_it_describes_leave_only_the_citation(root):
    text = DRAFT
    for old, new in FIXES:
        assert old in text
        text = text.replace(old, new)
    for described in ("`year: 2024`", "`sources: [policy_sampling]`",
                      '"Section 3.2: a GPT-4 judge compares the two responses in both orders."',
                      "`structure:` line deleted"):
        assert described in SECTION.replace("\n", " "), described
    code, out, _ = _validate(root, text)
    findings, _ = _expected(SECOND)
    assert code == 1 and out == findings


def test_both_routes_and_the_dispute_rules_are_described():
    for needle in ("## Route 1: the issue form", "Propose a method or dataset",
                   "alignscape new --from-issue", "## Route 2: a pull request with the wizard",
                   ".venv/bin/alignscape new", "alignscape validate --changed",
                   "alignscape fmt", "make hooks", "## When a classification is disputed"):
        assert needle in TEXT, needle
    dispute = TEXT[TEXT.index("## When a classification is disputed"):]
    dispute = dispute[:dispute.index("\n## ", 5)]
    for needle in ("section", "confidence:", "`high`", "`medium`", "`low`", "experiments:",
                   "open:", "Reviewers' rules", "evidence:"):
        assert needle in dispute, needle


def test_the_site_page_is_contributing_md(catalog, tmp_path):
    from alignscape.site.build import SitePaths
    from alignscape.site.config import read_config, repo_url
    from alignscape.site.context import PageContext
    from alignscape.site.pages import contributing

    paths = SitePaths.for_root(ROOT, out=tmp_path)
    config = read_config(paths)
    contributing.build(PageContext(catalog, paths, config, repo_url(config)))
    page = (paths.docs / "contributing.md").read_text(encoding="utf-8")
    assert "## A real validation error and its fix" in page
    assert "reference/index.md" in page
    assert f"]({repo_url(config)}/blob/main/LICENSE-CATALOG)" in page
    assert "](LICENSE)" not in page
    body = TEXT.replace("](LICENSE)", f"]({repo_url(config)}/blob/main/LICENSE)").replace(
        "](LICENSE-CATALOG)", f"]({repo_url(config)}/blob/main/LICENSE-CATALOG)")
    assert body in page
