"""A cached, validated catalog, keyed by the content of everything that decides it.

The key is a hash over the bytes of every catalog file (catalog/*.yaml, catalog/*.bib,
catalog/entries/*.yaml), every schema (schema/*.json), the Python code that loads, validates and
indexes them, the package version and the Python version. Reading 10,000 small files costs about
a second on a slow file system, which is the whole budget of a query, so each file's digest is
memoised against its stat signature (size, mtime, ctime, inode) — the technique git uses for its
index. A memoised digest is trusted only if the file's times lie at least RACY_NS before the
memo was taken ("racily clean" files are hashed again), and ctime cannot be set back by a
program, so an edit that restores the old mtime is still seen. The key itself is always content:
touching a file changes nothing, reverting an edit finds the earlier cache again.

The cache lives in the user's cache directory ($ALIGNSCAPE_CACHE_DIR, else
$XDG_CACHE_HOME/alignscape, else ~/.cache/alignscape), never inside the project, so a pull
request cannot ship one. It holds the explorer index (JSON; all a query needs) and the full
Catalog (pickle, for commands that explain levels). A file that is truncated, corrupt, not ours
or written by another key is ignored and rebuilt. Whether to use it, and where it lives, are
arguments of CatalogCache (the commands read --no-cache and ALIGNSCAPE_CACHE=off); layers above
the catalog store their own derived artefacts in the same slot through `CatalogCache.artefact`.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import stat
import sys
import time
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


def _read(path: Path, key: str) -> bytes | None:
    """The payload if the file is ours, intact and written for `key`; else None."""
    try:
        st = os.stat(path)
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            return None  # someone else could have written it: never unpickle that
        raw = path.read_bytes()
        head, _, payload = raw.partition(b"\n")
        header = json.loads(head)
        if header.get("format") != FORMAT or header.get("key") != key:
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


# --- loading -------------------------------------------------------------------------------------

class CacheStats:
    """What the last load did (for `make bench` and the tests)."""

    def __init__(self):
        self.hit = False
        self.rehashed = 0


def _current_key(root: Path, slot: Path, stats: CacheStats | None = None) -> str:
    manifest = _read_manifest(slot)
    try:
        key, table, rehashed, taken = fingerprint(root, manifest.get("files"),
                                                  manifest.get("taken", 0))
    except (TypeError, ValueError, IndexError, KeyError):  # a memo of another shape
        key, table, rehashed, taken = fingerprint(root)
    if stats is not None:
        stats.rehashed = rehashed
    if rehashed:  # remember the new digests so the next run need not read those files again
        try:
            _write_manifest(slot, key, table, taken)
        except OSError:
            pass
    return key


def _validated(root: Path):
    from alignscape.catalog.validation import validate_catalog
    from alignscape.model import CatalogInvalid

    result = validate_catalog(root)
    if result.errors:
        raise CatalogInvalid(result.errors)
    return result.catalog


class CatalogCache:
    """The validated catalog at `root` and what is derived from it, cached by content.

    enabled=False validates every time and writes nothing (--no-cache). `artefacts` are the
    derived files written whenever the catalog is rebuilt: name -> encode(catalog) -> bytes."""

    def __init__(self, root: Path, *, enabled: bool = True, directory: Path | None = None):
        self.root = Path(root)
        self.enabled = enabled
        self.slot = slot_dir(self.root, directory)
        self.stats = CacheStats()
        self.artefacts: dict = {}

    def _build(self, key: str):
        import pickle

        catalog = _validated(self.root)
        # Store only if nothing changed while validating (contributors edit files all the time).
        if _current_key(self.root, self.slot) == key:
            try:
                for name, encode in self.artefacts.items():
                    _write(self.slot / name, key, encode(catalog))
                _write(self.slot / "index.json", key,
                       json.dumps(catalog.index, separators=(",", ":")).encode())
                _write(self.slot / "catalog.pickle", key,
                       pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only cache directory only costs speed
        return catalog

    def artefact(self, name: str, decode, from_catalog):
        """decode(payload, read) of the cache file `name` when it is intact and written for
        the current key (read(other_name) gives another file of the same key, or None), else
        from_catalog(catalog) after validating the catalog."""
        self.stats = CacheStats()
        if not self.enabled:
            return from_catalog(_validated(self.root))
        key = _current_key(self.root, self.slot, self.stats)
        payload = _read(self.slot / name, key)
        if payload is not None:
            try:
                value = decode(payload, lambda other: _read(self.slot / other, key))
                self.stats.hit = True
                return value
            except Exception:  # whatever a damaged payload raises, the answer is to rebuild
                pass
        return from_catalog(self._build(key))

    def index(self) -> dict:
        """The explorer index of the validated catalog (what a query evaluates).
        Raises CatalogInvalid when the catalog does not validate."""
        return self.artefact("index.json", lambda payload, _: json.loads(payload),
                             lambda catalog: catalog.index)

    def catalog(self):
        """The validated Catalog. Raises CatalogInvalid like index()."""
        import pickle

        return self.artefact("catalog.pickle", lambda payload, _: pickle.loads(payload),
                             lambda catalog: catalog)
