"""alignscape gaps: unexplored combinations of stage options and the entries nearest them."""

from __future__ import annotations

import json
import sys

from alignscape.commands._query import add_cache_flag, catalog_or_exit


def register(sub) -> None:
    parser = sub.add_parser(
        "gaps", help="unexplored combinations of stage options, with the nearest entries",
        description="List combinations of options (default: response source x adjudicator x "
        "signal format) that no entry chooses together, those whose every pair of options "
        "already occurs in some entry first, each with the entries closest to it.")
    parser.add_argument("--dims", nargs="+", metavar="DIM",
                        help="group.dimension names (default: synthesis.sources "
                        "evaluation.evaluators instantiation.formats)")
    parser.add_argument("--limit", type=int, default=20, help="how many (default 20; 0: all)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.query.analysis import AnalysisError
    from alignscape.query.gaps import DEFAULT_DIMENSIONS, gap_report

    catalog = catalog_or_exit(args)
    try:
        report = gap_report(catalog, max(args.limit, 0) or None,
                            args.dims or DEFAULT_DIMENSIONS)
    except AnalysisError as error:
        print(f"alignscape gaps: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps({"dimensions": list(report.dimensions),
                          "combinations": report.combinations, "explored": report.explored,
                          "gaps": [g.as_dict() for g in report.gaps]}, indent=2))
        return 0
    print(f"{report.explored} of {report.combinations} combinations of "
          f"{' x '.join(report.dimensions)} are explored; the best-founded gaps:")
    for gap in report.gaps:
        short = [o.rsplit(".", 1)[1] for o in gap.options]
        print(f"\n  {' + '.join(short)}  ({gap.pairs_explored}/{gap.pairs_total} pairs "
              f"explored, {gap.support} entries behind them)")
        for entry_id, lacks in gap.nearest:
            missing = ", ".join(o.rsplit(".", 1)[1] for o in lacks)
            print(f"      {entry_id} (lacks {missing})")
    return 0
