"""How much each page family weighs in the theme's search, in one place.

mkdocs-material ranks with lunr: a match in a page's tags (its `tags:` front matter) counts
more than one in a section title, which counts more than one in text (the field boosts in
site/mkdocs.yml), each multiplied by the page's `search.boost`. Entry pages carry their names
as tags (pages/entries.py) so that a short name, an alias or an id finds its entry first; the
pages of taxonomy options and trade-off dimensions are raised so that a concept ("reward
model", "length bias") finds its definition before the entries whose summaries mention it;
pages that are mostly lists of other pages (graphs' text fallbacks, statistics, gaps) are
excluded or lowered, so their bulk text cannot flood the results. Scenario pages are left as
`alignscape recommend --format markdown` prints them.

`apply(docs)` runs after every page is generated and writes the weight into the front matter
of each page that does not set `search:` itself.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

# (glob relative to build/docs, search settings); the first match wins.
WEIGHTS: tuple[tuple[str, dict], ...] = (
    ("entries/index.md", {"exclude": True}),
    ("graphs/index.md", {"boost": 0.5}),
    # Graph pages repeat every node as text for readers without the canvas: bulk, excluded.
    ("graphs/*.md", {"exclude": True}),
    ("taxonomy/index.md", {"boost": 1}),
    ("taxonomy/*.md", {"boost": 6}),
    ("tradeoffs/index.md", {"boost": 1}),
    ("tradeoffs/*.md", {"boost": 8}),
    ("gaps.md", {"boost": 0.2}),
    ("stats.md", {"boost": 0.2}),
    ("reference/*.md", {"boost": 0.5}),
)


def weight_for(relative: str) -> dict | None:
    for pattern, settings in WEIGHTS:
        if fnmatch.fnmatchcase(relative, pattern):
            return settings
    return None


def _yaml(settings: dict) -> str:
    return "search:\n" + "".join(
        f"  {key}: {str(value).lower() if isinstance(value, bool) else value}\n"
        for key, value in settings.items())


def with_weight(text: str, settings: dict) -> str:
    """`text` (a Markdown page) with `settings` as its front matter's `search:`, unless it
    sets one already."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end < 0:
            return text
        head = text[4:end + 1]
        if any(line.startswith("search:") for line in head.splitlines()):
            return text
        return "---\n" + head + _yaml(settings) + text[end + 1:]
    return "---\n" + _yaml(settings) + "---\n" + text


def apply(docs: Path) -> int:
    """Write the weights into the generated pages under `docs`; returns how many changed."""
    changed = 0
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        settings = weight_for(relative)
        if settings is None:
            continue
        text = path.read_text(encoding="utf-8")
        new = with_weight(text, settings)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed
