"""The site stays linear in the catalog's size: entries are kept out of the navigation, so an
entry page does not grow when the catalog does, and a large synthetic catalog generates."""

from __future__ import annotations

import json
import re

import yaml
from site_helpers import ROOT

from alignscape.bench.synthetic import synthetic_catalog
from alignscape.site.build import SitePaths, generate

SYNTHETIC_ENTRIES = 1000


def test_large_synthetic_catalog_generates_linearly(tmp_path, catalog):
    big = synthetic_catalog(ROOT, tmp_path / "big", SYNTHETIC_ENTRIES)
    assert len(big) == SYNTHETIC_ENTRIES
    big_paths = SitePaths.for_root(big.root, site_src=ROOT / "site")
    report = generate(big, big_paths)
    small_paths = SitePaths.for_root(ROOT, out=tmp_path / "small")
    generate(catalog, small_paths)

    pages = {p.stem for p in (big_paths.docs / "entries").glob("*.md")} - {"index"}
    assert pages == set(big.entries)
    assert report.pages >= SYNTHETIC_ENTRIES

    # The same real entry renders to nearly the same page in both catalogs (the synthetic
    # entries never build on real ones): nothing on it lists the whole catalog. The measured
    # judge section is the real catalog's (catalog/measurements), not the catalog's size.
    def page(docs, entry_id):
        text = (docs / "entries" / f"{entry_id}.md").read_text()
        return re.sub(r"## Measured.*?(?=\n## )", "", text, flags=re.S)

    for entry_id in sorted(catalog.entries)[:5]:
        small_page = page(small_paths.docs, entry_id)
        big_page = page(big_paths.docs, entry_id)
        assert abs(len(big_page) - len(small_page)) < 2000, entry_id

    config = yaml.safe_load(big_paths.config.read_text())
    flat = json.dumps(config["nav"])
    assert "synthetic_" not in flat and flat.count("entries/") == 1
    index = json.loads((big_paths.docs / "data" / "index.json").read_text())
    assert len(index["entries"]) == SYNTHETIC_ENTRIES
