"""Translating jsonschema errors into findings a contributor can act on: the rule code, the
field, the line and column, and what was expected (rules S001-S005, T001-T003)."""

from __future__ import annotations

from alignscape.catalog.findings import Finding
from alignscape.catalog.validation.messages import TYPE_NAMES, expect, short
from alignscape.catalog.yamlsafe import LoadedYaml, dotted
from alignscape.taxonomy import Taxonomy


def schema_findings(validator, loaded: LoadedYaml, shown: str,
                     taxonomy: Taxonomy) -> list[Finding]:
    out: dict[tuple, Finding] = {}
    for error in validator.iter_errors(loaded.data):
        for finding in _describe(error, loaded, shown, taxonomy):
            out.setdefault((finding.field, finding.code), finding)
    return list(out.values())


def _describe(error, loaded: LoadedYaml, shown: str, taxonomy: Taxonomy):
    path = tuple(error.absolute_path)
    kind = error.validator
    instance = error.instance
    line, column = loaded.locate(path)

    def at(p, code, message, expected="", key=False):
        ln, col = loaded.locate(p, key=key)
        return Finding(shown, ln, col, code, dotted(p), message, expected)

    if kind == "required":
        present = instance if isinstance(instance, dict) else {}
        for name in error.validator_value:
            if name not in present:
                yield Finding(shown, line, column, "S001", dotted((*path, name)),
                              f"required field {name!r} is missing", f"add `{name}:`")
        return
    if kind == "anyOf" and all(set(option) == {"required"} for option in error.validator_value):
        # A classified stage says where in the paper it comes from; an open one says why not.
        names = [option["required"][0] for option in error.validator_value]
        yield Finding(shown, line, column, "S001", dotted((*path, names[0])),
                      f"required field {names[0]!r} is missing",
                      f"add `{names[0]}:` (where in the paper), or `{names[1]}:` if the "
                      "method leaves this stage to the data")
        return
    if kind in ("additionalProperties", "unevaluatedProperties"):
        allowed = set(error.schema.get("properties", {}))
        stage = path[-1] if len(path) == 2 and path[0] in ("pipeline", "experiments") else None
        if stage and taxonomy.group(stage):
            allowed |= {d.id for d in taxonomy.group(stage).dimensions if not d.derived_from}
        derived = {d.id for d in taxonomy.group(stage).dimensions if d.derived_from} if (
            stage and taxonomy.group(stage)) else set()
        for name in instance:
            if name in allowed:
                continue
            if name in derived:
                yield at((*path, name), "T003",
                         f"{stage}.{name} is derived from the other choices and is never written",
                         "remove it", key=True)
            elif path == ("tradeoffs",):
                yield at((*path, name), "T002", f"unknown trade-off dimension {name!r}",
                         expect(name, sorted(allowed), "a dimension of tradeoffs.yaml"), key=True)
            else:
                yield at((*path, name), "S002", f"unknown field {name!r}",
                         expect(name, sorted(allowed), "a field the schema defines"), key=True)
        return
    if kind == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        found = TYPE_NAMES.get(type(instance), type(instance).__name__)
        hint = f"expected {'an' if wanted[0] in 'aeiou' else 'a'} {wanted}"
        if wanted == "array" and isinstance(instance, str):
            hint += f", e.g. [{instance}]"
        yield Finding(shown, line, column, "S003", dotted(path), f"value is {found}", hint)
        return
    if kind == "enum":
        allowed = list(error.validator_value)
        if "x-option-of" in error.schema:
            dim = error.schema["x-option-of"]
            yield Finding(shown, line, column, "T001", dotted(path),
                          f"{instance!r} is not an option of {dim}",
                          expect(instance, allowed, "an option id of catalog/taxonomy.yaml"))
        elif "x-tradeoff" in error.schema:
            yield Finding(shown, line, column, "T002", dotted(path),
                          f"{instance!r} is not a trade-off {error.schema['x-tradeoff']}",
                          expect(instance, allowed))
        else:
            yield Finding(shown, line, column, "S004", dotted(path),
                          f"{instance!r} is not allowed", expect(instance, allowed))
        return
    if kind == "uniqueItems":
        seen, dupes = [], []
        for item in instance:
            (dupes if item in seen else seen).append(item)
        yield Finding(shown, line, column, "S005", dotted(path),
                      f"list repeats {', '.join(repr(d) for d in dupes)}", "each item once")
        return
    yield Finding(shown, line, column, "S004", dotted(path), _constraint(error),
                  error.schema.get("description", ""))


def _constraint(error) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "pattern":
        return f"{instance!r} does not match the pattern {value}"
    if kind == "minLength":
        return f"text is too short ({len(instance)} characters, at least {value})"
    if kind == "maxLength":
        return f"text is too long ({len(instance)} characters, at most {value})"
    if kind == "minimum":
        return f"{instance!r} is below the minimum {value}"
    if kind == "maximum":
        return f"{instance!r} is above the maximum {value}"
    if kind == "minItems":
        return f"list needs at least {value} item(s)"
    return short(error.message)
