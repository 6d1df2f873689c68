"""Live rebuilds for `alignscape serve`: after one entry is edited, regenerate only the pages
that can show it and render only those through mkdocs' own page pipeline.

`update(old, new, paths, site)` compares two validated catalogs of which only entry files
changed (the caller knows: serve watches the paths; it reloads with CatalogCache.reload, which
parses the changed files alone and hands back the unchanged Entry objects themselves). When
the ids are the same, it works out what the edit changed (changed_inputs: the Entry fields
that differ, "profile" when a trade-off profile differs, "dates") and:

* stamps the pages of the changed entries and of their direct relations (builds on / built
  upon by / uses data / used by) into the shell page of the last full build
  (site/stamping.py: no mkdocs);
* regenerates the page families whose ENTRY_FIELDS (site/pages/__init__.py) meet what
  changed, and entries/index when a field it lists changed; a family's output is written
  only where it differs (the index pages and data files that list the entry). The data files
  join each entry's kept serialisation (site/pages/data.py), the profiles of unchanged
  entries are kept (site/profiles.py), and the reverse indexes of the last update's context
  (built upon by, used by, entries per option, cited by) are patched for the changed entries
  rather than made by a pass over the catalog;
* builds the changed Markdown pages with mkdocs (the same Page, plugins, theme and strict link
  checks as `mkdocs build`; the theme's compiled templates kept from the last update) into a
  scratch folder and moves each file into the served site; the large blocks a page defers
  (site/fills.py: the list of every entry, the lineage table) are filled in, or refilled in
  the served page when its Markdown did not change, without mkdocs;
* patches the search index with the records of every page it rewrote (the theme's search
  plugin's own for the mkdocs pages). The sitemap lists the same pages as before (the ids did
  not change).

Anything else returns None: the caller rebuilds it all. tests/site/test_site_incremental.py
compares the result with a full build byte for byte and counts the work of an edit at two
catalog sizes.

Known difference from a full build: other entries' "similar entries" lists are not re-ranked
until the next full build.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.model import Catalog, Entry
from alignscape.site import fills, pages, search, search_index
from alignscape.site.config import read_config
from alignscape.site.context import PageContext
from alignscape.site.errors import SiteError
from alignscape.site.paths import SitePaths
from alignscape.site.profiles import memoize_profiles
from alignscape.site.stamping import load_shell, stamp_entries

__all__ = ["Update", "affected", "changed_entries", "changed_inputs", "memoize_profiles",
           "skipped", "update"]


@dataclass
class Update:
    entries: list[str]  # changed entry ids
    regenerated: list[str] = field(default_factory=list)  # docs files whose content changed
    rendered: list[str] = field(default_factory=list)  # pages mkdocs rendered
    stamped: list[str] = field(default_factory=list)  # entry pages stamped (site-relative)
    filled: list[str] = field(default_factory=list)  # pages whose deferred blocks were refilled
    entry_pages_rendered: int = 0  # entry pages put through the templates
    inputs: list[str] = field(default_factory=list)  # what the edit changed (changed_inputs)
    families: list[str] = field(default_factory=list)  # page families regenerated
    parsed: int | None = None  # entry files the reload parsed (set by serve)
    entries_built: int | None = None  # Entry objects the reload made (the rest reused)
    search_pages: list[str] = field(default_factory=list)  # pages whose search records changed
    seconds: dict[str, float] = field(default_factory=dict)
    family_seconds: dict[str, float] = field(default_factory=dict)  # of the families regenerated
    records: dict[str, list[dict]] = field(default_factory=dict)  # page -> its search records


def changed_entries(old: Catalog, new: Catalog) -> list[str] | None:
    """The ids of the entries that differ, or None when an entry was added or removed. The
    caller knows that no file but entries changed (serve watches the paths)."""
    if set(old.entries) != set(new.entries):
        return None
    before = old.entries
    return sorted(i for i, e in new.entries.items() if before[i] is not e and before[i] != e)


# entries/index.md, which this module renders itself (the entry family's other output is the
# entry pages, stamped for the affected entries).
ENTRIES_INDEX_FIELDS = frozenset({"aliases", "kind", "name", "short_name", "year"})


def changed_inputs(old: Catalog, new: Catalog, ids: list[str]) -> set[str]:
    """What the edit changed, in the vocabulary of the page families' ENTRY_FIELDS
    (site/pages/__init__.py): the Entry fields that differ in any of `ids`, "profile" when a
    trade-off profile differs, and "dates", always (a file not yet committed is dated by its
    modification time, which the edit moved)."""
    out = {"dates"}
    names = [f.name for f in dataclasses.fields(Entry)]
    for entry_id in ids:
        before, after = old.entries[entry_id], new.entries[entry_id]
        out.update(name for name in names if getattr(before, name) != getattr(after, name))
        if "profile" not in out and old.profile(before) != new.profile(after):
            out.add("profile")
    return out


def skipped(family, changed: set[str]) -> bool:
    """Whether the family's pages cannot differ after an edit that changed `changed`; a
    family that does not declare ENTRY_FIELDS is always regenerated."""
    fields = getattr(family, "ENTRY_FIELDS", None)
    return fields is not None and fields.isdisjoint(changed)


def affected(old: Catalog, new: Catalog, ids: list[str]) -> set[str]:
    """The entries whose pages name a changed entry: itself, the entries it names and the
    entries that name it (builds on, uses data, objectives), before and after the edit."""
    changed = set(ids)
    out = set(ids)
    for catalog in (old, new):
        for entry in catalog:
            related = {*entry.builds_on, *entry.uses_data,
                       *entry.training.get("objectives", ())}
            if entry.id in changed:
                out |= {i for i in related if i in new.entries}
            elif not related.isdisjoint(changed):
                out.add(entry.id)
    return out


_ENV: list = []  # the template environment of the last update: its compiled templates
# "last": (the catalog of the last update's context, its reverse indexes and profiles)
_INDEXES: dict = {}


class _Capture(PageContext):
    """A PageContext that writes a file only when its content differs from what is there, and
    keeps the compiled templates from one update to the next (their filters do not depend on
    the catalog; the globals, which do, are this catalog's)."""

    def __init__(self, *args, previous: tuple | None = None, **kwargs) -> None:
        self._previous = previous  # (the catalog of the last update, the ids changed since)
        super().__init__(*args, **kwargs)
        if _ENV:
            _ENV[0].globals.update(self.env.globals)
            self.env = _ENV[0]
        else:
            _ENV.append(self.env)

    @property
    def previous_update(self) -> tuple | None:
        """(the catalog of the last update, the ids changed since), for the indexes that are
        updated rather than rebuilt (site/similarity.py)."""
        return self._previous

    def _index(self) -> None:
        """The reverse indexes and profiles of the last update's context with the changed
        entries moved, when that update was made from the previous catalog (a pass over the
        whole catalog otherwise)."""
        kept = _INDEXES.pop("last", None)
        if kept is not None and self._previous is not None and kept[0] is self._previous[0]:
            self._patch(kept[1], self._previous)
        else:
            super()._index()
        _INDEXES["last"] = (self.catalog, (self.built_upon_by, self.used_by_data, self.using,
                                           self.cited_by, self.profiles))

    def _patch(self, indexes: tuple, previous: tuple) -> None:
        (self.built_upon_by, self.used_by_data, self.using, self.cited_by,
         self.profiles) = indexes
        old, ids = previous
        position = {entry_id: n for n, entry_id in enumerate(self.catalog.entries)}

        def order(entry):  # PageContext._index lists entries by name, then catalog order
            return entry.name.lower(), position[entry.id]

        def keys(entry):
            return ((self.built_upon_by, entry.builds_on), (self.used_by_data, entry.uses_data),
                    (self.using, entry.options), (self.cited_by, entry.citations))

        for entry_id in ids:
            for index, names in keys(old.entries[entry_id]):
                for name in names:
                    listed = index[name]
                    del listed[next(n for n, e in enumerate(listed) if e.id == entry_id)]
                    if not listed:
                        del index[name]
        for entry_id in ids:
            entry = self.catalog.entries[entry_id]
            for index, names in keys(entry):
                for name in names:
                    bisect.insort(index[name], entry, key=order)
            self.profiles[entry_id] = self.catalog.profile(entry)

    def write(self, relative: str, text: str) -> None:
        if relative.endswith(".md"):
            settings = search.weight_for(relative)
            if settings is not None:
                text = search.with_weight(text, settings)
        path = self.paths.docs / relative
        data = text.encode("utf-8")
        try:
            # The size first: a data file of 20 MB that changed is not read to find out.
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.changed.append(relative)


class _EntriesIndex:
    """entries/index.md, the entry family's one page besides the entry pages, as a family."""

    @staticmethod
    def build(ctx: PageContext) -> None:
        from alignscape.site.pages import entries as entry_pages

        entry_pages.render_index(ctx)


def _timed(ctx: PageContext, chosen: list) -> dict[str, float]:
    seconds = {}
    for label, family in chosen:
        began = time.perf_counter()
        family.build(ctx)
        seconds[label] = time.perf_counter() - began
    return seconds


def regenerate(old: Catalog, new: Catalog, ids: list[str], paths: SitePaths, site: Path,
               update: Update) -> dict[str, dict[str, str]]:
    """Regenerate what the edit can change and stamp the affected entry pages; returns the
    blocks the regenerated pages deferred (site/fills.py)."""
    from alignscape.site.pages import entries as entry_pages

    started = time.perf_counter()
    config = read_config(paths)
    from alignscape.site.config import repo_url

    ctx = _Capture(new, paths, config, repo_url(config), previous=(old, ids))
    ctx.changed = []
    changed = changed_inputs(old, new, ids)
    update.inputs = sorted(changed)
    chosen = [(label, family) for label, family in pages.FAMILIES
              if family is not entry_pages and not skipped(family, changed)]
    if not ENTRIES_INDEX_FIELDS.isdisjoint(changed):
        chosen.append(("entries index", _EntriesIndex))
    update.family_seconds = _timed(ctx, chosen)
    update.families = [label for label, _ in chosen]
    update.regenerated = ctx.changed
    update.seconds["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    targets = sorted(affected(old, new, ids))
    stamped = stamp_entries(ctx, site, load_shell(paths.out), targets)
    update.entry_pages_rendered = len(targets)
    update.stamped = stamped.pages
    update.records.update(stamped.records)
    update.seconds["stamp"] = time.perf_counter() - started
    return ctx.deferred


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pages(paths: SitePaths, sources: list[str], site: Path,
                 records: dict[str, list[dict]] | None = None,
                 deferred: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Build the Markdown pages `sources` (relative to paths.docs) as `mkdocs build --strict`
    would, and copy the other changed files; each result replaces its file under `site`.
    Returns the src_uris mkdocs rendered; `records` receives each rendered page's search
    records as the theme's search plugin made them ([] for a page it leaves out); `deferred`
    holds the blocks to fill into the rendered pages (site/fills.py). Raises SiteError on a
    warning (strict)."""
    from mkdocs.commands.build import _build_page, _populate_page, get_navigation
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.pages import Page

    wanted = {s for s in sources if s.endswith(".md")}
    scratch = Path(tempfile.mkdtemp(prefix="serve-pages-", dir=paths.out))
    counter = _Count()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    rendered: list[str] = []
    try:
        cwd = os.getcwd()
        os.chdir(paths.root)
        try:
            config = load_config(str(paths.config), strict=True)
        finally:
            os.chdir(cwd)
        config.site_dir = str(scratch)
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = _theme_env(config, paths)
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        chosen = []
        for src_uri in sorted(wanted):
            file = files.get_file_from_path(src_uri)
            if file is None:
                raise SiteError(f"mkdocs does not know {src_uri}")
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, files)
            chosen.append(file)
        for page in nav.pages:
            if page.file.src_uri not in wanted and page.title is None:
                page.read_source(config)  # a title for the navigation
        env = config.plugins.on_env(env, config=config, files=files)
        for file in chosen:
            _build_page(file.page, config, chosen, nav, env)
            file.page.validate_anchor_links(files=files,
                                            log_level=config.validation.links.anchors)
            rendered.append(file.src_uri)
        if counter.messages:
            raise SiteError("mkdocs (strict) warned:\n" + "\n".join(counter.messages))
        if records is not None:
            records.update(_search_records(config, chosen))
        for file in chosen:
            built = scratch / file.dest_uri
            blocks = (deferred or {}).get(file.src_uri)
            if blocks:
                built.write_text(fills.filled(built.read_text(encoding="utf-8"), blocks,
                                              str(built)), encoding="utf-8")
            target = site / file.dest_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(built, target)
        for source in sorted(set(sources) - wanted):
            target = site / source
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths.docs / source, target.with_suffix(".part"))
            os.replace(target.with_suffix(".part"), target)
    finally:
        logger.removeHandler(counter)
        shutil.rmtree(scratch, ignore_errors=True)
    return rendered


_THEME_ENVS: dict = {}  # build/mkdocs.yml's text and the theme's folders -> its environment


def _theme_env(config, paths: SitePaths):
    """The theme's template environment, kept from one update to the next for the same
    build/mkdocs.yml and the same files in the theme's custom_dir (site/overrides; the
    environment never reloads a template): the theme's templates are compiled once (half a
    second) instead of on every edit."""
    custom = config.theme.custom_dir
    overrides = sorted((str(f), f.stat().st_mtime_ns, f.stat().st_size)
                       for f in Path(custom).rglob("*") if f.is_file()) if custom else []
    key = (paths.config.read_text(encoding="utf-8"), tuple(config.theme.dirs), tuple(overrides))
    env = _THEME_ENVS.get(key)
    if env is None:
        _THEME_ENVS.clear()
        env = _THEME_ENVS[key] = config.theme.get_env()
    return env


def _search_records(config, files) -> dict[str, list[dict]]:
    """page url -> the records the theme's search plugin indexed while the pages were built."""
    out: dict[str, list[dict]] = {file.page.url: [] for file in files}
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        for record in getattr(index, "entries", ()):
            page = search_index.page_of(record["location"])
            if page in out:
                out[page].append(record)
    return out


def patch_search_index(site: Path, records: dict[str, list[dict]]) -> list[str]:
    """The served search index with `records` in place of those pages' records; returns the
    pages whose records changed."""
    if not (site / search_index.INDEX).is_file():
        return []
    index = search_index.read(site)
    before: dict[str, list[dict]] = {}
    for doc in index["docs"]:
        before.setdefault(search_index.page_of(doc["location"]), []).append(doc)
    changed = {page: docs for page, docs in records.items() if before.get(page, []) != docs}
    if changed:
        index["docs"] = search_index.patched(index["docs"], changed)
        search_index.write(site, index)
    return sorted(changed)


def update(old: Catalog, new: Catalog, paths: SitePaths, site: Path) -> Update | None:
    """Bring `site` (built from `old` with generated sources in paths.docs) up to `new`; None
    when the change is not one of entries only (rebuild everything then)."""
    ids = changed_entries(old, new)
    if ids is None or not paths.docs.is_dir() or not site.is_dir():
        return None
    result = Update(ids)
    if not ids:
        return result
    memoize_profiles(new, old)
    deferred = regenerate(old, new, ids, paths, site, result)
    started = time.perf_counter()
    result.rendered = render_pages(paths, result.regenerated, site, result.records, deferred)
    result.seconds["mkdocs"] = time.perf_counter() - started
    started = time.perf_counter()
    # The blocks of pages whose Markdown did not change are filled into the served page.
    result.filled = fills.fill_site(site, {page: blocks for page, blocks in deferred.items()
                                           if page not in result.rendered})
    result.seconds["fill"] = time.perf_counter() - started
    started = time.perf_counter()
    result.search_pages = patch_search_index(site, result.records)
    result.seconds["search"] = time.perf_counter() - started
    return result
