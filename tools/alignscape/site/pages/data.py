"""The downloads and the explorer's index: data/index.json, catalog.json, catalog.csv and
references.bib.

Each entry's part of the three catalog files is serialised once and kept (site/profiles.py,
entry_memo), so serve's live rebuild after one edit serialises one entry and joins the rest;
the files are byte for byte the single dumps of explorer_index, catalog_json and catalog_csv
(tests/site/test_site_incremental.py)."""

from __future__ import annotations

import functools
import json

from alignscape.model import Catalog
from alignscape.model.index import (
    INDEX_VERSION,
    csv_header,
    csv_row,
    entry_record,
    explorer_index,
    index_row,
)
from alignscape.model.tables import csv_text
from alignscape.site.context import PageContext
from alignscape.site.profiles import entry_memo, memoized

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({
    "aliases", "arxiv", "builds_on", "choices", "cite", "kind", "links", "name",
    "profile", "references", "short_name", "source", "summary", "uses_data", "venue", "year"})

_dump = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    memo = entry_memo(catalog, "data files")
    parts = [memoized(memo, entry, catalog.profile(entry),
                      functools.partial(_parts, entry, catalog)) for entry in catalog]
    header = explorer_index(Catalog(catalog.root, catalog.taxonomy, catalog.tradeoffs,
                                    catalog.bibliography, {}, catalog.scenarios))
    del header["entries"]  # the last key: the entries' rows go where its dump would
    ctx.write("data/index.json",
              _dump(header)[:-1] + ',"entries":[' + ",".join(p[0] for p in parts) + "]}")
    ctx.write("data/catalog.json",
              _dump({"version": INDEX_VERSION})[:-1] + ',"entries":[\n'
              + ",\n".join(p[1] for p in parts) + "\n]}\n")
    ctx.write("data/catalog.csv",
              csv_text(csv_header(catalog), []) + "".join(p[2] for p in parts))
    bib = catalog.root / catalog.bibliography.path
    if not bib.is_file():
        bib = catalog.root / "catalog" / "references.bib"
    ctx.write("data/references.bib", bib.read_text(encoding="utf-8"))


def _parts(entry, catalog) -> tuple[str, str, str]:
    """The entry's row of data/index.json, line of catalog.json and line of catalog.csv."""
    profile = catalog.profile(entry)
    # csv_text with the row as its header: the same writer and dialect as the whole file.
    return (_dump(index_row(entry, profile)), _dump(entry_record(entry, catalog)),
            csv_text(csv_row(entry, profile, catalog), []))

