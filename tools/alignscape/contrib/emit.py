"""Write a draft entry (plain data) as YAML in the catalog's house style: block mappings, flow
lists of short scalars, long prose folded (`>-`) at the line length, keys in canonical order
(the formatter's), so a fresh draft is already what `alignscape fmt` would leave."""

from __future__ import annotations

import json
import re
import textwrap

import yaml

from alignscape.contrib.entryfmt import Vocabulary, format_entry

WIDTH = 96
PROSE = frozenset({"summary", "evidence", "open", "not_applicable", "why", "notes", "note"})
_PLAIN = re.compile(r"^[A-Za-z0-9_(][^\n\t\"'`]*$")


def scalar(value) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if (_PLAIN.match(text) and text == text.strip() and ": " not in text and " #" not in text
            and not text.endswith(":") and _loads(text) == text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _loads(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _folded(text: str, indent: int) -> list[str] | None:
    if "\n" in text or "  " in text or text != text.strip() or not text:
        return None
    lines = textwrap.wrap(text, width=max(40, WIDTH - indent), break_long_words=False,
                          break_on_hyphens=False)
    if any(line.startswith(("#", " ")) for line in lines):
        return None
    return [" " * indent + line for line in lines]


def _lines(data: dict, indent: int) -> list[str]:
    pad = " " * indent
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            if value:
                out.append(f"{pad}{key}:")
                out += _lines(value, indent + 2)
            else:
                out.append(f"{pad}{key}: {{}}")
        elif isinstance(value, list):
            items = [scalar(v) for v in value]
            if all(not isinstance(v, dict | list) for v in value) and all(
                    not any(c in i for c in ",[]{}") for i in items):
                out.append(f"{pad}{key}: [{', '.join(items)}]")
            else:
                out.append(f"{pad}{key}:")
                for item in value:
                    out.append(f"{pad}  - {scalar(item)}")
        elif key in PROSE and isinstance(value, str) and len(value) > 60 and (
                folded := _folded(value, indent + 2)):
            out.append(f"{pad}{key}: >-")
            out += folded
        else:
            out.append(f"{pad}{key}: {scalar(value)}")
    return out


def dump_entry(data: dict, vocab: Vocabulary) -> str:
    text = "\n".join(_lines(data, 0)) + "\n"
    if yaml.safe_load(text) != data:  # a bug here, never the contributor's input
        raise RuntimeError("the draft emitter would lose data")
    return format_entry(text, vocab)
