"""The shell of an entry page: one page mkdocs renders at an entry page's place
(entries/as-shell.md, a name no entry id can take), with markers where entry pages differ.
Stamping an entry into it is string substitution, so the 10,000 entry pages cost mkdocs
nothing and still carry the theme's exact header, navigation, palette toggle, sidebar and
footer.

What differs per page: the <title> and header topic (the page title), the meta description,
the canonical address (the page's file name), the "skip to content" link (the h1's id), the
table of contents (one sidebar item per h2, cut from the shell's one item) and the article's
content (the shell's h1 up to the end of its one h2). Anything else left of a marker is an
error: a theme update that moved one must not publish 10,000 pages with the shell's text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from alignscape.site.errors import SiteError

NAME = "as-shell"  # ids match ^[a-z0-9][a-z0-9_]+$: no entry page is called this
SOURCE = f"entries/{NAME}.md"
TITLE = "ASSHELLTITLE"
DESCRIPTION = "ASSHELLDESCRIPTION"
HEAD = "asshellhead"
TOC = "asshelltoc"
MARKDOWN = f"""---
title: {TITLE}
description: {DESCRIPTION}
search:
  exclude: true
---
# {HEAD}

ASSHELLBODY

## {TOC}
"""

_SLOTS = re.compile("|".join(map(re.escape, (TITLE, DESCRIPTION, f"{NAME}.html",
                                             f'href="#{HEAD}"'))))
_SLOT_NAMES = {TITLE: "title", DESCRIPTION: "description", f"{NAME}.html": "file",
               f'href="#{HEAD}"': "skip"}


@dataclass
class Shell:
    parts: list[str | tuple[str]]  # literal text, or (slot,)
    toc_item: str  # one sidebar item: the marker `asshelltoc` is its anchor and its title

    @classmethod
    def parse(cls, page: str, where: str) -> Shell:
        """The rendered shell page (`where` names it in errors) cut at its markers."""
        start = page.find(f'<h1 id="{HEAD}">')
        toc_heading = page.find(f'<h2 id="{TOC}">')
        end = page.find("</h2>", toc_heading)
        item_at = page.find(f'href="#{TOC}"')
        item_start = page.rfind('<li class="md-nav__item">', 0, item_at)
        item_end = page.find("</li>", item_at)
        if min(start, toc_heading, end, item_at, item_start, item_end) < 0 or not (
                item_end < start):
            raise SiteError(f"{where}: the theme's entry page shell lost its markers (its "
                            "content or table of contents is not where site/shell.py expects)")
        item_end += len("</li>")
        toc_item = page[item_start:item_end]
        head = page[:item_start] + "\x00toc\x00" + page[item_end:start]
        tail = page[end + len("</h2>"):]
        parts: list[str | tuple[str]] = []
        for chunk, slot in ((head, None), ("", "body"), (tail, None)):
            if slot:
                parts.append((slot,))
                continue
            for piece in re.split(r"\x00(toc)\x00", chunk):
                if piece == "toc":
                    parts.append(("toc",))
                    continue
                at = 0
                for match in _SLOTS.finditer(piece):
                    parts.append(piece[at:match.start()])
                    parts.append((_SLOT_NAMES[match.group(0)],))
                    at = match.end()
                parts.append(piece[at:])
        left = [m for m in (TITLE, DESCRIPTION, HEAD, TOC, "ASSHELLBODY", NAME)
                if any(isinstance(p, str) and m in p for p in parts)]
        if left:
            raise SiteError(f"{where}: a marker of the entry page shell is in a place "
                            f"site/shell.py does not fill: {', '.join(left)}")
        if ("title",) not in parts:
            raise SiteError(f"{where}: the entry page shell has no page title")
        return cls(parts, toc_item)

    def stamp(self, *, title: str, description: str, file: str, first: str | None,
              toc: list[tuple[str, str]], body: str) -> str:
        """An entry page: `title` and `description` are plain text (escaped here), `toc`
        (anchor, escaped title) pairs from site/headings.py, `body` the content's HTML."""
        items = "".join(
            self.toc_item.replace(f'href="#{TOC}"', f'href="#{anchor}"').replace(TOC, label)
            for anchor, label in toc)
        values = {"title": html.escape(title), "description": html.escape(description),
                  "file": file, "skip": f'href="#{first or ""}"', "toc": items, "body": body}
        return "".join(p if isinstance(p, str) else values[p[0]] for p in self.parts)
