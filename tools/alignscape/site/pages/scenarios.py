"""The deployment scenarios: their index and a page per scenario (scenarios/<slug>.md), the
same pages `alignscape recommend SCENARIO --format markdown` prints."""

from __future__ import annotations

from alignscape.site.context import PageContext
from alignscape.site.scenarios import scenario_pages

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({
    "aliases", "choices", "kind", "name", "profile", "short_name", "summary", "year"})


def build(ctx: PageContext) -> None:
    for slug, markdown in scenario_pages(ctx.catalog):
        ctx.write(f"scenarios/{slug}.md", markdown)


def nav(catalog) -> dict[str, list[str]]:
    return {"scenarios/index.md": [f"scenarios/{s.slug}.md"
                                   for s in getattr(catalog, "scenarios", ()) or ()]}
