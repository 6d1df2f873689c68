"""A column store of the explorer index for the command line's cold start.

Decoding 10,000 index rows costs a third of a second in any serialisation, which is most of a
cold query's budget. This store keeps, per option of every dimension, per trade-off level, per
kind and per year, the set of matching rows as a bit set (a Python int), so a condition is a
dictionary lookup and `and`/`or`/`not` are `&`, `|`, `~`. Only ids, names, kinds and years are
kept per row; texts for `~` are loaded only when an expression matches text.

It evaluates the same trees as alignscape.querylang.evaluate, with the same comparison
helpers; tests/query/test_query_columns.py checks the two agree on hundreds of random
expressions, and the benchmark checks it against the uncached path.
"""

from __future__ import annotations

import hashlib
import marshal

from alignscape.querylang import _compare, _compare_equal, _normalise

# Separates a row's name and aliases in the text column; normalised text never holds a newline,
# so a phrase cannot match across two of them.
SEPARATOR = "\n"


def build(index: dict) -> tuple[dict, dict]:
    """(columns, texts) of an explorer index, as plain data for marshal."""
    rows = index["entries"]
    # Row numbers per option (etc.) first, each bit set made once at the end: or-ing 10,000
    # growing ints one bit at a time copies them every time (a third of a second here).
    facet: dict[str, dict[str, list]] = {
        d["id"]: {o["id"]: [] for o in d["options"]} for d in index["dimensions"]}
    recorded: dict[str, list] = {d["id"]: [] for d in index["dimensions"]}
    levels: dict[str, dict[str, list]] = {d["id"]: {} for d in index["tradeoffs"]["dimensions"]}
    kinds: dict[str, list] = {}
    years: dict[int, list] = {}
    for n, row in enumerate(rows):
        for dim, options in row["choices"].items():
            if options:
                recorded.setdefault(dim, []).append(n)
                table = facet.setdefault(dim, {})
                for option in options:
                    table.setdefault(option, []).append(n)
        for dim, level in row["tradeoffs"].items():
            if level is not None:
                levels.setdefault(dim, {}).setdefault(level, []).append(n)
        kinds.setdefault(row["kind"], []).append(n)
        years.setdefault(row["year"], []).append(n)
    size = len(rows)
    vocabulary = {key: value for key, value in index.items() if key != "entries"}
    columns = {
        "vocabulary": vocabulary, "count": size, "tokens": _tokens(rows),
        "ids": [r["id"] for r in rows], "names": [r["name"] for r in rows],
        "kinds": [r["kind"] for r in rows], "years": [r["year"] for r in rows],
        "facet": {dim: _bit_sets(table, size) for dim, table in facet.items()},
        "recorded": _bit_sets(recorded, size),
        "levels": {dim: _bit_sets(table, size) for dim, table in levels.items()},
        "kind_bits": _bit_sets(kinds, size), "year_bits": _bit_sets(years, size),
    }
    pairs = [_texts(r) for r in rows]
    texts = {"names": [p[0] for p in pairs], "summaries": [p[1] for p in pairs]}
    return columns, texts


def _tokens(rows: list[dict]) -> list[bytes]:
    """A short digest of each row, so the next build can tell which rows changed."""
    # marshal version 0 writes values only (no references, no interning flags): equal rows give
    # equal bytes, however they were made
    return [hashlib.blake2b(marshal.dumps(row, 0), digest_size=8).digest() for row in rows]


# More changed rows than this and building from scratch is cheaper than patching.
PATCH_LIMIT = 64


def patch(old: tuple[dict, dict], index: dict) -> tuple[dict, dict] | None:
    """build(index) from the columns and texts of an earlier index when only a few rows
    changed in place (an entry edited: the usual case after one edit), else None. Each changed
    row's bit is cleared from every bit set and set again from the new row."""
    columns, texts = old
    rows = index["entries"]
    vocabulary = {key: value for key, value in index.items() if key != "entries"}
    if (columns.get("vocabulary") != vocabulary or columns.get("count") != len(rows)
            or len(columns.get("tokens", ())) != len(rows)
            or columns["ids"] != [r["id"] for r in rows]):
        return None
    tokens = _tokens(rows)
    changed = [n for n, (a, b) in enumerate(zip(columns["tokens"], tokens, strict=True))
               if a != b]
    if len(changed) > PATCH_LIMIT:
        return None
    columns = dict(columns, tokens=tokens, names=list(columns["names"]),
                   kinds=list(columns["kinds"]), years=list(columns["years"]))
    texts = {"names": list(texts["names"]), "summaries": list(texts["summaries"])}
    tables = [dict(t) for t in columns["facet"].values()]
    columns["facet"] = dict(zip(columns["facet"], tables, strict=True))
    columns["levels"] = {dim: dict(t) for dim, t in columns["levels"].items()}
    for name in ("recorded", "kind_bits", "year_bits"):
        columns[name] = dict(columns[name])
    for n in changed:
        keep = ~(1 << n)
        for table in (*columns["facet"].values(), *columns["levels"].values(),
                      columns["recorded"], columns["kind_bits"], columns["year_bits"]):
            for key, bits in table.items():
                if bits >> n & 1:
                    table[key] = bits & keep
        row, bit = rows[n], 1 << n
        for dim, options in row["choices"].items():
            if options:
                columns["recorded"][dim] = columns["recorded"].get(dim, 0) | bit
                table = columns["facet"].setdefault(dim, {})
                for option in options:
                    table[option] = table.get(option, 0) | bit
        for dim, level in row["tradeoffs"].items():
            if level is not None:
                table = columns["levels"].setdefault(dim, {})
                table[level] = table.get(level, 0) | bit
        columns["kind_bits"][row["kind"]] = columns["kind_bits"].get(row["kind"], 0) | bit
        columns["year_bits"][row["year"]] = columns["year_bits"].get(row["year"], 0) | bit
        columns["names"][n], columns["kinds"][n] = row["name"], row["kind"]
        columns["years"][n] = row["year"]
        texts["names"][n], texts["summaries"][n] = _texts(row)
    # what a build from scratch would not hold: levels, kinds and years no row has any more
    for table in (*columns["levels"].values(), columns["kind_bits"], columns["year_bits"]):
        for key in [key for key, bits in table.items() if not bits]:
            del table[key]
    return columns, texts


def _texts(row: dict) -> tuple[str, str]:
    return (SEPARATOR.join(_normalise(t) for t in [row.get("short_name", ""), row["name"],
                                                   *row.get("aliases", ())]),
            _normalise(row.get("summary", "")))


def _bit_sets(table: dict, size: int) -> dict:
    """{key: row numbers} as {key: bit set}, in the same key order."""
    out = {}
    for key, positions in table.items():
        bits = bytearray((size + 7) // 8)
        for n in positions:
            bits[n >> 3] |= 1 << (n & 7)
        out[key] = int.from_bytes(bits, "little")
    return out


class Columns:
    def __init__(self, columns: dict, load_texts=None):
        self.c = columns
        self.all = (1 << columns["count"]) - 1
        self._load_texts = load_texts
        self._texts = None

    def vocabulary_index(self) -> dict:
        """The index without its rows, plus bare ids: what the parser needs."""
        return dict(self.c["vocabulary"], entries=[{"id": i} for i in self.c["ids"]])

    def texts(self) -> dict:
        if self._texts is None:
            self._texts = self._load_texts()
        return self._texts

    def bits(self, node: dict) -> int:
        c, op = self.c, node["op"]
        if op == "and":
            out = self.all
            for arg in node["args"]:
                out &= self.bits(arg)
            return out
        if op == "or":
            out = 0
            for arg in node["args"]:
                out |= self.bits(arg)
            return out
        if op == "not":
            return self.all & ~self.bits(node["arg"])
        if op == "facet":
            table = c["facet"].get(node["field"], {})
            if node["cmp"] == "!=":
                return c["recorded"].get(node["field"], 0) & ~table.get(node["values"][0], 0)
            return _union(table.get(v, 0) for v in node["values"])
        if op == "tradeoff":
            levels = node["levels"]
            wanted = [levels.index(v) for v in node["values"]]
            table = c["levels"].get(node["field"], {})
            return _union(bits for level, bits in table.items()
                          if _compare(levels.index(level), node["cmp"], wanted))
        if op == "known":
            if node["kind"] == "facet":
                present = c["recorded"].get(node["field"], 0)
            else:
                present = _union(c["levels"].get(node["field"], {}).values())
            return present if node["known"] else self.all & ~present
        if op == "kind":
            return _union(bits for kind, bits in c["kind_bits"].items()
                          if _compare_equal(kind, node["cmp"], node["values"]))
        if op == "year":
            if node["cmp"] == "range":
                low, high = node["values"]
                return _union(bits for year, bits in c["year_bits"].items()
                              if low <= year <= high)
            return _union(bits for year, bits in c["year_bits"].items()
                          if _compare(year, node["cmp"], node["values"]))
        if op == "id":
            return _union(1 << n for n, i in enumerate(c["ids"])
                          if _compare_equal(i, node["cmp"], node["values"]))
        if op == "text":
            value, texts = node["value"], self.texts()
            columns = [texts["names"]] + ([texts["summaries"]] if node["field"] == "text" else [])
            out = 0
            for column in columns:
                for n, text in enumerate(column):
                    if value in text:
                        out |= 1 << n
            return out
        raise ValueError(f"unknown node {op!r}")

    def positions(self, node: dict) -> list[int]:
        """Row numbers in the set, ascending (catalog order)."""
        digits = bin(self.bits(node))[:1:-1]  # least significant bit first
        return [n for n, digit in enumerate(digits) if digit == "1"]

    def row(self, n: int, fields: list[tuple[str, str]]) -> dict:
        """A partial index row: id, name, kind, year and the named facets and levels."""
        c, bit = self.c, 1 << n
        choices, levels = {}, {}
        for kind, field in fields:
            if kind == "facet":
                choices[field] = [o for o, b in c["facet"].get(field, {}).items() if b & bit]
            else:
                levels[field] = next((lv for lv, b in c["levels"].get(field, {}).items()
                                      if b & bit), None)
        return {"id": c["ids"][n], "name": c["names"][n], "kind": c["kinds"][n],
                "year": c["years"][n], "choices": choices, "tradeoffs": levels}


def _union(parts) -> int:
    out = 0
    for part in parts:
        out |= part
    return out


def load_columns(cache) -> Columns:
    """The column store of a CatalogCache's index: the fastest way to answer a query from a
    cold process. Stored beside the cached index whenever it is rebuilt (from the index alone:
    after one edit, without building the Catalog). Raises CatalogInvalid like
    CatalogCache.index."""
    import marshal

    built: dict = {}

    def built_from(index):
        if "value" not in built:
            built["value"] = _patched(cache, index) or build(index)
        return built["value"]

    cache.index_artefacts["columns.marshal"] = lambda index: marshal.dumps(built_from(index)[0])
    cache.index_artefacts["texts.marshal"] = lambda index: marshal.dumps(built_from(index)[1])

    def decode(payload, read):
        def texts():
            raw = read("texts.marshal")
            return marshal.loads(raw) if raw is not None else build(cache.index())[1]
        return Columns(marshal.loads(payload), texts)

    def from_index(index):
        data, texts = built_from(index)
        return Columns(data, lambda: texts)

    return cache.artefact("columns.marshal", decode, from_index=from_index)


def _patched(cache, index):
    """patch() from the column store and texts the cache holds for an earlier key, if any."""
    import marshal

    try:
        columns, texts = cache.earlier("columns.marshal"), cache.earlier("texts.marshal")
        if columns is None or texts is None:
            return None
        return patch((marshal.loads(columns), marshal.loads(texts)), index)
    except Exception:  # a store of another shape: build from scratch
        return None
