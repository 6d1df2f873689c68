"""Build the site for a synthetic catalog and report where the time goes.

    python -m alignscape.bench.site --entries 10000

The catalog is written to a temporary folder (or --keep DIR) and built with the project's own
site/ sources, exactly as `alignscape build` would build the real one.
"""

from __future__ import annotations

import argparse
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
    search = paths.site / "search" / "search_index.json"
    return {"entries": len(catalog), "pages": report.generated.pages, "seconds": timings,
            "search_index_bytes": search.stat().st_size if search.exists() else None,
            "mkdocs_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
            "site": str(paths.site)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m alignscape.bench.site",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write the catalog and site here and keep them")
    parser.add_argument("--no-mkdocs", action="store_true", help="measure generation only")
    args = parser.parse_args(argv)

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
