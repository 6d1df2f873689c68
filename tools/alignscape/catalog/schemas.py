"""The JSON Schemas of schema/ wired together with the vocabulary generated from taxonomy.yaml."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from alignscape.paths import schema_dir
from alignscape.taxonomy import Taxonomy


@cache
def read_schema(name: str) -> dict:
    return json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def file_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(read_schema(name))


def entry_validator(taxonomy: Taxonomy, tradeoff_dimensions: list[str],
                    levels: list[str]) -> Draft202012Validator:
    """A validator for the entry schema with every $ref inlined.

    The schema has no recursion, so inlining is exact; it makes validation about twice as fast
    (reference resolution dominated the profile) and lets `additionalProperties` replace
    `unevaluatedProperties`, whose bookkeeping was the next largest cost.
    """
    bundled = bundled_entry_schema(taxonomy, tradeoff_dimensions, levels)
    return Draft202012Validator(_inline(bundled, bundled["$defs"]))


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
