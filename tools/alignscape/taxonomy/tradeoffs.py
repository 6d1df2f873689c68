"""Trade-off dimensions and the rules that derive an entry's profile from its design choices.

An effect either implies a level ("an LLM judge implies high evaluator-bias risk") or shifts the
level implied by other choices ("position swapping lowers it by one"). Per dimension the implied
levels combine by the dimension's rule (max for costs and risks: the weakest part dominates; min
for qualities such as scalability), shifts are then applied and the result is clamped. An entry's
explicit override, with its own citation, wins. Every level can therefore be explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Effect:
    option: str  # group.dimension.option
    dimension: str
    relative_to: str
    why: str
    cite: tuple[str, ...]
    level: str | None = None
    shift: int | None = None


@dataclass(frozen=True)
class TradeoffDimension:
    id: str
    label: str
    better: str  # lower | higher
    combine: str  # max | min
    definition: str


@dataclass
class LevelExplanation:
    dimension: str
    level: str | None  # None: nothing in the entry's choices speaks to this dimension
    source: str  # derived | override | unknown
    implied_by: list[Effect] = field(default_factory=list)
    shifted_by: list[Effect] = field(default_factory=list)
    derived_level: str | None = None
    override_why: str | None = None
    override_cite: tuple[str, ...] = ()


class Tradeoffs:
    def __init__(self, levels, dimensions, effects):
        self.levels: tuple[str, ...] = tuple(levels)
        self.dimensions: dict[str, TradeoffDimension] = {d.id: d for d in dimensions}
        self.effects: tuple[Effect, ...] = tuple(effects)
        self._by_option: dict[str, list[Effect]] = {}
        for effect in self.effects:
            self._by_option.setdefault(effect.option, []).append(effect)

    @classmethod
    def from_data(cls, data: dict) -> Tradeoffs:
        dims = [TradeoffDimension(id=d["id"], label=d["label"], better=d["better"],
                                  combine=d["combine"], definition=d["definition"].strip())
                for d in data["dimensions"]]
        effects = [Effect(option=e["option"], dimension=e["dimension"],
                          relative_to=e["relative_to"], why=e["why"].strip(),
                          cite=tuple(e["cite"]), level=e.get("level"), shift=e.get("shift"))
                   for e in data["effects"]]
        return cls(data["levels"], dims, effects)

    def rank(self, level: str) -> int:
        return self.levels.index(level)

    def effects_of(self, option: str) -> list[Effect]:
        return self._by_option.get(option, [])

    def profile(self, options: frozenset[str] | set[str],
                overrides: dict | None = None) -> dict[str, LevelExplanation]:
        overrides = overrides or {}
        implied: dict[str, list[Effect]] = {d: [] for d in self.dimensions}
        shifts: dict[str, list[Effect]] = {d: [] for d in self.dimensions}
        for option in sorted(options):
            for effect in self._by_option.get(option, ()):
                (implied if effect.level else shifts)[effect.dimension].append(effect)
        out = {}
        for dim_id, dim in self.dimensions.items():
            derived = None
            if implied[dim_id]:
                ranks = [self.rank(e.level) for e in implied[dim_id]]
                rank = max(ranks) if dim.combine == "max" else min(ranks)
                rank += sum(e.shift for e in shifts[dim_id])
                derived = self.levels[min(max(rank, 0), len(self.levels) - 1)]
            explanation = LevelExplanation(
                dimension=dim_id, level=derived, source="derived" if derived else "unknown",
                implied_by=implied[dim_id], shifted_by=shifts[dim_id] if derived else [],
                derived_level=derived)
            if dim_id in overrides:
                override = overrides[dim_id]
                explanation.level = override["level"]
                explanation.source = "override"
                explanation.override_why = override["why"]
                explanation.override_cite = tuple(override["cite"])
            out[dim_id] = explanation
        return out
