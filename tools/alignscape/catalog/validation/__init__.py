"""Validation of the whole catalog: schema, vocabulary and cross-file rules, every problem at once.

The result carries the typed Catalog built from the entries, so loading and validating are one
pass: downstream code never re-reads YAML. One module per rule family: vocabulary (taxonomy and
trade-off files), entries (one file), schema_errors (jsonschema errors as findings), cross
(across entries); scenarios are checked by alignscape.catalog.scenarios.

Validation is incremental: what each entry file gave (its findings, what the cross-entry rules
need, its parsed data) is remembered by content in an EntryMemo (alignscape.catalog.cache), so a
run after one edit parses and checks that one file. Each stage of an entry is redone exactly
when something it reads changed: the schema stage when the file or the vocabulary the schema is
generated from changed, the entry stage when the file or one of the references it cites
changed. The cross-entry rules (ids, references, lineage cycles, the taxonomy's examples) and
the vocabulary, BibTeX and scenario rules run on every validation, over the whole catalog.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import os
from contextlib import contextmanager
from pathlib import Path

from alignscape.catalog.bibliography import Bibliography, load_bibliography
from alignscape.catalog.findings import Finding
from alignscape.catalog.scenarios import SCENARIO_FILE, load_scenarios
from alignscape.catalog.validation.cross import CrossRecord, cross_checks
from alignscape.catalog.validation.entries import EntryChecker, Parsed, cited_keys
from alignscape.catalog.validation.paths import relative_to, shown_path
from alignscape.catalog.validation.vocabulary import (
    check_effect_citations,
    load_vocabulary,
    read_vocabulary,
)
from alignscape.catalog.yamlsafe import LoadedYaml, YamlProblem, read_file
from alignscape.model import Catalog, Entry

__all__ = ["EntryChecker", "Parsed", "ValidationResult", "load_vocabulary", "shown_path",
           "validate_catalog"]


class ValidationResult:
    """The findings of a validation, how much work it did, and the Catalog it describes (built
    when first asked for: `alignscape validate` never needs it)."""

    def __init__(self, findings: list[Finding], catalog: Catalog | None = None,
                 files_checked: int = 0, *, build=None, index=None, work: dict | None = None):
        self.findings = findings
        self.errors = findings
        self.files_checked = files_checked
        self._catalog = catalog
        self._build = build
        self._index = index
        self.consistent = False  # see _Run.consistent
        # parsed: files read and parsed; schema_checked / entry_checked: entries whose schema
        # stage / entry stage ran; rows_built: explorer index rows computed (index());
        # entries_built: Entry objects made by the catalog (the others reused from a previous
        # one, catalog_reusing).
        self.work = work or {"parsed": 0, "schema_checked": 0, "entry_checked": 0,
                             "rows_built": 0}

    @property
    def catalog(self) -> Catalog | None:
        return self.catalog_reusing(None)

    def catalog_reusing(self, previous: Catalog | None) -> Catalog | None:
        """The Catalog, with the Entry objects of `previous` (a catalog built by this module)
        for the files whose content, path and vocabulary are the same: a long-lived process
        that reloads after one edit builds one Entry, and the unchanged ones stay identical
        (`is`) to what it holds."""
        if self._catalog is None and self._build is not None:
            with _collector_paused():
                self._catalog = self._build(getattr(previous, "entry_keys", None))
            self._build = None
        return self._catalog

    def index(self) -> dict | None:
        """The explorer index of the catalog (alignscape.model.index), from the memo's rows
        for the entries that did not change."""
        if self._index is not None:
            with _collector_paused():
                return self._index()
        return self.catalog.index if self.catalog is not None else None


@contextmanager
def _collector_paused():
    """Validation allocates millions of small objects that all stay alive until it ends;
    Python's cyclic garbage collector would scan them again and again (a sixth of the time at
    10,000 entries) to free nothing, so it waits until the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _default_memo(root: Path):
    """The user's EntryMemo for this catalog, unless ALIGNSCAPE_CACHE=off."""
    if os.environ.get("ALIGNSCAPE_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    from alignscape.catalog.store import EntryMemo

    return EntryMemo(root)


def validate_catalog(root: Path, paths: list[Path] | None = None, *,
                     memo=None) -> ValidationResult:
    """Every finding of the catalog at `root`; with `paths`, of those entry files, checked in
    the context of the whole catalog. memo: an EntryMemo to reuse and update, False for none,
    None for the user's own (alignscape.catalog.cache; off with ALIGNSCAPE_CACHE=off)."""
    root = Path(root).resolve()
    if memo is None:
        memo = _default_memo(root)
    with _collector_paused():
        return _validate(root, paths, memo or None)


def _validate(root: Path, paths, memo) -> ValidationResult:
    findings: list[Finding] = []
    catalog_dir = root / "catalog"
    if memo is not None and memo.key is None:
        memo.open()
    vocabulary = read_vocabulary(catalog_dir, findings)
    taxonomy, tradeoffs = vocabulary.taxonomy, vocabulary.tradeoffs
    bibliography, bib_findings = _bibliography(catalog_dir / "references.bib", memo)
    findings += bib_findings
    if taxonomy is None or tradeoffs is None:
        return ValidationResult(sorted(findings), None)
    findings += check_effect_citations(catalog_dir, vocabulary, bibliography)

    entries_dir = catalog_dir / "entries"
    files = list(entries_dir.glob("*.yaml"))
    requested = _expand(paths or [])
    # In Path order (by parts), with a key: comparing 10,000 Path objects costs a quarter second
    files = sorted(set(files) | set(requested), key=_parts)
    checker = EntryChecker(taxonomy, tradeoffs, bibliography)
    run = _Run(root, entries_dir, checker, bibliography, memo, vocabulary)
    states = [run.check(path) for path in files]
    known_ids: set[str] = set()  # ids of every file, valid or not, so one broken entry
    records: list[CrossRecord] = []  # does not make every reference to it an error too
    for state in states:
        findings += state.findings
        if state.entry_id:
            known_ids.add(state.entry_id)
        if state.cross is not None:
            records.append(state.cross)
    findings += cross_checks(records, known_ids, taxonomy, vocabulary.taxonomy_file,
                             shown_path(catalog_dir / "taxonomy.yaml"))
    scenarios, scenario_findings = load_scenarios(
        catalog_dir, taxonomy, tradeoffs, bibliography, shown_path(catalog_dir / SCENARIO_FILE))
    findings += scenario_findings
    run.save()
    if requested:  # report on the files asked about, and on the shared files they depend on
        others = {state.shown for state in states} - {shown_path(p) for p in requested}
        findings = [f for f in findings if f.path not in others]
    kept = [state for state in states if state.cross is not None]

    def build(reuse: dict | None = None) -> Catalog:
        entries, keys = {}, {}
        checker.counts["entries_built"] = 0
        for state in kept:
            if state.cross.id not in entries:
                # An Entry is decided by its file's content, its path and the vocabulary
                # (rows_key digests the taxonomy and trade-off files).
                key = (run.rows_key, state.source, state.digest) if state.digest else None
                entry = reuse.get(key) if reuse and key else None
                if entry is None:
                    entry = Entry.from_data(run.data_of(state), state.source, taxonomy)
                    checker.counts["entries_built"] += 1
                entries[state.cross.id] = entry
                if key:
                    keys[key] = entry
        catalog = Catalog(root, taxonomy, tradeoffs, bibliography, entries, scenarios)
        catalog.entry_keys = keys
        return catalog

    def index() -> dict:
        return run.index(kept, scenarios)

    result = ValidationResult(sorted(set(findings)), None, len(files), build=build, index=index,
                              work=checker.counts)
    result.consistent = run.consistent and not requested
    return result


def _bibliography(path: Path, memo) -> tuple[Bibliography, list[Finding]]:
    """references.bib parsed (a tenth of a second for 300 references), or as the memo kept it
    for the same content."""
    shown = shown_path(path)
    kept = memo.value(path.name) if memo is not None else None
    if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], Bibliography):
        bibliography, plain = kept
        bibliography.path = shown
        return bibliography, _findings(shown, plain)
    bibliography, findings = load_bibliography(path, shown)
    if memo is not None and memo.shared.get(path.name) == _file_digest(path):
        memo.store_value(path.name, (bibliography, _plain(findings)))  # what it was parsed from
    return bibliography, findings


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(read_file(path))
    except YamlProblem:
        return None


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


def _expand(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        out += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return [p.resolve() if not p.is_absolute() else p for p in out]


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _plain(findings: list[Finding]) -> list[tuple]:
    return [(f.line, f.column, f.code, f.field, f.message, f.expected) for f in findings]


def _findings(shown: str, plain: list) -> list[Finding]:
    return [Finding(shown, *item) for item in plain]


class _State:
    """One entry file in this run: what its stages found, and where its data is."""

    __slots__ = ("name", "shown", "source", "findings", "entry_id", "cross", "digest", "data")

    def __init__(self, name, shown, source):
        self.name, self.shown, self.source = name, shown, source
        self.findings: list[Finding] = []
        self.entry_id = None
        self.cross: CrossRecord | None = None
        self.digest = None  # content digest when the memo may keep it
        self.data = None    # parsed data when parsed in this run


# A memo record per entry file name (plain data for marshal):
# (digest, schema-stage findings, id, passed, cited keys, cross record, bibliography signature,
#  entry-stage findings). The schema key and bibliography digest they hold for are stored once.
_DIGEST, _SCHEMA, _ID, _PASSED, _CITES, _CROSS, _BIB_SIG, _ENTRY = range(8)


class _Run:
    def __init__(self, root: Path, entries_dir: Path, checker: EntryChecker,
                 bibliography: Bibliography, memo, vocabulary):
        self.root, self.entries_dir, self.checker, self.memo = root, entries_dir, checker, memo
        self.bibliography = bibliography
        self.taxonomy, self.tradeoffs = vocabulary.taxonomy, vocabulary.tradeoffs
        checker.counts["rows_built"] = 0
        shown_dir = shown_path(entries_dir)
        self.shown_prefix = "" if shown_dir == "." else shown_dir + os.sep
        self.source_prefix = relative_to(entries_dir, root) + "/"
        self.records: dict = {}
        self.new_blobs: dict = {}
        self.digests: dict = {}
        self.symlinks: set[str] = set()
        self._all_keys: str | None = None
        # Whether what this run read is the state the memo's fingerprint describes (files it
        # did not read come from records of that state): then what is derived from it may be
        # stored under the fingerprint's key. A file added, removed or changed while the run
        # read it makes it False.
        self.consistent = memo is not None
        self._seen: set[str] = set()
        # The schema stage depends on the generated entry schema and, for its messages, on
        # which dimensions of each group are derived; the entry stage on references.bib
        # (through _bib_signature); index rows on the taxonomy and trade-off rules.
        self.schema_key = _digest(json.dumps(
            [checker.schema,
             [(g.id, [(d.id, d.derived_from) for d in g.dimensions])
              for g in self.taxonomy.groups]]).encode())
        self.bib_key = _digest("\0".join(
            f"{key}\1{ref.year}\1{ref.eprint}"
            for key, ref in bibliography.references.items()).encode())
        self.rows_key = _digest(json.dumps(
            [vocabulary.taxonomy_file.data, vocabulary.tradeoffs_file.data]).encode())
        self.records_before: dict = {}
        self.same_schema = self.same_bib = False
        if memo is not None:
            if memo.key is None:
                memo.open()
            stored = memo.records
            self.records_before = stored.get("files", {})
            self.same_schema = stored.get("schema") == self.schema_key
            self.same_bib = self.same_schema and stored.get("bib") == self.bib_key
            self.digests = memo.digests
            try:
                with os.scandir(entries_dir) as listing:
                    self.symlinks = {e.name for e in listing if e.is_symlink()}
            except OSError:
                pass

    # --- one file ------------------------------------------------------------------------------

    def check(self, path: Path) -> _State:
        in_folder = path.parent == self.entries_dir
        name = path.name
        state = _State(name, self.shown_prefix + name if in_folder else shown_path(path),
                       self.source_prefix + name if in_folder else relative_to(path, self.root))
        memo_ok = (self.memo is not None and in_folder and name not in self.symlinks
                   and name in self.digests)
        if in_folder:
            self._seen.add(name)
            if not memo_ok:
                self.consistent = False
        old = self.records_before.get(name) if memo_ok else None
        known = self.digests[name] if memo_ok else None
        record = old if (old is not None and self.same_schema
                         and old[_DIGEST] == known) else None
        loaded = None
        if record is None:
            # Parsing depends on the content alone: after a change of the schema, the memo's
            # parse of an unchanged file is checked again without reading the YAML.
            kept = self._from_blob(name, known) if old is not None and old[_DIGEST] == known \
                else None
            if kept is not None:
                raw, digest = b"", known
            else:
                try:
                    raw = read_file(path)
                except YamlProblem as problem:
                    state.findings = [Finding(state.shown, problem.line, problem.column,
                                              problem.code, problem.field, problem.message)]
                    return state
                digest = _digest(raw)
                if memo_ok and digest != known:
                    self.consistent = False
            if old is not None and self.same_schema and old[_DIGEST] == digest:
                record = old  # touched, not changed
            else:
                loaded, schema_findings, entry_id = self.checker.schema_stage(
                    raw, state.shown, kept)
                passed = loaded is not None
                record = [digest, _plain(schema_findings), entry_id, passed,
                          cited_keys(loaded.data) if passed else [],
                          CrossRecord.of(loaded.data, loaded).plain() if passed else None,
                          None, []]
                if kept is not None and passed and old[_PASSED]:
                    # same content and file name: the entry stage's findings still hold if
                    # what it reads of references.bib did not change (checked below)
                    record[_BIB_SIG], record[_ENTRY] = old[_BIB_SIG], old[_ENTRY]
                if passed and memo_ok and kept is None:
                    self.new_blobs[name] = (digest, marshal.dumps(
                        (loaded.data, loaded.marks, loaded.key_marks)))
        state.entry_id = record[_ID]
        state.findings = _findings(state.shown, record[_SCHEMA]) if record[_SCHEMA] else []
        if record[_PASSED]:
            if not (self.same_bib and record is old):
                signature = self._bib_signature(record[_CITES])
                if record[_BIB_SIG] != signature:
                    if loaded is None:
                        loaded = self._loaded(name, record[_DIGEST], path)
                    record = list(record)
                    record[_ENTRY] = _plain(self.checker.entry_stage(loaded, state.shown,
                                                                     Path(name).stem))
                    record[_BIB_SIG] = signature
            if record[_ENTRY]:
                state.findings += _findings(state.shown, record[_ENTRY])
            state.cross = CrossRecord.from_plain(record[_CROSS], state.shown)
            if loaded is not None:
                state.data = loaded.data
        if memo_ok:
            state.digest = record[_DIGEST]
            self.records[name] = tuple(record) if isinstance(record, list) else record
        return state

    def _bib_signature(self, cites: list[str]) -> str:
        """What an entry's own rules read of references.bib: for each key it cites, whether it
        exists and its year and eprint; if one is missing, every key (the suggestion)."""
        parts = []
        missing = False
        for key in cites:
            reference = self.bibliography.get(key)
            if reference is None:
                missing = True
                parts.append((key,))
            else:
                parts.append((key, reference.year, reference.eprint))
        if missing:
            if self._all_keys is None:
                self._all_keys = _digest("\0".join(self.bibliography.references).encode())
            parts.append(self._all_keys)
        return _digest(repr(parts).encode())

    def _from_blob(self, name: str, digest: str) -> LoadedYaml | None:
        blob = self.memo.blob(name) if self.memo is not None else None
        if blob is None or blob[0] != digest:
            return None
        data, marks, key_marks = marshal.loads(blob[1])
        return LoadedYaml(data, marks, key_marks)

    def _loaded(self, name: str, digest: str, path: Path) -> LoadedYaml:
        """The parsed file of an unchanged entry: from the memo, else parsed again."""
        loaded = self._from_blob(name, digest)
        if loaded is not None:
            return loaded
        try:
            raw = read_file(path)
        except YamlProblem:
            raise _Changed(path) from None
        loaded, _, _ = self.checker.schema_stage(raw, "")
        if loaded is None or _digest(raw) != digest:  # changed under our feet: the next run
            raise _Changed(path)                       # sees it; this one cannot be trusted
        self.new_blobs[name] = (digest, marshal.dumps(
            (loaded.data, loaded.marks, loaded.key_marks)))
        return loaded

    def data_of(self, state: _State) -> dict:
        if state.data is not None:
            return state.data
        return self._loaded(state.name, state.digest, self.entries_dir / state.name).data

    # --- the explorer index --------------------------------------------------------------------

    def index(self, kept: list[_State], scenarios) -> dict:
        from alignscape.model.index import explorer_index

        rows_before = self.memo.rows() if self.memo is not None else {}
        header = explorer_index(Catalog(self.root, self.taxonomy, self.tradeoffs,
                                        self.bibliography, {}, scenarios))
        rows, missing, seen = [], {}, set()
        for state in kept:
            if state.cross.id in seen:
                continue
            seen.add(state.cross.id)
            known = rows_before.get(state.name) if state.digest is not None else None
            if known is not None and known[0] == state.digest and known[1] == self.rows_key:
                rows.append(known[2])
            else:
                missing[state.cross.id] = (len(rows), state)
                rows.append(None)
        if missing:
            entries = {entry_id: Entry.from_data(self.data_of(state), state.source,
                                                 self.taxonomy)
                       for entry_id, (_, state) in missing.items()}
            built = explorer_index(Catalog(self.root, self.taxonomy, self.tradeoffs,
                                           self.bibliography, entries, scenarios))["entries"]
            updates = {}
            for row, (position, state) in zip(built, missing.values(), strict=True):
                rows[position] = row
                if state.digest is not None:
                    updates[state.name] = (state.digest, self.rows_key, row)
            self.checker.counts["rows_built"] += len(missing)
            if self.memo is not None:
                self.memo.save_rows(updates, {s.name for s in kept if s.digest is not None})
        header["entries"] = rows
        return header

    def save(self) -> None:
        if self.consistent and not self._seen >= set(self.digests):
            self.consistent = False  # a file of the fingerprint was not there to validate
        if self.memo is not None:
            self.memo.save({"schema": self.schema_key, "bib": self.bib_key,
                            "files": self.records}, self.new_blobs)


class _Changed(RuntimeError):
    """An entry file changed while the catalog was being validated."""

    def __init__(self, path: Path):
        super().__init__(f"{shown_path(path)} changed while the catalog was being validated; "
                         "run the command again")
