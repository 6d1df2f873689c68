"""Where things live on the site and what a link to them says: every href and label the
templates print is computed here, relative to the page's `base` ("", "../")."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlencode

from markupsafe import Markup

from alignscape.model import Catalog
from alignscape.model.index import entry_url
from alignscape.site.errors import SiteError

_SAFE_SOURCE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")
_SAFE_ANCHOR = re.compile(r"[A-Za-z0-9_-]+")


def entry_href(entry_id: str, base: str) -> str:
    return base + entry_url(entry_id)


def option_href(option: str, base: str) -> str:
    """`group.dimension.option` -> the option's anchor on its taxonomy page; a pseudo-option
    `<stage>.open` (a stage the method leaves to the data) -> the stage's page."""
    parts = option.split(".", 2)
    if len(parts) < 3:
        return f"{base}taxonomy/{parts[0]}.html"
    group, dimension, option_id = parts
    return f"{base}taxonomy/{group}.html#{dimension}-{option_id}"


def explorer_href(base: str, *filters: tuple[str, object]) -> str:
    """The explorer filtered by (facet, value) pairs, as its URL keeps them: `kind`, `year`,
    a qualified dimension (`synthesis.sources`) with an option id, or `tradeoff.<dimension>`
    with a level (`none` for not determined). Values are URL-encoded, so catalog text cannot
    leave the query string."""
    try:
        return _explorer_href(base, filters)
    except TypeError:  # an unhashable value: not worth remembering
        return _explorer_href.__wrapped__(base, filters)


# Entry pages print the same few thousand explorer links tens of times each: urlencode of
# every one was a tenth of the time a page took to render.
@functools.lru_cache(maxsize=1 << 16)
def _explorer_href(base: str, filters: tuple) -> str:
    query = urlencode([(str(k), str(v)) for k, v in filters])
    return f"{base}explorer.html" + (f"?{query}" if query else "")


@functools.lru_cache(maxsize=1 << 16)
def option_explorer_href(option: str, base: str) -> str:
    """The explorer showing the entries that choose `group.dimension.option`."""
    dimension, _, option_id = option.rpartition(".")
    return explorer_href(base, (dimension, option_id))


def ref_href(key: str, base: str) -> str:
    return f"{base}bibliography.html#ref-{key}"


def tradeoff_href(dimension_id: str, base: str) -> str:
    return f"{base}tradeoffs/{dimension_id}.html"


def node_href(data: dict, base: str) -> str | None:
    """The page a graph node stands for (entry, option or trade-off dimension), if any."""
    if data.get("type") == "entry":
        return entry_href(data["entry"], base)
    if data.get("type") == "option":
        return option_href(data["option"], base)
    if data.get("type") == "tradeoff":
        return tradeoff_href(data["tradeoff"], base)
    return None


def is_safe_source(path: str) -> bool:
    """A plain relative path inside the repository, fit to put into a repository URL."""
    return bool(_SAFE_SOURCE_PATH.match(path)) and ".." not in path


def heading_anchor(anchor_id: str) -> Markup:
    """attr_list's `{#id}` after a Markdown heading, for an id built from taxonomy ids."""
    if not _SAFE_ANCHOR.fullmatch(anchor_id):
        raise SiteError(f"cannot use {anchor_id!r} as a page anchor")
    return Markup("{#" + anchor_id + "}")


class Links:
    """The links and labels that need the catalog (reference labels, option labels, level
    order) or the repository's address (edit and source links)."""

    def __init__(self, catalog: Catalog, repo_url: str):
        self.catalog = catalog
        self.repo_url = repo_url
        self._ref_labels: dict[str, str] = {}  # a page lists the same references many times

    entry_href = staticmethod(entry_href)
    option_href = staticmethod(option_href)
    ref_href = staticmethod(ref_href)
    node_href = staticmethod(node_href)

    def ref_label(self, key: str) -> str:
        found = self._ref_labels.get(key)
        if found is None:
            found = self._ref_labels[key] = self._ref_label(key)
        return found

    def _ref_label(self, key: str) -> str:
        ref = self.catalog.reference(key)
        if ref is None:
            return key
        surname = ref.first_author_surname.strip("{}") or key
        authors = ref.authors
        more = " et al." if len(authors) > 2 else (
            f" and {authors[1].split(',')[0].strip('{} ')}" if len(authors) == 2 else "")
        return f"{surname}{more} {ref.fields.get('year', '')}".strip()

    def option_label(self, option: str) -> str:
        found = self.catalog.taxonomy.options.get(option)
        if found:
            return found.label
        stage, _, rest = option.partition(".")
        group = next((g for g in self.catalog.taxonomy.groups if g.id == stage), None)
        if rest == "open" and group is not None:
            return f"{group.label} left to the data"
        return option

    def level_order(self, dimension_id: str) -> list[str]:
        """Levels best first."""
        levels = list(self.catalog.tradeoffs.levels)
        better = self.catalog.tradeoffs.dimensions[dimension_id].better
        return levels if better == "lower" else levels[::-1]

    def edit_url(self, source: str) -> str | None:
        """The repository's edit page for a catalog file, or None for an odd path."""
        return f"{self.repo_url}/edit/main/{source}" if is_safe_source(source) else None

    def source_url(self, source: str, line: object = None) -> str | None:
        """The repository's page for a source file (at `line` when given), or None for an
        odd path."""
        if not is_safe_source(source):
            return None
        anchor = f"#L{int(line)}" if isinstance(line, int) and line > 0 else ""
        return f"{self.repo_url}/blob/main/{source}{anchor}"

    def template_globals(self) -> dict:
        return {"option_href": self.option_href, "entry_href": self.entry_href,
                "ref_href": self.ref_href, "ref_label": self.ref_label,
                "explorer_href": explorer_href, "option_explorer_href": option_explorer_href,
                "option_label": self.option_label, "level_order": self.level_order,
                "anchor": heading_anchor, "repo_url": self.repo_url}
