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
    (site / "entries").mkdir(parents=True, exist_ok=True)
    for page in _rendered(ctx, ids, progress=not atomic and ids is None):
        _write(ctx, site, page_shell, page, atomic, done)
    done.seconds = time.perf_counter() - started
    return done


# (entry id, title, description, first heading's anchor, table of contents, content HTML):
# an entry page but for the shell it is stamped into.
RenderedPage = tuple[str, str, str, str | None, list, str]


def _rendered(ctx: PageContext, ids, progress: bool):
    for entry, body, headings in render_entries(ctx, ids, progress=progress):
        yield (entry.id, entry.label, description(entry), headings.first, headings.toc, body)


def _write(ctx: PageContext, site: Path, page_shell: shell.Shell, page: RenderedPage,
           atomic: bool, done: Stamped) -> None:
    entry_id, title, text, first, toc, body = page
    name = f"{entry_id}.html"
    html = page_shell.stamp(title=title, description=text, file=name, first=first, toc=toc,
                            body=body)
    target = site / "entries" / name
    if not atomic:
        target.write_text(html, encoding="utf-8")
    else:  # a served site: never show a half-written page
        part = target.with_name(name + ".part")
        part.write_text(html, encoding="utf-8")
        os.replace(part, target)
    relative = f"entries/{name}"
    done.pages.append(relative)
    entry = ctx.catalog.entries[entry_id]
    done.records[relative] = [search_index.entry_record(entry, search_tags(entry))]


# Entry pages are independent of one another and of the other pages: for a large catalog,
# forked workers (one per core, each inheriting the built context) render them from the
# moment the context exists, while the generator and then mkdocs run; once mkdocs has
# rendered the shell, each worker stamps the pages it rendered into it and writes them, and
# sends back only their search records. Below this many entries the fork costs more than it
# saves.
PARALLEL_FROM = 1000
_WORKER: list = []  # the PageContext of the build being rendered, for forked workers
_POLL_SECONDS = 0.5  # how often a waiting build checks that its workers are alive


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _work(tasks, ready, results, site: Path, out: Path) -> None:
    """A forked worker: render the chunks of ids it takes from `tasks` until a None; once
    `ready` is set (the shell is kept at `out`), stamp and write what it rendered."""
    ctx = _WORKER[0]
    done, waiting, page_shell = Stamped(), [], None
    try:
        while (ids := tasks.get()) is not None:
            waiting += _rendered(ctx, ids, progress=False)
            if ready.is_set():
                page_shell = page_shell or load_shell(out)
                for page in waiting:
                    _write(ctx, site, page_shell, page, False, done)
                waiting = []
            results.put(("rendered", len(ids)))
        ready.wait()
        page_shell = page_shell or load_shell(out)
        for page in waiting:
            _write(ctx, site, page_shell, page, False, done)
        results.put(("done", done.records))
    except BaseException as exc:  # noqa: BLE001 - reported to the build, which raises it
        results.put(("error", f"{type(exc).__name__}: {exc}"))


class EntryPages:
    """Every entry page of one build: `start()` as soon as the context is built sets forked
    workers rendering them (when that pays), `stamp()` after mkdocs writes them into its shell;
    a context manager, so that a failed build leaves no worker behind."""

    def __init__(self, ctx: PageContext):
        self.ctx = ctx
        self._processes: list = []
        self._ids: list[str] = []

    def start(self, site: Path, out: Path) -> EntryPages:
        """Start the workers that will write the pages under `site` once the shell is kept
        under `out` (finish_build)."""
        import multiprocessing

        ids = sorted(self.ctx.catalog.entries)
        workers = _workers()
        if (workers < 2 or len(ids) < PARALLEL_FROM
                or "fork" not in multiprocessing.get_all_start_methods()):
            return self
        # What every page shares is made once, before the fork, so no worker makes it again.
        prepare_entry_pages(self.ctx)
        fork = multiprocessing.get_context("fork")
        self._tasks, self._ready, self._results = fork.Queue(), fork.Event(), fork.Queue()
        _WORKER[:] = [self.ctx]
        self._processes = [fork.Process(target=_work, daemon=True,
                                        args=(self._tasks, self._ready, self._results, site,
                                              out))
                           for _ in range(workers)]
        for process in self._processes:
            process.start()
        # Queued after the fork: the queue's feeder thread then runs in this process alone.
        size = -(-len(ids) // (workers * 8))  # many chunks even out the workers' pace
        for i in range(0, len(ids), size):
            self._tasks.put(ids[i:i + size])
        for _ in range(workers):
            self._tasks.put(None)
        self._ids = ids
        return self

    def stamp(self, site: Path, page_shell: shell.Shell) -> Stamped:
        if not self._processes:
            return stamp_entries(self.ctx, site, page_shell)
        import queue

        started = time.perf_counter()
        (site / "entries").mkdir(parents=True, exist_ok=True)
        self._ready.set()
        records: dict[str, list[dict]] = {}
        finished, rendered = 0, 0
        while finished < len(self._processes):
            try:
                kind, value = self._results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if any(p.exitcode not in (None, 0) for p in self._processes):
                    raise SiteError("an entry page worker died; rebuild the site") from None
                continue
            if kind == "error":
                raise SiteError(f"rendering the entry pages failed: {value}")
            if kind == "done":
                records.update(value)
                finished += 1
            else:
                rendered += value
                self.ctx.progress(f"  entry pages: {rendered}/{len(self._ids)} "
                                  f"({len(self._processes)} workers)")
        self.close()
        done = Stamped(pages=[f"entries/{i}.html" for i in self._ids])
        done.records = {page: records[page] for page in done.pages}  # in id order
        done.seconds = time.perf_counter() - started
        return done

    def close(self) -> None:
        for process in self._processes:
            if process.is_alive():
                process.terminate()
            process.join()
        self._processes = []
        _WORKER.clear()

    def __enter__(self) -> EntryPages:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def finish_build(pages: EntryPages, out: Path, site: Path) -> Stamped:
    """After `mkdocs build` into `site`: keep the shell, stamp every entry page, add them to
    the search index and the sitemap."""
    ctx = pages.ctx
    rendered = site / "entries" / f"{shell.NAME}.html"
    if not rendered.is_file():
        raise SiteError(f"{rendered}: mkdocs did not render the entry page shell")
    keep = kept_shell(out)
    os.replace(rendered, keep)
    page_shell = load_shell(out)
    done = pages.stamp(site, page_shell)
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
