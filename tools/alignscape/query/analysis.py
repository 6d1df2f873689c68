"""Trade-off analyses over the catalog: Pareto fronts, similarity, and explanations."""

from __future__ import annotations

from dataclasses import dataclass, field

from alignscape.querylang import suggest
from alignscape.taxonomy.tradeoffs import STATUS_WORDS


class AnalysisError(ValueError):
    """A user-facing problem with an analysis request (unknown dimension, unknown entry)."""


# --- Pareto front --------------------------------------------------------------------------------

@dataclass
class Front:
    dimensions: list[str]
    rows: list[dict]            # index rows on the front, catalog order
    excluded: list[str]         # ids left out for an unknown level on a named dimension
    considered: int             # rows with every named level known


def check_tradeoffs(index: dict, dimensions: list[str]) -> None:
    known = [d["id"] for d in index["tradeoffs"]["dimensions"]]
    for name in dimensions:
        if name not in known:
            close = suggest(name, known)
            hint = f"did you mean {close!r}? " if close else ""
            raise AnalysisError(f"unknown trade-off dimension {name!r}: {hint}"
                                f"expected one of {', '.join(known)}")
    if len(set(dimensions)) != len(dimensions):
        raise AnalysisError("a dimension is named twice")


def pareto(index: dict, rows: list[dict], dimensions: list[str]) -> Front:
    """Rows that no other row beats: at least as good on every named dimension and better on
    one, "good" following each dimension's `better` direction."""
    check_tradeoffs(index, dimensions)
    levels = index["tradeoffs"]["levels"]
    better = {d["id"]: d["better"] for d in index["tradeoffs"]["dimensions"]}
    goodness = {}
    excluded = []
    for row in rows:
        values = [row["tradeoffs"].get(d) for d in dimensions]
        if any(v is None for v in values):
            excluded.append(row["id"])
            continue
        goodness[row["id"]] = tuple(
            levels.index(v) if better[d] == "higher" else -levels.index(v)
            for d, v in zip(dimensions, values, strict=True))
    # At most len(levels) ** k distinct vectors: compare those, not every pair of rows.
    vectors = set(goodness.values())
    front = {v for v in vectors
             if not any(w != v and all(a >= b for a, b in zip(w, v, strict=True))
                        for w in vectors)}
    kept = [row for row in rows if goodness.get(row["id"]) in front]
    return Front(dimensions, kept, excluded, len(goodness))


# --- similarity ----------------------------------------------------------------------------------

@dataclass
class Similarity:
    entry: object
    score: float
    shared: dict[str, list[str]] = field(default_factory=dict)
    differs: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


def compared_dimensions(catalog) -> list[str]:
    # Derived dimensions (instantiation.structure) restate the formats; counting them would
    # weigh the signal format twice.
    return [q for q, d in catalog.taxonomy.dimensions.items() if not d.derived_from]


def compare(catalog, a, b) -> Similarity:
    """Mean over the dimensions either entry records of the share of options they have in
    common (Jaccard), so each dimension counts once however many options it lists."""
    scores = []
    result = Similarity(b, 0.0)
    for dim in compared_dimensions(catalog):
        mine, theirs = set(a.choices.get(dim, ())), set(b.choices.get(dim, ()))
        if not mine and not theirs:
            continue
        common = mine & theirs
        scores.append(len(common) / len(mine | theirs))
        if common:
            result.shared[dim] = sorted(common)
        if mine != theirs:
            result.differs[dim] = (sorted(mine - theirs), sorted(theirs - mine))
    result.score = sum(scores) / len(scores) if scores else 0.0
    return result


def similar(catalog, entry_id: str, limit: int = 10, within=None) -> list[Similarity]:
    """Entries ranked by design-choice similarity to `entry_id` (best first, ties by id);
    `within` restricts the candidates (e.g. to the results of a query)."""
    if entry_id not in catalog.entries:
        close = suggest(entry_id, list(catalog.entries))
        raise AnalysisError(f"no entry has id {entry_id!r}"
                            + (f"; did you mean {close!r}?" if close else ""))
    target = catalog.entries[entry_id]
    pool = within if within is not None else list(catalog)
    ranked = [compare(catalog, target, other) for other in pool if other.id != entry_id]
    ranked.sort(key=lambda s: (-s.score, s.entry.id))
    return ranked[:limit] if limit else ranked


# --- explanation ---------------------------------------------------------------------------------

def explain(catalog, entry) -> list[dict]:
    """Every trade-off level of an entry with the rules behind it, as data: the rules that set
    it, those a higher-priority rule superseded, the shifts, an override, or why it is set by
    the data, not applicable or unknown. `status` is what coverage counts: determined,
    set_by_data, not_applicable (every stage deciding the dimension is one the entry says does
    not apply to it) or unknown."""
    out = []
    dims = catalog.tradeoffs.dimensions
    for dim_id, explanation in catalog.profile(entry).items():
        dim = dims[dim_id]
        out.append({
            "dimension": dim_id, "label": dim.label, "better": dim.better,
            "combine": dim.combine, "level": explanation.level,
            "status": explanation.status, "source": explanation.source,
            "derived_level": explanation.derived_level,
            "implied_by": [_effect(e) for e in explanation.implied_by],
            "shifted_by": [_effect(e) for e in explanation.shifted_by],
            "superseded": [dict(_effect(e), because=why) for e, why in explanation.superseded],
            "components": dict(explanation.components),
            "reason": explanation.reason or None,
            "override": ({"why": explanation.override_why,
                          "cite": list(explanation.override_cite)}
                         if explanation.source == "override" else None),
        })
    return out


def _effect(effect) -> dict:
    return {"rule": effect.id, "option": effect.option, "conditions": effect.conditions or None,
            "priority": effect.priority, "level": effect.level, "shift": effect.shift,
            "relative_to": effect.relative_to, "why": effect.why, "cite": list(effect.cite)}


def _rule_line(effect: dict, what: str) -> str:
    conditions = f" {effect['conditions']};" if effect["conditions"] else ""
    return (f"    {effect['rule']}: {effect['option']}{conditions} {what} (relative to "
            f"{effect['relative_to']}) [{', '.join(effect['cite'])}]")


def explain_text(catalog, entry) -> str:
    lines = [f"{entry.label} ({entry.id}): {entry.kind}, {entry.year}", ""]
    if entry.open_stages:
        for stage, why in entry.open_stages.items():
            lines.append(f"The method leaves its {stage} to the data: {why}")
        lines.append("")
    cited: list[str] = []
    items = explain(catalog, entry)
    missing = {i["dimension"]: STATUS_WORDS[i["status"]] for i in items if i["level"] is None}
    for item in items:
        head = f"{item['dimension']}: "
        better = f"{item['better']} is better"
        if item["level"] is None:
            lines.append(head + f"{STATUS_WORDS[item['status']]} ({item['reason']}; a "
                         "comparison on it never matches)")
            continue
        if item["source"] == "override":
            derived = item["derived_level"] or (
                f"no level: {item['reason']}" if item.get("reason") else "no level")
            lines.append(head + f"{item['level']} (overridden by the entry; the rules give "
                         f"{derived}; {better})")
            lines.append(f"    why: {item['override']['why']}")
            lines.append(f"    cite: {', '.join(item['override']['cite'])}")
            cited += item["override"]["cite"]
        elif item["source"] == "aggregate":
            parts = ", ".join(f"{d} {lv or missing.get(d, 'unknown')}"
                              for d, lv in item["components"].items())
            worst = "the worst" if item["better"] == "lower" else "the best"
            lines.append(head + f"{item['level']} ({worst} of its components: {parts}; "
                         f"{better})")
        else:
            rule = "the highest" if item["combine"] == "max" else "the lowest"
            lines.append(head + f"{item['level']} (derived: {rule} level the applying rules "
                         "set" + (", then shifted" if item["shifted_by"] else "") + f"; {better})")
        for effect in item["implied_by"]:
            lines.append(_rule_line(effect, f"-> {effect['level']}"))
            lines.append(f"        {effect['why']}")
            cited += effect["cite"]
        for effect in item["shifted_by"]:
            lines.append(_rule_line(effect, f"shifts by {effect['shift']:+d}"))
            lines.append(f"        {effect['why']}")
            cited += effect["cite"]
        for effect in item["superseded"]:
            lines.append(_rule_line(effect, f"-> {effect['level']}, not applied: "
                                    f"{effect['because']}"))
    if cited:
        lines += ["", "References:"]
        for key in dict.fromkeys(cited):
            reference = catalog.reference(key)
            lines.append(f"  [{key}] {reference.formatted() if reference else '(not found)'}")
    return "\n".join(lines)
