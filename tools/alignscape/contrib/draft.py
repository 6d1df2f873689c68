"""A draft entry from answers (flags, the wizard, an issue form): assembling the data, merging its
BibTeX into references.bib, writing catalog/entries/<id>.yaml and validating it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.catalog.findings import Finding
from alignscape.catalog.validation import validate_catalog
from alignscape.contrib import bibtex
from alignscape.contrib.emit import dump_entry
from alignscape.contrib.entryfmt import Vocabulary
from alignscape.taxonomy import Taxonomy

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_]{1,63}")
KINDS = ("method", "dataset", "system", "objective", "benchmark")
# Non-taxonomy fields that hold lists (a `--set` value is split at commas for these).
LIST_FIELDS = {("aliases",), ("builds_on",), ("uses_data",), ("references",),
               ("training", "objectives")}
STAGE_LISTS = {"models", "judge_models", "aspects"}
STAGE_TEXT = {"evidence", "confidence", "open", "not_applicable"}


class DraftError(Exception):
    """An answer that cannot become part of an entry (an unknown field path, a bad number)."""


def slug(text: str) -> str:
    """An entry id from a short name: 'Dr. GRPO' -> 'dr_grpo'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text[:64] if len(text) >= 2 else (text + "_entry")[:64]


def set_path(data: dict, path: tuple[str, ...], value) -> None:
    for part in path[:-1]:
        child = data.setdefault(part, {})
        if not isinstance(child, dict):
            child = data[part] = {}
        data = child
    data[path[-1]] = value


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def entry_path(dotted: str, taxonomy: Taxonomy) -> tuple[tuple[str, ...], str]:
    """Where `--set NAME=...` writes: a dimension is named as in the taxonomy (synthesis.sources,
    iteration, training.paradigm), optionally under experiments.; anything else is a field path
    (links.code, synthesis.evidence, builds_on). Returns (entry path, value kind: one | many |
    list | int | text)."""
    parts = tuple(p for p in dotted.strip().split(".") if p)
    if not parts:
        raise DraftError(f"{dotted!r}: no field named")
    section = "pipeline"
    if parts[0] in ("pipeline", "experiments"):
        section, parts = parts[0], parts[1:]
    stages = {g.id for g in taxonomy.stages}
    if parts and parts[0] in stages:
        path = (section, *parts)
        if len(parts) == 2:
            dim = taxonomy.dimensions.get(f"{parts[0]}.{parts[1]}")
            if dim is not None:
                if dim.derived_from:
                    raise DraftError(f"{dotted}: {dim.qualified} is derived from "
                                     f"{dim.derived_from}; never written")
                return path, dim.cardinality
            if parts[1] in STAGE_LISTS:
                return path, "list"
            if parts[1] == "responses_per_prompt":
                return path, "int"
            if parts[1] in STAGE_TEXT:
                return path, "text"
        if len(parts) == 3 and parts[1] == "size":
            return path, "int" if parts[2] == "count" else "text"
        known = ", ".join(d.id for d in taxonomy.group(parts[0]).dimensions)
        raise DraftError(f"{dotted}: not a field of the {parts[0]} stage (expected one of: "
                         f"{known}, evidence, confidence, open, ...)")
    for dim in taxonomy.dimensions.values():
        if dim.group_kind == "pipeline" and parts == (dim.id,):
            return (section, dim.id), dim.cardinality
        if dim.group_kind == "training" and parts == (dim.group, dim.id):
            return parts, dim.cardinality
    if section == "experiments":
        raise DraftError(f"{dotted}: experiments holds stages only")
    if parts in LIST_FIELDS:
        return parts, "list"
    if parts == ("year",):
        return parts, "int"
    return parts, "text"


def convert(value: str, kind: str, name: str):
    if kind in ("many", "list"):
        return _split(value)
    if kind == "int":
        try:
            return int(value.strip())
        except ValueError:
            raise DraftError(f"{name}: {value!r} is not a whole number") from None
    return value.strip()


def apply_assignment(data: dict, assignment: str, taxonomy: Taxonomy) -> None:
    name, sep, value = assignment.partition("=")
    if not sep:
        raise DraftError(f"{assignment!r}: expected NAME=VALUE, e.g. synthesis.sources=a,b")
    path, kind = entry_path(name, taxonomy)
    set_path(data, path, convert(value, kind, name.strip()))


@dataclass
class Outcome:
    path: Path
    cite: str | None = None
    merged: bibtex.Merged | None = None
    findings: list[Finding] = field(default_factory=list)


def canonical(data: dict) -> dict:
    """Drop empty values the answers left behind."""
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = canonical(value)
        if value in (None, "", [], {}):
            continue
        out[key] = value
    return out


def prepare(data: dict, bib_text: str | None, root: Path) -> tuple[dict, bibtex.Record | None]:
    """Complete `data` from the BibTeX record (cite, year, arXiv id, name, paper link) and derive
    the id; BibtexProblem if the BibTeX does not parse. Writes nothing."""
    record = None
    if bib_text and bib_text.strip():
        record = bibtex.normalise(bibtex.parse_one(bib_text), data.get("short_name"))
        data.setdefault("cite", record.key)
        if record.year and not data.get("year"):
            data["year"] = record.year
        if record.arxiv and not data.get("arxiv"):
            data["arxiv"] = record.arxiv
        if record.title and not data.get("name"):
            data["name"] = record.title
    if not data.get("id") and data.get("short_name"):
        data["id"] = slug(str(data["short_name"]))
    if data.get("arxiv"):
        data["arxiv"] = str(data["arxiv"]).strip()
        data.setdefault("links", {}).setdefault(
            "paper", f"https://arxiv.org/abs/{data['arxiv']}")
    return canonical(data), record


def write(data: dict, record: bibtex.Record | None, root: Path, taxonomy: Taxonomy,
          force: bool = False) -> Outcome:
    """Merge the BibTeX record, write the entry, validate it in the context of the catalog."""
    entry_id = str(data.get("id") or "")
    if not ID_PATTERN.fullmatch(entry_id):
        raise DraftError(f"id {entry_id!r} is not valid (lower-case letters, digits and "
                         "underscores, 2-64 characters); give --short-name or an id")
    path = root / "catalog" / "entries" / f"{entry_id}.yaml"
    if path.exists() and not force:
        raise DraftError(f"{path} exists (use --force to overwrite)")
    outcome = Outcome(path)
    if record is not None:
        outcome.merged = bibtex.merge(root / "catalog" / "references.bib", record)
        outcome.cite = outcome.merged.key
        if data.get("cite") == record.key:
            data["cite"] = outcome.merged.key
    path.write_text(dump_entry(data, Vocabulary.from_taxonomy(taxonomy)), encoding="utf-8")
    result = validate_catalog(root, [path])
    outcome.findings = result.findings
    return outcome
