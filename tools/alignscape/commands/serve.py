"""alignscape serve: build the site, serve it, rebuild when the catalog changes."""

from __future__ import annotations

import sys
from pathlib import Path

from alignscape.commands import root_of
from alignscape.commands.build import progress_printer


def register(sub) -> None:
    parser = sub.add_parser(
        "serve", help="serve the site on http://127.0.0.1:8000, rebuilding on changes",
        description="Build the site, serve build/site on the loopback address and rebuild "
        "whenever a file under catalog/ (or site/) changes. An invalid catalog is reported "
        "and the last good site stays up.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--out", type=Path, help="build folder (default: <root>/build)")
    parser.add_argument("--no-watch", action="store_true", help="build once and serve")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.site.serve import serve

    return serve(root_of(args), args.out, host=args.host, port=args.port,
                 watch=not args.no_watch, progress=progress_printer(False),
                 err=lambda m: print(m, file=sys.stderr, flush=True))
