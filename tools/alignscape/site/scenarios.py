"""The site's scenario pages: one per deployment scenario, rendered from the recommendation
engine, plus their index. `alignscape recommend --format markdown` prints the same page."""

from __future__ import annotations

from urllib.parse import quote

from alignscape.model.scenario import Scenario
from alignscape.query.recommend import conflict_text, recommend
from alignscape.site.safety import md_escape


def _md(text: object) -> str:
    return str(md_escape(text))


def _cell(text: object) -> str:
    # md_escape already escapes `|`; keep table cells on one line.
    return _md(" ".join(str(text).split()))


def scenario_page(catalog, scenario: Scenario, limit: int = 25) -> str:
    """A Markdown page for the scenario, placed at scenarios/<slug>.md of the site (links are
    relative to that folder). Every catalog string is escaped for Markdown and HTML."""
    rec = recommend(catalog, scenario)
    # A link to the page's source: mkdocs checks it and keeps the query string.
    explorer = f"../explorer.md?expr={quote(scenario.expression, safe='')}"
    out = [f"# {_md(scenario.label)}", "", _md(scenario.summary), "", _md(scenario.rationale), ""]
    if scenario.survey:
        out += [f"*Deployment scenario of the survey: {_md(scenario.survey)}.*", ""]
    out += ["## Requirements", "", "| requirement | why |", "| --- | --- |"]
    if scenario.where:
        out.append(f"| `{_code(scenario.where)}` | the candidates considered |")
    for r in scenario.requires:
        cite = f" [{_cell(', '.join(r.cite))}]" if r.cite else ""
        out.append(f"| `{_code(r.expression)}` | {_cell(r.why)}{cite} |")
    if scenario.prefers:
        out += ["", "Entries that qualify are ranked by:", ""]
        for p in scenario.prefers:
            better = catalog.tradeoffs.dimensions[p.dimension].better
            out.append(f"* **{better} {_md(p.dimension)}**: {_md(p.why)}")
    out += ["", f"[Open this query in the explorer]({explorer}) · on the command line: "
            f"`alignscape recommend {scenario.id}`", "",
            f"## Entries that satisfy it ({len(rec.entries)} of {rec.total})", ""]
    if rec.entries:
        out += ["| entry | kind | year | score | why |", "| --- | --- | --- | --- | --- |"]
        for r in rec.entries[:limit]:
            why = "<br>".join(_cell(b.text()) for b in r.basis)
            out.append(f"| [{_cell(r.entry.name)}](../entries/{r.entry.id}.md) | "
                       f"{_cell(r.entry.kind)} | {r.entry.year} | {r.score}/{r.best} | {why} |")
        if len(rec.entries) > limit:
            out += ["", f"{len(rec.entries) - limit} more in the [explorer]({explorer})."]
    else:
        out.append("No entry of the catalog satisfies every requirement yet.")
    out += ["", "## Stage options that serve it", "",
            "Options whose trade-off rules move a required or preferred dimension the right "
            "way (the count is how many of the entries above choose them).", "",
            "| option | entries | rules |", "| --- | --- | --- |"]
    for a in rec.options:
        rules = "<br>".join(_cell(f"{rule} → {what} [{', '.join(cite)}]")
                            for what, rule, cite in a.reasons) or "named by a requirement"
        out.append(f"| `{_code(a.option)}` ({_cell(a.label)}) | {a.used_by} | {rules} |")
    if rec.avoid:
        out += ["", "## Stage options that break a requirement", "",
                "| option | rule |", "| --- | --- |"]
        for a in rec.avoid:
            rules = "<br>".join(_cell(conflict_text(what, rule, cite))
                                for what, rule, cite in a.conflicts)
            out.append(f"| `{_code(a.option)}` ({_cell(a.label)}) | {rules} |")
    return "\n".join(out) + "\n"


def _code(text: str) -> str:
    # Inside a code span nothing is interpreted but a backtick would end it; `|` would end the
    # table cell. Expressions cannot contain backticks (the lexer refuses them).
    return text.replace("|", "\\|")


def scenario_pages(catalog) -> list[tuple[str, str]]:
    """[(slug, markdown)] for the site: "index" (the list of scenarios) and one page per
    scenario, to be written to scenarios/<slug>.md."""
    scenarios = tuple(getattr(catalog, "scenarios", ()) or ())
    index = ["# Deployment scenarios", "",
             "The survey closes with deployment scenarios. Each page states a scenario as "
             "requirements in the query language and trade-off preferences "
             "(catalog/scenarios.yaml), and lists what the catalog offers for it, explained by "
             "the trade-off rules and their citations. Nothing on these pages is hand-picked.",
             "", "| scenario | what it is | entries |", "| --- | --- | --- |"]
    pages = []
    for scenario in scenarios:
        count = len(recommend(catalog, scenario).entries)
        index.append(f"| [{_cell(scenario.label)}]({scenario.slug}.md) | "
                     f"{_cell(scenario.summary)} | {count} |")
        pages.append((scenario.slug, scenario_page(catalog, scenario)))
    return [("index", "\n".join(index) + "\n"), *pages]
