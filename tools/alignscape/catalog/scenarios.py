"""Loading catalog/scenarios.yaml with located findings (rule C003; X003 for an unknown
citation key). Scenario requirements are query expressions, checked against the vocabulary the
explorer sees."""

from __future__ import annotations

from pathlib import Path

from alignscape.catalog.findings import Finding
from alignscape.catalog.schemas import file_errors
from alignscape.catalog.yamlsafe import YamlProblem, dotted, load_file
from alignscape.model.scenario import Preference, Requirement, Scenario, vocabulary_of
from alignscape.querylang import QueryError, parse
from alignscape.suggest import hint

SCENARIO_FILE = "scenarios.yaml"


def load_scenarios(catalog_dir: Path, taxonomy, tradeoffs, bibliography, shown: str | None = None):
    """(scenarios, findings) of catalog/scenarios.yaml; an absent file has no scenarios.
    Findings use code C003 (X003 for an unknown citation key) and point at the value."""
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

    for error in file_errors("scenarios", loaded.data):
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
                suggestion = f"did you mean {error.suggestion!r}? " if error.suggestion else ""
                listed = ", ".join(error.expected[:12])
                findings.append(at(where, f"{error.message} (character {error.position + 1} "
                                   "of the expression)",
                                   suggestion + (f"expected: {listed}" if listed else ""),
                                   column_offset=error.position))
        for j, requirement in enumerate(item["require"]):
            for k, key in enumerate(requirement.get("cite", ())):
                if key not in bibliography:
                    findings.append(at((*base, "require", j, "cite", k),
                                       f"unknown citation key {key!r}",
                                       "a key of references.bib", code="X003"))
        for j, preference in enumerate(item.get("prefer", ())):
            if preference["dimension"] not in tradeoffs.dimensions:
                close = hint(preference["dimension"], tradeoffs.dimensions)
                findings.append(at((*base, "prefer", j, "dimension"),
                                   f"unknown trade-off dimension {preference['dimension']!r}",
                                   (close + " " if close else "")
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
