"""Deployment scenarios (catalog/scenarios.yaml): loading with located findings, recommendations
from the query engine, and one Markdown page per scenario for the site.

A scenario states hard requirements as query expressions and soft preferences as trade-off
dimensions. `recommend` never picks by hand: the entries are those the expressions select,
ranked by the preferred dimensions; the stage options are those whose trade-off rules
(tradeoffs.yaml) move a required or preferred dimension the right way, and those to avoid are
those whose rules break a requirement. Each comes with the rules and citations behind it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from alignscape.query.language import QueryError, Vocabulary, evaluate, parse

SCENARIO_FILE = "scenarios.yaml"


@dataclass(frozen=True)
class Requirement:
    expression: str
    why: str
    cite: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preference:
    dimension: str
    why: str


@dataclass(frozen=True)
class Scenario:
    id: str
    label: str
    summary: str
    rationale: str
    requires: tuple[Requirement, ...]
    prefers: tuple[Preference, ...] = ()
    where: str | None = None
    survey: str | None = None

    @property
    def slug(self) -> str:
        return self.id.replace("_", "-")

    @property
    def expression(self) -> str:
        """The whole filter: the scope and every requirement, each parenthesised."""
        parts = ([self.where] if self.where else []) + [r.expression for r in self.requires]
        return " and ".join(f"({' '.join(p.split())})" for p in parts)


# --- loading -------------------------------------------------------------------------------------

def vocabulary_of(taxonomy, tradeoffs, ids=()) -> Vocabulary:
    """The query vocabulary of a taxonomy and trade-offs, built through the index shape so it is
    the one the explorer sees."""
    return Vocabulary.from_index({
        "dimensions": [{"id": d.qualified, "cardinality": d.cardinality,
                        "options": [{"id": o} for o in d.option_ids]}
                       for d in taxonomy.dimensions.values()],
        "tradeoffs": {"levels": list(tradeoffs.levels),
                      "dimensions": [{"id": d.id, "better": d.better}
                                     for d in tradeoffs.dimensions.values()]},
        "entries": [{"id": i} for i in ids]})


def load_scenarios(catalog_dir: Path, taxonomy, tradeoffs, bibliography, shown: str | None = None):
    """(scenarios, findings) of catalog/scenarios.yaml; an absent file has no scenarios.
    Findings use code C003 (X003 for an unknown citation key) and point at the value."""
    from alignscape.catalog.findings import Finding
    from alignscape.catalog.schemas import file_validator
    from alignscape.catalog.yamlsafe import YamlProblem, dotted, load_file

    path = catalog_dir / SCENARIO_FILE
    if not path.is_file():
        return (), []
    shown = shown or str(path)
    try:
        loaded = load_file(path)
    except YamlProblem as problem:
        return (), [Finding(shown, problem.line, problem.column, problem.code, problem.field,
                            problem.message)]
    findings = []

    def at(where, message, expected="", code="C003", column_offset=None):
        line, column = loaded.locate(where)
        if column_offset is not None:
            line, column = _inside_value(path, line, column, column_offset)
        return Finding(shown, line, column, code, dotted(where), message, expected)

    for error in file_validator("scenarios").iter_errors(loaded.data):
        where = tuple(error.absolute_path)
        message = error.message if len(error.message) < 160 else error.message[:157] + "..."
        findings.append(at(where, message))
    if findings:
        return (), sorted(findings)

    vocabulary = vocabulary_of(taxonomy, tradeoffs)
    scenarios, seen = [], set()
    for i, item in enumerate(loaded.data["scenarios"]):
        base = ("scenarios", i)
        if item["id"] in seen:
            findings.append(at((*base, "id"), f"scenario id {item['id']!r} appears twice",
                               "unique ids"))
        seen.add(item["id"])
        expressions = ([((*base, "where"), item["where"])] if "where" in item else []) + [
            ((*base, "require", j, "expression"), r["expression"])
            for j, r in enumerate(item["require"])]
        for where, expression in expressions:
            try:
                parse(expression, vocabulary)
            except QueryError as error:
                hint = f"did you mean {error.suggestion!r}? " if error.suggestion else ""
                listed = ", ".join(error.expected[:12])
                findings.append(at(where, f"{error.message} (character {error.position + 1} "
                                   "of the expression)",
                                   hint + (f"expected: {listed}" if listed else ""),
                                   column_offset=error.position))
        for j, requirement in enumerate(item["require"]):
            for k, key in enumerate(requirement.get("cite", ())):
                if key not in bibliography:
                    findings.append(at((*base, "require", j, "cite", k),
                                       f"unknown citation key {key!r}",
                                       "a key of references.bib", code="X003"))
        for j, preference in enumerate(item.get("prefer", ())):
            if preference["dimension"] not in tradeoffs.dimensions:
                from alignscape.query.language import suggest

                close = suggest(preference["dimension"], list(tradeoffs.dimensions))
                findings.append(at((*base, "prefer", j, "dimension"),
                                   f"unknown trade-off dimension {preference['dimension']!r}",
                                   (f"did you mean {close!r}? " if close else "")
                                   + "a dimension of tradeoffs.yaml"))
        scenarios.append(Scenario(
            id=item["id"], label=item["label"], summary=" ".join(item["summary"].split()),
            rationale=" ".join(item["rationale"].split()),
            requires=tuple(Requirement(" ".join(r["expression"].split()),
                                       " ".join(r["why"].split()), tuple(r.get("cite", ())))
                           for r in item["require"]),
            prefers=tuple(Preference(p["dimension"], " ".join(p["why"].split()))
                          for p in item.get("prefer", ())),
            where=" ".join(item["where"].split()) if "where" in item else None,
            survey=item.get("survey")))
    if findings:
        return (), sorted(findings)
    return tuple(scenarios), []


def _inside_value(path: Path, line: int, column: int, offset: int) -> tuple[int, int]:
    """The position of character `offset` of a one-line string value that starts at
    line:column (quoted or plain); the value's start when it spans lines."""
    try:
        text = path.read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError):
        return line, column
    rest = text[column - 1:]
    if rest[:1] in ("'", '"'):
        return line, column + 1 + offset
    if rest[:1] in (">", "|"):
        return line, column
    return line, column + offset


# --- recommendation ------------------------------------------------------------------------------

@dataclass
class Basis:
    """Why an entry has a level: the rules that set it (or the override) with citations."""
    dimension: str
    level: str | None
    source: str
    rules: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # (option, "-> high" or "shifts -1", cite keys)
    override_why: str | None = None
    override_cite: tuple[str, ...] = ()

    def text(self) -> str:
        if self.level is None:
            return f"{self.dimension} unknown"
        if self.source == "override":
            return (f"{self.dimension} {self.level} (entry override: {self.override_why} "
                    f"[{', '.join(self.override_cite)}])")
        rules = "; ".join(f"{o} {effect} [{', '.join(c)}]" for o, effect, c in self.rules)
        return f"{self.dimension} {self.level} ({rules})"


@dataclass
class Recommended:
    entry: object
    score: int
    best: int
    unknown: list[str]
    basis: list[Basis]


@dataclass
class OptionAdvice:
    option: str  # group.dimension.option
    label: str
    reasons: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # (the requirement or preference it speaks to, the rule, cite keys)
    conflicts: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    named: bool = False  # the scenario's expressions name this option as acceptable
    used_by: int = 0  # recommended entries that choose it


@dataclass
class Recommendation:
    scenario: Scenario
    total: int  # entries in the catalog
    candidates: int  # entries in the scenario's scope (`where`)
    matched: int  # entries that satisfy every requirement (before any limit)
    entries: list[Recommended]
    options: list[OptionAdvice]
    avoid: list[OptionAdvice]


def scenario_or_error(catalog, scenario_id: str) -> Scenario:
    scenarios = {s.id: s for s in getattr(catalog, "scenarios", ()) or ()}
    wanted = scenario_id.replace("-", "_")
    if wanted in scenarios:
        return scenarios[wanted]
    from alignscape.query.analysis import AnalysisError
    from alignscape.query.language import suggest

    if not scenarios:
        raise AnalysisError("the catalog defines no scenarios (catalog/scenarios.yaml)")
    close = suggest(wanted, list(scenarios))
    raise AnalysisError(f"unknown scenario {scenario_id!r}; "
                        + (f"did you mean {close!r}? " if close else "")
                        + f"expected one of {', '.join(scenarios)}")


def _goodness(level: str | None, better: str, levels) -> int | None:
    if level is None:
        return None
    rank = list(levels).index(level)
    return rank if better == "higher" else len(levels) - 1 - rank


def basis_of(catalog, entry, dimension: str) -> Basis:
    explanation = catalog.profile(entry)[dimension]
    basis = Basis(dimension, explanation.level, explanation.source)
    if explanation.source == "override":
        basis.override_why = explanation.override_why
        basis.override_cite = tuple(explanation.override_cite)
        return basis
    implied = explanation.implied_by
    if implied:
        levels = catalog.tradeoffs.levels
        combine = catalog.tradeoffs.dimensions[dimension].combine
        ranks = [levels.index(e.level) for e in implied]
        decisive = max(ranks) if combine == "max" else min(ranks)
        for effect in implied:
            if levels.index(effect.level) == decisive:
                basis.rules.append((effect.option, f"-> {effect.level}", effect.cite))
    for effect in explanation.shifted_by:
        basis.rules.append((effect.option, f"shifts {effect.shift:+d}", effect.cite))
    return basis


def _positive_conditions(node: dict) -> list[dict]:
    """Conditions that must hold for the tree to hold: the conjuncts not under `not` or `or`."""
    if node["op"] == "and":
        return [c for arg in node["args"] for c in _positive_conditions(arg)]
    if node["op"] in ("tradeoff", "facet"):
        return [node]
    return []


def _alternative_conditions(node: dict) -> list[dict]:
    """Trade-off conditions inside an `or` (not under `not`): satisfying one can satisfy the
    requirement, failing one does not break it."""
    if node["op"] == "and":
        return [c for arg in node["args"] for c in _alternative_conditions(arg)]
    if node["op"] == "or":
        out = []
        for arg in node["args"]:
            out += _positive_conditions(arg) + _alternative_conditions(arg)
        return [c for c in out if c["op"] == "tradeoff"]
    return []


def _excluded_options(node: dict) -> list[str]:
    """Options a conjunct rules out: `not (dim in (...))`, `not (dim has x)` or `dim != x`."""
    if node["op"] == "and":
        return [o for arg in node["args"] for o in _excluded_options(arg)]
    if node["op"] == "facet" and node["cmp"] == "!=":
        return [f"{node['field']}.{node['values'][0]}"]
    if node["op"] == "not" and node["arg"]["op"] == "facet" and node["arg"]["cmp"] != "!=":
        return [f"{node['arg']['field']}.{v}" for v in node["arg"]["values"]]
    return []


def _named_options(node: dict, negated: bool = False) -> list[str]:
    """Options a facet condition accepts, anywhere outside a `not`."""
    if node["op"] in ("and", "or"):
        return [o for arg in node["args"] for o in _named_options(arg, negated)]
    if node["op"] == "not":
        return _named_options(node["arg"], not negated)
    if node["op"] == "facet" and not negated and node["cmp"] != "!=":
        return [f"{node['field']}.{v}" for v in node["values"]]
    return []


def recommend(catalog, scenario: Scenario, limit: int | None = None) -> Recommendation:
    from alignscape.query.engine import index_of, select

    index = index_of(catalog)
    levels = list(catalog.tradeoffs.levels)
    in_scope = select(index, scenario.where)
    rows = select(index, scenario.expression)
    tradeoffs = catalog.tradeoffs.dimensions
    shown_dims = list(dict.fromkeys(
        [n["field"] for r in scenario.requires
         for n in _positive_conditions(parse(r.expression, index)) if n["op"] == "tradeoff"]
        + [p.dimension for p in scenario.prefers]))
    ranked = []
    for row in rows:
        entry = catalog.entries[row["id"]]
        score, unknown = 0, []
        for preference in scenario.prefers:
            good = _goodness(row["tradeoffs"].get(preference.dimension),
                             tradeoffs[preference.dimension].better, levels)
            if good is None:
                unknown.append(preference.dimension)
            else:
                score += good
        ranked.append(Recommended(entry, score, (len(levels) - 1) * len(scenario.prefers),
                                  unknown, [basis_of(catalog, entry, d) for d in shown_dims]))
    ranked.sort(key=lambda r: (-r.score, len(r.unknown), r.entry.id))
    options, avoid = _option_advice(catalog, scenario, index, [r.entry for r in ranked])
    return Recommendation(scenario, len(index["entries"]), len(in_scope), len(ranked),
                          ranked[:limit] if limit else ranked, options, avoid)


def _option_advice(catalog, scenario, index, entries):
    levels = list(catalog.tradeoffs.levels)
    advice: dict[str, OptionAdvice] = {}

    def item(option: str) -> OptionAdvice:
        if option not in advice:
            advice[option] = OptionAdvice(option, catalog.taxonomy.options[option].label)
        return advice[option]

    for requirement in scenario.requires:
        tree = parse(requirement.expression, index)
        for option in _named_options(tree):
            item(option).named = True
        for option in _excluded_options(tree):
            item(option).conflicts.append(
                (requirement.expression, "excluded by", ()))
        strict = [n for n in _positive_conditions(tree) if n["op"] == "tradeoff"]
        for node in strict + _alternative_conditions(tree):
            label = _condition_text(node)
            for effect in catalog.tradeoffs.effects:
                if effect.dimension != node["field"]:
                    continue
                if effect.level is not None:
                    ok = evaluate(node, {"tradeoffs": {node["field"]: effect.level}})
                    if ok:
                        item(effect.option).reasons.append(
                            (label, f"{effect.dimension} -> {effect.level}", effect.cite))
                    elif node in strict:
                        item(effect.option).conflicts.append(
                            (label, f"{effect.dimension} -> {effect.level}", effect.cite))
                elif (effect.shift < 0 and node["cmp"] in ("<", "<=")) or (
                        effect.shift > 0 and node["cmp"] in (">", ">=")):
                    item(effect.option).reasons.append(
                        (label, f"{effect.dimension} shifts {effect.shift:+d}", effect.cite))
    for preference in scenario.prefers:
        better = catalog.tradeoffs.dimensions[preference.dimension].better
        best = levels[-1] if better == "higher" else levels[0]
        towards = 1 if better == "higher" else -1
        for effect in catalog.tradeoffs.effects:
            if effect.dimension != preference.dimension:
                continue
            if effect.level == best or (effect.shift and effect.shift * towards > 0):
                rule = (f"{effect.dimension} -> {effect.level}" if effect.level
                        else f"{effect.dimension} shifts {effect.shift:+d}")
                item(effect.option).reasons.append(
                    (f"prefer {better} {preference.dimension}", rule, effect.cite))
    for entry in entries:
        for option in entry.options:
            if option in advice:
                advice[option].used_by += 1
    good = [a for a in advice.values() if not a.conflicts and (a.reasons or a.named)]
    bad = [a for a in advice.values() if a.conflicts]
    good.sort(key=lambda a: (-a.used_by, -len(a.reasons), a.option))
    bad.sort(key=lambda a: a.option)
    return good, bad


def _condition_text(node: dict) -> str:
    values = node["values"]
    shown = values[0] if len(values) == 1 and node["cmp"] != "in" else f"({', '.join(values)})"
    cmp = "=" if node["cmp"] == "has" else node["cmp"]
    return f"{node['field']} {cmp} {shown}"


# --- rendering -----------------------------------------------------------------------------------

def recommendation_text(catalog, rec: Recommendation) -> str:
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
                lines.append(f"  {a.option}: {_conflict(what, rule, cite)}")
    return "\n".join(lines)


def _conflict(what: str, rule: str, cite: tuple[str, ...]) -> str:
    if not cite:  # excluded by a facet condition of the requirement itself
        return f"{rule} {what}"
    return f"{rule} breaks {what} [{', '.join(cite)}]"


def _md(text: object) -> str:
    from alignscape.site.safety import md_escape

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
            rules = "<br>".join(_cell(_conflict(what, rule, cite))
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
