"""alignscape recommend SCENARIO: entries and stage options that fit a deployment scenario."""

from __future__ import annotations

import json
import sys

from alignscape.commands._query import add_cache_flag, catalog_or_exit


def register(sub) -> None:
    parser = sub.add_parser(
        "recommend", help="entries and stage options for a deployment scenario",
        description="State a deployment scenario's constraints (catalog/scenarios.yaml), list "
        "the entries that satisfy them ranked by its trade-off preferences, and the stage "
        "options whose trade-off rules serve or break them, each with its citations. "
        "Without SCENARIO, list the scenarios.")
    parser.add_argument("scenario", nargs="?", help="a scenario id, e.g. low_budget_chat")
    parser.add_argument("--limit", type=int, default=10,
                        help="how many entries (default 10; 0: all)")
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    add_cache_flag(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from alignscape.query.analysis import AnalysisError
    from alignscape.query.recommend import recommend, scenario_or_error
    from alignscape.site.scenarios import scenario_page

    catalog = catalog_or_exit(args)
    if not args.scenario:
        for scenario in catalog.scenarios:
            print(f"{scenario.id:24} {scenario.summary}")
        return 0
    try:
        scenario = scenario_or_error(catalog, args.scenario)
    except AnalysisError as error:
        print(f"alignscape recommend: {error}", file=sys.stderr)
        return 2
    if args.format == "markdown":
        sys.stdout.write(scenario_page(catalog, scenario))
        return 0
    rec = recommend(catalog, scenario, max(args.limit, 0) or None)
    if args.format == "json":
        print(json.dumps({
            "scenario": scenario.id, "expression": scenario.expression,
            "matched": rec.matched, "in_scope": rec.candidates,
            "entries": [{"id": r.entry.id, "score": r.score, "best": r.best,
                         "unknown": r.unknown,
                         "basis": [b.text() for b in r.basis]} for r in rec.entries],
            "options": [{"option": a.option, "used_by": a.used_by, "named": a.named,
                         "reasons": [{"serves": w, "rule": r, "cite": list(c)}
                                     for w, r, c in a.reasons]} for a in rec.options],
            "avoid": [{"option": a.option,
                       "conflicts": [{"breaks": w, "rule": r, "cite": list(c)}
                                     for w, r, c in a.conflicts]} for a in rec.avoid],
        }, indent=2))
        return 0
    print(recommendation_text(catalog, rec))
    return 0


def recommendation_text(catalog, rec) -> str:
    from alignscape.query.recommend import conflict_text

    s = rec.scenario
    lines = [f"{s.label} ({s.id})", f"  {s.summary}", "", "Requires:"]
    if s.where:
        lines.append(f"  scope: {s.where}")
    for r in s.requires:
        lines.append(f"  {r.expression}")
        lines.append(f"      {r.why}" + (f" [{', '.join(r.cite)}]" if r.cite else ""))
    if s.prefers:
        lines.append("Prefers (ranks the entries):")
        for p in s.prefers:
            better = catalog.tradeoffs.dimensions[p.dimension].better
            lines.append(f"  {better} {p.dimension}: {p.why}")
    lines += ["", f"Entries: {rec.matched} of the {rec.candidates} in scope satisfy it"
              + (f", the first {len(rec.entries)} shown" if len(rec.entries) < rec.matched else "")
              + f" (alignscape query {json.dumps(s.expression)}):"]
    if not rec.entries:
        lines.append("  none in the catalog satisfies every requirement")
    for n, r in enumerate(rec.entries, start=1):
        unknown = f", unknown: {', '.join(r.unknown)}" if r.unknown else ""
        lines.append(f"  {n:>2}. {r.entry.id}  score {r.score}/{r.best}{unknown}  "
                     f"{r.entry.name}")
        for basis in r.basis:
            lines.append(f"        {basis.text()}")
    lines += ["", "Stage options whose trade-off rules serve the scenario "
              "(entries above using them):"]
    for a in rec.options:
        lines.append(f"  {a.option} ({a.used_by})" + ("  named by a requirement"
                                                         if a.named else ""))
        for what, rule, cite in a.reasons:
            lines.append(f"      {rule} -> {what} [{', '.join(cite)}]")
    if rec.avoid:
        lines += ["", "Stage options whose rules break a requirement:"]
        for a in rec.avoid:
            for what, rule, cite in a.conflicts:
                lines.append(f"  {a.option}: {conflict_text(what, rule, cite)}")
    return "\n".join(lines)


