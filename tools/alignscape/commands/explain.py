"""alignscape explain ID: the trade-off profile with the rule or override behind each level."""

from __future__ import annotations

import json

from alignscape.commands._query import add_cache_flag, catalog_or_exit, entry_or_exit


def register(sub) -> None:
    parser = sub.add_parser(
        "explain", help="an entry's trade-off profile, with the rules and citations behind it",
        description="Print every trade-off level of ID: derived from its design choices by "
        "the rules of tradeoffs.yaml (each with its citation) or overridden by the entry "
        "(with the entry's citation), set by the data (a stage the method leaves open) or "
        "unknown, each with its reason. Without ID, every entry (with --format json: one "
        "document for the whole catalog).")
    parser.add_argument("id", nargs="?", help="an entry id (default: every entry)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--summary", action="store_true",
                        help="count, per dimension, the pairs at each level, set by the data, "
                        "not applicable and unknown (over every entry, or over ID alone)")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.query.analysis import explain_text

    catalog = catalog_or_exit(args)
    if args.summary:
        return _summary(args, catalog)
    if args.id is None:
        if args.format == "json":
            print(json.dumps({"entries": [_document(catalog, e) for e in catalog]}, indent=1))
        else:
            print("\n\n".join(explain_text(catalog, e) for e in catalog))
        return 0
    entry = entry_or_exit(catalog, args.id, "explain")
    if args.format == "json":
        print(json.dumps(_document(catalog, entry), indent=2))
    else:
        print(explain_text(catalog, entry))
    return 0


def _document(catalog, entry) -> dict:
    from alignscape.query.analysis import explain

    return {"id": entry.id, "open_stages": entry.open_stages,
            "not_applicable": entry.not_applicable_stages, "tradeoffs": explain(catalog, entry)}


def _summary(args, catalog) -> int:
    from alignscape.commands._coverage import summarise, summary_text

    entries = [entry_or_exit(catalog, args.id, "explain")] if args.id else list(catalog)
    document = {"entries": [_document(catalog, e) for e in entries]}
    summary = summarise(document, catalog.tradeoffs.levels)
    print(json.dumps(summary, indent=1) if args.format == "json" else summary_text(summary))
    return 0
