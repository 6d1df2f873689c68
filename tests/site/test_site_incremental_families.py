"""The page families' ENTRY_FIELDS (site/pages/__init__.py), which serve's live rebuild uses to
skip a family after an edit: for every field of an entry, a catalog in which every entry has
its neighbour's value of that field gives the same pages in every family the rebuild would
skip for that change (site/incremental.py, changed_inputs and skipped)."""

from __future__ import annotations

import dataclasses

import pytest
from site_helpers import ROOT

from alignscape.catalog.loader import load_catalog
from alignscape.model import Catalog, Entry
from alignscape.site import pages
from alignscape.site.config import read_config, repo_url
from alignscape.site.context import PageContext
from alignscape.site.incremental import ENTRIES_INDEX_FIELDS, changed_inputs, skipped
from alignscape.site.paths import SitePaths
from alignscape.site.profiles import memoize_profiles

FIELDS = [f.name for f in dataclasses.fields(Entry) if f.name != "id"]


class _Recording(PageContext):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.written: dict[str, str] = {}

    def write(self, relative: str, text: str) -> None:
        super().write(relative, text)
        self.written[relative] = text


def _pages(catalog: Catalog, family, folder) -> dict[str, str]:
    paths = SitePaths(root=catalog.root, out=folder, site_src=ROOT / "site")
    config = read_config(paths)
    ctx = _Recording(memoize_profiles(catalog), paths, config, repo_url(config))
    family.build(ctx)
    return ctx.written


def _rotated(catalog: Catalog, name: str) -> Catalog:
    """Every entry with the next entry's (by id) value of field `name`: values of the right
    shape, referring to ids and keys that exist."""
    ids = sorted(catalog.entries)
    values = [getattr(catalog.entries[i], name) for i in ids]
    entries = {i: dataclasses.replace(catalog.entries[i], **{name: values[(n + 1) % len(ids)]})
               for n, i in enumerate(ids)}
    return Catalog(catalog.root, catalog.taxonomy, catalog.tradeoffs, catalog.bibliography,
                   {i: entries[i] for i in catalog.entries}, catalog.scenarios)


@pytest.fixture(scope="module")
def real():
    return load_catalog(ROOT)


@pytest.fixture(scope="module")
def before(real, tmp_path_factory):
    """Each declaring family's pages for the real catalog."""
    return {label: _pages(real, family, tmp_path_factory.mktemp("before"))
            for label, family in pages.FAMILIES if hasattr(family, "ENTRY_FIELDS")}


def test_every_family_but_the_entry_pages_declares_its_fields():
    for label, family in pages.FAMILIES:
        assert hasattr(family, "ENTRY_FIELDS") == (family is not pages.entries), label
        for name in getattr(family, "ENTRY_FIELDS", ()):
            assert name in FIELDS or name in ("profile", "dates"), (label, name)
    assert ENTRIES_INDEX_FIELDS <= set(FIELDS)


@pytest.mark.parametrize("name", FIELDS)
def test_a_family_skipped_for_a_change_shows_the_same_pages(name, real, before,
                                                            tmp_path_factory):
    after = _rotated(real, name)
    changed = changed_inputs(memoize_profiles(real), memoize_profiles(after),
                             sorted(real.entries))
    assert name in changed  # the rotation changed the field
    compared = 0
    for label, family in pages.FAMILIES:
        if label in before and skipped(family, changed):
            assert _pages(after, family, tmp_path_factory.mktemp("after")) == before[label], \
                f"{label} shows {sorted(changed)}: add it to its ENTRY_FIELDS"
            compared += 1
    # The vocabulary-only families (explorer, side by side, contributing) are always skipped.
    assert compared >= 3


def test_the_entries_index_shows_only_its_fields(real, tmp_path_factory):
    """incremental.py renders entries/index.md itself, after ENTRIES_INDEX_FIELDS."""
    def index(catalog):
        return _pages(catalog, pages.entries, tmp_path_factory.mktemp("index"))[
            "entries/index.md"]

    plain = index(real)
    for name in FIELDS:
        after = _rotated(real, name)
        if name not in ENTRIES_INDEX_FIELDS:
            assert index(after) == plain, name
