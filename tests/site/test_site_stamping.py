"""Entry pages are stamped into the shell page mkdocs rendered (site/stamping.py): forked
workers give byte for byte the pages, search index and sitemap of one process, and the shell
leaves no marker and no page of its own in the published site."""

from __future__ import annotations

from site_helpers import ROOT

from alignscape.site import shell, stamping
from alignscape.site.build import SitePaths, build_site


def test_forked_workers_stamp_what_one_process_does(catalog, site_build, tmp_path,
                                                    monkeypatch):
    monkeypatch.setattr(stamping, "PARALLEL_FROM", 1)
    monkeypatch.setattr(stamping, "_workers", lambda: 2)
    paths = SitePaths.for_root(ROOT, out=tmp_path / "out")
    build_site(catalog, paths)
    single = site_build[0].site
    for relative in [f"entries/{i}.html" for i in sorted(catalog.entries)] + [
            "search/search_index.json", "sitemap.xml"]:
        assert (paths.site / relative).read_bytes() == (single / relative).read_bytes(), relative


def test_the_shell_leaves_no_trace_in_the_site(site_dir):
    assert not (site_dir / "entries" / f"{shell.NAME}.html").exists()
    markers = (shell.TITLE, shell.DESCRIPTION, shell.HEAD, shell.TOC, "ASSHELLBODY", shell.NAME)
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not [m for m in markers if m in text], page
    for name in ("sitemap.xml", "search/search_index.json"):
        assert shell.NAME not in (site_dir / name).read_text(encoding="utf-8"), name
