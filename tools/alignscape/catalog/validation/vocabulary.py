"""Rules on the vocabulary files: taxonomy.yaml (C001), tradeoffs.yaml (C002) and the citations
of trade-off effects (X003)."""

from __future__ import annotations

from pathlib import Path

from alignscape.catalog.bibliography import Bibliography
from alignscape.catalog.findings import Finding
from alignscape.catalog.schemas import file_errors
from alignscape.catalog.validation.messages import expect, short
from alignscape.catalog.validation.paths import shown_path
from alignscape.catalog.yamlsafe import LoadedYaml, YamlProblem, dotted, load_file
from alignscape.taxonomy import Taxonomy, Tradeoffs


def _load_config(path: Path, schema: str, code: str, findings: list[Finding]):
    shown = shown_path(path)
    try:
        loaded = load_file(path)
    except YamlProblem as problem:
        findings.append(Finding(shown, problem.line, problem.column, problem.code,
                                problem.field, problem.message))
        return None, None
    before = len(findings)
    for error in file_errors(schema, loaded.data):
        line, column = loaded.locate(tuple(error.absolute_path))
        findings.append(Finding(shown, line, column, code, dotted(tuple(error.absolute_path)),
                                short(error.message)))
    return (loaded if len(findings) == before else None), shown


def load_vocabulary(root: Path) -> tuple[Taxonomy | None, Tradeoffs | None, list[Finding]]:
    """Taxonomy and trade-offs alone, validated (for tools that need no entries)."""
    findings: list[Finding] = []
    vocabulary = read_vocabulary(root / "catalog", findings)
    return vocabulary.taxonomy, vocabulary.tradeoffs, findings


class Vocabulary:
    """The parsed vocabulary files, kept so later rules locate findings without re-reading."""

    def __init__(self, taxonomy, tradeoffs, taxonomy_file, tradeoffs_file):
        self.taxonomy: Taxonomy | None = taxonomy
        self.tradeoffs: Tradeoffs | None = tradeoffs
        self.taxonomy_file: LoadedYaml | None = taxonomy_file
        self.tradeoffs_file: LoadedYaml | None = tradeoffs_file


def read_vocabulary(catalog_dir: Path, findings: list[Finding]) -> Vocabulary:
    loaded, shown = _load_config(catalog_dir / "taxonomy.yaml", "taxonomy", "C001", findings)
    taxonomy = None
    if loaded is not None:
        problems = _taxonomy_problems(loaded, shown)
        findings += problems
        taxonomy = None if problems else Taxonomy.from_data(loaded.data)
    loaded_t, shown_t = _load_config(catalog_dir / "tradeoffs.yaml", "tradeoffs", "C002", findings)
    tradeoffs = None
    if loaded_t is not None and taxonomy is not None:
        problems = _tradeoff_problems(loaded_t, shown_t, taxonomy)
        findings += problems
        tradeoffs = None if problems else Tradeoffs.from_data(loaded_t.data)
    return Vocabulary(taxonomy, tradeoffs, loaded, loaded_t)


def _taxonomy_problems(loaded: LoadedYaml, shown: str) -> list[Finding]:
    out = []

    def unique(items, path, what):
        seen = set()
        for i, item in enumerate(items):
            if item["id"] in seen:
                line, column = loaded.locate((*path, i, "id"))
                out.append(Finding(shown, line, column, "C001", dotted((*path, i, "id")),
                                   f"{what} id {item['id']!r} appears twice", "unique ids"))
            seen.add(item["id"])

    groups = loaded.data["groups"]
    unique(groups, ("groups",), "group")
    for gi, group in enumerate(groups):
        unique(group["dimensions"], ("groups", gi, "dimensions"), "dimension")
        dim_ids = {d["id"]: d for d in group["dimensions"]}
        for di, dim in enumerate(group["dimensions"]):
            path = ("groups", gi, "dimensions", di)
            unique(dim["options"], (*path, "options"), "option")
            source = dim.get("derived_from")
            if source is None:
                continue
            if source not in dim_ids:
                line, column = loaded.locate((*path, "derived_from"))
                out.append(Finding(shown, line, column, "C001", dotted((*path, "derived_from")),
                                   f"derived_from names unknown dimension {source!r}",
                                   f"one of {', '.join(dim_ids)}"))
                continue
            allowed = {o["id"] for o in dim["options"]}
            for oi, option in enumerate(dim_ids[source]["options"]):
                if option.get("structure") not in allowed:
                    opath = ("groups", gi, "dimensions",
                             group["dimensions"].index(dim_ids[source]), "options", oi)
                    line, column = loaded.locate(opath)
                    out.append(Finding(shown, line, column, "C001", dotted(opath),
                                       f"option {option['id']!r} must name its {dim['id']}",
                                       f"structure: one of {', '.join(sorted(allowed))}"))
    return out


def _tradeoff_problems(loaded: LoadedYaml, shown: str, taxonomy: Taxonomy) -> list[Finding]:
    out = []
    data = loaded.data
    dims = [d["id"] for d in data["dimensions"]]
    for i, dim in enumerate(dims):
        if dims.index(dim) != i:
            line, column = loaded.locate(("dimensions", i, "id"))
            out.append(Finding(shown, line, column, "C002", f"dimensions[{i}].id",
                               f"dimension {dim!r} appears twice", "unique ids"))
    for i, dim in enumerate(data["dimensions"]):
        for j, component in enumerate(dim.get("aggregate", ())):
            if component not in dims or component == dim["id"]:
                line, column = loaded.locate(("dimensions", i, "aggregate", j))
                out.append(Finding(shown, line, column, "C002",
                                   f"dimensions[{i}].aggregate[{j}]",
                                   f"unknown component dimension {component!r}",
                                   expect(component, dims)))
    # A rule may also be about a stage the method leaves to the data (<stage>.open).
    options = [*taxonomy.options, *(f"{g.id}.open" for g in taxonomy.stages)]
    rule_ids: set[str] = set()

    def check_rule(section: str, i: int, rule: dict, twice: str) -> None:
        checks = [(("option",), rule["option"], options, "taxonomy option"),
                  (("dimension",), rule["dimension"], dims, "trade-off dimension")]
        if "level" in rule:
            checks.append((("level",), rule["level"], data["levels"], "level"))
        for key in ("with", "with_any", "without"):
            checks += [((key, j), value, options, "taxonomy option")
                       for j, value in enumerate(rule.get(key, ()))]
        for where, value, allowed, what in checks:
            if value not in allowed:
                line, column = loaded.locate((section, i, *where))
                out.append(Finding(shown, line, column, "C002", dotted((section, i, *where)),
                                   f"unknown {what} {value!r}", expect(value, allowed)))
        if rule["id"] in rule_ids:
            line, column = loaded.locate((section, i, "id"))
            out.append(Finding(shown, line, column, "C002", f"{section}[{i}].id",
                               f"{twice} {rule['id']!r} appears twice", "unique ids"))
        rule_ids.add(rule["id"])

    for i, effect in enumerate(data["effects"]):
        check_rule("effects", i, effect, "rule id")
    # A gap names choices and a dimension like a rule does, and must not share a rule's name:
    # explain and the pages name both by id.
    for i, gap in enumerate(data.get("gaps", ())):
        check_rule("gaps", i, gap, "rule or gap id")
    return out


def check_effect_citations(catalog_dir: Path, vocabulary: Vocabulary,
                           bibliography: Bibliography) -> list[Finding]:
    path = catalog_dir / "tradeoffs.yaml"
    loaded, tradeoffs = vocabulary.tradeoffs_file, vocabulary.tradeoffs
    out = []
    for i, effect in enumerate(tradeoffs.effects):
        for j, key in enumerate(effect.cite):
            if key not in bibliography:
                line, column = loaded.locate(("effects", i, "cite", j))
                out.append(Finding(shown_path(path), line, column, "X003",
                                   f"effects[{i}].cite[{j}]", f"unknown citation key {key!r}",
                                   expect(key, list(bibliography.references),
                                           "a key of references.bib")))
    for i, gap in enumerate(tradeoffs.gaps):
        for j, key in enumerate(gap.cite):
            if key not in bibliography:
                line, column = loaded.locate(("gaps", i, "cite", j))
                out.append(Finding(shown_path(path), line, column, "X003",
                                   f"gaps[{i}].cite[{j}]", f"unknown citation key {key!r}",
                                   expect(key, list(bibliography.references),
                                           "a key of references.bib")))
    return out
