"""The Jinja2 environment every page is rendered with: templates read as package data,
autoescaping on, undefined names an error, and the escaping filters of safety.py.

Autoescaping means catalog text reaches the Markdown escaped for HTML; the `md` filter adds
Markdown escaping where text lands in prose or a heading, `cell` keeps it on one table line,
`code` puts a query expression into a code span, and `clean` passes HTML fragments built from
catalog text through nh3.
"""

from __future__ import annotations

import functools
import html
import json

import jinja2
from markupsafe import Markup

from alignscape.site.safety import clean, external_link, md_escape


def page_title(text: str) -> str:
    """Front-matter title: HTML-escaped, because themes print it into <title> unescaped."""
    return Markup(json.dumps(html.escape(" ".join(str(text).split()))))


def table_cell(text: object) -> Markup:
    """Escaped text for a Markdown table cell: md_escape (which escapes `|`) on one line."""
    return md_escape(" ".join(str(text).split()))


def code_span(text: object) -> Markup:
    """A query expression as a Markdown code span inside a table. Nothing is interpreted inside
    a code span, but `|` would end the cell, a line break the row and a backtick the span;
    expressions cannot hold a backtick (the lexer refuses them), and text that does is written
    as escaped prose."""
    text = " ".join(str(text).split())
    if "`" in text:
        return md_escape(text)
    return Markup("`" + text.replace("|", "\\|") + "`")


def environment(**globals_) -> jinja2.Environment:
    """A fresh environment over the package's templates with `globals_` added."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("alignscape.site", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    env.filters.update(md=md_escape, external=external_link, clean=clean, title=page_title,
                       cell=table_cell, code=code_span)
    env.globals.update(globals_)
    return env


@functools.cache
def shared_environment() -> jinja2.Environment:
    """One environment without catalog globals, for pages rendered outside a site build
    (the scenario pages, which `alignscape recommend --format markdown` prints too)."""
    return environment()
