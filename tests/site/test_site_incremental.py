"""alignscape serve's live rebuild (site/incremental.py) after one entry is edited: it counts
its work (entry pages stamped, pages mkdocs renders, search records rewritten) and gives the
same pages, search index and sitemap as a full rebuild. Not timed: `make bench` (serve)
measures the time."""

from __future__ import annotations

import functools
import json
import shutil

import yaml
from site_helpers import ROOT

from alignscape.bench.synthetic import write_synthetic_catalog
from alignscape.catalog.loader import load_catalog
from alignscape.model.index import catalog_csv, catalog_json, explorer_index
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

    assert "name" in update.inputs and "summary" not in update.inputs
    # Families that cannot show a name are not regenerated (their ENTRY_FIELDS).
    assert "statistics" not in update.families and "explorer and matrix" not in update.families
    assert "entries index" in update.families
    # The reload parsed the edited file alone and made its Entry, reusing the others.
    assert update.parsed == update.entries_built == 1
    assert all(server.catalog.entries[i] is old.entries[i] for i in old.entries if i != "dpo")

    _same_as_full_build(tmp_path, server, update, "full")
    assert b"Direct Preference Optimisation" in (server.paths.site / "entries" /
                                                  "dpo.html").read_bytes()
    assert "Direct Preference Optimisation" in (server.paths.site / "search" /
                                                "search_index.json").read_text()

    # An edit that moves the entry between index pages: another stage option (taxonomy pages,
    # statistics, heat maps, the explorer's index) and another year (recent lists, timeline).
    text = entry.read_text()
    assert "iteration: single_round" in text and "year: 2023" in text
    entry.write_text(text.replace("iteration: single_round", "iteration: iterative")
                     .replace("year: 2023", "year: 2024")
                     .replace("cite: rafailov2023dpo", "cite: chen2024spin")
                     .replace("2305.18290", "2401.01335"))  # the arXiv id of that key
    server.notice(str(entry))
    assert server.rebuild_changed(), messages
    moved = server.last_update
    assert moved.entries == ["dpo"] and server.builds == 3
    assert {"year", "cite", "choices", "pipeline"} <= set(moved.inputs)
    assert {"taxonomy", "statistics", "design space", "data files"} <= set(moved.families)
    assert {"taxonomy/pipeline.md", "stats.md", "data/index.json"} <= set(moved.regenerated)
    assert len(moved.rendered) <= MAX_INDEX_PAGES
    _same_as_full_build(tmp_path, server, moved, "full-moved")


def _same_as_full_build(root, server, update, name):
    """The served pages the update wrote, every generated data file, the search index and the
    sitemap are byte for byte those of a full build of the same catalog; the data files are
    the single dumps of the catalog's index and downloads."""
    full = SitePaths.for_root(root, out=root / name, site_src=ROOT / "site")
    catalog = load_catalog(root)
    build_site(catalog, full)
    compared = [relative[:-3] + ".html" if relative.endswith(".md") else relative
                for relative in update.regenerated]
    compared += update.stamped
    compared += ["search/search_index.json", "sitemap.xml", "sitemap.xml.gz",
                 "data/index.json", "data/catalog.json", "data/catalog.csv"]
    for built in compared:
        served = (server.paths.site / built).read_bytes()
        assert served == (full.site / built).read_bytes(), built
    # Nor does the update leave any other file stale: every file of the full build but the
    # entry pages it did not stamp (their "similar entries" wait for the next full build).
    stamped = set(update.stamped)
    for path in full.site.rglob("*"):
        built = str(path.relative_to(full.site))
        if path.is_file() and not (built.startswith("entries/") and built.endswith(".html")
                                   and built != "entries/index.html" and built not in stamped):
            assert (server.paths.site / built).read_bytes() == path.read_bytes(), built
    dump = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    data = server.paths.site / "data"
    assert (data / "index.json").read_text() == dump(explorer_index(catalog))
    assert (data / "catalog.csv").read_text() == catalog_csv(catalog)
    assert json.loads((data / "catalog.json").read_text()) == catalog_json(catalog)


def test_the_work_of_an_edit_does_not_grow_with_the_catalog(tmp_path):
    """The same kind of edit (one entry's summary) in catalogs of two sizes: the same families
    regenerated, pages rendered by mkdocs and files parsed; entry pages stamped: the entry and
    its direct relations."""
    work = []
    for size in (350, 700):
        root = write_synthetic_catalog(ROOT, tmp_path / str(size), size)
        messages: list[str] = []
        server = SiteServer(root, root / "build", messages.append, messages.append,
                            site_src=ROOT / "site")
        assert server.rebuild(), messages
        entry = root / "catalog" / "entries" / "synthetic_00020.yaml"
        data = yaml.safe_load(entry.read_text())
        data["summary"] += " Edited."
        entry.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        server.notice(str(entry))
        assert server.rebuild_changed(), messages
        update = server.last_update
        assert update.entries == ["synthetic_00020"]
        related = affected(server.catalog, server.catalog, update.entries)
        assert set(update.stamped) == {f"entries/{i}.html" for i in related}
        work.append((update.families, update.rendered, update.parsed, update.entries_built))
    assert work[0] == work[1]
    families, rendered, parsed, built = work[0]
    assert parsed == built == 1
    # A summary is shown by the downloads, the home page's latest entries (the edit dates an
    # uncommitted file), the scenarios and the entry reference; no other family runs.
    assert set(families) <= {"data files", "home", "scenarios", "entry reference"}
    assert set(rendered) <= {"index.md"}
