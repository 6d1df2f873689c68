"""Live rebuilds for `alignscape serve`: after one entry is edited, regenerate only the pages
that can show it and render only those through mkdocs' own page pipeline.

`update(old, new, paths, site)` compares two validated catalogs of which only entry files
changed (the caller knows: serve watches the paths). When the ids are the same, it regenerates
the changed entries' pages, the pages of their direct relations (builds on / built upon by /
uses data / used by), entries/index and every non-entry page family (their output is written
only where it differs: the index pages and data files that list the entry), then builds the
changed Markdown pages with mkdocs (the same Page, plugins, theme and strict link checks as
`mkdocs build`) into a scratch folder and moves each file into the served site. Anything else
returns None: the caller rebuilds it all.

Known difference from a full build: the search index (search/search_index.json) and the sitemap
are not rewritten, and other entries' "similar entries" lists are not re-ranked, until the next
full build.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from alignscape.model import Catalog
from alignscape.site import pages, search
from alignscape.site.config import read_config
from alignscape.site.context import PageContext
from alignscape.site.errors import SiteError
from alignscape.site.paths import SitePaths


@dataclass
class Update:
    entries: list[str]  # changed entry ids
    regenerated: list[str] = field(default_factory=list)  # docs files whose content changed
    rendered: list[str] = field(default_factory=list)  # pages mkdocs rendered
    entry_pages_rendered: int = 0  # entry pages put through the templates
    seconds: dict[str, float] = field(default_factory=dict)


def changed_entries(old: Catalog, new: Catalog) -> list[str] | None:
    """The ids of the entries that differ, or None when an entry was added or removed. The
    caller knows that no file but entries changed (serve watches the paths)."""
    if set(old.entries) != set(new.entries):
        return None
    return sorted(i for i, e in new.entries.items() if old.entries[i] != e)


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


def memoize_profiles(catalog: Catalog, previous: Catalog | None = None) -> Catalog:
    """Make catalog.profile(entry) computed once per entry (every page family asks for it),
    keeping the profiles of `previous` for the entries that did not change: a profile depends
    on the entry and the trade-off rules only, and only entries changed."""
    memo: dict[str, tuple] = dict(getattr(previous, "_profile_memo", {}))
    compute = catalog.profile

    def profile(entry):
        entry = catalog.entries[entry] if isinstance(entry, str) else entry
        known = memo.get(entry.id)
        if known is not None and (known[0] is entry or known[0] == entry):
            return known[1]
        value = compute(entry)
        memo[entry.id] = (entry, value)
        return value

    catalog._profile_memo = memo
    catalog.profile = profile
    return catalog


_ENV: list = []  # the template environment of the last update: its compiled templates


class _Capture(PageContext):
    """A PageContext that writes a file only when its content differs from what is there, and
    keeps the compiled templates from one update to the next (their filters do not depend on
    the catalog; the globals, which do, are this catalog's)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if _ENV:
            _ENV[0].globals.update(self.env.globals)
            self.env = _ENV[0]
        else:
            _ENV.append(self.env)

    def write(self, relative: str, text: str) -> None:
        if relative.endswith(".md"):
            settings = search.weight_for(relative)
            if settings is not None:
                text = search.with_weight(text, settings)
        path = self.paths.docs / relative
        try:
            if path.read_text(encoding="utf-8") == text:
                return
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.changed.append(relative)


def regenerate(old: Catalog, new: Catalog, ids: list[str], paths: SitePaths,
               update: Update) -> None:
    from alignscape.site.history import entry_dates
    from alignscape.site.measurements import judge_measurements
    from alignscape.site.pages import entries as entry_pages

    started = time.perf_counter()
    config = read_config(paths)
    from alignscape.site.config import repo_url

    ctx = _Capture(new, paths, config, repo_url(config))
    ctx.changed = []
    for _, family in pages.FAMILIES:
        if family is not entry_pages:
            family.build(ctx)
    ordered = sorted(new, key=lambda e: e.label.lower())
    ctx.render("entries/index.md", "entries_index.md.j2", entries=ordered,
               explorer_href=entry_pages.explorer_href)
    linker = entry_pages.pipeline_linker(ctx.report)
    dates = entry_dates(new)
    measurements = judge_measurements(new.root)
    targets = sorted(affected(old, new, ids))
    similar = similar_for(ctx, targets)
    for entry_id in targets:
        entry = new.entries[entry_id]
        ctx.render(f"entries/{entry.id}.md", "entry.md.j2",
                   **entry_pages.entry_context(ctx, entry, linker, dates.get(entry.source),
                                               measurements, similar.get(entry.id)))
    update.entry_pages_rendered = len(targets)
    update.regenerated = ctx.changed
    update.seconds["generate"] = time.perf_counter() - started


def similar_for(ctx: PageContext, ids: list[str]) -> dict[str, list[dict]]:
    """pages.entries.similar_entries for `ids` only: the same candidates, score and ranking."""
    from alignscape.site.pages.entries import similar_entries

    return similar_entries(ctx, ids)


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pages(paths: SitePaths, sources: list[str], site: Path) -> list[str]:
    """Build the Markdown pages `sources` (relative to paths.docs) as `mkdocs build --strict`
    would, and copy the other changed files; each result replaces its file under `site`.
    Returns the src_uris mkdocs rendered. Raises SiteError on a warning (strict)."""
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
        env = config.theme.get_env()
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
        for file in chosen:
            built = scratch / file.dest_uri
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
    regenerate(old, new, ids, paths, result)
    started = time.perf_counter()
    result.rendered = render_pages(paths, result.regenerated, site)
    result.seconds["mkdocs"] = time.perf_counter() - started
    return result
