"""Deployment scenarios (catalog/scenarios.yaml) as values: hard requirements as query
expressions, soft preferences as trade-off dimensions."""

from __future__ import annotations

from dataclasses import dataclass

from alignscape.querylang import Vocabulary


@dataclass(frozen=True)
class Requirement:
    expression: str
    why: str
    cite: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preference:
    dimension: str
    why: str


@dataclass(frozen=True)
class Scenario:
    id: str
    label: str
    summary: str
    rationale: str
    requires: tuple[Requirement, ...]
    prefers: tuple[Preference, ...] = ()
    where: str | None = None
    survey: str | None = None

    @property
    def slug(self) -> str:
        return self.id.replace("_", "-")

    @property
    def expression(self) -> str:
        """The whole filter: the scope and every requirement, each parenthesised."""
        parts = ([self.where] if self.where else []) + [r.expression for r in self.requires]
        return " and ".join(f"({' '.join(p.split())})" for p in parts)


def vocabulary_of(taxonomy, tradeoffs, ids=()) -> Vocabulary:
    """The query vocabulary of a taxonomy and trade-offs, built through the index shape so it is
    the one the explorer sees."""
    return Vocabulary.from_index({
        "dimensions": [{"id": d.qualified, "cardinality": d.cardinality,
                        "options": [{"id": o} for o in d.option_ids]}
                       for d in taxonomy.dimensions.values()],
        "tradeoffs": {"levels": list(tradeoffs.levels),
                      "dimensions": [{"id": d.id, "better": d.better}
                                     for d in tradeoffs.dimensions.values()]},
        "entries": [{"id": i} for i in ids]})
