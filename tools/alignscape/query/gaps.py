"""Unexplored combinations of stage options, and the entries nearest to each.

By default one dimension per stage, the three that say most about a pipeline: who writes the
responses (synthesis.sources), who judges them (evaluation.evaluators) and what signal is
trained on (instantiation.formats). A combination is explored when one entry chooses all of
its options. Unexplored combinations are ranked by how well their parts are explored: one
whose every pair of options already occurs together in some entry is a small step from known
practice, and more entries behind those pairs make it a better-founded step.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

DEFAULT_DIMENSIONS = ("synthesis.sources", "evaluation.evaluators", "instantiation.formats")


@dataclass
class Gap:
    options: tuple[str, ...]           # qualified: group.dimension.option, one per dimension
    pairs_explored: int                # option pairs of the combination that co-occur
    pairs_total: int
    support: int                       # entries behind those pairs (with repetition)
    nearest: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # (entry id, the combination's options it lacks), most options in common first

    def as_dict(self) -> dict:
        return {"options": list(self.options), "pairs_explored": self.pairs_explored,
                "pairs_total": self.pairs_total, "support": self.support,
                "nearest": [{"id": i, "lacks": list(m)} for i, m in self.nearest]}


@dataclass
class GapReport:
    dimensions: tuple[str, ...]
    combinations: int
    explored: int
    gaps: list[Gap]


def find_gaps(catalog, limit: int | None = 20,
              dimensions: tuple[str, ...] | list[str] = DEFAULT_DIMENSIONS,
              nearest: int = 3) -> list[Gap]:
    """The best-founded unexplored combinations (see the module docstring), best first."""
    return gap_report(catalog, limit, dimensions, nearest).gaps


def gap_report(catalog, limit: int | None = 20,
               dimensions: tuple[str, ...] | list[str] = DEFAULT_DIMENSIONS,
               nearest: int = 3) -> GapReport:
    dimensions = tuple(dimensions)
    unknown = [d for d in dimensions if d not in catalog.taxonomy.dimensions]
    if unknown or len(dimensions) < 2 or len(set(dimensions)) != len(dimensions):
        from alignscape.query.analysis import AnalysisError
        from alignscape.querylang import suggest

        if unknown:
            close = suggest(unknown[0], list(catalog.taxonomy.dimensions))
            raise AnalysisError(f"unknown dimension {unknown[0]!r}"
                                + (f"; did you mean {close!r}?" if close else "")
                                + " (write group.dimension, e.g. evaluation.evaluators)")
        raise AnalysisError("name two or more different dimensions")
    option_lists = [[f"{d}.{o}" for o in catalog.taxonomy.dimensions[d].option_ids]
                    for d in dimensions]
    entries = [e for e in catalog if all(e.choices.get(d) for d in dimensions)]
    chosen = {e.id: e.options for e in entries}
    explored: set[tuple[str, ...]] = set()
    pair_count: dict[tuple[str, str], int] = {}
    for entry in entries:
        per_dim = [[f"{d}.{o}" for o in entry.choices[d]] for d in dimensions]
        explored.update(itertools.product(*per_dim))
        for i, j in itertools.combinations(range(len(dimensions)), 2):
            for a in per_dim[i]:
                for b in per_dim[j]:
                    pair_count[(a, b)] = pair_count.get((a, b), 0) + 1
    pairs_total = len(dimensions) * (len(dimensions) - 1) // 2
    gaps = []
    for combination in itertools.product(*option_lists):
        if combination in explored:
            continue
        counts = [pair_count.get((combination[i], combination[j]), 0)
                  for i, j in itertools.combinations(range(len(dimensions)), 2)]
        gaps.append(Gap(combination, sum(1 for c in counts if c), pairs_total, sum(counts)))
    gaps.sort(key=lambda g: (-g.pairs_explored, -g.support, g.options))
    shown = gaps[:limit] if limit else gaps
    for gap in shown:
        scored = []
        for entry_id, options in chosen.items():
            lacks = tuple(o for o in gap.options if o not in options)
            if len(lacks) < len(gap.options):
                scored.append((len(lacks), entry_id, lacks))
        scored.sort()
        gap.nearest = [(entry_id, lacks) for _, entry_id, lacks in scored[:nearest]]
    total = 1
    for options in option_lists:
        total *= len(options)
    return GapReport(dimensions, total, len(explored), shown)
