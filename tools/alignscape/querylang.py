"""The query language: a hand-written lexer and recursive-descent parser, and the evaluator.

Both work on the explorer's JSON index (alignscape.model.index.explorer_index): the parser takes
its vocabulary (dimensions, options, trade-off levels) from the index and the evaluator reads one
index row at a time. site/assets/javascripts/alignscape-query.js is a line-by-line port of this
file over the same index, so the command line, the Python API and the explorer cannot disagree;
tests/query/test_query_browser.py and test_query_js_parity.py run both and
compare. Change the two together.

Grammar (keywords are case-insensitive):

    expr      := conj ("or" conj)*
    conj      := unary ("and" unary)*
    unary     := "not" unary | atom
    atom      := "(" expr ")" | STRING | condition
    condition := FIELD "has" value
               | FIELD ("=" | "==" | "!=" | "<" | "<=" | ">" | ">=") value
               | FIELD "in" ( "(" value ("," value)* ")" | NUMBER ".." NUMBER )
               | FIELD "~" value
               | FIELD "is" ["not"] ("known" | "unknown")

A bare STRING is a text match (`"reward model"` is `text ~ "reward model"`).
"""

from __future__ import annotations

import textwrap

from alignscape.suggest import edit_distance, suggest  # noqa: F401  (re-exported)

KEYWORDS = ("and", "or", "not", "has", "in", "is", "known", "unknown")
# The entry kinds of schema/entry.schema.json, used when the index does not list them
# (tests/query keep this, the JS copy and the schema equal).
DEFAULT_KINDS = ("method", "dataset", "system", "objective", "benchmark")
SCALAR_FIELDS = ("kind", "year", "text", "name", "id")
FIELD_OPERATORS = {
    "facet": ("has", "=", "!=", "in", "is"),
    "tradeoff": ("=", "!=", "<", "<=", ">", ">=", "in", "is"),
    "kind": ("=", "!=", "in"),
    "year": ("=", "!=", "<", "<=", ">", ">=", "in"),
    "text": ("~",),
    "name": ("~",),
    "id": ("=", "!=", "in"),
}


class QueryError(ValueError):
    """A malformed expression: `position`..`end` is the offending token (character offsets)."""

    def __init__(self, message: str, position: int, end: int | None = None,
                 expected: list[str] | tuple[str, ...] = (), suggestion: str | None = None):
        super().__init__(message)
        self.message = message
        self.position = position
        self.end = max(end if end is not None else position + 1, position + 1)
        self.expected = list(expected)
        self.suggestion = suggestion

    def as_dict(self) -> dict:
        return {"message": self.message, "position": self.position, "end": self.end,
                "expected": self.expected, "suggestion": self.suggestion}

    def format(self, expression: str) -> str:
        """The expression with a caret under the offending token, then what was possible."""
        lines = [f"query error: {self.message}", f"  {expression}",
                 "  " + " " * self.position + "^" * (self.end - self.position)]
        if self.suggestion:
            lines.append(f"  did you mean {self.suggestion!r}?")
        if self.expected:
            lines += textwrap.wrap(", ".join(self.expected), width=98,
                                   initial_indent="  expected: ", subsequent_indent=" " * 12,
                                   break_on_hyphens=False)
        return "\n".join(lines)


class Token:
    # A plain class, not a dataclass: generating dataclass methods costs a cold `alignscape
    # query` more than the whole evaluation.
    __slots__ = ("type", "value", "start", "end")

    def __init__(self, type: str, value: str, start: int, end: int):
        self.type = type  # ident | number | string | op | ( | ) | , | .. | end
        self.value = value
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r}, {self.start}, {self.end})"


def _is_ident_start(ch: str) -> bool:
    return ch.isascii() and (ch.isalpha() or ch == "_")


def _is_ident_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "_-.")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch in "(),":
            tokens.append(Token(ch, ch, i, i + 1))
            i += 1
        elif text.startswith("..", i):
            tokens.append(Token("..", "..", i, i + 2))
            i += 2
        elif ch in "=!<>~":
            two = text[i:i + 2]
            if two in ("==", "!=", "<=", ">="):
                tokens.append(Token("op", two, i, i + 2))
                i += 2
            elif ch == "!":
                raise QueryError("unexpected character '!'", i, i + 1,
                                 ["!= (not equal)", "not (negation)"])
            else:
                tokens.append(Token("op", ch, i, i + 1))
                i += 1
        elif ch in "\"'":
            j, out = i + 1, []
            while j < n and text[j] != ch:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                out.append(text[j])
                j += 1
            if j >= n:
                raise QueryError("unterminated text: the closing " + ch + " is missing", i, n)
            tokens.append(Token("string", "".join(out), i, j + 1))
            i = j + 1
        elif ch.isascii() and ch.isdigit():
            j = i
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j < n and _is_ident_start(text[j]):
                while j < n and _is_ident_char(text[j]) and not text.startswith("..", j):
                    j += 1
                tokens.append(Token("ident", text[i:j], i, j))
            else:
                tokens.append(Token("number", text[i:j], i, j))
            i = j
        elif _is_ident_start(ch):
            j = i
            while j < n and _is_ident_char(text[j]) and not text.startswith("..", j):
                j += 1
            tokens.append(Token("ident", text[i:j], i, j))
            i = j
        else:
            raise QueryError(f"unexpected character {ch!r}", i, i + 1,
                             ["a field name", "a quoted text", "(", ")", "and", "or", "not"])
    tokens.append(Token("end", "", n, n))
    return tokens


# --- vocabulary ----------------------------------------------------------------------------------

class Vocabulary:
    """What the index says can be queried: fields, their options or levels, entry kinds, ids."""

    def __init__(self, dimensions: dict[str, dict], levels: list[str], tradeoffs: dict[str, str],
                 kinds: list[str], ids: list[str], short: dict[str, list[str]] | None = None):
        self.dimensions = dimensions  # qualified id -> {"cardinality", "options": [ids]}
        self.levels = levels
        self.tradeoffs = tradeoffs  # trade-off id -> better (lower | higher)
        self.kinds = kinds
        self.ids = ids
        self.short = short or {}  # dimension id -> the qualified ids it can stand for

    @classmethod
    def from_index(cls, index: dict) -> Vocabulary:
        dims = {d["id"]: {"cardinality": d["cardinality"],
                          "options": [o["id"] for o in d["options"]]}
                for d in index["dimensions"]}
        short: dict[str, list[str]] = {}
        for qualified in dims:
            short.setdefault(qualified.split(".", 1)[1], []).append(qualified)
        return cls(dimensions=dims, levels=list(index["tradeoffs"]["levels"]),
                   tradeoffs={d["id"]: d["better"] for d in index["tradeoffs"]["dimensions"]},
                   kinds=list(index.get("kinds") or DEFAULT_KINDS),
                   ids=[row["id"] for row in index["entries"]], short=short)

    def field_names(self) -> list[str]:
        """Every name a field can be written as, short forms first where unambiguous."""
        names = list(SCALAR_FIELDS)
        for qualified in self.dimensions:
            short = qualified.split(".", 1)[1]
            if len(self.short[short]) == 1 and short not in SCALAR_FIELDS \
                    and short not in self.tradeoffs:
                names.append(short)
        names += list(self.dimensions)
        names += list(self.tradeoffs)
        return names

    def resolve(self, token: Token) -> tuple[str, str]:
        """(kind of field, canonical field id) for a field token, or a located QueryError."""
        name = token.value.lower()
        if name in SCALAR_FIELDS:
            return name, name
        if name in self.tradeoffs:
            return "tradeoff", name
        if name in self.dimensions:
            return "facet", name
        matches = self.short.get(name, [])
        if len(matches) == 1:
            return "facet", matches[0]
        if len(matches) > 1:
            raise QueryError(f"{token.value!r} is ambiguous: write one of "
                             + ", ".join(matches), token.start, token.end, matches)
        names = self.field_names()
        raise QueryError(f"unknown field {token.value!r}", token.start, token.end,
                         names, suggest(name, names))


# --- parser --------------------------------------------------------------------------------------

class Parser:
    def __init__(self, text: str, vocabulary: Vocabulary):
        self.text = text
        self.vocab = vocabulary
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def keyword(self, *words: str) -> bool:
        return self.token.type == "ident" and self.token.value.lower() in words

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, expected: list[str], what: str | None = None):
        token = self.token
        found = "the end of the expression" if token.type == "end" else repr(token.value)
        raise QueryError(f"expected {what or ' or '.join(expected)}, found {found}",
                         token.start, token.end, expected)

    def parse(self) -> dict:
        if self.token.type == "end":
            raise QueryError("the expression is empty", 0, 0,
                             ["a condition such as `evaluators has llm_judge`"])
        node = self.expr()
        if self.token.type != "end":
            expected = ["and", "or", "the end of the expression"]
            if self.token.type == ")":
                raise QueryError("unbalanced ')': no '(' is open here", self.token.start,
                                 self.token.end, expected)
            self.fail(expected, "and, or, or the end of the expression")
        return node

    def expr(self) -> dict:
        args = [self.conj()]
        while self.keyword("or"):
            self.advance()
            args.append(self.conj())
        return args[0] if len(args) == 1 else {"op": "or", "args": args}

    def conj(self) -> dict:
        args = [self.unary()]
        while self.keyword("and"):
            self.advance()
            args.append(self.unary())
        return args[0] if len(args) == 1 else {"op": "and", "args": args}

    def unary(self) -> dict:
        if self.keyword("not"):
            self.advance()
            return {"op": "not", "arg": self.unary()}
        return self.atom()

    def atom(self) -> dict:
        token = self.token
        if token.type == "(":
            self.advance()
            node = self.expr()
            if self.token.type != ")":
                if self.token.type == "end":
                    raise QueryError("unbalanced '(': the closing ')' is missing",
                                     token.start, token.end, [")"])
                self.fail([")", "and", "or"])
            self.advance()
            return node
        if token.type == "string":
            self.advance()
            return {"op": "text", "field": "text", "value": _normalise(token.value)}
        if token.type == "ident" and token.value.lower() not in KEYWORDS:
            return self.condition()
        self.fail(["a field", "a quoted text", "not", "("],
                  "a condition (a field such as `evaluators`), a quoted text, 'not' or '('")

    def condition(self) -> dict:
        name = self.advance()
        kind, field_id = self.vocab.resolve(name)
        allowed = FIELD_OPERATORS[kind]
        op_token = self.token
        if op_token.type == "op" or (op_token.type == "ident"
                                     and op_token.value.lower() in ("has", "in", "is")):
            op = op_token.value.lower()
            if op == "==":
                op = "="
            if op not in allowed:
                what = {"facet": "a taxonomy dimension", "tradeoff": "a trade-off level",
                        "kind": "the entry kind", "year": "the year",
                        "text": "a text match", "name": "a text match", "id": "the entry id"}
                raise QueryError(f"{op_token.value!r} does not apply to {field_id} "
                                 f"({what[kind]})", op_token.start, op_token.end, list(allowed))
            self.advance()
        else:
            self.fail(list(allowed), f"an operator after {name.value!r} ("
                      + ", ".join(allowed) + ")")
        if op == "is":
            negate = False
            if self.keyword("not"):
                self.advance()
                negate = True
            if not self.keyword("known", "unknown"):
                self.fail(["known", "unknown"])
            known = self.advance().value.lower() == "known"
            return {"op": "known", "kind": kind, "field": field_id, "known": known != negate}
        if op == "in":
            if kind == "year" and self.token.type == "number" \
                    and self.tokens[self.i + 1].type == "..":
                low = self.value(kind, field_id)
                self.advance()
                if self.token.type != "number":
                    self.fail(["a year"])
                high = self.value(kind, field_id)
                if high < low:
                    raise QueryError(f"empty range: {low} is after {high}", name.start,
                                     self.tokens[self.i - 1].end, [f"{high}..{low}"])
                return {"op": "year", "cmp": "range", "values": [low, high]}
            if self.token.type != "(":
                self.fail(["("], "a list in parentheses such as (a, b)"
                          + (" or a range such as 2022..2024" if kind == "year" else ""))
            self.advance()
            values = [self.value(kind, field_id)]
            while self.token.type == ",":
                self.advance()
                values.append(self.value(kind, field_id))
            if self.token.type != ")":
                self.fail([",", ")"])
            self.advance()
            return self.node(kind, field_id, "in", values)
        value = self.value(kind, field_id)
        if kind in ("text", "name"):
            return {"op": "text", "field": kind, "value": _normalise(value)}
        return self.node(kind, field_id, "has" if op == "=" and kind == "facet" else op,
                         [value])

    def node(self, kind: str, field_id: str, cmp: str, values: list) -> dict:
        if kind == "facet":
            return {"op": kind, "field": field_id, "cmp": cmp, "values": values}
        if kind == "tradeoff":
            # The scale travels with the node, so a tree evaluates against a row alone.
            return {"op": kind, "field": field_id, "cmp": cmp, "values": values,
                    "levels": list(self.vocab.levels)}
        return {"op": kind, "cmp": cmp, "values": values}

    def value(self, kind: str, field_id: str):
        token = self.token
        if token.type not in ("ident", "number", "string"):
            self.fail(["a value"], f"a value for {field_id}")
        self.advance()
        text = token.value
        if kind in ("text", "name"):
            if not text.strip():
                raise QueryError("the text to match is empty", token.start, token.end)
            return text
        if kind == "year":
            if token.type != "number":
                raise QueryError(f"{text!r} is not a year", token.start, token.end,
                                 ["a four-digit year such as 2023"])
            return int(text)
        word = text.lower()
        if kind == "facet":
            allowed = self.vocab.dimensions[field_id]["options"]
            what = f"an option of {field_id}"
        elif kind == "tradeoff":
            allowed = self.vocab.levels
            what = "a trade-off level"
        elif kind == "kind":
            allowed = self.vocab.kinds
            what = "an entry kind"
        else:
            allowed = self.vocab.ids
            what = "an entry id"
        if word not in allowed:
            message = f"{text!r} is not {what}" if kind != "id" else f"no entry has id {text!r}"
            listed = allowed if len(allowed) <= 40 else []
            raise QueryError(message, token.start, token.end, listed, suggest(word, allowed))
        return word


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def parse(expression: str, vocabulary: Vocabulary | dict) -> dict:
    """The syntax tree of `expression` (plain dicts), or a located QueryError."""
    if isinstance(vocabulary, dict):
        vocabulary = Vocabulary.from_index(vocabulary)
    return Parser(expression, vocabulary).parse()


# --- evaluator -----------------------------------------------------------------------------------

def evaluate(node: dict, row: dict) -> bool:
    """Whether one index row satisfies the tree. A comparison on something the entry does not
    record (an unknown trade-off level, a dimension of a stage it does not have) is false;
    `not` is plain negation, so `not (bias_risk <= low)` holds for unknown levels."""
    op = node["op"]
    if op == "and":
        return all(evaluate(arg, row) for arg in node["args"])
    if op == "or":
        return any(evaluate(arg, row) for arg in node["args"])
    if op == "not":
        return not evaluate(node["arg"], row)
    if op == "facet":
        chosen = row["choices"].get(node["field"]) or []
        if not chosen:
            return False
        if node["cmp"] == "!=":
            return node["values"][0] not in chosen
        return any(v in chosen for v in node["values"])
    if op == "tradeoff":
        level = row["tradeoffs"].get(node["field"])
        if level is None:
            return False
        levels = node["levels"]
        return _compare(levels.index(level), node["cmp"],
                        [levels.index(v) for v in node["values"]])
    if op == "known":
        if node["kind"] == "facet":
            present = bool(row["choices"].get(node["field"]))
        else:
            present = row["tradeoffs"].get(node["field"]) is not None
        return present == node["known"]
    if op == "kind":
        return _compare_equal(row["kind"], node["cmp"], node["values"])
    if op == "id":
        return _compare_equal(row["id"], node["cmp"], node["values"])
    if op == "year":
        if node["cmp"] == "range":
            return node["values"][0] <= row["year"] <= node["values"][1]
        return _compare(row["year"], node["cmp"], node["values"])
    if op == "text":
        haystacks = [row.get("short_name", ""), row["name"], *row.get("aliases", ())]
        if node["field"] == "text":
            haystacks.append(row.get("summary", ""))
        return any(node["value"] in _normalise(h) for h in haystacks)
    raise ValueError(f"unknown node {op!r}")


def _compare_equal(actual, cmp: str, values: list) -> bool:
    if cmp == "!=":
        return actual != values[0]
    return actual in values


def _compare(actual: int, cmp: str, values: list[int]) -> bool:
    if cmp in ("in", "="):
        return actual in values
    value = values[0]
    return {"!=": actual != value, "<": actual < value, "<=": actual <= value,
            ">": actual > value, ">=": actual >= value}[cmp]


def fields_of(node: dict) -> list[tuple[str, str]]:
    """(kind, field) of every facet and trade-off the tree mentions, in order, once each."""
    out: list[tuple[str, str]] = []

    def walk(n):
        if n["op"] in ("and", "or"):
            for arg in n["args"]:
                walk(arg)
        elif n["op"] == "not":
            walk(n["arg"])
        elif n["op"] in ("facet", "tradeoff"):
            out.append((n["op"], n["field"]))
        elif n["op"] == "known":
            out.append((n["kind"], n["field"]))
    walk(node)
    return list(dict.fromkeys(out))
