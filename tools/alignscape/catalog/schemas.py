"""The JSON Schemas of schema/ wired together with the vocabulary generated from taxonomy.yaml."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from alignscape.paths import schema_dir
from alignscape.taxonomy import Taxonomy


@cache
def read_schema(name: str) -> dict:
    return json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def file_validator(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(read_schema(name))


@cache
def _fast_file_validity(name: str):
    return fast_validity(read_schema(name))


def file_errors(name: str, instance):
    """jsonschema's errors of `instance` against schema/`name`.schema.json; jsonschema (and
    its import, a twentieth of a second) only runs when the fast check finds a problem."""
    is_valid = _fast_file_validity(name)
    if is_valid is not None and is_valid(instance):
        return iter(())
    return file_validator(name).iter_errors(instance)


def entry_validator(taxonomy: Taxonomy, tradeoff_dimensions: list[str], levels: list[str]):
    """A validator for the entry schema with every $ref inlined.

    The schema has no recursion, so inlining is exact; it makes validation about twice as fast
    (reference resolution dominated the profile) and lets `additionalProperties` replace
    `unevaluatedProperties`, whose bookkeeping was the next largest cost.
    """
    from jsonschema import Draft202012Validator

    return Draft202012Validator(entry_schema(taxonomy, tradeoff_dimensions, levels))


def entry_schema(taxonomy: Taxonomy, tradeoff_dimensions: list[str], levels: list[str]) -> dict:
    """The entry schema with the vocabulary and every $ref inlined (see entry_validator)."""
    bundled = bundled_entry_schema(taxonomy, tradeoff_dimensions, levels)
    return _inline(bundled, bundled["$defs"])


def fast_validity(schema: dict):
    """is_valid(instance) -> bool for `schema` from jsonschema-rs (compiled, about 100 times
    faster than jsonschema on a valid entry), or None when it is not installed.

    Only ever a shortcut: an instance it calls valid has no schema findings and skips
    jsonschema; anything else (invalid, or a value it cannot convert, such as NaN) goes to
    jsonschema, whose errors are the findings. Where the two differ on validity (Python's `$`
    also matches before a final newline; jsonschema-rs's does not) it errs towards "invalid",
    so the findings are always jsonschema's (tests/catalog/test_fast_schema.py)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - optional accelerator
        return None
    try:
        compiled = jsonschema_rs.Draft202012Validator(schema)
    except Exception:  # a schema it cannot compile: jsonschema alone
        return None

    def is_valid(instance) -> bool:
        try:
            return compiled.is_valid(instance)
        except Exception:  # e.g. a value JSON cannot hold
            return False

    return is_valid


def _inline(node, defs):
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    ref = node.pop("$ref", None)
    if ref is not None:
        merged = dict(_inline(defs[ref.removeprefix("#/$defs/")], defs))
        for key, value in node.items():
            if key == "properties" and "properties" in merged:
                merged["properties"] = {**merged["properties"], **value}
            else:
                merged[key] = value
        node = merged
    if node.get("unevaluatedProperties") is False:
        del node["unevaluatedProperties"]
        node["additionalProperties"] = False
    return node


def bundled_entry_schema(taxonomy: Taxonomy, tradeoff_dimensions: list[str],
                         levels: list[str]) -> dict:
    """entry.schema.json with the generated vocabulary inlined, for editors that cannot resolve
    urn:alignscape:options (written by `alignscape schema`)."""
    text = json.dumps(read_schema("entry"))
    text = text.replace("urn:alignscape:options#/$defs/", "#/$defs/options.")
    schema = json.loads(text)
    options = taxonomy.options_schema(tradeoff_dimensions, levels)["$defs"]
    for name, definition in options.items():
        schema["$defs"][f"options.{name}"] = json.loads(
            json.dumps(definition).replace('"#/$defs/', '"#/$defs/options.'))
    return schema


def write_bundled(path: Path, schema: dict) -> None:
    path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
