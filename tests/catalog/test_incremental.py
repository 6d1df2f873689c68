"""Incremental validation: after any change, the memo's answer equals a run without it, and it
re-checks only what depends on the change (counted, not timed)."""

from __future__ import annotations

import marshal
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from alignscape.catalog import store
from alignscape.catalog.store import EntryMemo
from alignscape.catalog.validation import validate_catalog

OLD = time.time_ns() - 3600 * 10**9


@pytest.fixture
def project(project_root, tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(project_root / "catalog", root / "catalog")
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD, OLD))
    monkeypatch.setattr(store, "RACY_NS", 0)  # the tests edit well after each run
    return root


def entries(root: Path) -> Path:
    return root / "catalog" / "entries"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def run(root: Path, tmp_path: Path):
    """(incremental result, fresh result) of the same catalog."""
    memo = EntryMemo(root, tmp_path / "memo")
    return validate_catalog(root, memo=memo), validate_catalog(root, memo=False)


def same(incremental, fresh) -> None:
    assert incremental.findings == fresh.findings
    assert incremental.files_checked == fresh.files_checked
    a, b = incremental.catalog, fresh.catalog
    assert (a is None) == (b is None)
    if a is not None:
        assert a.entries == b.entries
        assert list(a.entries) == list(b.entries)
        assert [s.id for s in a.scenarios] == [s.id for s in b.scenarios]
        assert incremental.index() == b.index


def cite_of(root: Path, entry_id: str) -> str:
    text = (entries(root) / f"{entry_id}.yaml").read_text(encoding="utf-8")
    return re.search(r"^cite: (\S+)", text, re.M).group(1)


def set_year(root: Path, key: str, year: int) -> None:
    bib = root / "catalog" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    block = re.search(rf"@\w+\{{{re.escape(key)},[^@]*?year = \{{\d{{4}}\}}", text).group(0)
    bib.write_text(text.replace(block, re.sub(r"year = \{\d{4}\}", f"year = {{{year}}}",
                                              block)), encoding="utf-8")


def cited_by(root: Path, key: str) -> int:
    return sum(1 for p in entries(root).glob("*.yaml")
               if re.search(rf"\b{re.escape(key)}\b", p.read_text(encoding="utf-8")))


MUTATIONS = {
    "nothing": lambda r: None,
    "edit an entry": lambda r: edit(entries(r) / "dpo.yaml", "summary:", "summary: Edited."),
    "break an entry": lambda r: edit(entries(r) / "dpo.yaml", "kind: objective", "kind: recipe"),
    "add an entry": lambda r: (entries(r) / "dpo_copy.yaml").write_text(
        (entries(r) / "dpo.yaml").read_text().replace("id: dpo", "id: dpo_copy", 1)),
    "add a duplicate id": lambda r: shutil.copy(entries(r) / "kto.yaml",
                                                entries(r) / "kto_again.yaml"),
    "delete an entry others build on": lambda r: (entries(r) / "dpo.yaml").unlink(),
    "rename an entry": lambda r: (entries(r) / "kto.yaml").rename(entries(r) / "kto2.yaml"),
    "add a lineage cycle": lambda r: edit(entries(r) / "simpo.yaml", "builds_on: [dpo]",
                                          "builds_on: [dpo, simpo]"),
    "change a taxonomy label": lambda r: edit(r / "catalog" / "taxonomy.yaml",
                                              "label: LLM judge", "label: LLM as a judge"),
    "rename a taxonomy option": lambda r: edit(r / "catalog" / "taxonomy.yaml",
                                               "- id: margin_threshold", "- id: margin_gate"),
    "change a trade-off rule": lambda r: edit(r / "catalog" / "tradeoffs.yaml",
                                              "level: high", "level: low"),
    "change a BibTeX year": lambda r: set_year(r, cite_of(r, "orpo"), 2001),
    "remove a BibTeX key": lambda r: edit(r / "catalog" / "references.bib",
                                          "{rafailov2023dpo,", "{rafailov2023dpo_gone,"),
}


def test_every_mutation_in_turn_equals_a_fresh_run(project, tmp_path):
    """One memo through a sequence of changes (each kept): after each, the same findings,
    entries, scenarios and index as validating from scratch."""
    assert "rafailov2023dpo" in (project / "catalog" / "references.bib").read_text()
    for name, mutate in MUTATIONS.items():
        mutate(project)
        incremental, fresh = run(project, tmp_path)
        try:
            same(incremental, fresh)
        except AssertionError as exc:
            raise AssertionError(f"after {name!r}: {exc}") from exc
    codes = {f.code for f in fresh.findings}
    assert {"T001", "X001", "X002", "X003", "X005", "X006", "X012"} <= codes


@pytest.mark.parametrize("name", [n for n in MUTATIONS if n != "nothing"])
def test_each_mutation_alone_equals_a_fresh_run(project, tmp_path, name):
    run(project, tmp_path)  # fill the memo
    MUTATIONS[name](project)
    same(*run(project, tmp_path))


def test_requested_files_are_reported_like_a_fresh_run(project, tmp_path):
    run(project, tmp_path)
    path = entries(project) / "dpo.yaml"
    edit(path, "kind: objective", "kind: recipe")
    memo = EntryMemo(project, tmp_path / "memo")
    assert validate_catalog(project, [path], memo=memo).findings == \
        validate_catalog(project, [path], memo=False).findings


def work(project, tmp_path) -> dict:
    result = validate_catalog(project, memo=EntryMemo(project, tmp_path / "memo"))
    result.index()
    return result.work


def test_an_edit_rechecks_only_what_depends_on_it(project, tmp_path):
    total = len(list(entries(project).glob("*.yaml")))
    first = work(project, tmp_path)
    assert first["parsed"] == first["schema_checked"] == total
    assert first["rows_built"] == total

    assert work(project, tmp_path) == {"parsed": 0, "schema_checked": 0, "entry_checked": 0,
                                       "rows_built": 0}

    edit(entries(project) / "dpo.yaml", "summary:", "summary: Edited.")
    assert work(project, tmp_path) == {"parsed": 1, "schema_checked": 1, "entry_checked": 1,
                                       "rows_built": 1}

    (entries(project) / "kto.yaml").unlink()  # the cross-entry rules see it; nothing is parsed
    assert work(project, tmp_path) == {"parsed": 0, "schema_checked": 0, "entry_checked": 0,
                                       "rows_built": 0}

    # A BibTeX year: only the entries citing that key run their entry rules again.
    citing = cited_by(project, "rafailov2023dpo")
    set_year(project, "rafailov2023dpo", 2001)
    counts = work(project, tmp_path)
    assert counts["parsed"] == counts["schema_checked"] == counts["rows_built"] == 0
    assert 0 < counts["entry_checked"] <= citing

    # A label in the taxonomy changes no schema: nothing is checked, rows are rebuilt.
    edit(project / "catalog" / "taxonomy.yaml", "label: LLM judge", "label: LLM as a judge")
    counts = work(project, tmp_path)
    assert counts["parsed"] == counts["schema_checked"] == counts["entry_checked"] == 0
    assert counts["rows_built"] == total - 1

    # A new option changes the schema: every entry is checked again from its kept parse.
    edit(project / "catalog" / "taxonomy.yaml", "          - id: margin_threshold\n",
         "          - id: brand_new_option\n            label: New\n"
         "            definition: A new option that no entry has chosen yet, for this test.\n"
         "          - id: margin_threshold\n")
    counts = work(project, tmp_path)
    assert counts["parsed"] == 0 and counts["entry_checked"] == 0
    assert counts["schema_checked"] == total - 1


def test_the_records_this_process_wrote_are_read_back_from_memory_until_replaced(project,
                                                                                 tmp_path):
    """A long-lived process (serve) gets its own last records back without reading the file;
    once another process has replaced the file, the file's records are read."""
    validate_catalog(project, memo=EntryMemo(project, tmp_path / "memo"))
    edit(entries(project) / "dpo.yaml", "summary:", "summary: Edited.")
    writer = EntryMemo(project, tmp_path / "memo")
    validate_catalog(project, memo=writer)
    again = EntryMemo(project, tmp_path / "memo")
    again.open()
    assert again.records is writer.records

    other = {**writer.records, "files": {}}  # what another process might write
    path = writer.slot / "entries.records.marshal"
    store._write(path.with_name("other"), writer._code, marshal.dumps(other))
    os.replace(path.with_name("other"), path)
    fresh = EntryMemo(project, tmp_path / "memo")
    fresh.open()
    assert fresh.records == other and fresh.records is not writer.records
