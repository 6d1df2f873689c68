"""`alignscape build`: generate build/docs from the catalog, then `mkdocs build --strict`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from alignscape.model import Catalog
from alignscape.site.context import GenerateReport
from alignscape.site.errors import SiteError
from alignscape.site.generate import SiteGenerator
from alignscape.site.paths import SitePaths


@dataclass
class BuildReport:
    generated: GenerateReport
    mkdocs_seconds: float
    warnings: list[str]

    @property
    def seconds(self) -> float:
        return self.generated.seconds + self.mkdocs_seconds


def generate(catalog: Catalog, paths: SitePaths,
             progress: Callable[[str], None] = lambda m: None,
             site_url: str | None = None) -> GenerateReport:
    return SiteGenerator(catalog, paths, progress, site_url).generate()


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
    """`site_url` replaces site/mkdocs.yml's (the address the site is published at)."""
    generated = generate(catalog, paths, progress, site_url)
    progress(f"generated {generated.pages} pages and {generated.data_files} data files "
             f"in {generated.seconds:.1f} s into {paths.docs}")
    if not mkdocs:
        return BuildReport(generated, 0.0, [])
    progress("running mkdocs build --strict")
    seconds, warnings = run_mkdocs(paths, progress)
    return BuildReport(generated, seconds, warnings)


__all__ = ["BuildReport", "SiteError", "SitePaths", "build_site", "generate", "run_mkdocs"]
