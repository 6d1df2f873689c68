"""Safe, located YAML loading for files written by strangers.

Only plain data is accepted: no tags that construct objects, no anchors or aliases (which also
rules out "billion laughs" expansion), no duplicate keys, no tab indentation. Every value keeps the
line and column it came from so that validation can point at it.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 40
_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}
_TIMESTAMP = _STD + "timestamp"
_STR = _STD + "str"

Path_ = tuple  # a field path: ("pipeline", "synthesis", "sources", 0)


class YamlProblem(Exception):
    """A problem that stops a file from being read at all."""

    def __init__(self, code: str, line: int, column: int, message: str, field: str = ""):
        super().__init__(message)
        self.code, self.line, self.column, self.message, self.field = (
            code, line, column, message, field)


@dataclass
class LoadedYaml:
    data: object
    marks: dict = field(default_factory=dict)      # path -> (line, column) of the value
    key_marks: dict = field(default_factory=dict)  # path -> (line, column) of the key

    def locate(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.key_marks if key else self.marks
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_file(path: Path) -> LoadedYaml:
    return load_bytes(read_file(path))


def read_file(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES, else YamlProblem."""
    # A pull request can add a symbolic link (to /dev/zero, to a file outside the repository)
    # or a named pipe: only regular files are read, and never more than the limit.
    try:
        info = path.lstat()
    except OSError as exc:
        raise YamlProblem("Y001", 1, 1, f"cannot read the file: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise YamlProblem("Y012", 1, 1, "the file is a symbolic link (commit the file itself)")
    if not stat.S_ISREG(info.st_mode):
        raise YamlProblem("Y012", 1, 1, "not a regular file (a folder, pipe or device)")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlProblem("Y001", 1, 1, f"cannot read the file: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise YamlProblem("Y005", 1, 1, f"file is {max(info.st_size, len(raw)):,} bytes; "
                          f"entries are limited to {MAX_BYTES:,} bytes")
    return raw


def load_bytes(raw: bytes) -> LoadedYaml:
    if len(raw) > MAX_BYTES:
        raise YamlProblem("Y005", 1, 1,
                          f"file is {len(raw):,} bytes; entries are limited to {MAX_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem("Y006", line, column,
                          f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8",
                          ) from None
    return load_text(text.removeprefix("\ufeff"))


def load_text(text: str) -> LoadedYaml:
    _check_tabs(text)
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "malformed YAML"
        raise YamlProblem("Y001", line, column, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem("Y001", 1, 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem("Y001", 1, 1, "YAML nesting is too deep") from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise YamlProblem("Y004", 1, 1, "the file is empty (expected a mapping of entry fields)")
    if len(documents) > 1:
        mark = documents[1].start_mark
        raise YamlProblem("Y011", mark.line + 1, mark.column + 1,
                          "a second YAML document starts here (expected exactly one)")
    loaded = LoadedYaml(data=None)
    loaded.data = _Builder(loaded).build(documents[0], (), 0, set())
    return loaded


def _check_tabs(text: str) -> None:
    if "\t" not in text:  # nearly every file: no need to look at each line
        return
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            raise YamlProblem("Y003", number, indent.index("\t") + 1,
                              "tab used for indentation (indent with spaces)")


class _Builder:
    """Turns a composed node tree into plain Python data, recording positions.

    This walks every node of every entry, so it avoids PyYAML's generic construct_object for
    scalars: the composer has already resolved each plain scalar's tag, and the constructor
    method of that tag gives the same value directly."""

    def __init__(self, loaded: LoadedYaml):
        self.loaded = loaded
        self.marks = loaded.marks
        self.key_marks = loaded.key_marks
        self.constructor = yaml.constructor.SafeConstructor()
        c = self.constructor
        self.scalars = {_STD + "int": c.construct_yaml_int, _STD + "float": c.construct_yaml_float,
                        _STD + "bool": c.construct_yaml_bool, _STD + "null": c.construct_yaml_null}

    def build(self, node, path, depth, seen):
        start = node.start_mark
        mark = (start.line + 1, start.column + 1)
        self.marks[path] = mark
        if id(node) in seen:
            where = self.key_marks.get(path, mark)
            raise YamlProblem("Y008", *where, "YAML anchors and aliases are not allowed "
                              "(write the value out)", dotted(path))
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise YamlProblem("Y001", *mark, f"nesting deeper than {MAX_DEPTH} levels",
                              dotted(path))
        tag = node.tag
        if tag == _STR or tag == _TIMESTAMP:
            if isinstance(node, yaml.ScalarNode):
                return node.value  # a date stays the text it was written as
        elif tag not in _PLAIN_TAGS:
            raise YamlProblem("Y007", *mark, f"YAML tag {tag!r} is not allowed "
                              "(entries hold plain strings, numbers, lists and mappings)",
                              dotted(path))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, seen)
        if isinstance(node, yaml.SequenceNode):
            depth += 1
            return [self.build(child, (*path, i), depth, seen)
                    for i, child in enumerate(node.value)]
        scalar = self.scalars.get(tag)
        if scalar is not None and isinstance(node, yaml.ScalarNode):
            return scalar(node)
        return self.constructor.construct_object(node, deep=True)

    def _mapping(self, node, path, depth, seen):
        out = {}
        key_marks = self.key_marks
        depth += 1
        for key_node, value_node in node.value:
            if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
                key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key_node.tag == _STD + "merge":
                    raise YamlProblem("Y008", *key_mark, "YAML merge keys (<<) are not allowed",
                                      dotted(path))
                shown = getattr(key_node, "value", "?")
                raise YamlProblem("Y010", *key_mark,
                                  f"key {shown!r} is not a string (quote it)", dotted(path))
            key = key_node.value
            here = (*path, key)
            if key in out:
                key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                first = key_marks[here]
                raise YamlProblem("Y002", *key_mark,
                                  f"duplicate key {key!r} (first defined on line {first[0]})",
                                  dotted(here))
            start = key_node.start_mark
            key_marks[here] = (start.line + 1, start.column + 1)
            out[key] = self.build(value_node, here, depth, seen)
        return out
