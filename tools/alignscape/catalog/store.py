"""What the caches of alignscape.catalog are made of: the content key of a catalog and the stat
memo behind it (fingerprint), the files of a cache slot (_write/_read: atomic, checked, never
someone else's), and the EntryMemo that validation keeps per entry file. CatalogCache
(alignscape.catalog.cache) builds on them; validation (alignscape.catalog.validation) uses the
EntryMemo without depending on CatalogCache.

The key is a hash over the bytes of every catalog file (catalog/*.yaml, catalog/*.bib,
catalog/entries/*.yaml), every schema (schema/*.json), the Python code that loads, validates and
indexes them, the package version and the Python version. Reading 10,000 small files costs about
a second on a slow file system, which is the whole budget of a query, so each file's digest is
memoised against its stat signature (size, mtime, ctime, inode) — the technique git uses for its
index. A memoised digest is trusted only if the file's times lie at least RACY_NS before the
memo was taken ("racily clean" files are hashed again), and ctime cannot be set back by a
program, so an edit that restores the old mtime is still seen. The key itself is always content:
touching a file changes nothing, reverting an edit finds the earlier cache again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import sys
import time
import zlib
from pathlib import Path

from alignscape.paths import PACKAGE_ROOT, schema_dir
from alignscape.version import __version__

FORMAT = 4
RACY_NS = 2_000_000_000
# The packages whose code decides what a cached catalog, index or column store holds.
CODE_PACKAGES = ("catalog", "catalog/validation", "taxonomy", "model", "query")


def _folders(root: Path) -> list[tuple[str, str, tuple[str, ...], frozenset | None]]:
    """(label, folder, suffixes, names or None for all) of everything the key covers: the
    catalog, the schemas, and the code whose behaviour decides what a cached catalog holds."""
    catalog = os.path.join(root, "catalog")
    return [
        ("catalog", catalog, (".yaml", ".bib"), None),
        ("catalog/entries", os.path.join(catalog, "entries"), (".yaml",), None),
        ("schema", str(schema_dir()), (".json",), None),
        ("code", str(PACKAGE_ROOT), (".py",),
         frozenset({"paths.py", "querylang.py", "suggest.py", "version.py"})),
        *((f"code/{package}", str(PACKAGE_ROOT / package), (".py",), None)
          for package in CODE_PACKAGES),
    ]


def default_directory() -> Path:
    """$ALIGNSCAPE_CACHE_DIR, else $XDG_CACHE_HOME/alignscape, else ~/.cache/alignscape: the
    user's cache directory, as every tool that caches finds it."""
    explicit = os.environ.get("ALIGNSCAPE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "alignscape"


def slot_dir(root: Path, directory: Path | None = None) -> Path:
    name = str(Path(root).resolve()).encode()
    return (directory or default_directory()) / hashlib.blake2b(name, digest_size=10).hexdigest()


def _digest_file(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()


def _memo_entry_ok(old) -> bool:
    return (isinstance(old, tuple) and len(old) == 4 and isinstance(old[3], str)
            and all(isinstance(part, list) for part in old[:3])
            and len(old[0]) == len(old[1]) == len(old[2]))


def _stat(entry):
    try:
        return entry.stat()
    except FileNotFoundError:  # deleted while listing: the next run sees the new state
        return None


def fingerprint(root: Path, memo: dict | None = None, memo_time: int = 0):
    """(key, table, rehashed, taken): the content key, the stat memo to store, how many files
    were read, when the memo was taken. `memo` is the table of an earlier run, trusted for files
    last changed RACY_NS before its `memo_time`. This runs on every query, so a folder whose
    names and stat signatures are all unchanged is settled by comparing two lists at once."""
    memo = memo or {}
    taken = time.time_ns()
    limit = memo_time - RACY_NS
    table: dict[str, tuple] = {}
    rehashed = 0
    folder_digests = [f"alignscape {__version__} cache {FORMAT} python {sys.version}"]
    for label, folder, suffixes, names in _folders(root):
        try:
            with os.scandir(folder) as listing:
                found = sorted((e for e in listing if e.name.endswith(suffixes)
                                and (names is None or e.name in names)),
                               key=lambda e: e.name)
        except FileNotFoundError:
            continue
        stats = [_stat(e) for e in found]
        kept = [(e.name, st) for e, st in zip(found, stats, strict=True)
                if st is not None and stat.S_ISREG(st.st_mode)]
        names_now = [name for name, _ in kept]
        signatures = [(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for _, st in kept]
        old = memo.get(label)
        if not _memo_entry_ok(old):
            old = None
        if (old is not None and old[0] == names_now and old[1] == signatures
                and max((max(s[1], s[2]) for s in signatures), default=0) < limit):
            table[label] = old
            folder_digests.append(old[3])
            continue
        previous = dict(zip(old[0], zip(old[1], old[2], strict=True), strict=True)) if old else {}
        digests = []
        for (name, _), signature in zip(kept, signatures, strict=True):
            known = previous.get(name)
            if known is not None and known[0] == signature and max(signature[1:3]) < limit:
                digests.append(known[1])
            else:
                digests.append(_digest_file(os.path.join(folder, name)))
                rehashed += 1
        listing_text = "\0".join(f"{n}\0{d}" for n, d in zip(names_now, digests, strict=True))
        digest = hashlib.blake2b(f"{label}\0{listing_text}".encode(), digest_size=20).hexdigest()
        table[label] = (names_now, signatures, digests, digest)
        folder_digests.append(digest)
    key = hashlib.blake2b("\n".join(folder_digests).encode(), digest_size=20).hexdigest()
    return key, table, rehashed, taken


# --- files ---------------------------------------------------------------------------------------

def _write(path: Path, key: str, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    header = json.dumps({"format": FORMAT, "key": key,
                         "digest": hashlib.blake2b(payload, digest_size=20).hexdigest()})
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(header.encode() + b"\n" + payload)
    os.replace(temporary, path)  # readers see the old file or the new one, never half of one


def _read(path: Path, key: str | None) -> bytes | None:
    """The payload if the file is ours, intact and written for `key` (None: for any key);
    else None."""
    try:
        st = os.stat(path)
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            return None  # someone else could have written it: never unpickle that
        raw = path.read_bytes()
        head, _, payload = raw.partition(b"\n")
        header = json.loads(head)
        if header.get("format") != FORMAT or (key is not None and header.get("key") != key):
            return None
        if hashlib.blake2b(payload, digest_size=20).hexdigest() != header.get("digest"):
            return None
        return payload
    except (OSError, ValueError, AttributeError):
        return None


def _read_manifest(slot: Path) -> dict:
    """The stat memo of the last run (marshal: it is read by every query), or {}."""
    payload = _read(slot / "manifest.marshal", "manifest")
    try:
        manifest = marshal.loads(payload) if payload is not None else {}
    except (ValueError, EOFError, TypeError):
        return {}
    if isinstance(manifest, dict) and isinstance(manifest.get("files"), dict) \
            and isinstance(manifest.get("taken"), int):
        return manifest
    return {}


def _write_manifest(slot: Path, key: str, table: dict, taken: int) -> None:
    _write(slot / "manifest.marshal", "manifest",
           marshal.dumps({"key": key, "taken": taken, "files": table}))


# --- the memo of checked entries ---------------------------------------------------------------

BLOB_SHARDS = 64


def _shard(name: str) -> int:
    return zlib.crc32(name.encode()) % BLOB_SHARDS


# The records file as this process last wrote it: path -> (its stat signature, code, records).
# A long-lived process (serve) that validates after every edit reads them back from here
# instead of from disk (a second at 10,000 entries) while the file is still the one it wrote:
# a write by another process replaces the file (os.replace), which changes the signature.
_RECORDS_WRITTEN: dict[str, tuple] = {}


def _signature(path: Path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)


class EntryMemo:
    """What validation learnt about each entry file, keyed by its content: the findings of its
    schema stage and entry stage, what the cross-entry rules read of it, its parsed data, and
    its explorer index row (alignscape.catalog.validation uses it; see there what each depends
    on). Files in the same slot as the cached catalog, all keyed by the code and schema
    digests, so a change to the validator forgets everything:

      entries.records.marshal     per file: digest, findings, id, cross record (read every run)
      entries.blobs.NN.marshal    per file: the parsed data and positions, in 64 shards by file
                                  name (one edit rewrites one shard; read when an unchanged
                                  entry must be checked again, or the Catalog built)
      entries.rows.NN.marshal     per file: its explorer index row, in the same 64 shards
                                  (read to rebuild the index)

    The digests of the entry files come from the stat memo of the fingerprint (manifest), so
    an unchanged file is not even read."""

    def __init__(self, root: Path, directory: Path | None = None):
        self.root = Path(root)
        self.slot = slot_dir(self.root, directory)
        self.key = None
        self.digests: dict[str, str] = {}
        self.shared: dict[str, str] = {}
        self.records: dict = {}
        self.rehashed = 0
        self._code = None
        self._shards: dict[int, dict] = {}
        self._row_shards: dict[int, dict] = {}
        self._rows = None

    def open(self, fingerprinted=None) -> None:
        """Take the fingerprint (or reuse `fingerprinted` = (key, table) of the caller's) and
        read the records."""
        if fingerprinted is None:
            self.key, table, self.rehashed = _fingerprinted(self.root, self.slot)
        else:
            self.key, table = fingerprinted
        names, _, digests, _ = table.get("catalog/entries", ([], [], [], ""))
        self.digests = dict(zip(names, digests, strict=True))
        names, _, digests, _ = table.get("catalog", ([], [], [], ""))
        self.shared = dict(zip(names, digests, strict=True))  # taxonomy.yaml, references.bib
        code = [f"{FORMAT} {__version__} {sys.version}"]
        code += [f"{label} {entry[3]}" for label, entry in sorted(table.items())
                 if label == "schema" or label.startswith("code")]
        self._code = "memo " + hashlib.blake2b("\n".join(code).encode(),
                                                digest_size=20).hexdigest()
        path = self.slot / "entries.records.marshal"
        kept = _RECORDS_WRITTEN.get(str(path))
        if kept is not None and kept[1] == self._code and kept[0] == _signature(path):
            self.records = kept[2]  # read only: save() stores a new dict
        else:
            self.records = self._load("entries.records.marshal")
        if not isinstance(self.records.get("files"), dict):
            self.records = {}

    def _load(self, name: str) -> dict:
        payload = _read(self.slot / name, self._code)
        try:
            value = marshal.loads(payload) if payload is not None else {}
        except (ValueError, EOFError, TypeError):
            return {}
        return value if isinstance(value, dict) else {}

    def _store(self, name: str, value: dict) -> bool:
        try:
            _write(self.slot / name, self._code, marshal.dumps(value))
        except (OSError, ValueError):
            return False  # a read-only cache directory only costs speed
        return True

    def value(self, name: str):
        """What store_value kept for the shared file `name` as it is now (by its digest), or
        None. Pickled: the file is in the user's own cache and checked like catalog.pickle."""
        import pickle

        digest = self.shared.get(name)
        payload = _read(self.slot / f"shared.{name}.pickle", f"{self._code} {digest}") \
            if digest else None
        try:
            return pickle.loads(payload) if payload is not None else None
        except Exception:  # whatever a damaged payload raises: parse the file again
            return None

    def store_value(self, name: str, value) -> None:
        import pickle

        digest = self.shared.get(name)
        if digest:
            try:
                _write(self.slot / f"shared.{name}.pickle", f"{self._code} {digest}",
                       pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            except (OSError, pickle.PicklingError):
                pass

    def _blob_shard(self, number: int) -> dict:
        if number not in self._shards:
            self._shards[number] = self._load(f"entries.blobs.{number:02d}.marshal")
        return self._shards[number]

    def blob(self, name: str):
        """(digest, marshalled parse) of entry file `name` as last parsed, or None."""
        blob = self._blob_shard(_shard(name)).get(name)
        return blob if isinstance(blob, tuple) and len(blob) == 2 else None

    def rows(self) -> dict:
        """Every stored index row: file name -> (digest, rows key, row)."""
        if self._rows is None:
            self._rows = {}
            for number in range(BLOB_SHARDS):
                self._rows.update(self._row_shard(number))
        return self._rows

    def _row_shard(self, number: int) -> dict:
        if number not in self._row_shards:
            self._row_shards[number] = self._load(f"entries.rows.{number:02d}.marshal")
        return self._row_shards[number]

    def save(self, records: dict, new_blobs: dict) -> None:
        """Keep `records` ({"files": per entry file of this run, ...}) and the parses made
        now, in the shards they fall in; a shard written drops files that are gone."""
        if records != self.records:
            written = self._store("entries.records.marshal", records)
            self.records = records
            path = self.slot / "entries.records.marshal"
            signature = _signature(path) if written else None
            if signature is not None:
                _RECORDS_WRITTEN.clear()  # one catalog's at a time: it is large
                _RECORDS_WRITTEN[str(path)] = (signature, self._code, records)
        files = records.get("files", {})
        touched: dict[int, dict] = {}
        for name, blob in new_blobs.items():
            touched.setdefault(_shard(name), {})[name] = blob
        for number, blobs in touched.items():
            shard = {name: blob for name, blob in self._blob_shard(number).items()
                     if name in files and files[name][0] == blob[0]}
            shard.update(blobs)
            self._store(f"entries.blobs.{number:02d}.marshal", shard)
            self._shards[number] = shard

    def save_rows(self, updates: dict, live: set[str]) -> None:
        """Keep the rows computed now, in their shards; a shard written drops files that are
        gone (a stale row is never used: its digest or rows key differs)."""
        touched: dict[int, dict] = {}
        for name, row in updates.items():
            touched.setdefault(_shard(name), {})[name] = row
        for number, rows in touched.items():
            shard = {name: row for name, row in self._row_shard(number).items() if name in live}
            shard.update(rows)
            self._store(f"entries.rows.{number:02d}.marshal", shard)
            self._row_shards[number] = shard
        self._rows = None


def _fingerprinted(root: Path, slot: Path):
    """(key, table, rehashed) of the catalog now, through the stat memo of the last run."""
    manifest = _read_manifest(slot)
    try:
        key, table, rehashed, taken = fingerprint(root, manifest.get("files"),
                                                  manifest.get("taken", 0))
    except (TypeError, ValueError, IndexError, KeyError):  # a memo of another shape
        key, table, rehashed, taken = fingerprint(root)
    if rehashed:  # remember the new digests so the next run need not read those files again
        try:
            _write_manifest(slot, key, table, taken)
        except OSError:
            pass
    return key, table, rehashed


def _unchanged(root: Path, table: dict, labels=("catalog", "schema")) -> bool:
    """Whether every file of the folders `labels` still has the stat signature of `table`
    (taken before validating): a second look that reads no file. The entry files need no
    second look: validation reports whether what it read is what the table describes."""
    for label, folder, suffixes, names in _folders(root):
        if label not in labels:
            continue
        try:
            with os.scandir(folder) as listing:
                found = sorted((e for e in listing if e.name.endswith(suffixes)
                                and (names is None or e.name in names)),
                               key=lambda e: e.name)
        except FileNotFoundError:
            found = []
        stats = [_stat(e) for e in found]
        kept = [(e.name, st) for e, st in zip(found, stats, strict=True)
                if st is not None and stat.S_ISREG(st.st_mode)]
        before = table.get(label)
        if before is None:
            if kept:
                return False
            continue
        if before[0] != [name for name, _ in kept] or before[1] != [
                (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for _, st in kept]:
            return False
    return True
