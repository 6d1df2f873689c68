"""alignscape similar ID: entries ranked by shared design choices, with what differs."""

from __future__ import annotations

import json
import sys

from alignscape.commands._query import add_cache_flag, catalog_or_exit, query_error


def register(sub) -> None:
    parser = sub.add_parser(
        "similar", help="entries ranked by the design choices they share with ID",
        description="Rank entries by design-choice similarity to ID: over every taxonomy "
        "dimension either entry records, the share of options in common, averaged. Each "
        "result says which choices differ.")
    parser.add_argument("id", help="an entry id")
    parser.add_argument("--limit", type=int, default=10, help="how many (default 10; 0: all)")
    parser.add_argument("--where", metavar="EXPR", help="rank only entries matching EXPR")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.query.analysis import AnalysisError, similar
    from alignscape.querylang import QueryError

    catalog = catalog_or_exit(args)
    within = None
    if args.where:
        try:
            within = catalog.query(args.where)
        except QueryError as error:
            return query_error(args.where, error, "similar --where")
    try:
        ranked = similar(catalog, args.id, max(args.limit, 0), within)
    except AnalysisError as error:
        print(f"alignscape similar: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([{"id": s.entry.id, "score": round(s.score, 4), "shared": s.shared,
                           "differs": {d: {"only_" + args.id: a, "only_" + s.entry.id: b}
                                       for d, (a, b) in s.differs.items()}}
                          for s in ranked], indent=2))
        return 0
    target = catalog.entries[args.id]
    print(f"entries most like {target.name} ({args.id}); '+' only in the other entry, "
          f"'-' only in {args.id}")
    for rank, item in enumerate(ranked, start=1):
        print(f"\n{rank:>2}. {item.entry.id}  {item.score:.2f}  {item.entry.name}")
        for dim, (mine, theirs) in item.differs.items():
            change = " ".join([*(f"+{o}" for o in theirs), *(f"-{o}" for o in mine)])
            print(f"      {dim}: {change}")
    return 0
