"""One catalog entry as every downstream layer reads it: typed, validated, with its choices
resolved against the taxonomy (derived dimensions included)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from alignscape.taxonomy import Taxonomy

STAGES = ("synthesis", "evaluation", "instantiation")


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    name: str  # the full name or paper title (entry page, citations)
    year: int
    cite: str
    summary: str
    pipeline: dict
    source: str  # path relative to the project root
    aliases: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    arxiv: str | None = None
    links: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    uses_data: tuple[str, ...] = ()
    builds_on: tuple[str, ...] = ()
    tradeoff_overrides: dict = field(default_factory=dict)
    run: dict = field(default_factory=dict)
    notes: str | None = None
    # group.dimension -> chosen option ids, derived dimensions included: what the METHOD
    # prescribes (pipeline:), the only choices trade-off profiles are derived from
    choices: dict = field(default_factory=dict)
    short_name: str = ""  # the name the field uses: lists, tables, graphs, search titles
    venue: str | None = None
    # stage -> why the method leaves it to the data (`open:`); its trade-offs are set by the data
    open_stages: dict = field(default_factory=dict)
    experiments: dict = field(default_factory=dict)
    # the same shape as choices, for the data of the paper's own experiments (experiments:)
    experiment_choices: dict = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: dict, source: str, taxonomy: Taxonomy) -> Entry:
        return cls(
            id=data["id"], kind=data["kind"], name=data["name"], year=data["year"],
            cite=data["cite"], summary=" ".join(data["summary"].split()),
            pipeline=data["pipeline"], source=source,
            aliases=tuple(data.get("aliases", ())), references=tuple(data.get("references", ())),
            arxiv=data.get("arxiv"), links=dict(data.get("links", {})),
            training=dict(data.get("training", {})), uses_data=tuple(data.get("uses_data", ())),
            builds_on=tuple(data.get("builds_on", ())),
            tradeoff_overrides=dict(data.get("tradeoffs", {})), run=dict(data.get("run", {})),
            notes=data.get("notes"), choices=_choices(data, taxonomy),
            short_name=data.get("short_name") or data["name"], venue=data.get("venue"),
            open_stages={stage: " ".join(data["pipeline"][stage]["open"].split())
                         for stage in STAGES
                         if isinstance(data["pipeline"].get(stage), dict)
                         and "open" in data["pipeline"][stage]},
            experiments=dict(data.get("experiments", {})),
            experiment_choices=_choices(data, taxonomy, "experiments"))

    @property
    def label(self) -> str:
        """What lists, tables and graphs show: the short name."""
        return self.short_name or self.name

    def stage(self, name: str) -> dict:
        return self.pipeline.get(name) or {}

    def not_applicable(self, stage: str) -> str | None:
        return self.stage(stage).get("not_applicable")

    @functools.cached_property
    def not_applicable_stages(self) -> dict[str, str]:
        """Each stage the entry says does not apply to it, with its reason (one line)."""
        return {s: " ".join(self.not_applicable(s).split()) for s in STAGES
                if self.not_applicable(s)}

    @functools.cached_property
    def options(self) -> frozenset[str]:
        """Every chosen option as group.dimension.option (made once: profiles, indexes and
        pages ask for it many times per entry)."""
        return frozenset(f"{dim}.{opt}" for dim, opts in self.choices.items() for opt in opts)

    @property
    def citations(self) -> tuple[str, ...]:
        keys = [self.cite, *self.references]
        for override in self.tradeoff_overrides.values():
            keys += override["cite"]
        return tuple(dict.fromkeys(keys))


def _choices(data: dict, taxonomy: Taxonomy,
             block: str = "pipeline") -> dict[str, tuple[str, ...]]:
    """The options chosen by the entry's `pipeline:` (with its training) or, for
    block="experiments", by its `experiments:` block, by qualified dimension."""
    out: dict[str, tuple[str, ...]] = {}
    for dim in taxonomy.written_dimensions():
        path = dim.entry_path
        if path[0] == "pipeline":
            path = (block, *path[1:])
        elif block != "pipeline":
            continue
        value = data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            continue
        out[dim.qualified] = tuple(value) if isinstance(value, list) else (value,)
    for dim in taxonomy.dimensions.values():
        if dim.derived_from:
            source = taxonomy.dimensions[f"{dim.group}.{dim.derived_from}"]
            derived = [source.option(o).structure for o in out.get(source.qualified, ())]
            values = tuple(dict.fromkeys(v for v in derived if v))
            if values:
                out[dim.qualified] = values
    return out
