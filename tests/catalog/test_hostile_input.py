"""Random and mutated YAML never produces a traceback: only located findings."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignscape.catalog.bibliography import load_bibliography
from alignscape.catalog.findings import RULES
from alignscape.catalog.validation import EntryChecker, load_vocabulary


@pytest.fixture(scope="module")
def checker(project_root):
    taxonomy, tradeoffs, findings = load_vocabulary(project_root)
    assert not findings
    bibliography, _ = load_bibliography(project_root / "catalog" / "references.bib", "refs")
    return EntryChecker(taxonomy, tradeoffs, bibliography)


@pytest.fixture(scope="module")
def real_entry(project_root) -> str:
    return (project_root / "catalog" / "entries" / "ultrafeedback.yaml").read_text()


def _assert_clean(checker, raw: bytes):
    findings, _, _ = checker.check_bytes(raw, "fuzz.yaml", "fuzz")
    for finding in findings:
        assert finding.code in RULES
        assert finding.line >= 1 and finding.column >= 1
        finding.format()


YAML_PIECES = st.sampled_from([
    "id: x\n", "kind: method\n", "- a\n", "  - b\n", "\t", "&a ", "*a", "!!python/name:os.system ",
    "!tag ", "{", "}", "[", "]", ": ", "? ", "<<: *a\n", "'", '"', "|\n", ">-\n", "---\n", "...\n",
    "year: 2023-01-01\n", "1: 2\n", "null: ~\n", "yes: no\n", "\x00", "\ufeff", "é", "#c\n",
    "pipeline:\n  synthesis:\n    sources: [x]\n", "links: {paper: 'javascript:alert(1)'}\n",
    "links: {code: 'https://[::1'}\n", "links: {code: 'http://h:99999/'}\n",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_assembled_yaml_never_crashes(checker, text):
    _assert_clean(checker, text.encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(checker, raw):
    _assert_clean(checker, raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_real_entry_never_crashes(checker, real_entry, data):
    text = real_entry
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        choice = data.draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if choice == "delete":
            text = text[:position] + text[position + data.draw(st.integers(1, 30)):]
        elif choice == "insert":
            text = text[:position] + data.draw(YAML_PIECES) + text[position:]
        else:
            line_start = text.rfind("\n", 0, position) + 1
            line_end = text.find("\n", position)
            text = text[:line_end] + "\n" + text[line_start:line_end] + text[line_end:]
    _assert_clean(checker, text.encode("utf-8"))


def test_deep_nesting_is_located_not_a_crash(checker):
    findings, _, _ = checker.check_bytes(b"a: " + b"[" * 5000 + b"]" * 5000, "deep.yaml", "deep")
    assert findings and findings[0].code == "Y001"


def test_billion_laughs_is_refused_early(checker):
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    findings, _, _ = checker.check_bytes("\n".join(lines).encode(), "lol.yaml", "lol")
    assert [f.code for f in findings] == ["Y008"]
