"""alignscape query EXPR: the entries matching a query expression."""

from __future__ import annotations

import sys

from alignscape.commands._query import (
    add_cache_flag,
    catalog_or_exit,
    columns_or_exit,
    index_or_exit,
    query_error,
)
from alignscape.query import output
from alignscape.query.engine import Query
from alignscape.querylang import QueryError

SORTS = ("catalog", "id", "year", "name", "kind")


def register(sub) -> None:
    parser = sub.add_parser(
        "query", help="list the entries matching a query expression",
        description="List the entries matching EXPR, e.g. "
        "'evaluators has llm_judge and policy_relation = on_policy and bias_risk <= medium'. "
        "The language is described on the site's Query page (site/docs/query.md).")
    parser.add_argument("expression", metavar="EXPR", nargs="+",
                        help="the expression (several arguments are joined with spaces)")
    parser.add_argument("--format", choices=output.FORMATS, default="table")
    parser.add_argument("--sort", choices=SORTS, default="catalog",
                        help="result order (default: catalog order, i.e. by id)")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    expression = " ".join(args.expression)
    if args.format in ("ids", "table"):
        # The column store answers without decoding every row (see alignscape.query.columns).
        store = columns_or_exit(args)
        index = store.vocabulary_index()
        total = store.c["count"]
    else:
        index = index_or_exit(args)
        total = len(index["entries"])
    try:
        compiled = Query.compile(expression, index)
    except QueryError as error:
        return query_error(expression, error, "query")
    if args.format in ("ids", "table"):
        rows = [store.row(n, compiled.fields) for n in store.positions(compiled.tree)]
    else:
        rows = compiled.select(index["entries"])
    if args.sort != "catalog":
        rows.sort(key=lambda r: (r[args.sort], r["id"]) if args.sort != "year"
                  else (-r["year"], r["id"]))
    if args.format == "ids":
        text = "\n".join(r["id"] for r in rows) + ("\n" if rows else "")
    elif args.format == "json":
        text = output.as_json(rows) + "\n"
    elif args.format == "csv":
        text = output.as_csv(rows, index)
    elif args.format == "bibtex":
        catalog = catalog_or_exit(args)
        text = output.as_bibtex([catalog.entries[r["id"]] for r in rows], catalog)
    else:
        text = output.table(rows, compiled.fields) + "\n" if rows else ""
        noun = "entry" if len(rows) == 1 else "entries"
        print(f"{len(rows)} {noun} of {total} match", file=sys.stderr)
    sys.stdout.write(text)
    return 0
