"""The bibliography: every reference with an anchor, the entries citing it and how many
trade-off rules rest on it."""

from __future__ import annotations

from collections import defaultdict

from alignscape.site.context import PageContext

# What of an entry these pages show (see site/pages/__init__.py).
ENTRY_FIELDS = frozenset({"cite", "name", "references", "short_name", "tradeoff_overrides"})


CITED_BY_SHOWN = 25


def build(ctx: PageContext) -> None:
    refs = sorted(ctx.catalog.bibliography.references.values(),
                  key=lambda r: (r.first_author_surname.lower(), r.year or 0, r.key))
    effect_cites = defaultdict(int)
    for effect in ctx.catalog.tradeoffs.effects:
        for key in effect.cite:
            effect_cites[key] += 1
    ctx.render("bibliography.md", "bibliography.md.j2", refs=refs, cited_by=ctx.cited_by,
               effect_cites=effect_cites, shown=CITED_BY_SHOWN)
