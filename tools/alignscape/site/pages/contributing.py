"""How to contribute, with the validator's rules as a table."""

from __future__ import annotations

from alignscape.catalog.findings import rules_markdown
from alignscape.site.context import PageContext


def build(ctx: PageContext) -> None:
    ctx.render("contributing.md", "contributing.md.j2", rules=rules_markdown())
