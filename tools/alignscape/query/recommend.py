"""Recommendations for a deployment scenario (catalog/scenarios.yaml).

`recommend` never picks by hand: the entries are those the scenario's expressions select,
ranked by the preferred dimensions; the stage options are those whose trade-off rules
(tradeoffs.yaml) move a required or preferred dimension the right way, and those to avoid are
those whose rules break a requirement. Each comes with the rules and citations behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alignscape.model.scenario import Scenario
from alignscape.query.analysis import AnalysisError
from alignscape.query.engine import select
from alignscape.querylang import evaluate, parse
from alignscape.suggest import suggest


@dataclass
class Basis:
    """Why an entry has a level: the rules that set it (or the override) with citations."""
    dimension: str
    level: str | None
    source: str
    rules: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # (option, "-> high" or "shifts -1", cite keys)
    override_why: str | None = None
    override_cite: tuple[str, ...] = ()

    def text(self) -> str:
        if self.level is None:
            return f"{self.dimension} unknown"
        if self.source == "override":
            return (f"{self.dimension} {self.level} (entry override: {self.override_why} "
                    f"[{', '.join(self.override_cite)}])")
        rules = "; ".join(f"{o} {effect} [{', '.join(c)}]" for o, effect, c in self.rules)
        return f"{self.dimension} {self.level} ({rules})"


@dataclass
class Recommended:
    entry: object
    score: int
    best: int
    unknown: list[str]
    basis: list[Basis]


@dataclass
class OptionAdvice:
    option: str  # group.dimension.option
    label: str
    reasons: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    # (the requirement or preference it speaks to, the rule, cite keys)
    conflicts: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    named: bool = False  # the scenario's expressions name this option as acceptable
    used_by: int = 0  # recommended entries that choose it


@dataclass
class Recommendation:
    scenario: Scenario
    total: int  # entries in the catalog
    candidates: int  # entries in the scenario's scope (`where`)
    matched: int  # entries that satisfy every requirement (before any limit)
    entries: list[Recommended]
    options: list[OptionAdvice]
    avoid: list[OptionAdvice]


def scenario_or_error(catalog, scenario_id: str) -> Scenario:
    scenarios = {s.id: s for s in getattr(catalog, "scenarios", ()) or ()}
    wanted = scenario_id.replace("-", "_")
    if wanted in scenarios:
        return scenarios[wanted]

    if not scenarios:
        raise AnalysisError("the catalog defines no scenarios (catalog/scenarios.yaml)")
    close = suggest(wanted, list(scenarios))
    raise AnalysisError(f"unknown scenario {scenario_id!r}; "
                        + (f"did you mean {close!r}? " if close else "")
                        + f"expected one of {', '.join(scenarios)}")


def _goodness(level: str | None, better: str, levels) -> int | None:
    if level is None:
        return None
    rank = list(levels).index(level)
    return rank if better == "higher" else len(levels) - 1 - rank


def basis_of(catalog, entry, dimension: str) -> Basis:
    explanation = catalog.profile(entry)[dimension]
    basis = Basis(dimension, explanation.level, explanation.source)
    if explanation.source == "aggregate":  # the rules of the components that set its level
        for part, level in explanation.components.items():
            if level == explanation.level:
                part_basis = basis_of(catalog, entry, part)
                basis.rules += part_basis.rules
                if part_basis.source == "override":  # an entry's own cited level decides
                    basis.rules.append((part, f"override -> {level}", part_basis.override_cite))
        return basis
    if explanation.source == "override":
        basis.override_why = explanation.override_why
        basis.override_cite = tuple(explanation.override_cite)
        return basis
    implied = explanation.implied_by
    if implied:
        levels = catalog.tradeoffs.levels
        combine = catalog.tradeoffs.dimensions[dimension].combine
        ranks = [levels.index(e.level) for e in implied]
        decisive = max(ranks) if combine == "max" else min(ranks)
        for effect in implied:
            if levels.index(effect.level) == decisive:
                basis.rules.append((effect.option, f"-> {effect.level}", effect.cite))
    for effect in explanation.shifted_by:
        basis.rules.append((effect.option, f"shifts {effect.shift:+d}", effect.cite))
    return basis


def _positive_conditions(node: dict) -> list[dict]:
    """Conditions that must hold for the tree to hold: the conjuncts not under `not` or `or`."""
    if node["op"] == "and":
        return [c for arg in node["args"] for c in _positive_conditions(arg)]
    if node["op"] in ("tradeoff", "facet"):
        return [node]
    return []


def _alternative_conditions(node: dict) -> list[dict]:
    """Trade-off conditions inside an `or` (not under `not`): satisfying one can satisfy the
    requirement, failing one does not break it."""
    if node["op"] == "and":
        return [c for arg in node["args"] for c in _alternative_conditions(arg)]
    if node["op"] == "or":
        out = []
        for arg in node["args"]:
            out += _positive_conditions(arg) + _alternative_conditions(arg)
        return [c for c in out if c["op"] == "tradeoff"]
    return []


def _excluded_options(node: dict) -> list[str]:
    """Options a conjunct rules out: `not (dim in (...))`, `not (dim has x)` or `dim != x`."""
    if node["op"] == "and":
        return [o for arg in node["args"] for o in _excluded_options(arg)]
    if node["op"] == "facet" and node["cmp"] == "!=":
        return [f"{node['field']}.{node['values'][0]}"]
    if node["op"] == "not" and node["arg"]["op"] == "facet" and node["arg"]["cmp"] != "!=":
        return [f"{node['arg']['field']}.{v}" for v in node["arg"]["values"]]
    return []


def _named_options(node: dict, negated: bool = False) -> list[str]:
    """Options a facet condition accepts, anywhere outside a `not`."""
    if node["op"] in ("and", "or"):
        return [o for arg in node["args"] for o in _named_options(arg, negated)]
    if node["op"] == "not":
        return _named_options(node["arg"], not negated)
    if node["op"] == "facet" and not negated and node["cmp"] != "!=":
        return [f"{node['field']}.{v}" for v in node["values"]]
    return []


def recommend(catalog, scenario: Scenario, limit: int | None = None) -> Recommendation:
    index = catalog.index
    levels = list(catalog.tradeoffs.levels)
    in_scope = select(index, scenario.where)
    rows = select(index, scenario.expression)
    tradeoffs = catalog.tradeoffs.dimensions
    shown_dims = list(dict.fromkeys(
        [n["field"] for r in scenario.requires
         for n in _positive_conditions(parse(r.expression, index)) if n["op"] == "tradeoff"]
        + [p.dimension for p in scenario.prefers]))
    ranked = []
    for row in rows:
        entry = catalog.entries[row["id"]]
        score, unknown = 0, []
        for preference in scenario.prefers:
            good = _goodness(row["tradeoffs"].get(preference.dimension),
                             tradeoffs[preference.dimension].better, levels)
            if good is None:
                unknown.append(preference.dimension)
            else:
                score += good
        ranked.append(Recommended(entry, score, (len(levels) - 1) * len(scenario.prefers),
                                  unknown, [basis_of(catalog, entry, d) for d in shown_dims]))
    ranked.sort(key=lambda r: (-r.score, len(r.unknown), r.entry.id))
    options, avoid = _option_advice(catalog, scenario, index, [r.entry for r in ranked])
    return Recommendation(scenario, len(index["entries"]), len(in_scope), len(ranked),
                          ranked[:limit] if limit else ranked, options, avoid)


def _effects_on(catalog, dimension: str):
    """The rules that move a dimension; for an aggregate (evaluator bias), its components'."""
    dim = catalog.tradeoffs.dimensions[dimension]
    for part in (dim.aggregate or (dimension,)):
        yield from catalog.tradeoffs.effects_on(part)


def _rule_text(effect) -> str:
    move = f"-> {effect.level}" if effect.level else f"shifts {effect.shift:+d}"
    conditions = f" ({effect.conditions})" if effect.conditions else ""
    return f"{effect.dimension} {move}{conditions}"


def _option_advice(catalog, scenario, index, entries):
    levels = list(catalog.tradeoffs.levels)
    advice: dict[str, OptionAdvice] = {}

    def item(option: str) -> OptionAdvice:
        if option not in advice:
            found = catalog.taxonomy.options.get(option)
            label = found.label if found else f"{option.split('.')[0]} left to the data"
            advice[option] = OptionAdvice(option, label)
        return advice[option]

    for requirement in scenario.requires:
        tree = parse(requirement.expression, index)
        for option in _named_options(tree):
            item(option).named = True
        for option in _excluded_options(tree):
            item(option).conflicts.append(
                (requirement.expression, "excluded by", ()))
        strict = [n for n in _positive_conditions(tree) if n["op"] == "tradeoff"]
        for node in strict + _alternative_conditions(tree):
            label = _condition_text(node)
            for effect in _effects_on(catalog, node["field"]):
                if effect.level is not None:
                    ok = evaluate(node, {"tradeoffs": {node["field"]: effect.level}})
                    if ok:
                        item(effect.option).reasons.append(
                            (label, _rule_text(effect), effect.cite))
                    elif node in strict:
                        item(effect.option).conflicts.append(
                            (label, _rule_text(effect), effect.cite))
                elif (effect.shift < 0 and node["cmp"] in ("<", "<=")) or (
                        effect.shift > 0 and node["cmp"] in (">", ">=")):
                    item(effect.option).reasons.append(
                        (label, _rule_text(effect), effect.cite))
    for preference in scenario.prefers:
        better = catalog.tradeoffs.dimensions[preference.dimension].better
        best = levels[-1] if better == "higher" else levels[0]
        towards = 1 if better == "higher" else -1
        for effect in _effects_on(catalog, preference.dimension):
            if effect.level == best or (effect.shift and effect.shift * towards > 0):
                item(effect.option).reasons.append(
                    (f"prefer {better} {preference.dimension}", _rule_text(effect), effect.cite))
    for entry in entries:
        for option in entry.options:
            if option in advice:
                advice[option].used_by += 1
    good = [a for a in advice.values() if not a.conflicts and (a.reasons or a.named)]
    bad = [a for a in advice.values() if a.conflicts]
    good.sort(key=lambda a: (-a.used_by, -len(a.reasons), a.option))
    bad.sort(key=lambda a: a.option)
    return good, bad


def _condition_text(node: dict) -> str:
    values = node["values"]
    shown = values[0] if len(values) == 1 and node["cmp"] != "in" else f"({', '.join(values)})"
    cmp = "=" if node["cmp"] == "has" else node["cmp"]
    return f"{node['field']} {cmp} {shown}"


def conflict_text(what: str, rule: str, cite: tuple[str, ...]) -> str:
    """How an option breaks a requirement, as the CLI and the scenario pages say it."""
    if not cite:  # excluded by a facet condition of the requirement itself
        return f"{rule} {what}"
    return f"{rule} breaks {what} [{', '.join(cite)}]"
