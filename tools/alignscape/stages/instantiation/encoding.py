"""JSON text of the pipeline's lines: input lines read, output rows and provenance written.

orjson (the [pipeline] extra) does the work: the runner spends most of its time turning
dicts into JSON and back, and orjson does that several times faster than the json module.
The base install lists stages and prints recipes without it, so the json module stands in
there; both write compact separators and keep non-ASCII text, so the text is the same except
the spelling of float exponents (1e16 vs 1e+16) and NaN (null vs NaN).
"""

from __future__ import annotations

import json

try:
    import orjson
except ImportError:  # the base install: nothing runs, but stages must import
    orjson = None

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
_compact_sorted = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                                   default=str).encode
# orjson reads integers beyond 64 bits as floats (silently rounding an id); json keeps them.
# A line with a run of 19 digits anywhere goes to json (digits mapped to 0, then one substring
# search: several times cheaper than a regular expression).
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def _default(value):
    """What json's default=str gives: float subclasses (numpy's float64) stay numbers,
    anything else unknown becomes its str()."""
    if isinstance(value, float):
        return float(value)
    return str(value)


if orjson is not None:
    # Dataclasses and datetimes through default, as the json module would (str of them).
    _OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | \
        orjson.OPT_PASSTHROUGH_DATETIME
    _dumps, _SORTED = orjson.dumps, _OPTIONS | orjson.OPT_SORT_KEYS

    def line(value) -> bytes:
        """One output line's JSON (without the newline)."""
        try:
            return _dumps(value, default=_default, option=_OPTIONS)
        except TypeError:  # an integer beyond 64 bits: only json can write it exactly
            return _compact(value).encode()

    _LINE = _OPTIONS | orjson.OPT_APPEND_NEWLINE

    def lines(rows, buf: bytearray) -> int:
        """Append each row's line (JSON and a newline) to ``buf``; returns the rows."""
        n = 0
        for row in rows:
            try:
                buf += _dumps(row, default=_default, option=_LINE)
            except TypeError:
                buf += _compact(row).encode()
                buf += b"\n"
            n += 1
        return n

    def sorted_text(value) -> str:
        """JSON text with sorted keys (provenance: one text whatever the order of keys)."""
        try:
            return _dumps(value, default=_default, option=_SORTED).decode()
        except TypeError:
            return _compact_sorted(value)

    def loads(raw: bytes):
        """Parse one UTF-8 line; raises ValueError (UnicodeDecodeError, or
        json.JSONDecodeError with json's message and column) when it is not JSON."""
        if _LONG_RUN not in raw.translate(_DIGITS):
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                pass  # json says where, and reads what orjson refuses (NaN) as before
        return json.loads(raw.decode("utf-8"))
else:
    def line(value) -> bytes:
        return _compact(value).encode()

    def lines(rows, buf: bytearray) -> int:
        n = 0
        for row in rows:
            buf += _compact(row).encode()
            buf += b"\n"
            n += 1
        return n

    def sorted_text(value) -> str:
        return _compact_sorted(value)

    def loads(raw: bytes):
        return json.loads(raw.decode("utf-8"))
