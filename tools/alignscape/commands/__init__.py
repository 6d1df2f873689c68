"""One module per CLI command; each exposes register(subparsers)."""

from __future__ import annotations

import sys
from pathlib import Path

from alignscape.paths import find_root


def root_of(args) -> Path:
    return Path(args.root).resolve() if getattr(args, "root", None) else find_root()


def load_catalog_or_exit(args):
    """The validated catalog, or a short message and exit 1 pointing at `alignscape validate`."""
    from alignscape.catalog.loader import load_catalog
    from alignscape.model import CatalogInvalid

    try:
        return load_catalog(root_of(args))
    except CatalogInvalid as exc:
        for finding in exc.findings[:10]:
            print(finding.format(), file=sys.stderr)
        print(f"alignscape: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
