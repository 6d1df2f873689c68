"""site/docs/query.md is true: its Python examples run as doctests, every command it shows
runs, and every query expression it quotes parses."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
from pathlib import Path

import pytest

from alignscape.cli import main
from alignscape.query import parse

DOC = Path(__file__).resolve().parents[2] / "site" / "docs" / "query.md"
COMMANDS = [line[2:] for line in re.findall(
    r"```console\n(.*?)```", DOC.read_text(), flags=re.S) for line in line.splitlines()]


def test_python_examples(project_root, monkeypatch):
    monkeypatch.chdir(project_root)
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=(
        doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL))
    assert result.attempted > 10
    assert result.failed == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_run(command, project_root, monkeypatch):
    monkeypatch.chdir(project_root)
    args = shlex.split(command)
    assert args[0] == "alignscape"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(args[1:])
    assert code == 0, command
    assert out.getvalue().strip(), command


PROSE = {"low < medium < high"}  # code spans that look like expressions but are not


def test_quoted_expressions_parse(real_index):
    text = re.sub(r"```.*?```", "", DOC.read_text(), flags=re.S)
    quoted = re.findall(r"`([^`]+)`", text)
    candidates = [q for q in quoted if re.search(r" (has|in|~|<=?|>=?|!?=|is) ", q)
                  and not q.startswith(("alignscape", "$", "--")) and q not in PROSE]
    assert len(candidates) > 10
    for expression in candidates:
        parse(expression, real_index)


def test_error_example_is_current(real_index):
    text = DOC.read_text()
    block = re.search(r"```text\n\$ alignscape query \"(.*?)\"\n(.*?)```", text, re.S)
    expression, shown = block.group(1), block.group(2)
    from alignscape.query import QueryError

    with pytest.raises(QueryError) as caught:
        parse(expression, real_index)
    formatted = "alignscape query: " + caught.value.format(expression)
    shown_lines = shown.splitlines()
    assert formatted.splitlines()[:4] == shown_lines[:4]
    assert shown_lines[4].startswith(formatted.splitlines()[4].split(", reference_metric")[0]
                                     .split(", self_judgement")[0])
