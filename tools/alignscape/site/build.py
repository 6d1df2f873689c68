"""`alignscape build`: generate build/docs from the catalog, `mkdocs build --strict`, then the
entry pages stamped into the shell mkdocs rendered (site/stamping.py); for a large catalog
they are rendered by forked workers while the generator and mkdocs run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from alignscape.collector import long_lived
from alignscape.model import Catalog
from alignscape.site.context import GenerateReport
from alignscape.site.errors import SiteError
from alignscape.site.fills import fill_site
from alignscape.site.generate import SiteGenerator
from alignscape.site.paths import SitePaths
from alignscape.site.stamping import EntryPages, finish_build


@dataclass
class BuildReport:
    generated: GenerateReport
    mkdocs_seconds: float
    warnings: list[str]
    stamp_seconds: float = 0.0  # entry pages stamped into the shell (site/stamping.py)

    @property
    def seconds(self) -> float:
        return self.generated.seconds + self.mkdocs_seconds + self.stamp_seconds


def generate(catalog: Catalog, paths: SitePaths,
             progress: Callable[[str], None] = lambda m: None,
             site_url: str | None = None, entry_markdown: bool = True) -> GenerateReport:
    """build/docs alone; by default with the entry pages as Markdown, a folder any
    mkdocs-compatible engine builds whole."""
    return SiteGenerator(catalog, paths, progress, site_url, entry_markdown).generate()


def run_mkdocs(paths: SitePaths, progress: Callable[[str], None] = lambda m: None
               ) -> tuple[float, list[str]]:
    """mkdocs build --strict in a child process (the same command a person would type), its
    log passed on line by line. Raises SiteError naming every warning when it fails."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
               "-f", str(paths.config)]
    warnings: list[str] = []
    tail: list[str] = []
    # mkdocs-material prints a multi-line end-of-life banner on every build; it is not a
    # warning about this site and would bury the lines that are.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, cwd=paths.root, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip()
            if not line:
                continue
            tail = (tail + [line])[-20:]
            if line.startswith(("WARNING", "ERROR")):
                warnings.append(line)
            progress(f"  mkdocs: {line.strip()}")
        code = proc.wait()
    if code != 0:
        detail = "\n".join(warnings or tail)
        raise SiteError(f"mkdocs build --strict failed (exit {code}):\n{detail}")
    return time.perf_counter() - started, warnings


def build_site(catalog: Catalog, paths: SitePaths,
               progress: Callable[[str], None] = lambda m: None,
               mkdocs: bool = True, site_url: str | None = None) -> BuildReport:
    """`site_url` replaces site/mkdocs.yml's (the address the site is published at). mkdocs
    renders every page but the entry pages, which are then stamped into the shell page it
    rendered (site/stamping.py). Without mkdocs, build/docs gets the entry pages as Markdown
    instead, so that another engine (Zensical) can build the whole site from it."""
    with long_lived():
        return _build(catalog, paths, progress, mkdocs, site_url)


def _build(catalog: Catalog, paths: SitePaths, progress: Callable[[str], None], mkdocs: bool,
           site_url: str | None) -> BuildReport:
    generator = SiteGenerator(catalog, paths, progress, site_url, entry_markdown=not mkdocs)
    if not mkdocs:
        generated = generator.generate()
        _generated(progress, generated, paths)
        return BuildReport(generated, 0.0, [])
    # The entry pages need only the context: they are rendered while the rest is generated
    # and mkdocs runs (site/stamping.py).
    with EntryPages(generator.context).start(paths.site, paths.out) as entry_pages:
        generated = generator.generate()
        _generated(progress, generated, paths)
        progress("running mkdocs build --strict")
        seconds, warnings = run_mkdocs(paths, progress)
        progress(f"stamping {len(catalog)} entry pages")
        stamped = finish_build(entry_pages, paths.out, paths.site)
        fill_site(paths.site, generator.context.deferred)
    generated.pages += len(stamped.pages) - 1  # the entry pages in place of their shell
    return BuildReport(generated, seconds, warnings, stamped.seconds)


def _generated(progress: Callable[[str], None], generated: GenerateReport,
               paths: SitePaths) -> None:
    progress(f"generated {generated.pages} pages and {generated.data_files} data files "
             f"in {generated.seconds:.1f} s into {paths.docs}")


__all__ = ["BuildReport", "SiteError", "SitePaths", "build_site", "generate", "run_mkdocs"]
