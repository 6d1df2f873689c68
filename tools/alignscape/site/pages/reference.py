"""The entry reference: a page per top-level field of an entry (reference/<field>.md, its
sub-fields as sections) and an index of every field, generated from the entry schema with the
vocabulary the catalog was loaded with, so the documentation cannot drift from the validator.

For every field: its type, whether it is required, its constraints, its allowed values with
their definitions (taxonomy options for classification fields, trade-off dimensions and levels,
the schema's own enums), an example taken from a real catalog entry, and the rule codes of the
validator's table (catalog/findings.py) that guard it. The codes come from two places: the
schema's own keywords (required -> S001, a closed mapping -> S002, type -> S003, constraints ->
S004, uniqueItems -> S005, taxonomy options -> T001, trade-off names -> T002, derived
dimensions -> T003), and, for the rules that the validator applies in code, CROSS_RULES below;
tests/site/test_site_reference.py plants each of those faults in a real entry and checks that
the validator reports that code at that field, and that every rule fixture's finding is listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from alignscape.catalog.findings import RULES
from alignscape.catalog.schemas import bundled_entry_schema, read_schema
from alignscape.site.context import PageContext

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({
    "aliases", "arxiv", "builds_on", "cite", "experiments", "kind", "links", "name",
    "notes", "pipeline", "references", "run", "short_name", "summary", "tradeoff_overrides",
    "training", "uses_data", "venue", "year"})


# Rules the validator applies in code, by the field it reports them at. `*` stands for any
# sub-field, `<dimension>` for any trade-off dimension.
CROSS_RULES: dict[str, tuple[str, ...]] = {
    "id": ("X001", "X002"),
    "year": ("X012",),
    "cite": ("X003",),
    "references": ("X003",),
    "arxiv": ("X008", "X009"),
    "links.*": ("X007",),
    "links.paper": ("X009",),
    "builds_on": ("X005", "X006"),
    "uses_data": ("X005",),
    "training.objectives": ("X005",),
    "tradeoffs.<dimension>.cite": ("X003",),
}

# A name for the reusable definitions of entry.schema.json, where "text" says too little.
DEF_TYPES = {
    "bibKey": "citation key (a key of catalog/references.bib)",
    "entryIds": "list of entry ids",
    "evidence": "text: where in the paper the classification comes from",
    "openNote": "text: why the method leaves this stage to the data",
}
# Definitions of the values of the schema's own enums (the taxonomy's options carry theirs).
ENUM_DEFINITIONS = {
    "kind": {
        "method": "a way of building alignment data or of training on it, from a paper",
        "dataset": "a released collection of prompts, responses and preference signals",
        "system": "a trained model or product whose alignment data pipeline is documented",
        "objective": "a training loss or algorithm that consumes preference data (DPO, PPO…)",
        "benchmark": "an evaluation suite for aligned models, reward models or judges",
    },
    "confidence": {
        "high": "the paper states the classification outright",
        "medium": "inferred from the paper's text, not stated in so many words",
        "low": "a reading of an ambiguous or incomplete description",
    },
}
STAGE_DEFS = ("synthesisStage", "evaluationStage", "instantiationStage")
EXAMPLE_LINES = 14


@dataclass
class Value:
    id: str
    label: str = ""
    definition: str = ""
    target: str = ""  # a qualified taxonomy option, or tradeoffs/<dimension>


@dataclass
class Field:
    path: str  # dotted; `<dimension>` for any trade-off dimension
    required: str
    type: str
    description: str = ""
    constraints: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    values_title: str = ""
    values_at: str = ""  # the path whose section lists these values already
    derived: bool = False
    example: str = ""
    example_entry: object = None
    children: list[Field] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def top(self) -> str:
        return self.path.split(".", 1)[0]

    @property
    def depth(self) -> int:
        return self.path.count(".")

    @property
    def anchor(self) -> str:
        return field_anchor(self.path)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def field_anchor(path: str) -> str:
    return "field-" + path.replace(".", "-").replace("<", "").replace(">", "")


def field_tree(catalog) -> tuple[list[Field], dict]:
    """The entry's top-level fields (sub-fields as children) and facts about the entry itself
    (required fields, closed mapping)."""
    schema = bundled_entry_schema(catalog.taxonomy, list(catalog.tradeoffs.dimensions),
                                  list(catalog.tradeoffs.levels))
    walker = _Walker(schema["$defs"], catalog)
    root = walker.resolve(schema)[0]
    fields = walker.children(root, "")
    _add_examples(fields, catalog)
    return fields, {"required": list(root.get("required", ())),
                    "closed": root.get("additionalProperties") is False}


def top_level_fields() -> list[str]:
    return list(read_schema("entry")["properties"])


class _Walker:
    def __init__(self, defs: dict, catalog):
        self.defs = defs
        self.taxonomy = catalog.taxonomy
        self.tradeoffs = catalog.tradeoffs
        self.shown_dimensions: dict[str, str] = {}  # qualified dimension -> first path

    def resolve(self, node: dict) -> tuple[dict, str | None]:
        """`node` with its $ref merged in (properties united), and the first $defs name."""
        name = None
        while "$ref" in node:
            ref = node["$ref"].removeprefix("#/$defs/")
            name = name or ref
            base = dict(self.defs[ref])
            rest = {k: v for k, v in node.items() if k != "$ref"}
            if "properties" in rest and "properties" in base:
                rest["properties"] = {**base["properties"], **rest["properties"]}
            node = {**base, **rest}
        return node, name

    def children(self, node: dict, prefix: str) -> list[Field]:
        if "if" in node and "else" in node:  # a stage: classified, open, or not applicable
            classified = self.resolve(node["else"])[0]
            not_applicable = self.resolve(node["then"])[0]
            either = [o["required"][0] for o in classified.get("anyOf", ())]
            out = [self.field(f"{prefix}{name}", sub, _either_label(name, either), name in either)
                   for name, sub in classified.get("properties", {}).items()]
            out += self._derived(prefix)
            out += [self.field(f"{prefix}{name}", sub,
                               "instead of every other field of the stage", True)
                    for name, sub in not_applicable.get("properties", {}).items()]
            return out
        required = set(node.get("required", ()))
        out = [self.field(f"{prefix}{name}", sub, "required" if name in required else "optional",
                          name in required)
               for name, sub in node.get("properties", {}).items()]
        if isinstance(node.get("additionalProperties"), dict) and "propertyNames" in node:
            out.append(self.field(f"{prefix}<dimension>", node["additionalProperties"],
                                  "optional", False, names=node["propertyNames"]))
        return out

    def field(self, path: str, node: dict, required: str, guarded: bool,
              names: dict | None = None) -> Field:
        node, def_name = self.resolve(node)
        f = Field(path=path, required=required, type="",
                  description=" ".join(str(node.get("description", "")).split()))
        items = self.resolve(node["items"])[0] if isinstance(node.get("items"), dict) else {}
        option_of = node.get("x-option-of") or items.get("x-option-of")
        if names is not None:
            self._tradeoff_dimension(f, names)
        elif option_of:
            self._options(f, option_of, many=bool(items))
        else:
            f.type = self._type(node, items, def_name)
            self._enum(f, node.get("enum") or items.get("enum"), node, items)
        f.constraints = _constraints(node) + [f"each item: {c}" for c in _constraints(items)]
        f.rules = self._rules(f, node, items, guarded, def_name, option_of, names)
        if node.get("type") == "object" or "if" in node:
            f.children = self.children(node, path + ".")
        if def_name in STAGE_DEFS and f.children and not f.description:
            f.description = self.taxonomy.group(f.name).definition
        return f

    def _derived(self, prefix: str) -> list[Field]:
        group = self.taxonomy.group(prefix.rstrip(".").rsplit(".", 1)[-1])
        out = []
        for dim in group.dimensions if group else ():
            if dim.derived_from:
                f = Field(path=prefix + dim.id, required=f"never written: derived from "
                          f"{dim.derived_from}", type="derived (never written)", derived=True,
                          description=dim.definition, rules=["T003"])
                self._option_values(f, dim)
                out.append(f)
        return out

    def _options(self, f: Field, qualified: str, many: bool) -> None:
        dim = self.taxonomy.dimensions[qualified]
        f.type = (f"list of options of {dim.label} ({qualified})" if many
                  else f"one option of {dim.label} ({qualified})")
        f.description = dim.definition + (f" {f.description}" if f.description else "")
        self._option_values(f, dim)

    def _option_values(self, f: Field, dim) -> None:
        f.values_title = f"Options of {dim.label}"
        if dim.qualified in self.shown_dimensions:
            f.values_at = self.shown_dimensions[dim.qualified]
        else:
            self.shown_dimensions[dim.qualified] = f.path
        f.values = [Value(o.id, o.label, o.definition, o.qualified) for o in dim.options]

    def _tradeoff_dimension(self, f: Field, names: dict) -> None:
        f.type = "mapping: an override of one trade-off dimension's derived level"
        f.description = ("The key is a trade-off dimension of catalog/tradeoffs.yaml; give one "
                         "only where the paper shows a level the rules would not derive.")
        f.values_title = "Trade-off dimensions (the key)"
        f.values = [Value(d.id, d.label, d.definition, f"tradeoffs/{d.id}")
                    for d in self.tradeoffs.dimensions.values()]

    def _enum(self, f: Field, enum, node: dict, items: dict) -> None:
        if not enum:
            return
        tradeoff = node.get("x-tradeoff") or items.get("x-tradeoff")
        if tradeoff == "level":
            f.type = "a trade-off level"
            f.values_title = "Levels (lowest first)"
            f.values = [Value(level) for level in enum]
            return
        f.type = "one of " + ", ".join(str(v) for v in enum)
        f.values_title = "Allowed values"
        definitions = ENUM_DEFINITIONS.get(f.name, {})
        f.values = [Value(str(v), definition=definitions.get(v, "")) for v in enum]

    def _type(self, node: dict, items: dict, def_name: str | None) -> str:
        if def_name in DEF_TYPES:
            return DEF_TYPES[def_name]
        if def_name in STAGE_DEFS:
            return "mapping: the stage's classification, or not_applicable with the reason"
        kind = node.get("type")
        if kind == "array":
            inner = self._type(items, {}, None) if items else "values"
            if isinstance(node.get("items"), dict) and "$ref" in node["items"]:
                inner = DEF_TYPES.get(node["items"]["$ref"].rsplit("/", 1)[-1], inner)
            return f"list of {inner}"
        return {"string": "text", "integer": "integer", "object": "mapping",
                "boolean": "true or false", "number": "number"}.get(kind, "any")

    def _rules(self, f: Field, node: dict, items: dict, guarded: bool, def_name, option_of,
               names) -> list[str]:
        codes = set(f.rules)
        if guarded:
            codes.add("S001")
        if node.get("additionalProperties") is False or "if" in node or (
                node.get("unevaluatedProperties") is False):
            codes.add("S002")
        if "type" in node or "type" in items or "if" in node:
            codes.add("S003")
        constrained = ("pattern", "minLength", "maxLength", "minimum", "maximum", "minItems",
                       "minProperties")
        if any(k in node or k in items for k in constrained) or (
                f.values and not option_of and not names and not _tradeoff_enum(node, items)):
            codes.add("S004")
        if node.get("uniqueItems"):
            codes.add("S005")
        if option_of:
            codes.add("T001")
        if names is not None or _tradeoff_enum(node, items):
            codes.add("T002")
        group = self.taxonomy.group(f.name) if def_name in STAGE_DEFS else None
        if group and any(d.derived_from for d in group.dimensions):
            codes.add("T003")
        codes.update(cross_rules(f.path))
        return [code for code in RULES if code in codes]


def cross_rules(path: str) -> tuple[str, ...]:
    out = list(CROSS_RULES.get(path, ()))
    parent = path.rsplit(".", 1)[0] if "." in path else None
    if parent is not None:
        out += CROSS_RULES.get(parent + ".*", ())
    return tuple(out)


def _tradeoff_enum(node: dict, items: dict) -> bool:
    return "x-tradeoff" in node or "x-tradeoff" in items


def _either_label(name: str, either: list[str]) -> str:
    if name not in either:
        return "optional"
    others = [o for o in either if o != name]
    return f"required unless {' or '.join(others)} is given (or the stage is not applicable)"


def _constraints(node: dict) -> list[str]:
    out = []
    if "pattern" in node:
        out.append(f"matches the pattern {node['pattern']}")
    low, high = node.get("minLength"), node.get("maxLength")
    if low is not None or high is not None:
        out.append(f"{low or 0}–{high} characters" if high else f"at least {low} characters")
    if "minimum" in node or "maximum" in node:
        out.append(f"from {node.get('minimum', '−∞')} to {node.get('maximum', '∞')}")
    if node.get("minItems"):
        out.append(f"at least {node['minItems']} item(s)")
    if node.get("minProperties"):
        out.append(f"at least {node['minProperties']} field(s)")
    if node.get("uniqueItems"):
        out.append("no item twice")
    return out


# Examples -----------------------------------------------------------------------------------

# The one field the model renames; tuples are written back as the lists the YAML holds.
_ATTRIBUTE = {"tradeoffs": "tradeoff_overrides"}
_FIELDS = ("id", "kind", "short_name", "name", "aliases", "year", "venue", "cite", "references",
           "arxiv", "links", "summary", "pipeline", "experiments", "training", "uses_data",
           "builds_on", "tradeoffs", "run", "notes")
_EMPTY = (None, "", [], {}, ())


def _field(entry, key: str):
    value = getattr(entry, _ATTRIBUTE.get(key, key))
    return list(value) if isinstance(value, tuple) else value


def _lookup(data, parts: list[str]):
    """(concrete path, value) of the first match of `parts` in `data`, or None."""
    if not parts:
        return [], data
    head, rest = parts[0], parts[1:]
    if not isinstance(data, dict):
        return None
    keys = sorted(data) if head == "<dimension>" else [head] if head in data else []
    for key in keys:
        found = _lookup(data[key], rest)
        if found is not None:
            return [key, *found[0]], found[1]
    return None


class _Setting:
    """The entries (in id order) that set one top-level field, with its value, found only as
    far as a search has asked: most fields find their example in the first few entries."""

    def __init__(self, key: str, entries: list):
        self.key, self._rest, self._found = key, iter(entries), []

    def __iter__(self):
        yield from self._found
        if self.key not in _FIELDS:
            return
        for entry in self._rest:
            value = _field(entry, self.key)
            if value not in _EMPTY:
                self._found.append((entry, value))
                yield entry, value


def _add_examples(fields: list[Field], catalog) -> None:
    """Each field's example: its value in the first entry (by id) that sets it."""
    entries = sorted(catalog, key=lambda e: e.id)
    setting: dict[str, _Setting] = {}
    for top in fields:
        for f in top.walk():
            if f.derived:
                continue
            head, *rest = f.path.split(".")
            if head not in setting:
                setting[head] = _Setting(head, entries)
            for entry, value in setting[head]:
                found = _lookup(value, rest)
                if found is None:
                    continue
                text = _yaml_at([head, *found[0]], found[1])
                if text.count("\n") <= EXAMPLE_LINES:
                    f.example, f.example_entry = text, entry
                break


def _yaml_at(path: list[str], value) -> str:
    for key in reversed(path):
        value = {key: value}
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=88,
                          default_flow_style=None).rstrip("\n")


# Pages ----------------------------------------------------------------------------------------

def build(ctx: PageContext) -> None:
    fields, entry_facts = field_tree(ctx.catalog)
    rules = [(code, name, meaning) for code, (name, meaning) in RULES.items()]
    names = {code: name for code, (name, _) in RULES.items()}
    for top in fields:
        ctx.render(f"reference/{top.name}.md", "reference_field.md.j2", top=top,
                   fields=list(top.walk()), rule_names=names, anchor_of=field_anchor)
    ctx.render("reference/index.md", "reference_index.md.j2", fields=fields, rules=rules,
               entry=entry_facts, file_rules=[r for r in rules if r[0].startswith("Y")])


def nav(catalog) -> dict[str, list[str]]:
    return {"reference/index.md": [f"reference/{name}.md" for name in top_level_fields()]}
