"""The downloads and the explorer's index: data/index.json, catalog.json, catalog.csv and
references.bib."""

from __future__ import annotations

import json

from alignscape.model.index import catalog_csv, catalog_json, explorer_index
from alignscape.site.context import PageContext


def build(ctx: PageContext) -> None:
    catalog = ctx.catalog
    ctx.write("data/index.json", json.dumps(explorer_index(catalog), ensure_ascii=False,
                                            separators=(",", ":")))
    ctx.write("data/catalog.json", json.dumps(catalog_json(catalog), ensure_ascii=False,
                                              indent=1))
    ctx.write("data/catalog.csv", catalog_csv(catalog))
    bib = catalog.root / catalog.bibliography.path
    if not bib.is_file():
        bib = catalog.root / "catalog" / "references.bib"
    ctx.write("data/references.bib", bib.read_text(encoding="utf-8"))
