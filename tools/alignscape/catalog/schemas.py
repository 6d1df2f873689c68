"""The JSON Schemas of schema/ wired together with the vocabulary generated from taxonomy.yaml."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from alignscape.paths import schema_dir
from alignscape.taxonomy import Taxonomy


@cache
def read_schema(name: str) -> dict:
    return json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


def file_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(read_schema(name))


def entry_validator(taxonomy: Taxonomy, tradeoff_dimensions: list[str],
                    levels: list[str]) -> Draft202012Validator:
    options = taxonomy.options_schema(tradeoff_dimensions, levels)
    registry = Registry().with_resource(
        "urn:alignscape:options",
        Resource.from_contents(options, default_specification=DRAFT202012))
    return Draft202012Validator(read_schema("entry"), registry=registry)


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
