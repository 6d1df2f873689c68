"""catalog/references.bib, parsed with bibtexparser's v2 API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import bibtexparser

from alignscape.catalog.findings import Finding

REQUIRED_FIELDS = ("title", "author", "year")


@dataclass(frozen=True)
class Reference:
    key: str
    entry_type: str
    fields: dict
    line: int
    raw: str

    @property
    def eprint(self) -> str | None:
        value = self.fields.get("eprint")
        return _strip_version(value) if value else None

    @property
    def year(self) -> int | None:
        match = re.fullmatch(r"\s*(\d{4})\s*", self.fields.get("year", ""))
        return int(match.group(1)) if match else None

    @property
    def authors(self) -> list[str]:
        text = " ".join(self.fields.get("author", "").split())
        return [a.strip().strip("{}") for a in re.split(r"\s+and\s+", text) if a.strip()]

    @property
    def first_author_surname(self) -> str:
        authors = self.authors
        if not authors:
            return ""
        first = authors[0]
        return first.split(",")[0].strip() if "," in first else first.split()[-1]

    def formatted(self) -> str:
        """A plain-text reference: 'Surname et al. (2023). Title. arXiv:2305.18290.'"""
        authors = self.authors
        names = [a.split(",")[0].strip() if "," in a else a for a in authors]
        if len(names) > 3 or (names and names[-1] == "others"):
            who = f"{names[0]} et al."
        elif len(names) > 1:
            who = ", ".join(names[:-1]) + f" and {names[-1]}"
        else:
            who = names[0] if names else "Anonymous"
        title = _clean(self.fields.get("title", ""))
        venue = self.fields.get("booktitle") or self.fields.get("journal")
        where = f" {_clean(venue)}." if venue else ""
        arxiv = f" arXiv:{self.eprint}." if self.eprint else ""
        return f"{_clean(who)} ({self.fields.get('year', 'n.d.')}). {title}.{where}{arxiv}"


def _clean(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").split())


def _strip_version(arxiv_id: str) -> str:
    return re.sub(r"v\d+$", "", arxiv_id.strip())


class Bibliography:
    def __init__(self, references: dict[str, Reference], path: str = "catalog/references.bib"):
        self.references = references
        self.path = path

    def __contains__(self, key: str) -> bool:
        return key in self.references

    def get(self, key: str) -> Reference | None:
        return self.references.get(key)


def load_bibliography(path: Path, shown_path: str) -> tuple[Bibliography, list[Finding]]:
    findings: list[Finding] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Bibliography({}, shown_path), [Finding(
            shown_path, 1, 1, "X004", "", "references.bib is missing",
            "a BibTeX file holding every cited work")]
    except UnicodeDecodeError as exc:
        return Bibliography({}, shown_path), [Finding(
            shown_path, 1, 1, "X004", "", f"not UTF-8 text ({exc.reason})", "UTF-8 BibTeX")]
    library = bibtexparser.parse_string(text)
    references: dict[str, Reference] = {}
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            findings.append(Finding(shown_path, line, 1, "X010", block.key,
                                    f"key {block.key!r} is defined again here",
                                    "each key once"))
        else:
            first = str(getattr(block, "error", "") or "").strip().splitlines()
            reason = first[-1] if first else "syntax error"
            findings.append(Finding(shown_path, line, 1, "X004", "",
                                    f"this block does not parse: {reason}",
                                    "@type{key, field = {value}, ...}"))
    for entry in library.entries:
        fields = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
        line = entry.start_line + 1
        for needed in REQUIRED_FIELDS:
            if not fields.get(needed, "").strip():
                findings.append(Finding(shown_path, line, 1, "X011", f"{entry.key}.{needed}",
                                        f"BibTeX entry {entry.key!r} has no {needed}",
                                        "title, author and year on every entry"))
        references[entry.key] = Reference(entry.key, entry.entry_type, fields, line,
                                          entry.raw.strip() if entry.raw else "")
    return Bibliography(references, shown_path), findings
