"""The headings of a page rendered straight to HTML (entry pages, which mkdocs never sees),
written as Python-Markdown's toc extension writes them under site/mkdocs.yml's settings
(`toc: permalink: true`): the same ids (its slugify, made unique on the page the way it does),
the same permalink, and the table of contents the theme's sidebar lists."""

from __future__ import annotations

import html

from markdown.extensions.toc import slugify, unique
from markupsafe import Markup

from alignscape.site.safety import md_escape

PERMALINK = '<a class="headerlink" href="#{id}" title="Permanent link">&para;</a>'


class Headings:
    """Called from a template: `heading(2, "Lineage", exclude=True)` prints the heading and
    records it. `toc` lists the (id, escaped title) of the headings below the page's h1,
    which is what the theme's table of contents shows. With `markdown`, the headings are
    printed as the Markdown the toc extension reads (`## Lineage { data-search-exclude }`),
    for a page other engines build from build/docs."""

    def __init__(self, markdown: bool = False) -> None:
        self.markdown = markdown  # print Markdown headings (the page as a .md file) instead
        self.ids: set[str] = set()
        self.toc: list[tuple[str, str]] = []
        self.first: str | None = None  # the page's h1 id: the "skip to content" target

    def __call__(self, level: int, text: str, anchor: str | None = None,
                 exclude: bool = False) -> Markup:
        text = " ".join(str(text).split())
        ident = unique(anchor or slugify(text, "-"), self.ids)
        title = html.escape(text, quote=False)
        if self.first is None:
            self.first = ident
        if level == 2:
            self.toc.append((ident, title))
        if self.markdown:
            attrs = " ".join(([f"#{anchor}"] if anchor else []) +
                             (["data-search-exclude"] if exclude else []))
            return Markup("#" * level + " " + md_escape(text)
                          + (f" {{ {attrs} }}" if attrs else ""))
        attrs = " data-search-exclude" if exclude else ""
        return Markup(f'<h{level}{attrs} id="{ident}">{title}'
                      f'{PERMALINK.format(id=ident)}</h{level}>')
