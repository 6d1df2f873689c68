"""Validation of the whole catalog: schema, vocabulary and cross-file rules, every problem at once.

The result carries the typed Catalog built from the entries, so loading and validating are one
pass: downstream code never re-reads YAML. One module per rule family: vocabulary (taxonomy and
trade-off files), entries (one file), schema_errors (jsonschema errors as findings), cross
(across entries); scenarios are checked by alignscape.catalog.scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignscape.catalog.bibliography import load_bibliography
from alignscape.catalog.findings import Finding
from alignscape.catalog.scenarios import SCENARIO_FILE, load_scenarios
from alignscape.catalog.validation.cross import cross_checks
from alignscape.catalog.validation.entries import EntryChecker, Parsed
from alignscape.catalog.validation.paths import relative_to, shown_path
from alignscape.catalog.validation.vocabulary import (
    check_effect_citations,
    load_vocabulary,
    read_vocabulary,
)
from alignscape.model import Catalog, Entry

__all__ = ["EntryChecker", "ValidationResult", "load_vocabulary", "shown_path",
           "validate_catalog"]


@dataclass
class ValidationResult:
    findings: list[Finding]
    catalog: Catalog | None
    files_checked: int = 0
    errors: list[Finding] = field(init=False)

    def __post_init__(self):
        self.errors = self.findings



def validate_catalog(root: Path, paths: list[Path] | None = None) -> ValidationResult:
    findings: list[Finding] = []
    root = root.resolve()
    catalog_dir = root / "catalog"
    vocabulary = read_vocabulary(catalog_dir, findings)
    taxonomy, tradeoffs = vocabulary.taxonomy, vocabulary.tradeoffs
    bibliography, bib_findings = load_bibliography(
        catalog_dir / "references.bib", shown_path(catalog_dir / "references.bib"))
    findings += bib_findings
    if taxonomy is None or tradeoffs is None:
        return ValidationResult(sorted(findings), None)
    findings += check_effect_citations(catalog_dir, vocabulary, bibliography)

    files = sorted((catalog_dir / "entries").glob("*.yaml"))
    requested = _expand(paths or [])
    files = sorted(set(files) | set(requested))
    checker = EntryChecker(taxonomy, tradeoffs, bibliography)
    parsed: list[Parsed] = []
    known_ids: set[str] = set()  # ids of every file, valid or not, so one broken entry
    for path in files:              # does not make every reference to it an error too
        entry_findings, item, entry_id = checker.check_file(path)
        findings += entry_findings
        if entry_id:
            known_ids.add(entry_id)
        if item is not None:
            parsed.append(item)

    findings += cross_checks(parsed, known_ids, taxonomy, vocabulary.taxonomy_file,
                             shown_path(catalog_dir / "taxonomy.yaml"))
    entries = {}
    for item in parsed:
        entries.setdefault(item.data["id"], Entry.from_data(
            item.data, relative_to(item.path, root), taxonomy))
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


