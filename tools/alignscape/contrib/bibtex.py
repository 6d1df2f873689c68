"""BibTeX for contributors: parse a pasted record, normalise it (key, field order, arXiv fields),
merge it into catalog/references.bib without duplicates, and give the whole file one layout.

Parsing is bibtexparser's (v2); bibtexparser drops a value's delimiters, so the delimiter a
field was written with is read back from the block's raw text, which is what lets month macros
and `#` concatenations survive a rewrite.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser

# The canonical field order; fields not listed follow in the order they were written.
FIELD_ORDER = ("title", "author", "editor", "booktitle", "journal", "volume", "number", "pages",
               "year", "month", "publisher", "organization", "institution", "school", "address",
               "edition", "series", "howpublished", "type", "chapter", "note", "eprint",
               "archiveprefix", "primaryclass", "doi", "isbn", "issn", "url")
FIELD_NAMES = {"archiveprefix": "archivePrefix", "primaryclass": "primaryClass"}
MAX_AUTHORS = 10  # CONTRIBUTING.md: list the first ten, then "and others"
STOPWORDS = frozenset(
    "a an and are as at be by can do for from how in into is it its large language languages "
    "learning llm llms model models of on or the their through to towards via what when where "
    "which with without your you".split())
ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
                      r"(?![\w.])")


class BibtexProblem(Exception):
    """The text holds no usable BibTeX record; `line` is 1-based within that text."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message, self.line = message, line


@dataclass
class Record:
    entry_type: str
    key: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, delimiter)
    line: int = 1

    def get(self, name: str) -> str | None:
        name = name.lower()
        return next((v for n, v, _ in self.fields if n.lower() == name), None)

    def set(self, name: str, value: str, delimiter: str = "{") -> None:
        for i, (n, _, _) in enumerate(self.fields):
            if n.lower() == name.lower():
                self.fields[i] = (n, value, delimiter)
                return
        self.fields.append((FIELD_NAMES.get(name.lower(), name), value, delimiter))

    @property
    def year(self) -> int | None:
        match = re.fullmatch(r"\s*(\d{4})\s*", self.get("year") or "")
        return int(match.group(1)) if match else None

    @property
    def title(self) -> str:
        return " ".join((self.get("title") or "").replace("{", "").replace("}", "").split())

    @property
    def doi(self) -> str | None:
        value = (self.get("doi") or "").strip()
        value = re.sub(r"^https?://(dx\.)?doi\.org/", "", value, flags=re.I)
        return value.lower() or None

    @property
    def arxiv(self) -> str | None:
        """The arXiv id, without version, from eprint, an arXiv DOI, the URL or the journal."""
        prefix = (self.get("archiveprefix") or "").lower()
        candidates = []
        if prefix in ("", "arxiv"):
            candidates.append(self.get("eprint") or "")
        doi = self.doi or ""
        if doi.startswith("10.48550/arxiv."):
            candidates.append(doi[len("10.48550/arxiv."):])
        url = self.get("url") or ""
        match = re.search(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?/?$", url)
        if match:
            candidates.append(match.group(1))
        for name in ("journal", "note", "howpublished"):
            match = re.search(r"arXiv:\s*(\S+)", self.get(name) or "", re.I)
            if match:
                candidates.append(match.group(1).rstrip(".,;}"))
        for candidate in candidates:
            match = ARXIV_ID.fullmatch(candidate.strip())
            if match:
                return match.group(1)
        return None

    def render(self) -> str:
        lines = [f"@{self.entry_type.lower()}{{{self.key},"]
        for name, value, delimiter in _ordered(self.fields):
            lines.append(f"  {name} = {_value(value, delimiter)},")
        lines[-1] = lines[-1].rstrip(",") if len(lines) > 1 else lines[-1]
        return "\n".join(lines) + "\n}\n"


def _ordered(fields):
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    indexed = list(enumerate(fields))
    indexed.sort(key=lambda item: (rank.get(item[1][0].lower(), len(rank)), item[0]))
    return [(FIELD_NAMES.get(n.lower(), n.lower()), v, d) for _, (n, v, d) in indexed]


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _value(value: str, delimiter: str) -> str:
    """One layout: braces, whitespace collapsed; bare macros and `#` concatenations kept."""
    if delimiter == "" and not value.strip().isdigit():
        return value.strip()
    text = " ".join(value.split())
    if delimiter == '"' and not _balanced(text):
        return f'"{text}"'
    return "{" + text + "}"


def _delimiters(raw: str) -> dict[str, str]:
    """field name (lower case) -> '{', '"' or '' (bare), read from a block's raw text."""
    out = {}
    for match in re.finditer(r"(?:^|[,{\s])([A-Za-z][\w:.+-]*)\s*=\s*([{\"]?)", raw):
        out.setdefault(match.group(1).lower(), match.group(2))
    return out


def _record(entry) -> Record:
    delims = _delimiters(entry.raw or "")
    fields = [(f.key, str(f.value), delims.get(f.key.lower(), "{")) for f in entry.fields]
    return Record(entry.entry_type, entry.key, fields, (entry.start_line or 0) + 1)


def parse_records(text: str) -> list[Record]:
    """Every entry of `text`; BibtexProblem on a block that does not parse."""
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            raise BibtexProblem(f"key {block.key!r} is defined twice", line)
        raise BibtexProblem("this block does not parse as BibTeX "
                            "(expected @type{key, field = {value}, ...})", line)
    return [_record(entry) for entry in library.entries]


def parse_one(text: str) -> Record:
    records = parse_records(text)
    if not records:
        raise BibtexProblem("no BibTeX entry found (expected @type{key, field = {value}, ...})")
    if len(records) > 1:
        raise BibtexProblem(f"{len(records)} BibTeX entries given, expected one",
                            records[1].line)
    record = records[0]
    missing = [name for name in ("title", "author", "year") if not (record.get(name) or "")
               .strip()]
    if missing:
        raise BibtexProblem(f"the BibTeX entry has no {', '.join(missing)} "
                            "(expected title, author and year)", record.line)
    if record.year is None:
        raise BibtexProblem(f"year {record.get('year')!r} is not a four-digit year",
                            record.line)
    return record


def _ascii_word(text: str) -> str:
    text = re.sub(r"\\[a-zA-Z]+\s*|[{}\\'\"`^~]", "", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def authors(record: Record) -> list[str]:
    text = " ".join((record.get("author") or "").split())
    return [a.strip() for a in re.split(r"\s+and\s+", text) if a.strip()]


def first_surname(record: Record) -> str:
    names = authors(record)
    if not names:
        return ""
    first = names[0].strip("{}")
    return first.split(",")[0] if "," in first else first.split()[-1]


def key_for(record: Record, short_word: str | None = None) -> str:
    """<first author surname><year><short word>: the short name if given, else the title's
    first significant word (rafailov2023dpo)."""
    word = _ascii_word(short_word or "")
    if not word:
        words = [_ascii_word(w) for w in re.split(r"[\s:/-]+", record.title)]
        word = next((w for w in words if len(w) >= 3 and w not in STOPWORDS),
                    next((w for w in words if w), "work"))
    surname = _ascii_word(first_surname(record)) or "anonymous"
    return f"{surname}{record.year or ''}{word[:20]}"


def normalise(record: Record, short_word: str | None = None) -> Record:
    """A copy with the catalog's key, canonical field names and order, at most ten authors and
    the arXiv fields filled in from whatever names the arXiv id."""
    out = Record(record.entry_type.lower(), key_for(record, short_word),
                 [(FIELD_NAMES.get(n.lower(), n.lower()), v, d) for n, v, d in record.fields],
                 record.line)
    names = authors(out)
    if len(names) > MAX_AUTHORS:
        out.set("author", " and ".join([*names[:MAX_AUTHORS], "others"]))
    arxiv = record.arxiv
    if arxiv:
        if not out.get("eprint"):
            out.set("eprint", arxiv)
        if not out.get("archiveprefix"):
            out.set("archivePrefix", "arXiv")
        if not out.get("url"):
            out.set("url", f"https://arxiv.org/abs/{arxiv}")
    out.fields = _ordered(out.fields)
    return out


@dataclass
class Merged:
    key: str
    added: bool        # False: the work was already there (same DOI or arXiv id) or identical
    reason: str = ""


def merge(path: Path, record: Record) -> Merged:
    """Add `record` to the bibliography at `path` unless the same work is there already: same
    DOI or same arXiv id is the same work, whatever its key, and the existing key is reused. A
    different work under the same key gets a letter suffix. Appends; never rewrites the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    existing = parse_records(text) if text.strip() else []
    for old in existing:
        if record.doi and old.doi == record.doi:
            return Merged(old.key, False, f"same DOI as {old.key}")
        if record.arxiv and old.arxiv == record.arxiv:
            return Merged(old.key, False, f"same arXiv id as {old.key}")
    keys = {old.key for old in existing}
    key = record.key
    suffix = iter("bcdefghijklmnopqrstuvwxyz")
    while key in keys:
        key = record.key + next(suffix)
    record = Record(record.entry_type, key, record.fields, record.line)
    separator = "" if not text else ("\n" if text.endswith("\n\n") else
                                     "\n\n" if not text.endswith("\n") else "\n")
    path.write_text(text + separator + record.render(), encoding="utf-8")
    return Merged(key, True)


# --- the whole file's layout -------------------------------------------------------------

def format_bibliography(text: str) -> str:
    """One layout for references.bib: entries in file order, fields in FIELD_ORDER, two-space
    indentation, braces, one blank line between blocks; comments, @string and @preamble blocks
    kept as written. BibtexProblem if a block does not parse (validation reports it)."""
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise BibtexProblem("a block does not parse; run alignscape validate",
                            (block.start_line or 0) + 1)
    parts = []
    for block in library.blocks:
        if type(block).__name__ == "Entry":
            parts.append(_record(block).render().rstrip("\n"))
        else:
            raw = (block.raw or "").strip()
            if raw:
                parts.append(raw)
    return "\n\n".join(parts) + "\n" if parts else ""


def bibliography_data(text: str) -> list[tuple]:
    """What a layout change must not alter: each entry's type, key and fields, in order."""
    library = bibtexparser.parse_string(text)
    out = []
    for entry in library.entries:
        fields = sorted((f.key.lower(), " ".join(str(f.value).split())) for f in entry.fields)
        out.append((entry.entry_type.lower(), entry.key, tuple(fields)))
    return out
