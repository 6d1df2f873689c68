"""The trade-offs: a page per dimension ranking every entry by its level, and their index."""

from __future__ import annotations

from collections import defaultdict

from alignscape.site.context import PageContext


def build(ctx: PageContext) -> None:
    tradeoffs = ctx.catalog.tradeoffs
    by_dim = defaultdict(list)
    for effect in tradeoffs.effects:
        by_dim[effect.dimension].append(effect)
    entries = sorted(ctx.catalog, key=lambda e: e.name.lower())
    summary = {}
    for dim in tradeoffs.dimensions.values():
        ranked = {level: [] for level in (*ctx.links.level_order(dim.id), None)}
        for entry in entries:
            explanation = ctx.profiles[entry.id][dim.id]
            ranked[explanation.level].append((entry, explanation.source))
        summary[dim.id] = {level: len(items) for level, items in ranked.items()}
        ctx.render(f"tradeoffs/{dim.id}.md", "tradeoff.md.j2", dim=dim,
                   effects=by_dim[dim.id], ranked=ranked)
    ctx.render("tradeoffs/index.md", "tradeoffs_index.md.j2", summary=summary)


def nav(catalog) -> dict[str, list[str]]:
    return {"tradeoffs/index.md": [f"tradeoffs/{d}.md" for d in catalog.tradeoffs.dimensions]}
