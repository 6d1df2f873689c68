"""The explorer index: one row per entry with its choices and trade-off levels, the shape every
query evaluates (in Python and in the browser) and schema/index.schema.json describes; plus the
catalog downloads built from the same rows (catalog.json, catalog.csv)."""

from __future__ import annotations

from alignscape.model.entry import Entry
from alignscape.model.tables import csv_text, spreadsheet_safe

INDEX_VERSION = 1


def entry_url(entry_id: str) -> str:
    """The entry page, relative to the site root."""
    return f"entries/{entry_id}.html"


def explorer_index(catalog) -> dict:
    """The shape `build/docs/data/index.json` holds; see the explorer and alignscape-query.js.

    Every taxonomy dimension is listed (derived ones such as instantiation.structure included),
    so a front end can draw facets without knowing the taxonomy; trade-off levels come from the
    entry's derived-or-overridden profile, null where nothing in its choices speaks to one."""
    taxonomy, tradeoffs = catalog.taxonomy, catalog.tradeoffs
    dimensions = [
        {"id": dim.qualified, "label": dim.label, "group": dim.group,
         "cardinality": dim.cardinality,
         "options": [{"id": o.id, "label": o.label} for o in dim.options]}
        for dim in taxonomy.dimensions.values()]
    entries = [index_row(entry, catalog.profile(entry)) for entry in catalog]
    return {
        "version": INDEX_VERSION,
        "dimensions": dimensions,
        "tradeoffs": {
            "levels": list(tradeoffs.levels),
            "dimensions": [{"id": d.id, "label": d.label, "better": d.better}
                           for d in tradeoffs.dimensions.values()],
        },
        "entries": entries,
    }


def index_row(entry: Entry, profile: dict) -> dict:
    """One entry of the explorer index, from the entry and its trade-off profile."""
    return {
        "id": entry.id, "short_name": entry.label, "name": entry.name,
        "aliases": list(entry.aliases), "kind": entry.kind, "year": entry.year,
        "summary": entry.summary,
        "url": entry_url(entry.id),
        "choices": {dim: list(opts) for dim, opts in entry.choices.items()},
        "tradeoffs": {dim: explanation.level for dim, explanation in profile.items()},
    }


def entry_record(entry: Entry, catalog) -> dict:
    """One entry as published in catalog.json: its own fields plus what the site derives."""
    profile = catalog.profile(entry)
    return {
        "id": entry.id, "kind": entry.kind, "short_name": entry.label, "name": entry.name,
        "aliases": list(entry.aliases), "year": entry.year, "venue": entry.venue,
        "cite": entry.cite, "references": list(entry.references),
        "arxiv": entry.arxiv, "links": dict(entry.links), "summary": entry.summary,
        "choices": {dim: list(opts) for dim, opts in entry.choices.items()},
        "tradeoffs": {dim: {"level": ex.level, "source": ex.source}
                      for dim, ex in profile.items()},
        "builds_on": list(entry.builds_on), "uses_data": list(entry.uses_data),
        "source": entry.source,
    }


def catalog_json(catalog) -> dict:
    return {"version": INDEX_VERSION, "entries": [entry_record(e, catalog) for e in catalog]}


def catalog_csv(catalog) -> str:
    """One row per entry; multi-valued cells joined with `;` so spreadsheets read them."""
    return csv_text(csv_header(catalog),
                    [csv_row(entry, catalog.profile(entry), catalog) for entry in catalog])


def csv_header(catalog) -> list[str]:
    return ["id", "name", "kind", "year", "cite", "arxiv", "aliases", "builds_on",
            *catalog.taxonomy.dimensions,
            *(f"tradeoff.{d}" for d in catalog.tradeoffs.dimensions)]


def csv_row(entry: Entry, profile: dict, catalog) -> list:
    """One entry's cells of catalog.csv, in csv_header's order."""
    return [entry.id, spreadsheet_safe(entry.name), entry.kind, entry.year, entry.cite,
            entry.arxiv or "", spreadsheet_safe(";".join(entry.aliases)),
            ";".join(entry.builds_on),
            *(";".join(entry.choices.get(d, ())) for d in catalog.taxonomy.dimensions),
            *(profile[d].level or "" for d in catalog.tradeoffs.dimensions)]
