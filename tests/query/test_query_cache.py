"""The cached catalog: keyed by content, never stale, never trusted when damaged."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from alignscape.catalog import cache, store
from alignscape.catalog.cache import CatalogCache
from alignscape.model import CatalogInvalid
from alignscape.query.engine import select

OLD = time.time_ns() - 3600 * 10**9  # an hour ago: outside the racy window


def age(root: Path) -> None:
    """Give every file an old mtime, as a checkout that has not been edited for a while."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD, OLD))


@pytest.fixture
def project(project_root, tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(project_root / "catalog", root / "catalog")
    age(root)
    # utime() sets ctime to now, which the two-second racy window would distrust; the tests
    # edit files well after each load, so no window is needed to see their edits.
    monkeypatch.setattr(store, "RACY_NS", 0)
    monkeypatch.setenv("ALIGNSCAPE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ALIGNSCAPE_CACHE", raising=False)
    return root


def load(root, **options):
    store = CatalogCache(root, **options)
    index = store.index()
    return index, store.stats.hit, store.stats.rehashed


def load_catalog_cached(root):
    """(catalog, whether it came from the cache)."""
    store = CatalogCache(root)
    return store.catalog(), store.stats.hit


def test_second_load_hits_without_reading_files(project):
    first, hit, _ = load(project)
    assert not hit
    second, hit, rehashed = load(project)
    assert hit and rehashed == 0
    assert second == first
    catalog, hit = load_catalog_cached(project)
    assert not hit  # the Catalog is stored when first asked for, not with every index
    catalog, hit = load_catalog_cached(project)
    assert hit
    assert set(catalog.entries) == {row["id"] for row in first["entries"]}
    assert catalog.profile("ultrafeedback")["bias_risk"].level == "high"


def test_an_edit_is_seen(project):
    load(project)
    path = project / "catalog" / "entries" / "ultrafeedback.yaml"
    path.write_text(path.read_text().replace("A large AI-feedback preference dataset",
                                             "A large zanzibarine preference dataset"))
    index, hit, rehashed = load(project)
    assert not hit and rehashed >= 1
    assert [r["id"] for r in select(index, "text ~ zanzibarine")] == ["ultrafeedback"]


def test_an_edit_that_restores_the_mtime_is_seen(project):
    load(project)
    path = project / "catalog" / "entries" / "ultrafeedback.yaml"
    before = path.stat()
    path.write_text(path.read_text().replace("about 64k instructions", "about 65k prompts!"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    index, hit, _ = load(project)
    assert not hit
    assert select(index, 'text ~ "65k prompts!"')


def test_touching_without_changing_content_keeps_the_cache(project):
    load(project)
    path = project / "catalog" / "entries" / "dpo.yaml"
    os.utime(path)  # a new stat signature: the file is hashed again, to the same digest
    _, hit, rehashed = load(project)
    assert hit and rehashed == 1


def test_reverting_finds_the_earlier_cache_key(project):
    key = cache.fingerprint(project)[0]
    path = project / "catalog" / "entries" / "dpo.yaml"
    original = path.read_text()
    path.write_text(original + "\n")
    assert cache.fingerprint(project)[0] != key
    path.write_text(original)
    assert cache.fingerprint(project)[0] == key


def test_schema_and_code_are_part_of_the_key(project):
    names = {label: entry[0] for label, entry in cache.fingerprint(project)[1].items()}
    assert "entry.schema.json" in names["schema"]
    assert "columns.py" in names["code/query"] and "loader.py" in names["code/catalog"]
    assert "entries.py" in names["code/catalog/validation"]
    assert "index.py" in names["code/model"] and "querylang.py" in names["code"]
    assert {"scenarios.yaml", "references.bib", "taxonomy.yaml"} <= set(names["catalog"])
    assert len(names["catalog/entries"]) == len(list((project / "catalog" / "entries")
                                                     .glob("*.yaml")))


def test_a_damaged_cache_is_rebuilt(project):
    first, _, _ = load(project)
    load_catalog_cached(project)
    slot = cache.slot_dir(project)
    names = ["index.marshal", "catalog.pickle", "entries.records.marshal",
             *(p.name for p in slot.glob("entries.blobs.*")),
             *(p.name for p in slot.glob("entries.rows.*"))]
    for name in names:
        raw = (slot / name).read_bytes()
        (slot / name).write_bytes(raw[: len(raw) // 2])
    index, hit, _ = load(project)
    assert not hit and index == first
    catalog, hit = load_catalog_cached(project)
    assert not hit  # rebuilt when asked for
    assert len(catalog) == len(first["entries"])
    assert load_catalog_cached(project)[1]


@pytest.mark.parametrize("damage", ["garbage", "truncate", "flipped", "other_key",
                                    "group_writable", "missing"])
def test_damaged_files_are_not_read(tmp_path, damage):
    path = tmp_path / "slot" / "index.marshal"
    cache._write(path, "k1", b'{"entries": []}')
    assert cache._read(path, "k1") == b'{"entries": []}'
    raw = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\xffnot a cache")
    elif damage == "truncate":
        path.write_bytes(raw[:-3])
    elif damage == "flipped":
        path.write_bytes(raw.replace(b"entries", b"entriez"))
    elif damage == "other_key":
        path.write_bytes(raw.replace(b'"key": "k1"', b'"key": "k2"'))
    elif damage == "group_writable":
        path.chmod(0o664)
    else:
        path.unlink()
    assert cache._read(path, "k1") is None


def test_an_invalid_catalog_is_never_cached(project):
    load(project)
    path = project / "catalog" / "entries" / "dpo.yaml"
    path.write_text(path.read_text().replace("kind: objective", "kind: recipe"))
    with pytest.raises(CatalogInvalid):
        CatalogCache(project).index()
    with pytest.raises(CatalogInvalid):  # still invalid: nothing was stored for it
        CatalogCache(project).index()


def test_cache_can_be_switched_off(project):
    _, hit, _ = load(project, enabled=False)
    assert not hit
    assert not cache.slot_dir(project).exists()


def test_an_unwritable_cache_directory_only_costs_speed(project, monkeypatch, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("ALIGNSCAPE_CACHE_DIR", str(blocked))
    index, hit, _ = load(project)
    assert not hit and index["entries"]


def test_catalog_load_with_cache_equals_a_fresh_load(project):
    from alignscape.catalog.loader import load_catalog

    fresh = load_catalog(project)
    load_catalog(project, cache=True)
    cached = load_catalog(project, cache=True)
    assert load_catalog_cached(project)[1]
    assert cached.entries == fresh.entries
    assert [s.id for s in cached.scenarios] == [s.id for s in fresh.scenarios]


def test_recently_changed_files_are_hashed_again(project, monkeypatch):
    """A file changed less than RACY_NS before the memo was taken could change again within
    the file system's timestamp granularity unseen, so its memoised digest is not trusted."""
    monkeypatch.setattr(store, "RACY_NS", 10**20)  # every file counts as just changed
    key, table, rehashed, taken = cache.fingerprint(project)
    again = cache.fingerprint(project, table, taken)
    assert again[0] == key and again[2] == rehashed == sum(len(t[0]) for t in table.values())
    monkeypatch.setattr(store, "RACY_NS", 0)
    assert cache.fingerprint(project, table, taken)[2] == 0


@pytest.mark.parametrize("memo", [{"catalog": {"a": 1}}, {"catalog": ("x",)}, {"catalog": None},
                                  {"catalog": (["a"], [], [], "d")}, {"schema": 7}])
def test_a_memo_of_another_shape_is_ignored(project, memo):
    key = cache.fingerprint(project)[0]
    assert cache.fingerprint(project, memo, time.time_ns())[0] == key
    slot = cache.slot_dir(project)
    cache._write(slot / "manifest.marshal", "manifest",
                 __import__("marshal").dumps({"key": "k", "taken": time.time_ns(),
                                              "files": memo}))
    assert cache._current_key(project, slot) == key


def test_an_entry_changed_while_validating_is_not_stored_under_the_old_key(project,
                                                                           monkeypatch):
    """Unchanged entries come from the memo of the fingerprinted state; an entry read while
    validating must hold what the fingerprint saw, or nothing derived from it is stored."""
    from alignscape.catalog import validation

    load(project)
    path = project / "catalog" / "entries" / "dpo.yaml"
    path.write_text(path.read_text().replace("kind: objective", "kind: method"))
    real = validation.read_file

    def racing(p):
        raw = real(p)
        return raw.replace(b"kind: method", b"kind: dataset") if p.name == "dpo.yaml" else raw

    monkeypatch.setattr(validation, "read_file", racing)
    _, hit, _ = load(project)
    assert not hit
    monkeypatch.setattr(validation, "read_file", real)
    index, hit, _ = load(project)
    assert not hit  # nothing was stored for the raced state
    assert next(r for r in index["entries"] if r["id"] == "dpo")["kind"] == "method"
