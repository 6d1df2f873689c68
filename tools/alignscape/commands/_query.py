"""What the query commands share: loading the cached catalog, reporting errors without
tracebacks."""

from __future__ import annotations

import sys

from alignscape.commands import root_of
from alignscape.querylang import QueryError


def add_cache_flag(parser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="validate the catalog from its YAML instead of using the cache")


def _invalid(exc) -> None:
    for finding in exc.findings[:10]:
        print(finding.format(), file=sys.stderr)
    print(f"alignscape: {exc}", file=sys.stderr)
    raise SystemExit(1)


def cache_of(args):
    """The CatalogCache a command uses: off with --no-cache or ALIGNSCAPE_CACHE=off."""
    import os

    from alignscape.catalog.cache import CatalogCache

    off = getattr(args, "no_cache", False) or os.environ.get(
        "ALIGNSCAPE_CACHE", "").lower() in ("off", "0", "no", "false")
    return CatalogCache(root_of(args), enabled=not off)


def _or_exit(load):
    try:
        return load()
    except Exception as exc:
        # Imported only on failure: a cache hit never needs the catalog model.
        from alignscape.model import CatalogInvalid

        if not isinstance(exc, CatalogInvalid):
            raise
        _invalid(exc)


def index_or_exit(args) -> dict:
    return _or_exit(cache_of(args).index)


def columns_or_exit(args):
    from alignscape.query.columns import load_columns

    cache = cache_of(args)
    return _or_exit(lambda: load_columns(cache))


def catalog_or_exit(args):
    return _or_exit(cache_of(args).catalog)


def query_error(expression: str, error: QueryError, what: str = "") -> int:
    text = error.format(expression)
    print(f"alignscape{' ' + what if what else ''}: {text}", file=sys.stderr)
    return 2


def entry_or_exit(catalog, entry_id: str, command: str):
    from alignscape.suggest import hint

    if entry_id in catalog.entries:
        return catalog.entries[entry_id]
    close = hint(entry_id, catalog.entries)
    print(f"alignscape {command}: no entry has id {entry_id!r}" + (f"; {close}" if close else ""),
          file=sys.stderr)
    raise SystemExit(2)
