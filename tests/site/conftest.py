"""The site built once per session from the real catalog, served on loopback, and a headless
Debian Chromium to look at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from site_helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, serve_directory, site_path


@pytest.fixture(scope="session")
def site_build(catalog, tmp_path_factory):
    """(SitePaths, BuildReport) of the real catalog built with mkdocs --strict."""
    from alignscape.site.build import SitePaths, build_site

    paths = SitePaths.for_root(ROOT, out=tmp_path_factory.mktemp("site"))
    report = build_site(catalog, paths)
    return paths, report


@pytest.fixture(scope="session")
def site_dir(site_build) -> Path:
    return site_build[0].site


@pytest.fixture(scope="session")
def site_url(site_build):
    """The built site at the root of a loopback server (and under its site_url's path too, where
    the 404 page's asset paths point)."""
    paths = site_build[0]
    config = yaml.safe_load(paths.config.read_text(encoding="utf-8"))
    server, url = serve_directory(paths.site, mount=site_path(config.get("site_url")))
    yield url
    server.shutdown()
    server.server_close()


# Per module, not per session: Playwright's sync API allows one running instance at a time,
# and other test folders start their own.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught exceptions in page.errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(f"console.{m.type}: {m.text}")
           if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(f"uncaught: {e}"))
    tab.on("dialog", lambda d: (tab.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield tab
    context.close()
