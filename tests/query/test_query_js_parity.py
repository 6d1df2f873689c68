"""The JS port (site/assets/javascripts/alignscape-query.js) and the Python engine, run under
Node on the same index: the same trees, the same rows, the same errors at the same places.
(tests/query/test_query_browser.py does the same in Chromium and through the explorer.)"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from query_expressions import HAND_WRITTEN, random_expressions

from alignscape.querylang import QueryError, evaluate, parse

RUNNER = Path(__file__).parent / "run_js.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


def python_results(index, expressions):
    out = []
    for expression in expressions:
        try:
            tree = parse(expression, index)
        except QueryError as error:
            out.append({"error": error.as_dict()})
            continue
        out.append({"ast": tree, "ids": [r["id"] for r in index["entries"]
                                         if evaluate(tree, r)]})
    return out


def node_results(tmp_path, index, expressions):
    (tmp_path / "index.json").write_text(json.dumps(index))
    (tmp_path / "expressions.json").write_text(json.dumps(expressions))
    done = subprocess.run(["node", str(RUNNER), str(tmp_path / "index.json"),
                           str(tmp_path / "expressions.json")],
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("which", ["tiny", "real"])
def test_node_and_python_agree(which, tiny_index, real_index, tmp_path):
    index = tiny_index if which == "tiny" else real_index
    expressions = HAND_WRITTEN + random_expressions(index)
    python = python_results(index, expressions)
    javascript = node_results(tmp_path, index, expressions)
    differ = [(e, p, j) for e, p, j in zip(expressions, python, javascript, strict=True)
              if p != j]
    assert not differ, f"{len(differ)} expressions differ, first: {differ[0]}"
    # The random batch must exercise both outcomes, or the comparison proves little.
    assert sum("error" in p for p in python) > 20
    assert sum(bool(p.get("ids")) for p in python) > 20


def test_js_default_kinds_follow_the_schema():
    from alignscape.catalog.schemas import read_schema

    source = (RUNNER.parents[2] / "site" / "assets" / "javascripts"
              / "alignscape-query.js").read_text()
    kinds = read_schema("entry")["properties"]["kind"]["enum"]
    assert "var DEFAULT_KINDS = " + json.dumps(kinds) + ";" in source
