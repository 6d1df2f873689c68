"""Running an expression: over a Catalog (Python API) or over the explorer index (CLI fast path,
and exactly what the browser evaluates)."""

from __future__ import annotations

from alignscape.querylang import Vocabulary, evaluate, fields_of, parse


class Query:
    """A compiled expression. (A plain class: see language.Token.)"""

    def __init__(self, expression: str, tree: dict):
        self.expression = expression
        self.tree = tree

    @classmethod
    def compile(cls, expression: str, index: dict) -> Query:
        return cls(expression, parse(expression, Vocabulary.from_index(index)))

    def matches(self, row: dict) -> bool:
        return evaluate(self.tree, row)

    def select(self, rows) -> list[dict]:
        return [row for row in rows if self.matches(row)]

    @property
    def fields(self) -> list[tuple[str, str]]:
        return fields_of(self.tree)


def select(index: dict, expression: str | None) -> list[dict]:
    """Rows of the index matching the expression (all rows when it is None or blank)."""
    if expression is None or not expression.strip():
        return list(index["entries"])
    return Query.compile(expression, index).select(index["entries"])


def query(catalog, expression: str) -> list:
    """Entries of the catalog matching the expression, in catalog order."""
    return [catalog.entries[row["id"]] for row in select(catalog.index, expression)]
