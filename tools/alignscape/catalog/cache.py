"""A cached, validated catalog, keyed by the content of everything that decides it (the key and
its stat memo: alignscape.catalog.store).

The cache lives in the user's cache directory ($ALIGNSCAPE_CACHE_DIR, else
$XDG_CACHE_HOME/alignscape, else ~/.cache/alignscape), never inside the project, so a pull
request cannot ship one. It holds the explorer index (marshal; all a query needs), the full
Catalog (pickle, for commands that explain levels; written when first asked for) and the
EntryMemo of validation: per entry file, keyed by its content, what its rules found and what
the cross-entry rules and the index need of it. When the key changes, only the entries that
changed are parsed, checked and indexed again (alignscape.catalog.validation), so a query after
one edit costs about as much as one file. A file that is truncated, corrupt, not ours or written
by another key is ignored and rebuilt. Whether to use it, and where it lives, are arguments of
CatalogCache (the commands read --no-cache and ALIGNSCAPE_CACHE=off, which `alignscape
validate` also honours); layers above the catalog store their own derived artefacts in the same
slot through `CatalogCache.artefact` (from the Catalog) or `index_artefacts` (from the index).
"""

from __future__ import annotations

import marshal
from pathlib import Path

from alignscape.catalog import store
from alignscape.catalog.store import (  # noqa: F401 - the names this module always had
    FORMAT,
    RACY_NS,
    EntryMemo,
    _read,
    _unchanged,
    _write,
    default_directory,
    fingerprint,
    slot_dir,
)


class CacheStats:
    """What the last load did (for `make bench` and the tests)."""

    def __init__(self):
        self.hit = False
        self.rehashed = 0
        self.work: dict = {}  # what validation did when the cache was rebuilt (see validation)


def _key_and_table(root: Path, slot: Path, stats: CacheStats | None = None):
    key, table, rehashed = store._fingerprinted(root, slot)
    if stats is not None:
        stats.rehashed = rehashed
    return key, table


def _current_key(root: Path, slot: Path, stats: CacheStats | None = None) -> str:
    return _key_and_table(root, slot, stats)[0]


class CatalogCache:
    """The validated catalog at `root` and what is derived from it, cached by content.

    enabled=False validates every time and writes nothing (--no-cache). `artefacts` are derived
    files written when the catalog is rebuilt for them: name -> encode(catalog) -> bytes;
    `index_artefacts` the same from the explorer index alone (name -> encode(index) -> bytes),
    which a rebuild makes without building the Catalog: after one edit only the edited entry's
    index row is computed again (alignscape.catalog.validation, EntryMemo)."""

    def __init__(self, root: Path, *, enabled: bool = True, directory: Path | None = None):
        self.root = Path(root)
        self.enabled = enabled
        self.directory = directory
        self.slot = slot_dir(self.root, directory)
        self.stats = CacheStats()
        self.artefacts: dict = {}
        self.index_artefacts: dict = {}

    def _validated(self, fingerprinted=None):
        """The ValidationResult of the catalog, through the entry memo when enabled; raises
        CatalogInvalid."""
        from alignscape.catalog.validation import validate_catalog
        from alignscape.model import CatalogInvalid

        memo = False
        if self.enabled:
            memo = EntryMemo(self.root, self.directory)
            memo.open(fingerprinted)
        result = validate_catalog(self.root, memo=memo)
        self.stats.work = result.work
        if result.errors:
            raise CatalogInvalid(result.errors)
        return result

    def _rebuild(self, key: str, table, want: str):
        """Validate (incrementally) and store what is derived for `key`: the index artefacts
        (the query's column store) always, the index itself when `want` is "index", the
        Catalog and its artefacts when it is "catalog". Returns (result, index)."""
        import pickle

        result = self._validated((key, table))
        index = result.index()
        catalog = result.catalog if want == "catalog" or self.artefacts else None
        # Store only if nothing changed while validating (contributors edit files all the time).
        if result.consistent and _unchanged(self.root, table):
            try:
                for name, encode in self.index_artefacts.items():
                    _write(self.slot / name, key, encode(index))
                if want == "index":
                    _write(self.slot / "index.marshal", key, marshal.dumps(index))
                if catalog is not None:
                    for name, encode in self.artefacts.items():
                        _write(self.slot / name, key, encode(catalog))
                    _write(self.slot / "catalog.pickle", key,
                           pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only cache directory only costs speed
        return result, index

    def artefact(self, name: str, decode, from_catalog=None, *, from_index=None):
        """decode(payload, read) of the cache file `name` when it is intact and written for
        the current key (read(other_name) gives another file of the same key, or None), else
        from_index(index) or from_catalog(catalog) after validating the catalog."""
        self.stats = CacheStats()
        if not self.enabled:
            result = self._validated()
            return from_index(result.index()) if from_index else from_catalog(result.catalog)
        key, table = _key_and_table(self.root, self.slot, self.stats)
        payload = _read(self.slot / name, key)
        if payload is not None:
            try:
                value = decode(payload, lambda other: _read(self.slot / other, key))
                self.stats.hit = True
                return value
            except Exception:  # whatever a damaged payload raises, the answer is to rebuild
                pass
        want = "index" if name == "index.marshal" else "catalog" if from_index is None else ""
        result, index = self._rebuild(key, table, want)
        return from_index(index) if from_index else from_catalog(result.catalog)

    def reload(self, previous=None):
        """The validated Catalog after an edit, for a process that holds `previous` (serve):
        only the changed entry files are parsed, checked and turned into Entry objects (the
        others are previous's own), and nothing but the entry memo is written; the explorer
        index and the Catalog pickle are left for the next command that asks for them, which
        rebuilds them from the memo. Raises CatalogInvalid like catalog()."""
        self.stats = CacheStats()
        if not self.enabled:
            return self._validated().catalog
        key, table = _key_and_table(self.root, self.slot, self.stats)
        return self._validated((key, table)).catalog_reusing(previous)

    def earlier(self, name: str) -> bytes | None:
        """The payload of the cache file `name` whatever key it was written for (intact and
        ours), for artefacts that can update an earlier version instead of starting over."""
        return _read(self.slot / name, None) if self.enabled else None

    def index(self) -> dict:
        """The explorer index of the validated catalog (what a query evaluates).
        Raises CatalogInvalid when the catalog does not validate."""
        return self.artefact("index.marshal", lambda payload, _: marshal.loads(payload),
                             from_index=lambda index: index)

    def catalog(self):
        """The validated Catalog. Raises CatalogInvalid like index()."""
        import pickle

        return self.artefact("catalog.pickle", lambda payload, _: pickle.loads(payload),
                             lambda catalog: catalog)
