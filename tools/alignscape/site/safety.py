"""Escaping for everything that comes from an entry, a BibTeX file or the taxonomy.

Entries arrive in strangers' pull requests, so the renderer never trusts them, even though the
validator already refuses non-http(s) links: a string reaches a page only escaped for the context
it lands in, and every HTML fragment built from catalog text passes through nh3 as a last line.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

# Characters Python-Markdown gives a meaning to; `<` and `&` are handled as HTML entities.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")

ALLOWED_TAGS = {
    "a", "abbr", "b", "br", "code", "details", "div", "em", "figure", "figcaption", "h2", "h3",
    "h4", "i", "li", "ol", "p", "pre", "small", "span", "strong", "summary", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "data-search-exclude"},
    "a": {"href", "rel", "target"},
    "td": {"data-level", "colspan"},
    "th": {"scope", "colspan"},
    "table": {"aria-label"},
}
SAFE_SCHEMES = {"http", "https"}


def md_escape(text: object) -> Markup:
    """Text safe to put in Markdown prose or a heading: HTML metacharacters become entities and
    Markdown metacharacters are backslash-escaped, so nothing turns into a tag, link or
    emphasis."""
    # Markdown first: the entities that html.escape writes contain `#`, which must stay bare.
    return Markup(html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", str(text)), quote=True))


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host, else None (never rendered)."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    # Browsers ignore tabs and newlines inside a scheme ("java\tscript:"), so refuse them.
    if any(ch in candidate for ch in "\t\r\n") or any(ord(ch) < 32 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return candidate


def external_link(url: object, text: object) -> Markup:
    """An <a> to an external http(s) URL with rel="noopener", or the escaped text alone when the
    URL is not one the site will link to."""
    href = safe_url(url)
    label = html.escape(str(text))
    if href is None:
        return Markup(f'<span class="as-refused-link">{label}</span>')
    return Markup(f'<a href="{html.escape(href, quote=True)}" rel="noopener noreferrer" '
                  f'target="_blank">{label}</a>')


def clean(fragment: str) -> Markup:
    """Sanitise an HTML fragment built from catalog text: only the tags and attributes the
    templates use survive, only http(s) or relative URLs, no script or event handler."""
    return Markup(_cleaner().clean(str(fragment)))


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """The sanitiser, configured once: nh3.clean converts the allow-lists on every call, which
    cost more than cleaning a small fragment."""
    return nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                       url_schemes=SAFE_SCHEMES, link_rel=None, strip_comments=True)
