"""Large HTML blocks kept out of mkdocs: a page template wraps a block that grows with the
catalog (the list of every entry, the lineage table) in `{% call deferred("name") %}`; the
Markdown page then holds only an empty marker pair, mkdocs renders the small page, and the
block is filled in between the markers of the HTML it wrote. Python-Markdown would only have
passed the block through as raw HTML (no Markdown inside, no links it rewrites or checks), at a
cost that grows with its size; serve's live rebuild refills a changed block in the served page
without mkdocs at all.

Only pages excluded from the theme's search defer blocks: the search plugin indexes what
mkdocs rendered, which no longer holds the block. Without mkdocs (the entry pages as Markdown
for another engine) a block stays inline.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from markupsafe import Markup

from alignscape.site.errors import SiteError

_NAME = re.compile(r"^[a-z0-9-]+$")


def begin(name: str) -> str:
    return f"<!--as-fill:{name}-->"


def end(name: str) -> str:
    return f"<!--/as-fill:{name}-->"


def marker(name: str) -> Markup:
    """The empty marker pair a deferred block leaves in the Markdown page, as a raw HTML
    block of its own."""
    if not _NAME.match(name):
        raise ValueError(f"a deferred block's name must match {_NAME.pattern}: {name!r}")
    # Each marker a block of its own: Python-Markdown moves the second of two comments on one
    # line to the end of the page.
    return Markup(f"\n\n{begin(name)}\n\n{end(name)}\n\n")


def html_path(relative: str) -> str:
    """The file mkdocs writes for the Markdown page `relative` (use_directory_urls: false)."""
    return relative[:-len(".md")] + ".html"


def filled(page: str, blocks: dict[str, str], where: str) -> str:
    """`page` (rendered HTML) with each block between its markers, replacing what was there."""
    for name, block in blocks.items():
        start = page.find(begin(name))
        stop = page.find(end(name), start)
        if start < 0 or stop < 0:
            raise SiteError(f"{where}: the deferred block {name!r} has no markers in the "
                            "rendered page (did the theme or the Markdown drop an HTML comment?)")
        start += len(begin(name))
        page = page[:start] + block + page[stop:]
    return page


def fill_site(site: Path, deferred: dict[str, dict[str, str]]) -> list[str]:
    """Fill every page's deferred blocks into the HTML under `site`; returns the site-relative
    files whose content changed (each written beside its place and moved in, as a served site
    needs)."""
    changed = []
    for relative, blocks in sorted(deferred.items()):
        target = site / html_path(relative)
        try:
            before = target.read_text(encoding="utf-8")
        except OSError as exc:
            raise SiteError(f"{target}: the page with deferred blocks is missing "
                            f"({exc.strerror})") from None
        after = filled(before, blocks, str(target))
        if after != before:
            part = target.with_name(target.name + ".part")
            part.write_text(after, encoding="utf-8")
            os.replace(part, target)
            changed.append(html_path(relative))
    return changed
