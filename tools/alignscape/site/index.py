"""Data files the site publishes: the explorer's JSON index (a contract with the query engine's
front end) and the catalog downloads (catalog.json, catalog.csv)."""

from __future__ import annotations

import csv
import io

from alignscape.catalog.model import Catalog, Entry

INDEX_VERSION = 1


def entry_url(entry_id: str) -> str:
    """The entry page, relative to the site root."""
    return f"entries/{entry_id}.html"


def explorer_index(catalog: Catalog) -> dict:
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
    entries = []
    for entry in catalog:
        profile = catalog.profile(entry)
        entries.append({
            "id": entry.id, "name": entry.name, "aliases": list(entry.aliases),
            "kind": entry.kind, "year": entry.year, "summary": entry.summary,
            "url": entry_url(entry.id),
            "choices": {dim: list(opts) for dim, opts in entry.choices.items()},
            "tradeoffs": {dim: explanation.level for dim, explanation in profile.items()},
        })
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


def entry_record(entry: Entry, catalog: Catalog) -> dict:
    """One entry as published in catalog.json: its own fields plus what the site derives."""
    profile = catalog.profile(entry)
    return {
        "id": entry.id, "kind": entry.kind, "name": entry.name, "aliases": list(entry.aliases),
        "year": entry.year, "cite": entry.cite, "references": list(entry.references),
        "arxiv": entry.arxiv, "links": dict(entry.links), "summary": entry.summary,
        "choices": {dim: list(opts) for dim, opts in entry.choices.items()},
        "tradeoffs": {dim: {"level": ex.level, "source": ex.source}
                      for dim, ex in profile.items()},
        "builds_on": list(entry.builds_on), "uses_data": list(entry.uses_data),
        "source": entry.source,
    }


def catalog_json(catalog: Catalog) -> dict:
    return {"version": INDEX_VERSION, "entries": [entry_record(e, catalog) for e in catalog]}


def catalog_csv(catalog: Catalog) -> str:
    """One row per entry; multi-valued cells joined with `;` so spreadsheets read them."""
    dims = list(catalog.taxonomy.dimensions)
    tradeoff_dims = list(catalog.tradeoffs.dimensions)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "kind", "year", "cite", "arxiv", "aliases", "builds_on",
                     *dims, *(f"tradeoff.{d}" for d in tradeoff_dims)])
    for entry in catalog:
        profile = catalog.profile(entry)
        writer.writerow([
            entry.id, _spreadsheet_safe(entry.name), entry.kind, entry.year, entry.cite,
            entry.arxiv or "", _spreadsheet_safe(";".join(entry.aliases)),
            ";".join(entry.builds_on),
            *(";".join(entry.choices.get(d, ())) for d in dims),
            *(profile[d].level or "" for d in tradeoff_dims)])
    return out.getvalue()


def _spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
