"""Entry pages without mkdocs: after `mkdocs build`, every entry's content, rendered straight
to HTML (pages/entries.py, entry.html.j2), is stamped into the shell page mkdocs rendered
(shell.py), and the entries are added to the search index (search_index.py) and the sitemap
(sitemap.py). serve's live rebuild stamps the edited entries the same way (incremental.py).

The shell mkdocs rendered is moved out of the published site into build/entry-shell.html, where
a live rebuild finds it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.site import search_index, shell, sitemap
from alignscape.site.context import PageContext
from alignscape.site.errors import SiteError
from alignscape.site.pages.entries import description, render_entries, search_tags


@dataclass
class Stamped:
    pages: list[str] = field(default_factory=list)  # site-relative files written
    records: dict[str, list[dict]] = field(default_factory=dict)  # page -> search records
    seconds: float = 0.0


def kept_shell(out: Path) -> Path:
    return out / "entry-shell.html"


def load_shell(out: Path) -> shell.Shell:
    path = kept_shell(out)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SiteError(f"{path}: the entry page shell of the last build is missing "
                        f"({exc.strerror}); rebuild the site") from None
    return shell.Shell.parse(text, str(path))


def stamp_entries(ctx: PageContext, site: Path, page_shell: shell.Shell,
                  ids=None) -> Stamped:
    """Write entries/<id>.html under `site` for every entry (or `ids`); returns what was
    written and each page's search records."""
    started = time.perf_counter()
    done = Stamped()
    folder = site / "entries"
    folder.mkdir(parents=True, exist_ok=True)
    for entry, body, headings in render_entries(ctx, ids, progress=ids is None):
        name = f"{entry.id}.html"
        page = page_shell.stamp(title=entry.label, description=description(entry),
                                file=name, first=headings.first, toc=headings.toc,
                                body=body)
        target = folder / name
        if ids is None:
            target.write_text(page, encoding="utf-8")
        else:  # a served site: never show a half-written page
            part = target.with_name(name + ".part")
            part.write_text(page, encoding="utf-8")
            os.replace(part, target)
        relative = f"entries/{name}"
        done.pages.append(relative)
        done.records[relative] = [search_index.entry_record(entry, search_tags(entry))]
    done.seconds = time.perf_counter() - started
    return done


def finish_build(ctx: PageContext, out: Path, site: Path) -> Stamped:
    """After `mkdocs build` into `site`: keep the shell, stamp every entry page, add them to
    the search index and the sitemap."""
    rendered = site / "entries" / f"{shell.NAME}.html"
    if not rendered.is_file():
        raise SiteError(f"{rendered}: mkdocs did not render the entry page shell")
    keep = kept_shell(out)
    os.replace(rendered, keep)
    page_shell = load_shell(out)
    done = stamp_entries(ctx, site, page_shell)
    if (site / search_index.INDEX).is_file():
        index = search_index.read(site)
        index["docs"] = search_index.patched(index["docs"], done.records)
        search_index.write(site, index)
    map_path = site / "sitemap.xml"
    if map_path.is_file():
        text = sitemap.with_entries(map_path.read_text(encoding="utf-8"),
                                    sorted(ctx.catalog.entries), str(map_path))
        sitemap.write(site, text)
    return done
