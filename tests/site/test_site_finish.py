"""The finish of the published site: its address (site_url, configurable) and a sitemap of full
addresses, a 404 page that works under the site's sub-path, no loopback links, latest additions
from git, and a build configuration with paths relative to itself that Zensical builds too."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from site_helpers import ROOT, site_path

PUBLISHED = "https://alignscape.github.io/alignscape/"
_LOOPBACK = re.compile(r"""(?:href|src)\s*=\s*["']?\s*https?://(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])""",
                       re.IGNORECASE)


def _config(paths) -> dict:
    return yaml.safe_load(paths.config.read_text(encoding="utf-8"))


def test_build_configuration_paths_are_relative_to_itself(site_build):
    paths = site_build[0]
    config = _config(paths)
    here = paths.config.parent
    for key, target in (("docs_dir", paths.docs), ("site_dir", paths.site),
                        ("custom_dir", paths.site_src / "overrides")):
        value = config["theme"][key] if key == "custom_dir" else config[key]
        assert not Path(value).is_absolute(), (key, value)
        assert (here / value).resolve() == target.resolve(), (key, value)


def test_sitemap_lists_entry_pages_with_full_addresses(catalog, site_build):
    paths = site_build[0]
    assert _config(paths)["site_url"] == PUBLISHED
    tree = ET.parse(paths.site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {el.text for el in tree.getroot().findall("s:url/s:loc", ns)}
    assert PUBLISHED in locs or PUBLISHED + "index.html" in locs
    for entry in catalog:
        assert f"{PUBLISHED}entries/{entry.id}.html" in locs, entry.id
    assert all(loc.startswith(PUBLISHED) for loc in locs)
    canonical = (paths.site / "entries" / "dpo.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{PUBLISHED}entries/dpo.html">' in canonical


def test_site_url_option_replaces_the_configured_one(catalog, tmp_path):
    from alignscape.site.build import SiteError, SitePaths, build_site

    paths = SitePaths.for_root(ROOT, out=tmp_path / "out")
    build_site(catalog, paths, mkdocs=False, site_url="https://example.org/atlas")
    assert _config(paths)["site_url"] == "https://example.org/atlas/"
    bibtex = (paths.docs / "entries" / "dpo.md").read_text(encoding="utf-8")
    assert "https://example.org/atlas/entries/dpo.html" in bibtex
    for bad in ("javascript:alert(1)", "example.org", "https://x.org/\"><script>"):
        with pytest.raises(SiteError, match="site_url"):
            build_site(catalog, paths, mkdocs=False, site_url=bad)


def test_build_command_takes_site_url():
    from alignscape.cli import build_parser

    args = build_parser().parse_args(["build", "--site-url", "https://example.org/x/",
                                      "--no-mkdocs"])
    assert args.site_url == "https://example.org/x/"


def test_404_page_asset_paths_follow_the_site_path(site_dir):
    html = (site_dir / "404.html").read_text(encoding="utf-8")
    prefix = site_path(PUBLISHED)
    for ref in re.findall(r'(?:href|src)="(/[^"]*)"', html):
        assert ref.startswith(prefix), ref


def test_404_page_works_under_the_sub_path(site_url, page):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400
            and not r.url.endswith("/deep/missing.html") else None)
    response = page.goto(site_url + "alignscape/no/such/deep/missing.html")
    page.wait_for_load_state("networkidle")
    assert response.status == 404
    assert failed == []
    assert page.locator("h1").first.inner_text().strip()
    # The theme's stylesheet applied: the header is the theme's, fixed at the top.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in (
        "sticky", "fixed")
    home = page.locator("a.md-header__button.md-logo").get_attribute("href")
    assert home.startswith("/alignscape/")


def test_no_loopback_links_in_built_pages(site_dir):
    hits = []
    for path in site_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        hits += [f"{path.relative_to(site_dir)}: {m.group(0)}" for m in _LOOPBACK.finditer(text)]
    assert hits == []
    contributing = (site_dir / "contributing.html").read_text(encoding="utf-8")
    assert "127.0.0.1" not in contributing and "localhost" not in contributing


def test_home_lists_recent_additions_from_git(catalog, site_dir):
    from alignscape.site.history import latest_entries
    from alignscape.site.pages.home import LATEST_SHOWN

    html = (site_dir / "index.html").read_text(encoding="utf-8")
    section = html.split('class="as-latest"', 1)[1].split("</ul>", 1)[0]
    shown = re.findall(r'href="entries/([^".]+)\.html"[^<]*<[^<]*</a>\s*<span[^>]*>[^<]*added '
                       r'(\d{4}-\d{2}-\d{2})', section)
    if not shown:  # entry_link may wrap the label in more markup
        ids = re.findall(r'href="entries/([^".]+)\.html"', section)
        dates = re.findall(r"added (\d{4}-\d{2}-\d{2})", section)
        shown = list(zip(ids, dates, strict=True))
    expected = [(e.id, day) for e, day in latest_entries(catalog, LATEST_SHOWN)]
    assert shown == expected and shown
    # Each date is that of the commit that added the entry's file (not a build-time stamp).
    for entry_id, day in shown:
        log = subprocess.run(["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%ct",
                              "--", f"catalog/entries/{entry_id}.yaml"],
                             capture_output=True, text=True, check=False).stdout.split()
        if log:
            added = datetime.fromtimestamp(int(log[-1]), UTC).strftime("%Y-%m-%d")
            assert day == added, entry_id


@pytest.mark.slow
def test_zensical_builds_the_generated_site(catalog, tmp_path):
    """The same generated docs and build/mkdocs.yml, built by Zensical (which ignores
    plugins it does not know). On failure the assertion shows Zensical's own output."""
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent))
    if zensical is None:
        pytest.skip("zensical is not installed (pip install -e '.[dev]')")
    from alignscape.site.build import SitePaths, build_site

    paths = SitePaths.for_root(ROOT, out=tmp_path / "out")
    build_site(catalog, paths, mkdocs=False)
    result = subprocess.run([zensical, "build", "-f", str(paths.config)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=600, check=False)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"zensical build failed:\n{log[-4000:]}"
    for page in ("index.html", "explorer.html", "404.html", "entries/dpo.html",
                 "taxonomy/synthesis.html"):
        assert (paths.site / page).is_file(), f"{page} missing after zensical build:\n{log}"
    html = (paths.site / "entries" / "dpo.html").read_text(encoding="utf-8")
    assert "as-card" in html
    assert len(list((paths.site / "entries").glob("*.html"))) == len(catalog) + 1
