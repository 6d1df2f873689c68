"""Build the site for a synthetic catalog and report where the time goes.

    python -m alignscape.bench.site --entries 10000

The catalog is written to a temporary folder (or --keep DIR) and built with the project's own
site/ sources, exactly as `alignscape build` would build the real one.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from alignscape.bench.synthetic import write_synthetic_catalog
from alignscape.catalog.loader import load_catalog
from alignscape.model import CatalogInvalid
from alignscape.paths import find_root
from alignscape.site.build import SiteError, SitePaths, build_site


def bench_site(count: int, workdir: Path, project: Path, mkdocs: bool = True,
               progress=lambda m: None) -> dict:
    timings = {}
    started = time.perf_counter()
    root = write_synthetic_catalog(project, workdir, count)
    timings["write"] = time.perf_counter() - started
    started = time.perf_counter()
    catalog = load_catalog(root)
    timings["validate"] = time.perf_counter() - started
    paths = SitePaths.for_root(root, site_src=project / "site")
    report = build_site(catalog, paths, progress, mkdocs=mkdocs)
    timings["generate"] = report.generated.seconds
    timings["mkdocs"] = report.mkdocs_seconds
    timings["stamp"] = report.stamp_seconds
    search = paths.site / "search" / "search_index.json"
    return {"entries": len(catalog), "pages": report.generated.pages, "seconds": timings,
            "search_index_bytes": search.stat().st_size if search.exists() else None,
            "mkdocs_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
            "site": str(paths.site)}


TRIVIAL_CONFIG = """site_name: floor
theme:
  name: material
plugins:
  - search
nav:
  - index.md
not_in_nav: |
  /p/*.md
"""


def trivial_site(folder: Path, count: int) -> Path:
    """The floor a site build is compared with: plain mkdocs-material, `count` trivial pages
    kept out of the navigation (as the entry pages are). Returns its mkdocs.yml."""
    docs = folder / "docs"
    (docs / "p").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Floor\n\nTrivial pages.\n", encoding="utf-8")
    for n in range(count):
        (docs / "p" / f"{n}.md").write_text(f"# Page {n}\n\nSome text on page {n}.\n",
                                          encoding="utf-8")
    (folder / "mkdocs.yml").write_text(TRIVIAL_CONFIG, encoding="utf-8")
    return folder / "mkdocs.yml"


def bench_site_build(context) -> list:
    """The full site build (generation and mkdocs, in one child process) vs plain
    mkdocs-material on the same number of trivial pages, measured in the same run."""
    from alignscape.bench.context import Result

    root = context.synthetic_catalog()
    size = context.entries
    env = {"NO_MKDOCS_2_WARNING": "1"}
    floor = trivial_site(context.workdir / f"floor-{size}", size)
    base, _ = context.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f",
                           str(floor)], env=env, cwd=floor.parent)
    timing, done = context.run([sys.executable, "-m", "alignscape.bench.site", "--root",
                                str(root), "--json"], env=env)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = data["seconds"]
    return [Result(
        "build the site", timing.wall,
        f"{data['pages']} pages; generate {seconds['generate']:.1f} s, mkdocs "
        f"{seconds['mkdocs']:.1f} s, entry pages stamped {seconds.get('stamp', 0):.1f} s "
        f"(validation {seconds['validate']:.1f} s, included); CPU {timing.cpu:.1f} s; peak "
        "memory is the largest of the generator, its mkdocs child and its stamping workers",
        baseline="plain mkdocs-material, same number of trivial pages kept out of the "
        "navigation", baseline_seconds=base.wall,
        peak_mb=max(timing.peak_mb, data["mkdocs_peak_rss_mb"]), baseline_peak_mb=base.peak_mb,
        goal="≤ 1.5× the floor at 10,000", entries=size)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignscape.bench.site",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write the catalog and site here and keep them")
    parser.add_argument("--no-mkdocs", action="store_true", help="measure generation only")
    parser.add_argument("--root", type=Path,
                        help="build this (synthetic) catalog instead of writing one")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.root:
        paths = SitePaths.for_root(args.root, site_src=find_root() / "site")
        started = time.perf_counter()
        catalog = load_catalog(args.root)
        validate = time.perf_counter() - started
        report = build_site(catalog, paths, mkdocs=not args.no_mkdocs)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(json.dumps({"entries": len(catalog), "pages": report.generated.pages,
                          "seconds": {"validate": validate,
                                      "generate": report.generated.seconds,
                                      "mkdocs": report.mkdocs_seconds,
                                      "stamp": report.stamp_seconds},
                          "mkdocs_peak_rss_mb": usage}))
        return 0

    started = time.perf_counter()

    def show(message: str) -> None:
        if not message.startswith("  mkdocs: INFO"):
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr,
                  flush=True)

    with tempfile.TemporaryDirectory(prefix="alignscape-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        try:
            result = bench_site(args.entries, workdir, find_root(), not args.no_mkdocs, show)
        except (CatalogInvalid, SiteError) as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
    seconds = result["seconds"]
    total = sum(seconds.values())
    print(f"{result['entries']} entries, {result['pages']} pages: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
          + f"; total {total:.1f} s; mkdocs peak RSS {result['mkdocs_peak_rss_mb']} MB"
          + (f"; search index {result['search_index_bytes'] / 1e6:.1f} MB"
             if result["search_index_bytes"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
