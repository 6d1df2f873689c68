"""alignscape explain ID: the trade-off profile with the rule or override behind each level."""

from __future__ import annotations

import json

from alignscape.commands._query import add_cache_flag, catalog_or_exit, entry_or_exit


def register(sub) -> None:
    parser = sub.add_parser(
        "explain", help="an entry's trade-off profile, with the rules and citations behind it",
        description="Print every trade-off level of ID: derived from its design choices by "
        "the rules of tradeoffs.yaml (each with its citation) or overridden by the entry "
        "(with the entry's citation), or unknown.")
    parser.add_argument("id", help="an entry id")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.query.analysis import explain, explain_text

    catalog = catalog_or_exit(args)
    entry = entry_or_exit(catalog, args.id, "explain")
    if args.format == "json":
        print(json.dumps({"id": entry.id, "tradeoffs": explain(catalog, entry)}, indent=2))
    else:
        print(explain_text(catalog, entry))
    return 0
