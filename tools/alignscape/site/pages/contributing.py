"""The site's contributing page: the repository's CONTRIBUTING.md itself (one text for GitHub
and the site), with links to repository files pointed at the repository."""

from __future__ import annotations

import re

from markupsafe import Markup

from alignscape.site.context import PageContext
from alignscape.site.errors import SiteError

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset()


# A Markdown link to a path inside the repository (not a URL, an anchor or a mail address).
_REPO_LINK = re.compile(r"\]\((?!https?://|#|mailto:)([^)\s]+)\)")


def build(ctx: PageContext) -> None:
    source = ctx.paths.site_src.parent / "CONTRIBUTING.md"
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SiteError(f"{source}: missing; the contributing page is made from it") from None
    body = _REPO_LINK.sub(lambda m: f"]({ctx.repo_url}/blob/main/{m.group(1)})", text)
    # The project's own file, not catalog text: rendered as written.
    ctx.render("contributing.md", "contributing.md.j2", body=Markup(body))
