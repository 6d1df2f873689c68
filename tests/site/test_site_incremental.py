"""alignscape serve's live rebuild (site/incremental.py) after one entry is edited: it counts
its work (entry pages stamped, pages mkdocs renders, search records rewritten) and gives the
same pages, search index and sitemap as a full rebuild. Not timed: `make bench` (serve)
measures the time."""

from __future__ import annotations

import shutil

from site_helpers import ROOT

from alignscape.catalog.loader import load_catalog
from alignscape.site.build import SitePaths, build_site
from alignscape.site.incremental import affected
from alignscape.site.serve import SiteServer

# Non-entry pages that may list an entry (home, entries/index, taxonomy options, graphs,
# statistics, bibliography, ...): a bound that does not grow with the catalog.
MAX_INDEX_PAGES = 40


def test_one_edit_rebuilds_only_its_pages(tmp_path):
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    messages: list[str] = []
    server = SiteServer(tmp_path, tmp_path / "build", messages.append, messages.append,
                        site_src=ROOT / "site")
    assert server.rebuild(), messages
    old = server.catalog
    entry = tmp_path / "catalog" / "entries" / "dpo.yaml"
    entry.write_text(entry.read_text().replace(
        "name: Direct Preference Optimization", "name: Direct Preference Optimisation"))
    server.notice(str(entry))
    assert server.rebuild_changed(), messages
    update = server.last_update
    assert update is not None and update.entries == ["dpo"], messages
    assert server.builds == 2

    # Work: the edited entry and its direct relations, not the catalog.
    related = affected(old, server.catalog, ["dpo"])
    dpo = server.catalog.entries["dpo"]
    expected = {"dpo", *dpo.builds_on, *dpo.uses_data, *dpo.training.get("objectives", ()),
                *(e.id for e in server.catalog if "dpo" in e.builds_on or "dpo" in e.uses_data
                  or "dpo" in e.training.get("objectives", ()))}
    assert related == expected & set(server.catalog.entries)
    assert update.entry_pages_rendered == len(related) < len(server.catalog)
    # Entry pages are stamped into the shell, never put through mkdocs.
    assert set(update.stamped) == {f"entries/{i}.html" for i in related}
    assert not [p for p in update.rendered if p.startswith("entries/")
                and p != "entries/index.md"]
    assert len(update.rendered) <= MAX_INDEX_PAGES
    assert set(update.rendered) == {p for p in update.regenerated if p.endswith(".md")}
    # Search records rewritten: the entry's page and at most the index pages mkdocs rendered.
    assert "entries/dpo.html" in update.search_pages
    assert len(update.search_pages) <= len(related) + len(update.rendered)

    # The same result as a full rebuild, for every page it rendered and every data file.
    full = SitePaths.for_root(tmp_path, out=tmp_path / "full", site_src=ROOT / "site")
    build_site(load_catalog(tmp_path), full)
    compared = [relative[:-3] + ".html" if relative.endswith(".md") else relative
                for relative in update.regenerated]
    compared += update.stamped
    compared += ["search/search_index.json", "sitemap.xml", "sitemap.xml.gz"]
    for built in compared:
        served = (server.paths.site / built).read_bytes()
        assert served == (full.site / built).read_bytes(), built
    assert b"Direct Preference Optimisation" in (server.paths.site / "entries" /
                                                  "dpo.html").read_bytes()
    assert "Direct Preference Optimisation" in (server.paths.site / "search" /
                                                "search_index.json").read_text()
