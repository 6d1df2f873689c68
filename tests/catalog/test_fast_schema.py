"""The compiled validity check (jsonschema-rs) is only a shortcut: whatever it calls valid,
jsonschema finds no error in, so the findings are always jsonschema's."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignscape.catalog.schemas import entry_schema, fast_validity, file_validator, read_schema
from alignscape.catalog.validation import load_vocabulary
from alignscape.catalog.yamlsafe import YamlProblem, load_file

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def schemas(project_root):
    from jsonschema import Draft202012Validator

    taxonomy, tradeoffs, _ = load_vocabulary(project_root)
    schema = entry_schema(taxonomy, list(tradeoffs.dimensions), list(tradeoffs.levels))
    fast = fast_validity(schema)
    if fast is None:
        pytest.skip("jsonschema-rs is not installed")
    return fast, Draft202012Validator(schema)


def agree(fast, slow, instance) -> None:
    if fast(instance):
        assert not list(slow.iter_errors(instance)), instance


def test_every_entry_and_fixture(schemas, project_root):
    fast, slow = schemas
    documents = []
    for path in [*sorted((project_root / "catalog" / "entries").glob("*.yaml")),
                 *sorted(FIXTURES.rglob("*.yaml"))]:
        try:
            documents.append(load_file(path).data)
        except YamlProblem:
            continue
    for data in documents:
        assert fast(data) == (not list(slow.iter_errors(data)))  # here they agree exactly


def test_the_shared_files(project_root):
    for name in ("taxonomy", "tradeoffs", "scenarios"):
        data = load_file(project_root / "catalog" / f"{name}.yaml").data
        fast = fast_validity(read_schema(name))
        assert fast is not None and fast(data)
        assert not list(file_validator(name).iter_errors(data))


values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3000) | st.floats(allow_nan=True)
    | st.sampled_from(["", "x", "dpo", "llm_judge", "high", "a\n", "DPO\n", "2305.18290",
                       "https://example.org", "x" * 500, "on_policy", "pairwise", "é"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "kind", "level", "why", "cite", "evidence", "x"]), inner,
        max_size=3),
    max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


@pytest.fixture(scope="module")
def valid_documents(project_root):
    names = ["dpo", "ultrafeedback", "kto", "grpo_deepseekmath", "simpo"]
    return [load_file(project_root / "catalog" / "entries" / f"{n}.yaml").data for n in names]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_entries(schemas, valid_documents, data):
    fast, slow = schemas
    document = copy.deepcopy(data.draw(st.sampled_from(valid_documents)))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(document) if p]
        path = data.draw(st.sampled_from(paths))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(values)
    agree(fast, slow, document)
