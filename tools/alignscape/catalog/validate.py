"""Validation of the whole catalog: schema, vocabulary and cross-file rules, every problem at once.

The result carries the typed Catalog built from the entries, so loading and validating are one
pass: downstream code never re-reads YAML.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx

from alignscape.catalog.bibliography import Bibliography, load_bibliography
from alignscape.catalog.findings import Finding
from alignscape.catalog.model import Catalog, Entry
from alignscape.catalog.schemas import entry_validator, file_validator
from alignscape.catalog.yamlsafe import LoadedYaml, YamlProblem, dotted, load_bytes, load_file
from alignscape.taxonomy import Taxonomy, Tradeoffs

ARXIV_NEW = re.compile(r"^(\d{2})(0[1-9]|1[0-2])\.\d{4,5}(v\d+)?$")
ARXIV_OLD = re.compile(r"^[a-z][a-z.-]*(\.[A-Z]{2})?/\d{7}(v\d+)?$")
ARXIV_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/([^/?#]+?)(?:\.pdf)?/?$")
ENTRY_REFERENCES = (("builds_on",), ("uses_data",), ("training", "objectives"))
_TYPE_NAMES = {dict: "a mapping", list: "a list", str: "a string", int: "an integer",
               float: "a number", bool: "a boolean", type(None): "empty (null)"}


@dataclass
class ValidationResult:
    findings: list[Finding]
    catalog: Catalog | None
    files_checked: int = 0
    errors: list[Finding] = field(init=False)

    def __post_init__(self):
        self.errors = self.findings


@dataclass
class _Parsed:
    data: dict
    loaded: LoadedYaml
    shown: str
    path: Path | None


def _relative_to(path: Path | None, root: Path) -> str:
    if path is None:
        return ""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def shown_path(path: Path) -> str:
    """Paths as a contributor would type them: relative to the working directory if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def validate_catalog(root: Path, paths: list[Path] | None = None) -> ValidationResult:
    findings: list[Finding] = []
    root = root.resolve()
    catalog_dir = root / "catalog"
    taxonomy, tradeoffs = _load_vocabulary(catalog_dir, findings)
    bibliography, bib_findings = load_bibliography(
        catalog_dir / "references.bib", shown_path(catalog_dir / "references.bib"))
    findings += bib_findings
    if taxonomy is None or tradeoffs is None:
        return ValidationResult(sorted(findings), None)
    findings += _check_effect_citations(catalog_dir, tradeoffs, bibliography)

    files = sorted((catalog_dir / "entries").glob("*.yaml"))
    requested = _expand(paths or [])
    files = sorted(set(files) | set(requested))
    checker = EntryChecker(taxonomy, tradeoffs, bibliography)
    parsed: list[_Parsed] = []
    known_ids: set[str] = set()  # ids of every file, valid or not, so one broken entry
    for path in files:              # does not make every reference to it an error too
        entry_findings, item, entry_id = checker.check_file(path)
        findings += entry_findings
        if entry_id:
            known_ids.add(entry_id)
        if item is not None:
            parsed.append(item)

    findings += _cross_checks(parsed, known_ids, taxonomy, catalog_dir)
    entries = {}
    for item in parsed:
        entries.setdefault(item.data["id"], Entry.from_data(
            item.data, _relative_to(item.path, root), taxonomy))
    # Scenario constraints are query expressions, so their checker lives with the query
    # language; it needs only the vocabulary and the bibliography loaded above.
    from alignscape.query.scenarios import SCENARIO_FILE, load_scenarios

    scenarios, scenario_findings = load_scenarios(
        catalog_dir, taxonomy, tradeoffs, bibliography, shown_path(catalog_dir / SCENARIO_FILE))
    findings += scenario_findings
    catalog = Catalog(root, taxonomy, tradeoffs, bibliography, entries, scenarios)
    if requested:  # report on the files asked about, and on the shared files they depend on
        others = {shown_path(p) for p in files} - {shown_path(p) for p in requested}
        findings = [f for f in findings if f.path not in others]
    return ValidationResult(sorted(set(findings)), catalog, len(files))


def _expand(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        out += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return [p.resolve() if not p.is_absolute() else p for p in out]


# --- taxonomy.yaml and tradeoffs.yaml ------------------------------------------------------------

def _load_config(path: Path, schema: str, code: str, findings: list[Finding]):
    shown = shown_path(path)
    try:
        loaded = load_file(path)
    except YamlProblem as problem:
        findings.append(Finding(shown, problem.line, problem.column, problem.code,
                                problem.field, problem.message))
        return None, None
    before = len(findings)
    for error in file_validator(schema).iter_errors(loaded.data):
        line, column = loaded.locate(tuple(error.absolute_path))
        findings.append(Finding(shown, line, column, code, dotted(tuple(error.absolute_path)),
                                _short(error.message)))
    return (loaded if len(findings) == before else None), shown


def load_vocabulary(root: Path) -> tuple[Taxonomy | None, Tradeoffs | None, list[Finding]]:
    """Taxonomy and trade-offs alone, validated (for tools that need no entries)."""
    findings: list[Finding] = []
    taxonomy, tradeoffs = _load_vocabulary(root / "catalog", findings)
    return taxonomy, tradeoffs, findings


def _load_vocabulary(catalog_dir: Path, findings: list[Finding]):
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
    return taxonomy, tradeoffs


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
    for i, effect in enumerate(data["effects"]):
        checks = [("option", effect["option"], list(taxonomy.options), "taxonomy option"),
                  ("dimension", effect["dimension"], dims, "trade-off dimension")]
        if "level" in effect:
            checks.append(("level", effect["level"], data["levels"], "level"))
        for key, value, allowed, what in checks:
            if value not in allowed:
                line, column = loaded.locate(("effects", i, key))
                out.append(Finding(shown, line, column, "C002", f"effects[{i}].{key}",
                                   f"unknown {what} {value!r}", _expect(value, allowed)))
    return out


def _check_effect_citations(catalog_dir: Path, tradeoffs: Tradeoffs,
                            bibliography: Bibliography) -> list[Finding]:
    path = catalog_dir / "tradeoffs.yaml"
    loaded = load_file(path)
    out = []
    for i, effect in enumerate(tradeoffs.effects):
        for j, key in enumerate(effect.cite):
            if key not in bibliography:
                line, column = loaded.locate(("effects", i, "cite", j))
                out.append(Finding(shown_path(path), line, column, "X003",
                                   f"effects[{i}].cite[{j}]", f"unknown citation key {key!r}",
                                   _expect(key, list(bibliography.references),
                                           "a key of references.bib")))
    return out


class EntryChecker:
    """Checks single entry files against the schema and the per-entry rules."""

    def __init__(self, taxonomy: Taxonomy, tradeoffs: Tradeoffs, bibliography: Bibliography):
        self.taxonomy = taxonomy
        self.bibliography = bibliography
        self.validator = entry_validator(taxonomy, list(tradeoffs.dimensions),
                                         list(tradeoffs.levels))

    def check_file(self, path: Path):
        shown = shown_path(path)
        try:
            loaded = load_file(path)
        except YamlProblem as problem:
            return [_from_problem(shown, problem)], None, None
        return self._check(loaded, shown, path.stem, path)

    def check_bytes(self, raw: bytes, shown: str, stem: str):
        try:
            loaded = load_bytes(raw)
        except YamlProblem as problem:
            return [_from_problem(shown, problem)], None, None
        return self._check(loaded, shown, stem)

    def _check(self, loaded: LoadedYaml, shown: str, stem: str, path: Path | None = None):
        """(findings, parsed entry or None, the id it declares or None)."""
        if not isinstance(loaded.data, dict):
            found = _TYPE_NAMES.get(type(loaded.data), "not a mapping")
            return [Finding(shown, 1, 1, "Y009", "", f"the document is {found}",
                            "a mapping of entry fields such as `id: ...`")], None, None
        entry_id = loaded.data.get("id") if isinstance(loaded.data.get("id"), str) else None
        findings = _schema_findings(self.validator, loaded, shown, self.taxonomy)
        if findings:
            return findings, None, entry_id
        findings = _entry_checks(loaded, shown, stem, self.bibliography)
        return findings, _Parsed(loaded.data, loaded, shown, path), entry_id


def _from_problem(shown: str, problem: YamlProblem) -> Finding:
    return Finding(shown, problem.line, problem.column, problem.code, problem.field,
                   problem.message)


# --- one entry ----------------------------------------------------------------------------------

def _schema_findings(validator, loaded: LoadedYaml, shown: str,
                     taxonomy: Taxonomy) -> list[Finding]:
    out: dict[tuple, Finding] = {}
    for error in validator.iter_errors(loaded.data):
        for finding in _describe(error, loaded, shown, taxonomy):
            out.setdefault((finding.field, finding.code), finding)
    return list(out.values())


def _describe(error, loaded: LoadedYaml, shown: str, taxonomy: Taxonomy):
    path = tuple(error.absolute_path)
    kind = error.validator
    instance = error.instance
    line, column = loaded.locate(path)

    def at(p, code, message, expected="", key=False):
        ln, col = loaded.locate(p, key=key)
        return Finding(shown, ln, col, code, dotted(p), message, expected)

    if kind == "required":
        present = instance if isinstance(instance, dict) else {}
        for name in error.validator_value:
            if name not in present:
                yield Finding(shown, line, column, "S001", dotted((*path, name)),
                              f"required field {name!r} is missing", f"add `{name}:`")
        return
    if kind in ("additionalProperties", "unevaluatedProperties"):
        allowed = set(error.schema.get("properties", {}))
        stage = path[-1] if len(path) == 2 and path[0] == "pipeline" else None
        if stage and taxonomy.group(stage):
            allowed |= {d.id for d in taxonomy.group(stage).dimensions if not d.derived_from}
        derived = {d.id for d in taxonomy.group(stage).dimensions if d.derived_from} if (
            stage and taxonomy.group(stage)) else set()
        for name in instance:
            if name in allowed:
                continue
            if name in derived:
                yield at((*path, name), "T003",
                         f"{stage}.{name} is derived from the other choices and is never written",
                         "remove it", key=True)
            elif path == ("tradeoffs",):
                yield at((*path, name), "T002", f"unknown trade-off dimension {name!r}",
                         _expect(name, sorted(allowed), "a dimension of tradeoffs.yaml"), key=True)
            else:
                yield at((*path, name), "S002", f"unknown field {name!r}",
                         _expect(name, sorted(allowed), "a field the schema defines"), key=True)
        return
    if kind == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        found = _TYPE_NAMES.get(type(instance), type(instance).__name__)
        hint = f"expected {'an' if wanted[0] in 'aeiou' else 'a'} {wanted}"
        if wanted == "array" and isinstance(instance, str):
            hint += f", e.g. [{instance}]"
        yield Finding(shown, line, column, "S003", dotted(path), f"value is {found}", hint)
        return
    if kind == "enum":
        allowed = list(error.validator_value)
        if "x-option-of" in error.schema:
            dim = error.schema["x-option-of"]
            yield Finding(shown, line, column, "T001", dotted(path),
                          f"{instance!r} is not an option of {dim}",
                          _expect(instance, allowed, "an option id of catalog/taxonomy.yaml"))
        elif "x-tradeoff" in error.schema:
            yield Finding(shown, line, column, "T002", dotted(path),
                          f"{instance!r} is not a trade-off {error.schema['x-tradeoff']}",
                          _expect(instance, allowed))
        else:
            yield Finding(shown, line, column, "S004", dotted(path),
                          f"{instance!r} is not allowed", _expect(instance, allowed))
        return
    if kind == "uniqueItems":
        seen, dupes = [], []
        for item in instance:
            (dupes if item in seen else seen).append(item)
        yield Finding(shown, line, column, "S005", dotted(path),
                      f"list repeats {', '.join(repr(d) for d in dupes)}", "each item once")
        return
    yield Finding(shown, line, column, "S004", dotted(path), _constraint(error),
                  error.schema.get("description", ""))


def _constraint(error) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "pattern":
        return f"{instance!r} does not match the pattern {value}"
    if kind == "minLength":
        return f"text is too short ({len(instance)} characters, at least {value})"
    if kind == "maxLength":
        return f"text is too long ({len(instance)} characters, at most {value})"
    if kind == "minimum":
        return f"{instance!r} is below the minimum {value}"
    if kind == "maximum":
        return f"{instance!r} is above the maximum {value}"
    if kind == "minItems":
        return f"list needs at least {value} item(s)"
    return _short(error.message)


def _short(message: str) -> str:
    return message if len(message) < 160 else message[:157] + "..."


def _expect(value, allowed, what: str = "") -> str:
    close = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1, cutoff=0.6)
    if len(allowed) > 30:  # a long list helps nobody; the suggestion does
        return f"did you mean {close[0]!r}?" + (f" expected {what}" if what else "") if close \
            else (f"expected {what}" if what else "")
    listing = ", ".join(str(a) for a in allowed[:12]) + (", ..." if len(allowed) > 12 else "")
    text = f"expected {what}: {listing}" if what else f"expected one of: {listing}"
    return f"did you mean {close[0]!r}? {text}" if close else text


def _entry_checks(loaded: LoadedYaml, shown: str, stem: str,
                  bibliography: Bibliography) -> list[Finding]:
    data = loaded.data
    out = []

    def at(path, code, message, expected=""):
        line, column = loaded.locate(path)
        return Finding(shown, line, column, code, dotted(path), message, expected)

    if data["id"] != stem:
        out.append(at(("id",), "X001", f"id {data['id']!r} differs from the file name {stem!r}",
                      f"id: {stem} (or rename the file to {data['id']}.yaml)"))
    cites = [(("cite",), data["cite"])]
    cites += [(("references", i), k) for i, k in enumerate(data.get("references", []))]
    for dim, override in data.get("tradeoffs", {}).items():
        cites += [(("tradeoffs", dim, "cite", i), k) for i, k in enumerate(override["cite"])]
    for path, key in cites:
        if key not in bibliography:
            out.append(at(path, "X003", f"unknown citation key {key!r}",
                          _expect(key, list(bibliography.references), "a key of references.bib")))
    for name, url in data.get("links", {}).items():
        if not _is_http_url(url):
            out.append(at(("links", name), "X007", f"{url!r} is not an absolute http(s) URL",
                          "https://..."))
    arxiv = data.get("arxiv")
    if arxiv is not None:
        if not (ARXIV_NEW.match(arxiv) or ARXIV_OLD.match(arxiv)):
            out.append(at(("arxiv",), "X008", f"{arxiv!r} is not an arXiv identifier",
                          "YYMM.NNNNN such as 2305.18290, or archive/YYMMNNN"))
        else:
            out += _arxiv_agreement(data, arxiv, bibliography, at)
    reference = bibliography.get(data["cite"])
    if reference is not None and reference.year is not None and reference.year != data["year"]:
        out.append(at(("year",), "X012",
                      f"year {data['year']} differs from {data['cite']}'s BibTeX year "
                      f"{reference.year}", "the same year in both places"))
    return out


def _arxiv_agreement(data, arxiv, bibliography, at) -> list[Finding]:
    out = []
    bare = re.sub(r"v\d+$", "", arxiv)
    reference = bibliography.get(data["cite"])
    if reference is not None and reference.eprint != bare:
        found = f"eprint {reference.eprint!r}" if reference.eprint else "no eprint"
        out.append(at(("arxiv",), "X009", f"arXiv id {arxiv!r} but {data['cite']} has {found}",
                      f"eprint = {{{bare}}} in references.bib"))
    paper = data.get("links", {}).get("paper", "")
    match = ARXIV_URL.match(paper) if isinstance(paper, str) else None
    if match and re.sub(r"v\d+$", "", match.group(1)) != bare:
        out.append(at(("links", "paper"), "X009",
                      f"paper link points to arXiv {match.group(1)} but arxiv is {arxiv!r}",
                      f"https://arxiv.org/abs/{bare}"))
    return out


def _is_http_url(url: str) -> bool:
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:  # e.g. an unbalanced "[" that urlsplit takes for an IPv6 host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "@" not in parts.netloc


# --- across entries -----------------------------------------------------------------------------

def _cross_checks(parsed: list[_Parsed], known_ids: set[str], taxonomy: Taxonomy,
                  catalog_dir: Path) -> list[Finding]:
    out = []
    first: dict[str, _Parsed] = {}
    for item in parsed:
        entry_id = item.data["id"]
        if entry_id in first:
            line, column = item.loaded.locate(("id",))
            out.append(Finding(item.shown, line, column, "X002", "id",
                               f"id {entry_id!r} is already used by {first[entry_id].shown}",
                               "a unique id"))
        else:
            first[entry_id] = item
    ids = list(first)
    graph = nx.DiGraph()
    for item in first.values():
        for path in ENTRY_REFERENCES:
            value = item.data
            for part in path:
                value = value.get(part, {}) if isinstance(value, dict) else {}
            for i, target in enumerate(value or []):
                if target not in known_ids:
                    line, column = item.loaded.locate((*path, i))
                    out.append(Finding(item.shown, line, column, "X005", dotted((*path, i)),
                                       f"no entry has id {target!r}",
                                       _expect(target, ids, "an existing entry id")))
                elif path == ("builds_on",):
                    graph.add_edge(item.data["id"], target, index=i)
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            node = next(iter(component))
            if not graph.has_edge(node, node):
                continue
        members = sorted(component)
        for node in members:
            item = first[node]
            for target in graph.successors(node):
                if target in component:
                    index = graph.edges[node, target]["index"]
                    line, column = item.loaded.locate(("builds_on", index))
                    out.append(Finding(item.shown, line, column, "X006", f"builds_on[{index}]",
                                       f"lineage cycle through {' -> '.join(members)}",
                                       "builds_on must point to earlier work only"))
    out += _example_checks(known_ids, taxonomy, catalog_dir)
    return out


def _example_checks(known_ids: set[str], taxonomy: Taxonomy, catalog_dir: Path) -> list[Finding]:
    path = catalog_dir / "taxonomy.yaml"
    loaded = None
    out = []
    for gi, group in enumerate(taxonomy.groups):
        for di, dim in enumerate(group.dimensions):
            for oi, option in enumerate(dim.options):
                for ei, example in enumerate(option.examples):
                    if example in known_ids:
                        continue
                    loaded = loaded or load_file(path)
                    field_path = ("groups", gi, "dimensions", di, "options", oi, "examples", ei)
                    line, column = loaded.locate(field_path)
                    out.append(Finding(shown_path(path), line, column, "X005", dotted(field_path),
                                       f"example {example!r} is not an entry id",
                                       "an existing entry id"))
    return out
