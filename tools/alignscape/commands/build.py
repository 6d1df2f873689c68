"""alignscape build: the site, from the validated catalog, into build/site."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from alignscape.commands import load_catalog_or_exit, root_of


def register(sub) -> None:
    parser = sub.add_parser(
        "build", help="generate the site (Markdown + data) and build it with mkdocs",
        description="Render the validated catalog into build/docs with Jinja2 templates, then "
        "run `mkdocs build --strict` into build/site. Exit 1 on an invalid catalog or any "
        "mkdocs warning.")
    parser.add_argument("--out", type=Path, help="build folder (default: <root>/build)")
    parser.add_argument("--no-mkdocs", action="store_true",
                        help="only generate build/docs and build/mkdocs.yml")
    parser.add_argument("--site-url", metavar="URL",
                        help="the address the site is published at (default: site_url of "
                        "site/mkdocs.yml); the sitemap, canonical links and 404 page use it")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.set_defaults(handler=run)


def progress_printer(quiet: bool):
    started = time.perf_counter()

    def show(message: str) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr,
                  flush=True)
    return show


def run(args) -> int:
    from alignscape.site.build import SiteError, SitePaths, build_site

    show = progress_printer(args.quiet)
    show("loading and validating the catalog")
    catalog = load_catalog_or_exit(args)
    paths = SitePaths.for_root(root_of(args), args.out)
    try:
        report = build_site(catalog, paths, show, mkdocs=not args.no_mkdocs,
                            site_url=args.site_url)
    except SiteError as exc:
        print(f"alignscape build: {exc}", file=sys.stderr)
        return 1
    for note in report.generated.notes:
        print(f"note: {note}", file=sys.stderr)
    where = paths.docs if args.no_mkdocs else paths.site
    show(f"done: {len(catalog)} entries, {report.generated.pages} pages in {where} "
         f"(generate {report.generated.seconds:.1f} s, mkdocs {report.mkdocs_seconds:.1f} s)")
    return 0
