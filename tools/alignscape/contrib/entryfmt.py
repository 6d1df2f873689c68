"""The canonical layout of an entry file, by moving lines, never by re-emitting YAML.

An entry is split into blocks: a key line, its value's lines, and the comment lines just above
it (a comment belongs to the key it precedes). Blocks are put in the canonical key order at the
top level and in the mappings listed in `_order_for`; within a block nothing is rewritten, so
comments, quoting, folded text and flow lists stay exactly as their author wrote them and a
diff shows only what moved. Then: LF line ends, no trailing spaces, no runs of blank lines, no
blank lines at either end, one final newline.

Why not a YAML round-trip (ruamel.yaml): it re-flows folded scalars, re-quotes strings and moves
comments that sit between keys, which makes the first formatting of a hand-written catalog a
large diff of changes nobody asked for; and it would be a dependency of the pre-commit hook. The
safety net is the same either way: the formatted text must load to the same data as the
original (`format_entry` raises FormatRefused otherwise), checked on every file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader

TOP_LEVEL = ("id", "kind", "short_name", "name", "aliases", "year", "venue", "cite",
             "references", "arxiv", "links", "summary", "pipeline", "experiments", "training",
             "uses_data", "builds_on", "tradeoffs", "run", "notes")
LINKS = ("paper", "code", "data", "model", "project", "demo")
# Inside a stage: the way out of classifying first, then the taxonomy's dimensions in taxonomy
# order, then the stage's descriptive facts, then where the classification comes from.
STAGE_HEAD = ("not_applicable", "open")
STAGE_TAIL = ("responses_per_prompt", "models", "aspects", "judge_models", "size", "evidence",
              "confidence")
TRAINING_TAIL = ("objectives", "evidence", "confidence")
SIZE = ("count", "unit", "note")
TRADEOFF = ("level", "why", "cite")

_KEY = re.compile(r"""^( *)([A-Za-z_][\w-]*|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)""")


class FormatRefused(Exception):
    """The file cannot be formatted safely (it does not load, or formatting would change it)."""


@dataclass
class Vocabulary:
    """What the canonical order needs from the taxonomy: stage ids and dimension ids in order."""
    stages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pipeline: tuple[str, ...] = ()
    training: tuple[str, ...] = ()

    @classmethod
    def from_taxonomy(cls, taxonomy) -> Vocabulary:
        stages = {g.id: tuple(d.id for d in g.dimensions) for g in taxonomy.stages}
        pipeline = tuple(d.id for g in taxonomy.groups if g.kind == "pipeline"
                         for d in g.dimensions)
        training = tuple(d.id for g in taxonomy.groups if g.kind == "training"
                         for d in g.dimensions)
        return cls(stages, pipeline, training)

    def order_for(self, path: tuple[str, ...]) -> tuple[str, ...] | None:
        """The key order of the mapping at `path`, or None to leave it as written."""
        if path == ():
            return TOP_LEVEL
        if path == ("links",):
            return LINKS
        if path in (("pipeline",), ("experiments",)):
            return (*self.stages, *self.pipeline)
        if len(path) == 2 and path[0] in ("pipeline", "experiments") and path[1] in self.stages:
            return (*STAGE_HEAD, *self.stages[path[1]], *STAGE_TAIL)
        if len(path) == 3 and path[0] in ("pipeline", "experiments") and path[2] == "size":
            return SIZE
        if path == ("training",):
            return (*self.training, *TRAINING_TAIL)
        if len(path) == 2 and path[0] == "tradeoffs":
            return TRADEOFF
        return None

    def descends(self, path: tuple[str, ...]) -> bool:
        """Whether a mapping below `path` may be reordered."""
        return path == () or path[0] in ("links", "pipeline", "experiments", "training",
                                         "tradeoffs")


@dataclass
class _Block:
    key: str
    lines: list[str]  # leading comments, the key line, the value's lines
    head: int         # index of the key line within `lines`


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _split(lines: list[str], indent: int):
    """(lines before the first key, blocks, lines after the last) or None if the mapping holds
    anything but plain `key:` lines at `indent` (a `? key`, a flow mapping...)."""
    head: list[str] = []
    blocks: list[_Block] = []
    pending: list[str] = []
    for line in lines:
        if _is_filler(line):
            pending.append(line)
            continue
        match = _KEY.match(line)
        if match and len(match.group(1)) == indent:
            key = match.group(2).strip("\"'")
            if not blocks:  # a comment block set off by a blank line heads the mapping
                cut = max((i + 1 for i, p in enumerate(pending) if not p.strip()), default=0)
                head, pending = pending[:cut], pending[cut:]
            pending = [p for p in pending if p.strip()]  # no blank lines between keys
            blocks.append(_Block(key, [*pending, line], len(pending)))
            pending = []
        elif blocks and _indent(line) >= indent:
            blocks[-1].lines += [*pending, line]
            pending = []
        else:
            return None
    return head, blocks, pending


def _reorder(lines: list[str], indent: int, path: tuple[str, ...], vocab: Vocabulary):
    split = _split(lines, indent)
    if split is None:
        return lines
    head, blocks, tail = split
    if len({b.key for b in blocks}) != len(blocks):
        return lines  # a duplicate key: validation reports it, formatting would hide it
    for block in blocks:
        child_path = (*path, block.key)
        key_line = block.lines[block.head]
        value = key_line.split(":", 1)[1].split(" #", 1)[0].strip()
        children = block.lines[block.head + 1:]
        first = next((c for c in children if not _is_filler(c)), None)
        if (value == "" and first is not None and _indent(first) > indent
                and _KEY.match(first) and vocab.descends(child_path)):
            block.lines[block.head + 1:] = _reorder(children, _indent(first), child_path, vocab)
    order = vocab.order_for(path)
    if order is not None:
        rank = {key: i for i, key in enumerate(order)}
        blocks = [b for _, b in sorted(enumerate(blocks), key=lambda item: (
            rank.get(item[1].key, len(rank)), item[0]))]
    return [*head, *(line for b in blocks for line in b.lines), *tail]


def _tidy(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def load(text: str):
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - the C safe loader
    except yaml.YAMLError as exc:
        raise FormatRefused(f"not valid YAML ({str(exc).splitlines()[0]})") from None


def format_entry(text: str, vocab: Vocabulary) -> str:
    """`text` in the canonical layout. FormatRefused if it does not load, or would not load to
    the same data afterwards."""
    before = load(text)
    if not isinstance(before, dict):
        raise FormatRefused("not a mapping of entry fields")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    formatted = "\n".join(_tidy(_reorder(_tidy(lines), 0, (), vocab))) + "\n"
    if load(formatted) != before:
        raise FormatRefused("formatting would change what the file says; left as it is "
                            "(trailing spaces or blank lines inside a literal block?)")
    return formatted
