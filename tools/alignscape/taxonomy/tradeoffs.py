"""Trade-off dimensions and the rules that derive an entry's profile from its design choices.

A rule names the taxonomy option it is about and may add conditions on the rest of the entry's
choices (`with`: all of these, `with_any`: at least one, `without`: none of these, `kinds`: the
entry kinds it speaks of). The conditions say which role a component plays: a reward model that
labels an offline dataset is not one optimised against online, an LLM judge that sees both
orders is not one that sees one. A rule either *sets* a level or *shifts* the level the setting
rules gave. Pseudo-options `<stage>.open` stand for a stage the method leaves to the data.

Precedence, per dimension, in this order:
1. an entry's own override (with its citation) wins;
2. among the setting rules whose conditions hold, only those of the highest `priority` apply
   (a more specific rule is given a higher priority than the general one it refines); the
   others are reported as superseded;
3. the applying levels combine by the dimension's rule (max for costs and risks: the weakest
   part dominates; min for qualities such as scalability);
4. the shifts whose conditions hold are added and the result is clamped to the scale;
5. with no setting rule, the level is *set by the data* when a stage that decides the dimension
   is open, and *unknown* otherwise, each with the reason; a recorded gap (a choice the
   literature gives no level for on this dimension, with why) words the reason of an unknown,
   and an unknown whose deciding stages the entry says do not apply (an SFT set with no judge)
   quotes the entry's note and has the status *not applicable*.
An aggregate dimension (evaluator bias) takes the worst of its component dimensions; while a
component is undetermined it is undetermined too, unless a known component already sits at the
worst end of the scale.
Every level can therefore be explained (`alignscape explain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = ("synthesis", "evaluation", "instantiation")
# How explanations and the CLI word each status of a pair that has no level.
STATUS_WORDS = {"set_by_data": "set by the data", "not_applicable": "not applicable",
                "unknown": "unknown"}


class _Conditioned:
    """The option and the conditions on the rest of the entry's choices, shared by rules and
    gaps."""
    option: str
    with_all: frozenset[str]
    with_any: frozenset[str]
    without: frozenset[str]
    kinds: frozenset[str]

    def holds(self, context: frozenset[str], kind: str | None) -> bool:
        return (self.option in context and self.with_all <= context
                and (not self.with_any or bool(self.with_any & context))
                and not (self.without & context)
                and (not self.kinds or kind in self.kinds))

    @property
    def conditions(self) -> str:
        """The rule's conditions beyond its option, as a reader would say them."""
        parts = [f"with {', '.join(sorted(self.with_all))}"] if self.with_all else []
        if self.with_any:
            parts.append(f"with any of {', '.join(sorted(self.with_any))}")
        if self.without:
            parts.append(f"without {', '.join(sorted(self.without))}")
        if self.kinds:
            parts.append(f"for {', '.join(sorted(self.kinds))} entries")
        return "; ".join(parts)


@dataclass(frozen=True)
class Effect(_Conditioned):
    option: str  # group.dimension.option, or <stage>.open
    dimension: str
    relative_to: str
    why: str
    cite: tuple[str, ...]
    level: str | None = None
    shift: int | None = None
    id: str = ""
    with_all: frozenset[str] = frozenset()
    with_any: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    priority: int = 0


@dataclass(frozen=True)
class Gap(_Conditioned):
    """A choice the literature gives no level for on a dimension, and why: it sets nothing, it
    only says why the level stays unknown where no rule applies."""
    id: str
    option: str
    dimension: str
    why: str
    cite: tuple[str, ...] = ()
    with_all: frozenset[str] = frozenset()
    with_any: frozenset[str] = frozenset()
    without: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TradeoffDimension:
    id: str
    label: str
    better: str  # lower | higher
    combine: str  # max | min
    definition: str
    stages: tuple[str, ...] = ()  # the stages whose choices decide it (for "set by the data")
    aggregate: tuple[str, ...] = ()  # component dimensions; the worst of them


@dataclass
class LevelExplanation:
    dimension: str
    level: str | None  # None: not determined (see source and reason)
    source: str  # derived | aggregate | override | set_by_data | unknown
    implied_by: list[Effect] = field(default_factory=list)
    shifted_by: list[Effect] = field(default_factory=list)
    # setting rules whose conditions held but that a higher-priority rule superseded
    superseded: list[tuple[Effect, str]] = field(default_factory=list)
    components: dict[str, str | None] = field(default_factory=dict)
    derived_level: str | None = None
    override_why: str | None = None
    override_cite: tuple[str, ...] = ()
    reason: str = ""  # why a level is set by the data or unknown
    gaps: list[Gap] = field(default_factory=list)  # the recorded gaps that word an unknown
    # every stage deciding the dimension is one the entry says does not apply to it
    not_applicable: bool = False

    @property
    def status(self) -> str:
        """determined | set_by_data | not_applicable | unknown: what coverage counts. An
        override or an aggregate with a level is as determined as a derived one; the sources
        differ in where a level comes from, not in whether a query can compare it."""
        if self.level is not None:
            return "determined"
        if self.source == "set_by_data":
            return "set_by_data"
        return "not_applicable" if self.not_applicable else "unknown"


def _set(values) -> frozenset[str]:
    if isinstance(values, str):
        return frozenset([values])
    return frozenset(values or ())


class Tradeoffs:
    def __init__(self, levels, dimensions, effects, gaps=()):
        self.levels: tuple[str, ...] = tuple(levels)
        self.dimensions: dict[str, TradeoffDimension] = {d.id: d for d in dimensions}
        self.effects: tuple[Effect, ...] = tuple(effects)
        self.gaps: tuple[Gap, ...] = tuple(gaps)
        self._by_option: dict[str, list[Effect]] = {}
        self._by_dimension: dict[str, list[Effect]] = {d: [] for d in self.dimensions}
        for effect in self.effects:
            self._by_option.setdefault(effect.option, []).append(effect)
            self._by_dimension.setdefault(effect.dimension, []).append(effect)
        self._gaps_on: dict[str, list[Gap]] = {}
        for gap in self.gaps:
            self._gaps_on.setdefault(gap.dimension, []).append(gap)
        # Components first, so an aggregate can read them.
        self._order = sorted(self.dimensions, key=lambda d: bool(self.dimensions[d].aggregate))

    @classmethod
    def from_data(cls, data: dict) -> Tradeoffs:
        dims = [TradeoffDimension(id=d["id"], label=d["label"], better=d["better"],
                                  combine=d["combine"],
                                  definition=" ".join(d["definition"].split()),
                                  stages=tuple(d.get("stages", ())),
                                  aggregate=tuple(d.get("aggregate", ())))
                for d in data["dimensions"]]
        effects = [Effect(option=e["option"], dimension=e["dimension"],
                          relative_to=e["relative_to"], why=" ".join(e["why"].split()),
                          cite=tuple(e["cite"]), level=e.get("level"), shift=e.get("shift"),
                          id=e.get("id") or f"{e['option']}->{e['dimension']}",
                          with_all=_set(e.get("with")), with_any=_set(e.get("with_any")),
                          without=_set(e.get("without")), kinds=_set(e.get("kinds")),
                          priority=int(e.get("priority", 0)))
                   for e in data["effects"]]
        gaps = [Gap(id=g["id"], option=g["option"], dimension=g["dimension"],
                    why=" ".join(g["why"].split()), cite=tuple(g.get("cite", ())),
                    with_all=_set(g.get("with")), with_any=_set(g.get("with_any")),
                    without=_set(g.get("without")), kinds=_set(g.get("kinds")))
                for g in data.get("gaps", ())]
        return cls(data["levels"], dims, effects, gaps)

    def rank(self, level: str) -> int:
        return self.levels.index(level)

    def effects_of(self, option: str) -> list[Effect]:
        return self._by_option.get(option, [])

    def effects_on(self, dimension: str) -> list[Effect]:
        return self._by_dimension.get(dimension, [])

    def profile(self, options: frozenset[str] | set[str], overrides: dict | None = None, *,
                kind: str | None = None, open_stages: dict[str, str] | None = None,
                not_applicable: dict[str, str] | None = None) -> dict[str, LevelExplanation]:
        """The level of every dimension for an entry with these choices, explained.

        open_stages maps a stage the method leaves to the data to the entry's note on it;
        not_applicable a stage the entry says does not apply to it to the entry's reason."""
        overrides = overrides or {}
        open_stages = open_stages or {}
        not_applicable = not_applicable or {}
        context = frozenset(options) | {f"{stage}.open" for stage in open_stages}
        out: dict[str, LevelExplanation] = {}
        for dim_id in self._order:
            explanation = self._derive(self.dimensions[dim_id], context, kind, open_stages,
                                       not_applicable, out)
            if dim_id in overrides:
                override = overrides[dim_id]
                explanation.level = override["level"]
                explanation.source = "override"
                explanation.override_why = override["why"]
                explanation.override_cite = tuple(override["cite"])
            out[dim_id] = explanation
        return {d: out[d] for d in self.dimensions}

    def _derive(self, dim: TradeoffDimension, context, kind, open_stages, not_applicable,
                done):
        if dim.aggregate:
            return self._aggregate(dim, done)
        # The option test first, inline: most rules name an option the entry does not choose.
        holding = [e for e in self.effects_on(dim.id)
                   if e.option in context and e.holds(context, kind)]
        setters = [e for e in holding if e.level]
        if not setters:
            return self._undetermined(dim, context, kind, open_stages, not_applicable)
        top = max(e.priority for e in setters)
        applied = [e for e in setters if e.priority == top]
        winner = applied[0].id
        superseded = [(e, f"superseded by {winner} (priority {top} over {e.priority})")
                      for e in setters if e.priority < top]
        ranks = [self.rank(e.level) for e in applied]
        rank = max(ranks) if dim.combine == "max" else min(ranks)
        shifts = [e for e in holding if e.shift]
        rank += sum(e.shift for e in shifts)
        level = self.levels[min(max(rank, 0), len(self.levels) - 1)]
        return LevelExplanation(dim.id, level, "derived", implied_by=applied, shifted_by=shifts,
                                superseded=superseded, derived_level=level)

    def _aggregate(self, dim: TradeoffDimension, done) -> LevelExplanation:
        components = {c: done[c].level for c in dim.aggregate if c in done}
        known = [self.rank(level) for level in components.values() if level]
        missing = [c for c in dim.aggregate if c in done and done[c].level is None]
        worst = (max(known) if dim.combine == "max" else min(known)) if known else None
        extreme = len(self.levels) - 1 if dim.combine == "max" else 0
        # The worst of the components is only known when every component is, or when a known
        # one is already at the end of the scale: nothing a missing one says could pass it.
        if known and (not missing or worst == extreme):
            level = self.levels[worst]
            return LevelExplanation(dim.id, level, "aggregate", components=components,
                                    derived_level=level)
        unknown = [c for c in missing if done[c].source == "unknown"]
        source = "unknown" if unknown else "set_by_data"
        first = unknown[0] if unknown else missing[0]
        best = 0 if dim.combine == "max" else len(self.levels) - 1
        bound = (f"; the known components give at least {self.levels[worst]}"
                 if known and worst != best else "")
        return LevelExplanation(
            dim.id, None, source, components=components,
            not_applicable=bool(unknown) and all(done[c].not_applicable for c in unknown),
            reason=f"it is the worst of {', '.join(dim.aggregate)}, and {first} is "
            f"{STATUS_WORDS[done[first].status]} "
            f"({done[first].reason}){bound}")

    def _undetermined(self, dim: TradeoffDimension, context, kind, open_stages,
                      not_applicable) -> LevelExplanation:
        open_here = [s for s in dim.stages if s in open_stages]
        if open_here:
            stage = open_here[0]
            return LevelExplanation(
                dim.id, None, "set_by_data",
                reason=f"the method leaves its {stage} to the data")
        gaps = [g for g in self._gaps_on.get(dim.id, ()) if g.option in context
                and g.holds(context, kind)]
        if gaps:
            # What the literature says about the entry's own choice beats a list of choices.
            return LevelExplanation(
                dim.id, None, "unknown", gaps=gaps,
                reason="no rule sets it: " + "; ".join(
                    g.why + (f" [{', '.join(g.cite)}]" if g.cite else "") for g in gaps))
        if dim.stages and all(s in not_applicable for s in dim.stages):
            # The entry says so with its own reason, which is the reason no rule on a judge's
            # cost, noise or bias can apply.
            return LevelExplanation(
                dim.id, None, "unknown", not_applicable=True,
                reason=f"the entry says its {' and '.join(dim.stages)} does not apply: "
                + "; ".join(not_applicable[s].rstrip(". ") for s in dim.stages)
                + "; no rule on its other choices sets this dimension")
        looked_at = sorted(o for o in context if o.split(".")[0] in (dim.stages or STAGES))
        if dim.stages == ("evaluation",) and not any(
                o.startswith("evaluation.evaluators.") for o in context):
            # Nearly every rule on a judge's cost, noise or bias is keyed on who judges; an entry
            # that names no one (instruction data used as written, an unstated labeller) is
            # unknown for that reason, which says more than the list of its other choices.
            return LevelExplanation(
                dim.id, None, "unknown",
                reason="the entry records no evaluator (who or what judges the responses), and "
                "no rule on its other choices sets this dimension"
                + (f" (its evaluation choices: {', '.join(looked_at)})" if looked_at else ""))
        return LevelExplanation(
            dim.id, None, "unknown",
            reason="no rule applies: no rule for this dimension matches the entry's "
            + (f"{'/'.join(dim.stages) or 'stage'} choices ({', '.join(looked_at)})"
               if looked_at else f"choices (it records no {'/'.join(dim.stages) or 'stage'} "
               "option)"))
