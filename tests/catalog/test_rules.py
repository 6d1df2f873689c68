"""One broken fixture per validation rule: the exact code, location and field path must fire.

Each fixture's first line says what it must produce: `# expect: CODE LINE:COLUMN [FIELD]`.
Rules about the shared files (taxonomy, trade-offs, BibTeX) are tested on a copy of the
catalog in a temporary folder, broken on purpose.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from alignscape.catalog.findings import RULES, rules_markdown
from alignscape.catalog.validation import shown_path, validate_catalog

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"# expect: (?P<code>[A-Z]\d{3}) (?P<line>\d+):(?P<column>\d+) ?(?P<field>\S*)")
# Rules that a single entry file cannot break: covered by the shared-file tests below.
SHARED_FILE_RULES = {"X004", "X010", "X011", "C001", "C002", "C003"}
# huge, binary and non-regular files are made by the tests below
GENERATED_RULES = {"Y005", "Y006", "Y012"}


def fixture_files():
    return sorted(p for p in FIXTURES.rglob("*.yaml") if p.name != "valid_entry.yaml")


def expectation(path: Path):
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} lacks an '# expect:' header"
    return (match["code"], int(match["line"]), int(match["column"]), match["field"])


def findings_for(project_root, *paths):
    result = validate_catalog(project_root, list(paths))
    return [f for f in result.findings if f.path in {shown_path(p) for p in paths}]


@pytest.fixture(scope="module")
def fixture_findings(project_root):
    """All fixtures validated in one pass, in the context of the real catalog."""
    return findings_for(project_root, FIXTURES / "valid_entry.yaml", *fixture_files())


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: p.stem)
def test_fixture_fires_its_rule_at_its_place(fixture_findings, path):
    code, line, column, field = expectation(path)
    mine = [(f.code, f.line, f.column, f.field) for f in fixture_findings
            if f.path == shown_path(path)]
    assert (code, line, column, field) in mine, \
        f"expected {code} at {line}:{column} {field}; got {mine}"
    assert {c for c, *_ in mine} == {code}, f"other rules fired too: {mine}"


def test_every_entry_rule_has_a_fixture():
    covered = {expectation(p)[0] for p in fixture_files()}
    missing = set(RULES) - covered - SHARED_FILE_RULES - GENERATED_RULES
    assert not missing, f"rules without a failing fixture: {sorted(missing)}"


def test_valid_fixture_is_valid(fixture_findings):
    valid = shown_path(FIXTURES / "valid_entry.yaml")
    assert [f for f in fixture_findings if f.path == valid] == []


def test_file_over_the_size_limit(project_root, tmp_path):
    huge = tmp_path / "huge.yaml"
    huge.write_text("id: huge\nsummary: '" + "x" * (10 * 1024 * 1024) + "'\n")
    [finding] = findings_for(project_root, huge)
    assert (finding.code, finding.line, finding.column) == ("Y005", 1, 1)


def test_binary_file(project_root, tmp_path):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"id: binary\nname: \x89PNG\r\n\x1a\n\xff\xfe\x00")
    [finding] = findings_for(project_root, binary)
    assert (finding.code, finding.line) == ("Y006", 2)


def test_symbolic_link_is_refused_without_being_followed(project_root, tmp_path):
    link = tmp_path / "link.yaml"
    link.symlink_to("/dev/zero")  # following it would never end
    [finding] = findings_for(project_root, link)
    assert (finding.code, finding.line, finding.column) == ("Y012", 1, 1)


def test_named_pipe_is_refused_without_blocking(project_root, tmp_path):
    import os

    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    [finding] = findings_for(project_root, pipe)
    assert finding.code == "Y012"


def test_rule_table_in_contributing_is_current(project_root):
    text = (project_root / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert rules_markdown() in text, "regenerate with: alignscape rules --markdown"


# --- the shared files ------------------------------------------------------------------------

@pytest.fixture
def catalog_copy(project_root, tmp_path):
    shutil.copytree(project_root / "catalog", tmp_path / "catalog")
    return tmp_path


def _codes(root):
    return [(f.code, Path(f.path).name, f.field) for f in validate_catalog(root).findings]


def test_bibtex_syntax_error(catalog_copy):
    bib = catalog_copy / "catalog" / "references.bib"
    lines_before = bib.read_text().count("\n")
    bib.write_text(bib.read_text() + "\n@misc{broken, title = {unclosed\n")
    found = [f for f in validate_catalog(catalog_copy).findings if f.code == "X004"]
    assert found and found[0].path.endswith("references.bib")
    assert found[0].line == lines_before + 2


def test_bibtex_duplicate_key(catalog_copy):
    bib = catalog_copy / "catalog" / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{rafailov2023dpo, title = {Again}, "
                   "author = {A, B}, year = {2023}}\n")
    assert ("X010", "references.bib", "rafailov2023dpo") in _codes(catalog_copy)


def test_bibtex_missing_field(catalog_copy):
    bib = catalog_copy / "catalog" / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{noauthor2020, title = {T}, year = {2020}}\n")
    assert ("X011", "references.bib", "noauthor2020.author") in _codes(catalog_copy)


def test_taxonomy_repeats_an_option(catalog_copy):
    path = catalog_copy / "catalog" / "taxonomy.yaml"
    text = path.read_text()
    path.write_text(text.replace("- id: hint_conditioned", "- id: corpus_mining", 1))
    codes = _codes(catalog_copy)
    assert any(c == "C001" and f.endswith(".id") for c, _, f in codes), codes


def test_taxonomy_breaks_its_schema(catalog_copy):
    path = catalog_copy / "catalog" / "taxonomy.yaml"
    path.write_text(path.read_text().replace("cardinality: one", "cardinality: single", 1))
    codes = _codes(catalog_copy)
    assert any(c == "C001" and "cardinality" in f for c, _, f in codes), codes


def test_tradeoff_effect_names_unknown_option(catalog_copy):
    path = catalog_copy / "catalog" / "tradeoffs.yaml"
    path.write_text(path.read_text().replace("evaluation.evaluators.llm_judge",
                                             "evaluation.evaluators.llm_jduge", 1))
    codes = _codes(catalog_copy)
    assert any(c == "C002" and f.endswith(".option") for c, _, f in codes), codes


def test_tradeoff_effect_cites_unknown_key(catalog_copy):
    path = catalog_copy / "catalog" / "tradeoffs.yaml"
    path.write_text(path.read_text().replace("- singhal2023long", "- nobody2099", 1))
    assert any(c == "X003" and n == "tradeoffs.yaml" for c, n, _ in _codes(catalog_copy))


def _break_gaps(root, *replacements):
    path = root / "catalog" / "tradeoffs.yaml"
    head, gaps = path.read_text().split("\ngaps:\n", 1)
    for old, new in replacements:
        assert old in gaps, old
        gaps = gaps.replace(old, new, 1)
    path.write_text(head + "\ngaps:\n" + gaps)


def test_tradeoff_gap_names_unknown_option_or_reuses_a_rule_id(catalog_copy):
    _break_gaps(catalog_copy,
                ("option: evaluation.evaluators.construction_implied",
                 "option: evaluation.evaluators.construction_implid"),
                ("- id: teacher_length_gap", "- id: teacher_self_pref"))
    codes = _codes(catalog_copy)
    assert ("C002", "tradeoffs.yaml", "gaps[0].option") in codes, codes
    assert any(c == "C002" and f.startswith("gaps[") and f.endswith("].id")
               for c, _, f in codes), codes


def test_tradeoff_gap_cites_unknown_key(catalog_copy):
    _break_gaps(catalog_copy, ("  - chen2024spin", "  - nobody2099"))
    assert ("X003", "tradeoffs.yaml", "gaps[0].cite[0]") in _codes(catalog_copy)


def test_taxonomy_example_must_be_an_entry(catalog_copy):
    (catalog_copy / "catalog" / "entries" / "spin.yaml").unlink()
    codes = _codes(catalog_copy)
    assert any(c == "X005" and n == "taxonomy.yaml" for c, n, _ in codes), codes
