"""Typed view of catalog/taxonomy.yaml and the JSON Schema fragments generated from it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    definition: str
    dimension: str  # qualified: "synthesis.sources"
    examples: tuple[str, ...] = ()
    structure: str | None = None
    # Facts the pipeline builds recipes from (see schema/taxonomy.schema.json).
    model_judge: bool = False
    acts_on: str | None = None
    plan_priority: int | None = None

    @property
    def qualified(self) -> str:
        return f"{self.dimension}.{self.id}"


@dataclass(frozen=True)
class Dimension:
    group: str
    group_kind: str  # stage | pipeline | training
    id: str
    label: str
    definition: str
    cardinality: str  # one | many
    options: tuple[Option, ...]
    survey: str | None = None
    derived_from: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.group}.{self.id}"

    @property
    def entry_path(self) -> tuple[str, ...]:
        """Where an entry writes this dimension's value."""
        if self.group_kind == "stage":
            return ("pipeline", self.group, self.id)
        if self.group_kind == "pipeline":
            return ("pipeline", self.id)
        return (self.group, self.id)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


@dataclass(frozen=True)
class Group:
    id: str
    kind: str
    label: str
    definition: str
    dimensions: tuple[Dimension, ...]


class Taxonomy:
    def __init__(self, groups: tuple[Group, ...]):
        self.groups = groups
        self.dimensions: dict[str, Dimension] = {
            d.qualified: d for g in groups for d in g.dimensions}
        self.options: dict[str, Option] = {
            o.qualified: o for d in self.dimensions.values() for o in d.options}

    @classmethod
    def from_data(cls, data: dict) -> Taxonomy:
        groups = []
        for g in data["groups"]:
            dims = []
            for d in g["dimensions"]:
                qualified = f"{g['id']}.{d['id']}"
                options = tuple(
                    Option(id=o["id"], label=o["label"], definition=o["definition"].strip(),
                           dimension=qualified, examples=tuple(o.get("examples", ())),
                           structure=o.get("structure"),
                           model_judge=bool(o.get("model_judge", False)),
                           acts_on=o.get("acts_on"), plan_priority=o.get("plan_priority"))
                    for o in d["options"])
                dims.append(Dimension(
                    group=g["id"], group_kind=g["kind"], id=d["id"], label=d["label"],
                    definition=d["definition"].strip(), cardinality=d["cardinality"],
                    options=options, survey=d.get("survey"), derived_from=d.get("derived_from")))
            groups.append(Group(id=g["id"], kind=g["kind"], label=g["label"],
                                definition=g["definition"].strip(), dimensions=tuple(dims)))
        return cls(tuple(groups))

    @property
    def stages(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.kind == "stage")

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def written_dimensions(self) -> list[Dimension]:
        """Dimensions an entry writes (derived ones are computed, never written)."""
        return [d for d in self.dimensions.values() if not d.derived_from]

    def options_schema(self, tradeoff_dimensions: list[str], levels: list[str]) -> dict:
        """The schema `urn:alignscape:options` that entry.schema.json refers to.

        Each `enum` carries `x-option-of` so that a failed enum can be reported as an unknown
        taxonomy option (T001) with the right dimension and a close-match suggestion.
        """
        defs: dict[str, dict] = {}
        for dim in self.written_dimensions():
            enum = {"enum": list(dim.option_ids), "x-option-of": dim.qualified}
            defs[dim.qualified] = enum if dim.cardinality == "one" else {
                "type": "array", "minItems": 1, "uniqueItems": True, "items": enum}
        for group in self.stages:
            defs[group.id] = {
                "type": "object",
                "properties": {d.id: {"$ref": f"#/$defs/{d.qualified}"}
                               for d in group.dimensions if not d.derived_from}}
        defs["tradeoff.dimension"] = {"enum": tradeoff_dimensions, "x-tradeoff": "dimension"}
        defs["tradeoff.level"] = {"enum": levels, "x-tradeoff": "level"}
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "urn:alignscape:options", "$defs": defs}
