"""What every page builder is handed: the catalog, its reverse indexes, the links, the
template environment, and the means to write a page into build/docs."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import jinja2
from markupsafe import Markup

from alignscape.model import Catalog, Entry
from alignscape.site import fills, search
from alignscape.site.links import Links
from alignscape.site.paths import SitePaths
from alignscape.site.templating import environment


@dataclass
class GenerateReport:
    pages: int = 0
    data_files: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def no_progress(message: str) -> None:
    pass


class PageContext:
    """One build's shared state. Reverse indexes (built upon by, used as data by, entries per
    option, cited by) and trade-off profiles are built once, in one pass over the catalog, so
    no page scans the catalog per entry."""

    def __init__(self, catalog: Catalog, paths: SitePaths, config: dict, repo_url: str,
                 progress: Callable[[str], None] = no_progress, entry_markdown: bool = False):
        self.catalog = catalog
        # Entry pages as Markdown in build/docs (for another engine) rather than stamped into
        # the shell after mkdocs (site/stamping.py).
        self.entry_markdown = entry_markdown
        self.paths = paths
        self.config = config
        self.repo_url = repo_url
        self.progress = progress
        self.report = GenerateReport()
        # page -> {block name: HTML} of the blocks its template deferred (site/fills.py)
        self.deferred: dict[str, dict[str, str]] = {}
        self.links = Links(catalog, repo_url)
        self.env: jinja2.Environment = environment(
            taxonomy=catalog.taxonomy, tradeoffs=catalog.tradeoffs,
            **self.links.template_globals())
        self._index()

    def _index(self) -> None:
        catalog = self.catalog
        self.built_upon_by: dict[str, list[Entry]] = defaultdict(list)
        self.used_by_data: dict[str, list[Entry]] = defaultdict(list)
        self.using: dict[str, list[Entry]] = defaultdict(list)
        self.cited_by: dict[str, list[Entry]] = defaultdict(list)
        self.profiles = {}
        for entry in sorted(catalog, key=lambda e: e.name.lower()):
            for parent in entry.builds_on:
                self.built_upon_by[parent].append(entry)
            for data in entry.uses_data:
                self.used_by_data[data].append(entry)
            for option in entry.options:
                self.using[option].append(entry)
            for key in entry.citations:
                self.cited_by[key].append(entry)
            self.profiles[entry.id] = catalog.profile(entry)

    def write(self, relative: str, text: str) -> None:
        """build/docs/<relative>, counted as a page (.md) or a data file."""
        path = self.paths.docs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if relative.endswith(".md"):
            self.report.pages += 1
        else:
            self.report.data_files += 1

    def render(self, relative: str, template: str, **context) -> None:
        """A template rendered into build/docs/<relative>; `base` leads back to the site's
        root from there."""
        context.setdefault("base", "../" * relative.count("/"))
        context["deferred"] = functools.partial(self._defer, relative)
        self.write(relative, self.env.get_template(template).render(**context))

    def _defer(self, relative: str, name: str, caller) -> Markup:
        """`{% call deferred(name) %}block{% endcall %}` in a page template: the block is
        filled into the HTML mkdocs renders (site/fills.py), or stays inline without mkdocs."""
        block = str(caller())
        if self.entry_markdown:
            return Markup(block)
        if not (search.weight_for(relative) or {}).get("exclude"):
            raise ValueError(f"{relative}: only a page the search excludes may defer a block "
                             "(the search indexes what mkdocs rendered)")
        self.deferred.setdefault(relative, {})[name] = block
        return fills.marker(name)
