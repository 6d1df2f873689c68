"""One catalog entry as every downstream layer reads it: typed, validated, with its choices
resolved against the taxonomy (derived dimensions included)."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignscape.taxonomy import Taxonomy

STAGES = ("synthesis", "evaluation", "instantiation")


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    name: str
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
    # group.dimension -> chosen option ids, derived dimensions included
    choices: dict = field(default_factory=dict)

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
            notes=data.get("notes"), choices=_choices(data, taxonomy))

    def stage(self, name: str) -> dict:
        return self.pipeline.get(name) or {}

    def not_applicable(self, stage: str) -> str | None:
        return self.stage(stage).get("not_applicable")

    @property
    def options(self) -> frozenset[str]:
        """Every chosen option as group.dimension.option."""
        return frozenset(f"{dim}.{opt}" for dim, opts in self.choices.items() for opt in opts)

    @property
    def citations(self) -> tuple[str, ...]:
        keys = [self.cite, *self.references]
        for override in self.tradeoff_overrides.values():
            keys += override["cite"]
        return tuple(dict.fromkeys(keys))


def _choices(data: dict, taxonomy: Taxonomy) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for dim in taxonomy.written_dimensions():
        value = data
        for part in dim.entry_path:
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
