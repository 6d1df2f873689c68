"""Validation findings and the table of stable rule codes.

A code never changes meaning once published: contributors and CI logs refer to them. The table
below is the single place a rule is named; CONTRIBUTING.md's rule table is generated from it
(`alignscape rules --markdown`) and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

RULES: dict[str, tuple[str, str]] = {
    # code: (short name, what it means)
    "Y001": ("yaml-syntax", "the file is not well-formed YAML"),
    "Y002": ("duplicate-key", "a mapping repeats a key"),
    "Y003": ("tab-indent", "a tab character is used for indentation"),
    "Y004": ("empty-file", "the file holds no YAML document"),
    "Y005": ("file-too-large", "the file exceeds the size limit (1 MiB)"),
    "Y006": ("not-utf8", "the file is not valid UTF-8 text"),
    "Y007": ("yaml-tag", "an explicit YAML tag (!!python/…, !custom) is used"),
    "Y008": ("yaml-alias", "a YAML anchor or alias (&x / *x) is used"),
    "Y009": ("not-a-mapping", "the document is not a mapping of fields"),
    "Y010": ("non-string-key", "a mapping key is not a string"),
    "Y011": ("multiple-documents", "the file holds more than one YAML document"),
    "Y012": ("not-a-regular-file", "the path is a symbolic link, folder, pipe or device"),
    "S001": ("missing-field", "a required field is absent"),
    "S002": ("unknown-field", "a field the schema does not define"),
    "S003": ("wrong-type", "a value has the wrong type"),
    "S004": ("invalid-value", "a value breaks a constraint (pattern, length, range, allowed set)"),
    "S005": ("duplicate-item", "a list repeats an item"),
    "T001": ("unknown-option", "a classification value is not an option of its taxonomy dimension"),
    "T002": ("unknown-tradeoff", "a trade-off dimension or level is not in tradeoffs.yaml"),
    "T003": ("derived-dimension", "a derived dimension (e.g. instantiation.structure) is written"),
    "X001": ("id-mismatch", "the id differs from the file name"),
    "X002": ("duplicate-id", "two files declare the same id"),
    "X003": ("unknown-cite", "a citation key is not in catalog/references.bib"),
    "X004": ("bibtex-syntax", "a block of references.bib does not parse"),
    "X005": ("unknown-entry", "a reference to an entry id that does not exist"),
    "X006": ("lineage-cycle", "builds_on links form a cycle"),
    "X007": ("bad-link", "a link is not an absolute http(s) URL"),
    "X008": ("bad-arxiv-id", "an arXiv id is malformed"),
    "X009": ("arxiv-mismatch", "the arXiv id disagrees with the BibTeX entry's eprint"),
    "X010": ("bibtex-duplicate-key", "references.bib defines a key twice"),
    "X011": ("bibtex-missing-field", "a BibTeX entry lacks title, author or year"),
    "X012": ("year-mismatch", "the entry's year disagrees with its BibTeX year"),
    "C001": ("taxonomy-invalid", "catalog/taxonomy.yaml breaks its schema or repeats an id"),
    "C002": ("tradeoffs-invalid",
             "catalog/tradeoffs.yaml breaks its schema or names an unknown option"),
    "C003": ("scenarios-invalid",
             "catalog/scenarios.yaml breaks its schema, or a constraint does not parse or "
             "names an unknown trade-off dimension"),
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    field: str
    message: str
    expected: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        tail = f" ({self.expected})" if self.expected else ""
        return f"{where}: {self.code}{field} {self.message}{tail}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rule"] = RULES[self.code][0]
        return data


def rules_markdown() -> str:
    lines = ["| code | rule | meaning |", "| --- | --- | --- |"]
    lines += [f"| {code} | `{name}` | {meaning} |" for code, (name, meaning) in RULES.items()]
    return "\n".join(lines) + "\n"
