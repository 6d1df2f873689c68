"""Render the validated catalog into Markdown pages and data files under build/docs, and the
build's mkdocs.yml next to them.

SiteGenerator only orchestrates: it clears build/docs, copies the hand-written pages and
assets, runs each page family of pages/ (one module per family, each rendering its templates),
and writes the configuration (config.py). Links and labels live in links.py, the template
environment and its escaping filters in templating.py, git dates in history.py. Work is linear
in the catalog's size: the reverse indexes every page needs are built once (context.py).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

from alignscape.model import Catalog
from alignscape.site import pages, search
from alignscape.site.config import read_config, repo_url, with_site_url, write_config
from alignscape.site.context import GenerateReport, PageContext, no_progress
from alignscape.site.errors import SiteError
from alignscape.site.paths import SitePaths
from alignscape.site.profiles import memoize_profiles


class SiteGenerator:
    def __init__(self, catalog: Catalog, paths: SitePaths,
                 progress: Callable[[str], None] = no_progress, site_url: str | None = None,
                 entry_markdown: bool = False):
        # Every page family asks for the entries' trade-off profiles: computed once each.
        self.catalog = catalog if hasattr(catalog, "_profile_memo") else memoize_profiles(catalog)
        self.paths = paths
        self.progress = progress
        self.config = with_site_url(read_config(paths), site_url)
        self.repo_url = repo_url(self.config)
        self.context = PageContext(catalog, paths, self.config, self.repo_url, progress,
                                   entry_markdown)

    @property
    def report(self) -> GenerateReport:
        return self.context.report

    def generate(self) -> GenerateReport:
        started = time.perf_counter()
        docs = self.paths.docs
        if docs.exists():
            shutil.rmtree(docs)
        docs.mkdir(parents=True)
        self._copy_sources()
        for label, family in pages.FAMILIES:
            self.progress(f"generating {label}")
            family.build(self.context)
        search.apply(docs)
        write_config(self.config, self.paths, pages.navigation(self.catalog))
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _copy_sources(self) -> None:
        """Hand-written pages (site/docs) and front-end assets (site/assets)."""
        src = self.paths.site_src
        if (src / "docs").is_dir():
            shutil.copytree(src / "docs", self.paths.docs, dirs_exist_ok=True)
        if (src / "assets").is_dir():
            shutil.copytree(src / "assets", self.paths.docs / "assets", dirs_exist_ok=True)


__all__ = ["GenerateReport", "SiteError", "SiteGenerator", "SitePaths"]
