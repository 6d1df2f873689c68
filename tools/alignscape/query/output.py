"""Rendering query results: an aligned table for people; JSON, CSV, BibTeX and ids for tools."""

from __future__ import annotations

import json

from alignscape.model.tables import csv_text, spreadsheet_safe

FORMATS = ("table", "json", "csv", "bibtex", "ids")


def _cell(row: dict, kind: str, field: str) -> str:
    if kind == "facet":
        return ",".join(row["choices"].get(field) or ()) or "-"
    return row["tradeoffs"].get(field) or "?"


def table(rows: list[dict], extra: list[tuple[str, str]] = (), width: int = 44) -> str:
    """id, kind, year, name, then one column per facet or trade-off the query mentions, so that
    each row shows why it matched. Unknown trade-off levels print as `?`, unrecorded facets `-`."""
    header = ["id", "kind", "year", "name", *(f.split(".")[-1] for _, f in extra)]
    body = []
    for row in rows:
        name = row["name"] if len(row["name"]) <= width else row["name"][:width - 1] + "…"
        body.append([row["id"], row["kind"], str(row["year"]), name,
                     *(_cell(row, k, f) for k, f in extra)])
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def render(line):
        return "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()

    lines = [render(header), render(["-" * w for w in widths]), *(render(b) for b in body)]
    return "\n".join(lines)


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False)


def as_csv(rows: list[dict], index: dict) -> str:
    """One row per entry; multi-valued cells joined with `;` (the layout of the site's
    catalog.csv), trade-off levels empty where unknown."""
    dims = [d["id"] for d in index["dimensions"]]
    tradeoffs = [d["id"] for d in index["tradeoffs"]["dimensions"]]
    header = ["id", "name", "kind", "year", "aliases", "url", *dims,
              *(f"tradeoff.{d}" for d in tradeoffs)]
    return csv_text(header, (
        [row["id"], spreadsheet_safe(row["name"]), row["kind"], row["year"],
         spreadsheet_safe(";".join(row.get("aliases", ()))), row.get("url", ""),
         *(";".join(row["choices"].get(d) or ()) for d in dims),
         *(row["tradeoffs"].get(d) or "" for d in tradeoffs)] for row in rows))


def as_bibtex(entries, catalog) -> str:
    """The BibTeX of each result's main citation, once per key, in result order."""
    blocks = []
    for key in dict.fromkeys(e.cite for e in entries):
        reference = catalog.reference(key)
        if reference is not None:
            blocks.append(reference.raw.strip())
    return "\n\n".join(blocks) + ("\n" if blocks else "")
