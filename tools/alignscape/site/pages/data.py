"""The downloads and the explorer's index: data/index.json, catalog.json, catalog.csv and
references.bib."""

from __future__ import annotations

import functools
import json

from alignscape.model.index import catalog_csv, catalog_json, explorer_index
from alignscape.site.context import PageContext


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    ctx.write("data/index.json", json.dumps(explorer_index(catalog), ensure_ascii=False,
                                            separators=(",", ":")))
    ctx.write("data/catalog.json", _one_entry_a_line(catalog_json(catalog)))
    ctx.write("data/catalog.csv", catalog_csv(catalog))
    bib = catalog.root / catalog.bibliography.path
    if not bib.is_file():
        bib = catalog.root / "catalog" / "references.bib"
    ctx.write("data/references.bib", bib.read_text(encoding="utf-8"))


def _one_entry_a_line(data: dict) -> str:
    """catalog.json with one entry a line: as readable in a diff as an indented file, and
    written by json's C encoder (an indented dump goes through its pure-Python one, seconds
    at 10,000 entries)."""
    head = {k: v for k, v in data.items() if k != "entries"}
    dump = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    rows = ",\n".join(dump(entry) for entry in data["entries"])
    return dump(head)[:-1] + ',"entries":[\n' + rows + "\n]}\n"
