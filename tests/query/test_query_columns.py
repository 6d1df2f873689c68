"""The column store (the command line's fast path) answers exactly as the row evaluator that
the Python API and, through its JS port, the explorer use."""

from __future__ import annotations

import marshal

import pytest
from query_expressions import HAND_WRITTEN, random_expressions

from alignscape.query.columns import Columns, build
from alignscape.querylang import QueryError, evaluate, parse


def store(index):
    data, texts = build(index)
    # Through marshal, as the cache stores it.
    return Columns(marshal.loads(marshal.dumps(data)), lambda: marshal.loads(marshal.dumps(texts)))


@pytest.mark.parametrize("which", ["tiny", "real"])
def test_columns_agree_with_rows(which, tiny_index, real_index):
    index = tiny_index if which == "tiny" else real_index
    columns = store(index)
    checked = 0
    for expression in HAND_WRITTEN + random_expressions(index, count=600, seed=3):
        try:
            tree = parse(expression, columns.vocabulary_index())
        except QueryError as error:
            with pytest.raises(QueryError) as again:
                parse(expression, index)
            assert again.value.as_dict() == error.as_dict()
            continue
        assert tree == parse(expression, index)
        expected = [n for n, row in enumerate(index["entries"]) if evaluate(tree, row)]
        assert columns.positions(tree) == expected, expression
        checked += 1
    assert checked > 300


def test_partial_rows_carry_the_named_fields(real_index):
    columns = store(real_index)
    n = next(i for i, r in enumerate(real_index["entries"]) if r["id"] == "ultrafeedback")
    row = columns.row(n, [("facet", "evaluation.evaluators"), ("tradeoff", "bias_risk"),
                          ("tradeoff", "reward_hacking_risk")])
    full = real_index["entries"][n]
    assert row["id"] == "ultrafeedback" and row["year"] == full["year"]
    assert set(row["choices"]["evaluation.evaluators"]) == set(
        full["choices"]["evaluation.evaluators"])
    assert row["tradeoffs"] == {"bias_risk": full["tradeoffs"]["bias_risk"],
                                "reward_hacking_risk": full["tradeoffs"]["reward_hacking_risk"]}


def test_texts_are_loaded_only_for_text_conditions(tiny_index):
    data, texts = build(tiny_index)
    calls = []
    columns = Columns(data, lambda: calls.append(1) or texts)
    columns.positions(parse("kind = method and bias_risk <= medium", tiny_index))
    assert calls == []
    assert columns.positions(parse('"reward model"', tiny_index)) == [0]
    assert calls == [1]
