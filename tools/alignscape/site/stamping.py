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
from alignscape.site.pages.entries import (
    description,
    prepare_entry_pages,
    render_entries,
    search_tags,
)


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
                  ids=None, atomic: bool | None = None) -> Stamped:
    """Write entries/<id>.html under `site` for every entry (or `ids`); returns what was
    written and each page's search records. `atomic` (default: when `ids` are given, as in a
    live rebuild of a served site) writes each page beside its place and moves it in."""
    atomic = ids is not None if atomic is None else atomic
    started = time.perf_counter()
    done = Stamped()
    folder = site / "entries"
    folder.mkdir(parents=True, exist_ok=True)
    for entry, body, headings in render_entries(ctx, ids, progress=not atomic and ids is None):
        name = f"{entry.id}.html"
        page = page_shell.stamp(title=entry.label, description=description(entry),
                                file=name, first=headings.first, toc=headings.toc,
                                body=body)
        target = folder / name
        if not atomic:
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


# Entry pages are independent of one another: a large catalog is stamped by one forked worker
# per core (each inherits the built context; only the search records come back). Below this
# many entries the fork costs more than it saves.
PARALLEL_FROM = 1000
_WORKER: list = []  # (ctx, site, shell) of the build being stamped, for forked workers


def _stamp_chunk(ids: list[str]) -> dict[str, list[dict]]:
    ctx, site, page_shell = _WORKER[0]
    return stamp_entries(ctx, site, page_shell, ids, atomic=False).records


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def stamp_in_parallel(ctx: PageContext, site: Path, page_shell: shell.Shell) -> Stamped:
    """stamp_entries over every entry, split across forked workers when that pays."""
    import multiprocessing

    ids = sorted(ctx.catalog.entries)
    workers = _workers()
    if (workers < 2 or len(ids) < PARALLEL_FROM
            or "fork" not in multiprocessing.get_all_start_methods()):
        return stamp_entries(ctx, site, page_shell)
    started = time.perf_counter()
    (site / "entries").mkdir(parents=True, exist_ok=True)
    prepare_entry_pages(ctx)
    size = -(-len(ids) // (workers * 4))  # a few chunks per worker evens out their pace
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    _WORKER[:] = [(ctx, site, page_shell)]
    done = Stamped()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for n, records in enumerate(pool.imap(_stamp_chunk, chunks), 1):
                done.records.update(records)
                ctx.progress(f"  entry pages: {min(n * size, len(ids))}/{len(ids)} "
                             f"({workers} workers)")
    finally:
        _WORKER.clear()
    done.pages = [f"entries/{i}.html" for i in ids]
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
    done = stamp_in_parallel(ctx, site, page_shell)
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
