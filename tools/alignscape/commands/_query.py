"""What the query commands share: loading the cached catalog, reporting errors without
tracebacks."""

from __future__ import annotations

import sys

from alignscape.commands import root_of
from alignscape.query.language import QueryError


def add_cache_flag(parser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help="validate the catalog from its YAML instead of using the cache")


def _invalid(exc) -> None:
    for finding in exc.findings[:10]:
        print(finding.format(), file=sys.stderr)
    print(f"alignscape: {exc}", file=sys.stderr)
    raise SystemExit(1)


def _with_cache_setting(args, loader):
    import os

    previous = os.environ.get("ALIGNSCAPE_CACHE")
    if getattr(args, "no_cache", False):
        os.environ["ALIGNSCAPE_CACHE"] = "off"
    try:
        return loader(root_of(args))
    except Exception as exc:
        # Imported only on failure: a cache hit never needs the catalog model.
        from alignscape.catalog.model import CatalogInvalid

        if not isinstance(exc, CatalogInvalid):
            raise
        _invalid(exc)
    finally:
        if getattr(args, "no_cache", False):
            if previous is None:
                os.environ.pop("ALIGNSCAPE_CACHE", None)
            else:
                os.environ["ALIGNSCAPE_CACHE"] = previous


def index_or_exit(args) -> dict:
    from alignscape.query.cache import load_index

    return _with_cache_setting(args, load_index)


def columns_or_exit(args):
    from alignscape.query.cache import load_columns

    return _with_cache_setting(args, load_columns)


def catalog_or_exit(args):
    from alignscape.query.cache import load_catalog

    return _with_cache_setting(args, load_catalog)


def query_error(expression: str, error: QueryError, what: str = "") -> int:
    text = error.format(expression)
    print(f"alignscape{' ' + what if what else ''}: {text}", file=sys.stderr)
    return 2


def entry_or_exit(catalog, entry_id: str, command: str):
    from alignscape.query.language import suggest

    if entry_id in catalog.entries:
        return catalog.entries[entry_id]
    close = suggest(entry_id, list(catalog.entries))
    hint = f"; did you mean {close!r}?" if close else ""
    print(f"alignscape {command}: no entry has id {entry_id!r}{hint}", file=sys.stderr)
    raise SystemExit(2)
