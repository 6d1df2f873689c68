"""Counts behind the heat maps that replace the design-space hairball: options by year and
options of one dimension against the options of another. Every cell also carries the query
expression (see site/docs/query.md) that selects exactly the entries it counts, so a page can
link each cell to the explorer.

Work is linear in the catalog: one pass over the entries per table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alignscape.model import STAGES, Catalog


@dataclass
class Cell:
    count: int
    expr: str


@dataclass
class Row:
    key: str           # qualified option id
    label: str
    group: str         # the dimension's label (for row groups)
    cells: list[Cell]
    total: int
    total_expr: str


@dataclass
class HeatMap:
    title: str
    row_title: str
    columns: list[tuple[str, str, str]]   # (key, label, expression for the whole column)
    rows: list[Row] = field(default_factory=list)

    @property
    def peak(self) -> int:
        return max((c.count for r in self.rows for c in r.cells), default=0)

    def as_dict(self) -> dict:
        return {"title": self.title, "row_title": self.row_title,
                "columns": [{"key": k, "label": lb, "expr": e} for k, lb, e in self.columns],
                "rows": [{"key": r.key, "label": r.label, "group": r.group, "total": r.total,
                          "cells": [c.count for c in r.cells]} for r in self.rows]}


def option_expr(option: str) -> str:
    """`group.dimension.option` -> `group.dimension has option`."""
    dim, _, opt = option.rpartition(".")
    return f"{dim} has {opt}"


def stage_dimensions(catalog: Catalog, stage: str) -> list:
    return [d for d in catalog.taxonomy.dimensions.values()
            if d.group == stage and not d.derived_from]


def option_year(catalog: Catalog, stage: str) -> HeatMap:
    """Rows: the options of one stage's dimensions (grouped by dimension); columns: the years
    any entry has; cells: entries choosing the option that year."""
    years = sorted({e.year for e in catalog})
    dims = stage_dimensions(catalog, stage)
    counts: dict[tuple[str, int], int] = {}
    totals: dict[str, int] = {}
    wanted = {dim.qualified for dim in dims}
    for entry in catalog:
        year = entry.year
        for dim_id, chosen in entry.choices.items():
            if dim_id not in wanted:
                continue
            for opt in chosen:
                key = f"{dim_id}.{opt}"
                counts[key, year] = counts.get((key, year), 0) + 1
                totals[key] = totals.get(key, 0) + 1
    group_label = next((g.label for g in catalog.taxonomy.groups if g.id == stage), stage)
    heat = HeatMap(f"{group_label}: entries per option and year", "Option",
                   [(str(y), str(y), f"year = {y}") for y in years])
    for dim in dims:
        for option in dim.options:
            key = option.qualified
            base = option_expr(key)
            heat.rows.append(Row(key, option.label, dim.label,
                                 [Cell(counts.get((key, y), 0), f"{base} and year = {y}")
                                  for y in years],
                                 totals.get(key, 0), base))
    return heat


def option_pair(catalog: Catalog, rows_dim: str, cols_dim: str) -> HeatMap:
    """Rows: the options of `rows_dim`; columns: those of `cols_dim`; cells: entries choosing
    both."""
    taxonomy = catalog.taxonomy
    a, b = taxonomy.dimensions[rows_dim], taxonomy.dimensions[cols_dim]
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for entry in catalog:
        mine, theirs = entry.choices.get(rows_dim, ()), entry.choices.get(cols_dim, ())
        for x in mine:
            totals[x] = totals.get(x, 0) + 1
            for y in theirs:
                counts[x, y] = counts.get((x, y), 0) + 1
    columns = [(o.id, o.label, option_expr(o.qualified)) for o in b.options]
    heat = HeatMap(f"{a.label} × {b.label}", a.label, columns)
    for option in a.options:
        base = option_expr(option.qualified)
        heat.rows.append(Row(option.qualified, option.label, a.label,
                             [Cell(counts.get((option.id, o.id), 0),
                                   f"{base} and {option_expr(o.qualified)}")
                              for o in b.options],
                             totals.get(option.id, 0), base))
    return heat


# The pairs the design-space page shows: who writes the responses, who judges them and what
# signal is trained on, each against the next.
DEFAULT_PAIRS = (("synthesis.sources", "evaluation.evaluators"),
                 ("evaluation.evaluators", "instantiation.formats"),
                 ("synthesis.sources", "instantiation.formats"))

__all__ = ["DEFAULT_PAIRS", "STAGES", "Cell", "HeatMap", "Row", "option_expr", "option_pair",
           "option_year"]
