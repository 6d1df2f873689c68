"""Rules on one entry file: the schema, then the id, citations, links and arXiv agreement
(rules Y*, S*, T*, X001, X003, X007-X009, X012)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from alignscape.catalog.bibliography import Bibliography
from alignscape.catalog.findings import Finding
from alignscape.catalog.schemas import entry_schema, entry_validator, fast_validity
from alignscape.catalog.validation.messages import TYPE_NAMES, expect
from alignscape.catalog.validation.paths import shown_path
from alignscape.catalog.validation.schema_errors import schema_findings
from alignscape.catalog.yamlsafe import LoadedYaml, YamlProblem, dotted, load_bytes, read_file
from alignscape.taxonomy import Taxonomy, Tradeoffs

ARXIV_NEW = re.compile(r"^(\d{2})(0[1-9]|1[0-2])\.\d{4,5}(v\d+)?$")
ARXIV_OLD = re.compile(r"^[a-z][a-z.-]*(\.[A-Z]{2})?/\d{7}(v\d+)?$")
ARXIV_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/([^/?#]+?)(?:\.pdf)?/?$")


@dataclass
class Parsed:
    """An entry file that passed its own rules, kept for the cross-entry rules."""
    data: dict
    loaded: LoadedYaml
    shown: str
    path: Path | None


class EntryChecker:
    """Checks single entry files against the schema and the per-entry rules.

    The two stages depend on different things, so an incremental run (alignscape.catalog.
    validation.incremental) can redo one without the other: the schema stage on the file's
    content and the vocabulary (taxonomy and trade-off ids), the entry stage on the content,
    the file name and the references it cites. `counts` says how often each ran."""

    def __init__(self, taxonomy: Taxonomy, tradeoffs: Tradeoffs, bibliography: Bibliography):
        self.taxonomy = taxonomy
        self.bibliography = bibliography
        self._vocabulary = (list(tradeoffs.dimensions), list(tradeoffs.levels))
        self.schema = entry_schema(taxonomy, *self._vocabulary)
        self._validator = None
        self._is_valid = fast_validity(self.schema)
        self.counts = {"parsed": 0, "schema_checked": 0, "entry_checked": 0}

    @property
    def validator(self):
        """jsonschema's validator of the entry schema: made when an entry fails the fast check
        (its errors are the findings)."""
        if self._validator is None:
            self._validator = entry_validator(self.taxonomy, *self._vocabulary)
        return self._validator

    def check_file(self, path: Path):
        shown = shown_path(path)
        try:
            raw = read_file(path)
        except YamlProblem as problem:
            return [_from_problem(shown, problem)], None, None
        return self.check_bytes(raw, shown, path.stem, path)

    def check_bytes(self, raw: bytes, shown: str, stem: str, path: Path | None = None):
        """(findings, parsed entry or None, the id it declares or None)."""
        loaded, findings, entry_id = self.schema_stage(raw, shown)
        if loaded is None:
            return findings, None, entry_id
        return (self.entry_stage(loaded, shown, stem), Parsed(loaded.data, loaded, shown, path),
                entry_id)

    def schema_stage(self, raw: bytes, shown: str, loaded: LoadedYaml | None = None):
        """(loaded or None, findings, id): YAML and schema rules. `loaded` is None when the
        file broke one of them (the entry rules then do not run). Given `loaded` (the parse of
        `raw` kept from an earlier run), the YAML is not parsed again."""
        if loaded is None:
            self.counts["parsed"] += 1
            try:
                loaded = load_bytes(raw)
            except YamlProblem as problem:
                return None, [_from_problem(shown, problem)], None
        if not isinstance(loaded.data, dict):
            found = TYPE_NAMES.get(type(loaded.data), "not a mapping")
            return None, [Finding(shown, 1, 1, "Y009", "", f"the document is {found}",
                                  "a mapping of entry fields such as `id: ...`")], None
        entry_id = loaded.data.get("id") if isinstance(loaded.data.get("id"), str) else None
        self.counts["schema_checked"] += 1
        if self._is_valid is not None and self._is_valid(loaded.data):
            return loaded, [], entry_id
        findings = schema_findings(self.validator, loaded, shown, self.taxonomy)
        return (None if findings else loaded), findings, entry_id

    def entry_stage(self, loaded: LoadedYaml, shown: str, stem: str) -> list[Finding]:
        """The per-entry rules after the schema: id and file name, citations, links, arXiv."""
        self.counts["entry_checked"] += 1
        return _entry_checks(loaded, shown, stem, self.bibliography)


def cited_keys(data: dict) -> list[str]:
    """Every citation key an entry that passed the schema uses (what its entry rules read of
    references.bib)."""
    keys = [data["cite"], *data.get("references", [])]
    for override in data.get("tradeoffs", {}).values():
        keys += override["cite"]
    return keys


def _from_problem(shown: str, problem: YamlProblem) -> Finding:
    return Finding(shown, problem.line, problem.column, problem.code, problem.field,
                   problem.message)



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
                          expect(key, list(bibliography.references), "a key of references.bib")))
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

