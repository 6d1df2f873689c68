"""The query engine: one expression language for the command line, the Python API and the
site's explorer, plus trade-off analyses (Pareto fronts, similarity, gaps, explanations,
scenario recommendations) built on it."""

from alignscape.query.engine import Query, query, select
from alignscape.querylang import QueryError, Vocabulary, evaluate, parse

__all__ = ["Query", "QueryError", "Vocabulary", "evaluate", "parse", "query", "select"]
