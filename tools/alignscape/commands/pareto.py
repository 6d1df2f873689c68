"""alignscape pareto DIM [DIM ...] [--where EXPR]: entries no other entry beats on all DIMs."""

from __future__ import annotations

import json
import sys

from alignscape.commands._query import add_cache_flag, index_or_exit, query_error


def register(sub) -> None:
    parser = sub.add_parser(
        "pareto", help="the entries no other entry beats on all the named trade-offs",
        description="List the Pareto front over trade-off dimensions: entries that no other "
        "entry matches or beats on every named dimension while beating it on one, each "
        "dimension judged in its `better` direction (tradeoffs.yaml). Entries whose level is "
        "unknown on a named dimension are left out and counted.")
    parser.add_argument("dimensions", metavar="DIM", nargs="+",
                        help="trade-off dimensions, e.g. annotation_cost bias_risk")
    parser.add_argument("--where", metavar="EXPR", help="consider only entries matching EXPR")
    parser.add_argument("--format", choices=["table", "json", "ids"], default="table")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.query import output
    from alignscape.query.analysis import AnalysisError, pareto
    from alignscape.query.engine import select
    from alignscape.querylang import QueryError

    index = index_or_exit(args)
    try:
        rows = select(index, args.where)
    except QueryError as error:
        return query_error(args.where, error, "pareto --where")
    try:
        front = pareto(index, rows, args.dimensions)
    except AnalysisError as error:
        print(f"alignscape pareto: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps({"dimensions": front.dimensions, "front": [r["id"] for r in front.rows],
                          "considered": front.considered, "excluded_unknown": front.excluded},
                         indent=2))
        return 0
    if args.format == "ids":
        sys.stdout.write("".join(r["id"] + "\n" for r in front.rows))
    else:
        better = {d["id"]: d["better"] for d in index["tradeoffs"]["dimensions"]}
        print("front over " + ", ".join(f"{d} ({better[d]} is better)" for d in args.dimensions))
        if front.rows:
            print(output.table(front.rows, [("tradeoff", d) for d in front.dimensions]))
    scope = f" (of {len(rows)} matching --where)" if args.where else ""
    note = (f"{len(front.rows)} on the front of {front.considered} entries with known "
            f"levels{scope}; {len(front.excluded)} left out for an unknown level on "
            + ", ".join(front.dimensions))
    print(note, file=sys.stderr)
    return 0
