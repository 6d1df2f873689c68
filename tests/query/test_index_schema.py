"""The explorer index is a contract between the Python engine and the browser: both are tested
against schema/index.schema.json (the browser side in tests/site/test_site_build.py, on the
file the site publishes)."""

from __future__ import annotations

import copy

from alignscape.catalog.schemas import file_validator
from alignscape.model.index import INDEX_VERSION


def errors(index):
    return [e.message for e in file_validator("index").iter_errors(index)]


def test_the_real_and_tiny_indexes_match_the_schema(real_index, tiny_index):
    assert errors(real_index) == []
    assert errors(tiny_index) == []
    assert real_index["version"] == INDEX_VERSION


def test_the_schema_refuses_a_changed_shape(real_index):
    renamed = copy.deepcopy(real_index)
    renamed["entries"][0]["title"] = renamed["entries"][0].pop("name")
    assert errors(renamed)
    bumped = dict(real_index, version=INDEX_VERSION + 1)
    assert errors(bumped)
