"""The taxonomy: an index of its groups and a page per group, an anchor per option listing
the entries that choose it and the trade-off rules attached to it."""

from __future__ import annotations

from collections import defaultdict

from alignscape.site.context import PageContext


def build(ctx: PageContext) -> None:
    taxonomy = ctx.catalog.taxonomy
    effects = defaultdict(list)
    for effect in ctx.catalog.tradeoffs.effects:
        effects[effect.option].append(effect)
    ctx.render("taxonomy/index.md", "taxonomy_index.md.j2", groups=taxonomy.groups,
               using=ctx.using)
    for group in taxonomy.groups:
        ctx.render(f"taxonomy/{group.id}.md", "taxonomy_group.md.j2", group=group,
                   using=ctx.using, effects=effects)


def nav(catalog) -> dict[str, list[str]]:
    return {"taxonomy/index.md": [f"taxonomy/{g.id}.md" for g in catalog.taxonomy.groups]}
