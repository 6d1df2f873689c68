"""The query language on a five-row index whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from alignscape.query import QueryError, parse, select
from alignscape.querylang import DEFAULT_KINDS, suggest, tokenize


def ids(index, expression):
    return [row["id"] for row in select(index, expression)]


@pytest.mark.parametrize("expression, expected", [
    # facets: qualified and short names, has / = / in
    ("evaluation.evaluators has llm_judge", ["beta", "epsilon"]),
    ("evaluators has llm_judge", ["beta", "epsilon"]),
    ("evaluators = human", ["alpha", "epsilon"]),
    ("EVALUATORS HAS HUMAN", ["alpha", "epsilon"]),
    ("evaluators in (rule_verifier, human)", ["alpha", "gamma", "epsilon"]),
    ("synthesis.policy_relation = on_policy", ["gamma"]),
    ("policy_relation == off_policy", ["alpha", "beta"]),
    # != needs the dimension recorded; `not` does not
    ("evaluators != human", ["beta", "gamma"]),
    ("not evaluators has human", ["beta", "gamma", "delta"]),
    ("instantiation.formats is unknown", ["gamma", "delta", "epsilon"]),
    ("instantiation.formats is not unknown", ["alpha", "beta"]),
    # trade-offs: ordinal, unknown never satisfies a comparison
    ("annotation_cost <= low", ["beta", "gamma"]),
    ("annotation_cost < high", ["beta", "gamma", "epsilon"]),
    ("annotation_cost >= medium", ["alpha", "epsilon"]),
    ("bias_risk != high", ["alpha", "epsilon"]),
    ("bias_risk in (low, high)", ["beta", "epsilon"]),
    ("not (bias_risk <= medium)", ["beta", "gamma", "delta"]),
    ("bias_risk is unknown", ["gamma", "delta"]),
    ("bias_risk is known", ["alpha", "beta", "epsilon"]),
    # kind, year, id
    ("kind = dataset", ["beta"]),
    ("kind in (objective, dataset)", ["beta", "delta"]),
    ("kind != method", ["beta", "delta"]),
    ("year >= 2023", ["beta", "gamma", "delta"]),
    ("year in 2022..2023", ["beta", "delta", "epsilon"]),
    ("year in (2021, 2024)", ["alpha", "gamma"]),
    ("year = 2022 or year < 2022", ["alpha", "epsilon"]),
    ("id in (gamma, alpha)", ["alpha", "gamma"]),
    ("id != gamma and kind = method", ["alpha", "epsilon"]),
    # text: name, aliases and summary; case and runs of spaces do not matter
    ('text ~ "reward model"', ["alpha"]),
    ('text ~ "REWARD   Model"', ["alpha"]),
    ('"reward model"', ["alpha"]),
    ("text ~ rm", ["alpha", "epsilon"]),
    ("name ~ rm", ["alpha", "epsilon"]),
    ('name ~ "human comparisons"', []),
    ('text ~ "human comparisons"', ["alpha"]),
    ("text ~ 'self-play'", ["gamma"]),
    # precedence: not > and > or; parentheses
    ("kind = dataset or year = 2024 and evaluators has rule_verifier", ["beta", "gamma"]),
    ("(kind = dataset or year = 2024) and evaluators has llm_judge", ["beta"]),
    ("not kind = method and not year = 2023", []),
    ("not not kind = dataset", ["beta"]),
    ("evaluators has human and (annotation_cost <= medium or bias_risk <= low)", ["epsilon"]),
])
def test_answers(tiny_index, expression, expected):
    assert ids(tiny_index, expression) == expected


def test_blank_expression_selects_everything(tiny_index):
    assert len(select(tiny_index, "  ")) == 5


def test_and_binds_tighter_than_or(tiny_index):
    tree = parse("kind = dataset or year = 2024 and kind = method", tiny_index)
    assert tree["op"] == "or" and tree["args"][1]["op"] == "and"


def test_tree_is_plain_data_carrying_the_scale(tiny_index):
    assert parse("bias_risk < medium", tiny_index) == {
        "op": "tradeoff", "field": "bias_risk", "cmp": "<", "values": ["medium"],
        "levels": ["low", "medium", "high"]}


def error(index, expression) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(expression, index)
    return caught.value


@pytest.mark.parametrize("expression, token, message, suggestion", [
    ("evaluator has llm_judge", "evaluator", "unknown field 'evaluator'", "evaluators"),
    ("evaluators has llm-judge", "llm-judge", "not an option of evaluation.evaluators",
     "llm_judge"),
    ("evaluators has judge", "judge", "not an option", "llm_judge"),
    ("bias_risk < lowest", "lowest", "not a trade-off level", "low"),
    ("bias_rsk < low", "bias_rsk", "unknown field", "bias_risk"),
    ("kind = datset", "datset", "not an entry kind", "dataset"),
    ("id = alpah", "alpah", "no entry has id", "alpha"),
    ("evaluators < human", "<", "does not apply to evaluation.evaluators", None),
    ("annotation_cost has low", "has", "does not apply to annotation_cost", None),
    ("year ~ 2020", "~", "does not apply to year", None),
    ("year >= recent", "recent", "not a year", None),
    ("formats has pairwise", "formats", "ambiguous", None),
    ("kind = dataset and", "", "found the end of the expression", None),
    ("kind = dataset kind = method", "kind", "expected and, or, or the end", None),
    ("kind = dataset)", ")", "unbalanced ')'", None),
    ("(kind = dataset", "(", "unbalanced '('", None),
    ("kind = dataset && year > 2020", "&", "unexpected character '&'", None),
    ("kind =", "", "expected a value for kind", None),
    ("kind", "", "expected an operator after 'kind'", None),
    ('text ~ "open', '"open', "unterminated text", None),
    ("year in 2024..2021", "year in 2024..2021", "empty range", None),
    ("evaluators in human", "human", "a list in parentheses", None),
    ("bias_risk is maybe", "maybe", "expected known or unknown", None),
    ("and kind = method", "and", "expected a condition", None),
    ("", "", "empty", None),
])
def test_errors_point_at_the_token(tiny_index, expression, token, message, suggestion):
    err = error(tiny_index, expression)
    assert message in err.message
    assert expression[err.position:err.end] == token or (token == "" and err.position >=
                                                          len(expression.rstrip()))
    assert err.suggestion == suggestion


def test_error_lists_what_was_possible(tiny_index):
    err = error(tiny_index, "policy_relation = onpolicy")
    assert err.expected == ["on_policy", "off_policy", "mixed"]
    assert err.suggestion == "on_policy"
    caret = err.format("policy_relation = onpolicy").splitlines()
    assert caret[1] == "  policy_relation = onpolicy"
    assert caret[2] == "  " + " " * 18 + "^" * 8
    assert "did you mean 'on_policy'?" in caret[3]


def test_unknown_field_lists_short_and_qualified_names(tiny_index):
    err = error(tiny_index, "colour = red")
    assert {"kind", "year", "text", "evaluators", "evaluation.evaluators", "bias_risk",
            "instantiation.formats"} <= set(err.expected)
    assert "formats" not in err.expected  # ambiguous short form is not offered


def test_suggestions_are_conservative():
    assert suggest("zzz", ["human", "llm_judge"]) is None
    assert suggest("humn", ["human", "llm_judge"]) == "human"


def test_tokens_carry_positions():
    tokens = tokenize('year in 2022..2024 and text ~ "a b"')
    assert [(t.type, t.start, t.end) for t in tokens] == [
        ("ident", 0, 4), ("ident", 5, 7), ("number", 8, 12), ("..", 12, 14),
        ("number", 14, 18), ("ident", 19, 22), ("ident", 23, 27), ("op", 28, 29),
        ("string", 30, 35), ("end", 35, 35)]


def test_default_kinds_follow_the_entry_schema():
    from alignscape.catalog.schemas import read_schema

    assert list(DEFAULT_KINDS) == read_schema("entry")["properties"]["kind"]["enum"]


def test_index_kinds_win_over_the_default(tiny_index):
    index = dict(tiny_index, kinds=["method", "dataset", "survey"])
    assert ids(index, "kind = survey") == []
    assert "not an entry kind" in error(tiny_index, "kind = survey").message
