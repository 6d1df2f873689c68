"""The entry pages' records in the theme's search index (search/search_index.json), written
by alignscape because mkdocs never sees those pages, and the index patched page by page for
serve's live rebuilds.

A record is what mkdocs-material's search plugin makes of a page section: `location` (the
page, or page#anchor for a section), `title`, `text` (HTML kept to p, code, pre, li, ol, ul,
sub, sup, text escaped), the page's `tags` and `search.boost`. An entry page's indexed text is
its header card minus the parts marked data-search-exclude: the paper title, the kind, year,
venue, id and aliases, and the summary; its h2 sections are all excluded (they are tables of
links whose words would flood the results). The ranking search.py describes holds: the names
are the tags (the heaviest field), the short name the title, boost 4 as before.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from alignscape.model import Entry

ENTRY_BOOST = 4
INDEX = Path("search") / "search_index.json"


def _text(value: object) -> str:
    return html.escape(" ".join(str(value).split()), quote=False)


def entry_record(entry: Entry, tags: list[str]) -> dict:
    meta = [_text(entry.kind), _text(entry.year)]
    if entry.venue:
        meta.append(_text(entry.venue))
    meta.append(f"id <code>{_text(entry.id)}</code>")
    if entry.aliases:
        meta.append("also known as " + ", ".join(_text(a) for a in entry.aliases))
    text = (f"<p>{_text(entry.name)}</p>" if entry.label != entry.name else "")
    text += f"<p>{' '.join(meta)}</p> <p>{_text(entry.summary)}</p>"
    return {"location": f"entries/{entry.id}.html", "title": _text(entry.label), "text": text,
            "tags": [html.escape(" ".join(t.split())) for t in tags], "boost": ENTRY_BOOST}


def page_of(location: str) -> str:
    return location.split("#", 1)[0]


def read(site: Path) -> dict:
    return json.loads((site / INDEX).read_text(encoding="utf-8"))


def write(site: Path, index: dict) -> None:
    """As the theme writes it (compact separators); replaced atomically, so a reader served
    during a live rebuild never sees half a file."""
    path = site / INDEX
    part = path.with_suffix(".part")
    part.write_text(json.dumps(index, separators=(",", ":"), default=str), encoding="utf-8")
    part.replace(path)


def patched(docs: list[dict], pages: dict[str, list[dict]]) -> list[dict]:
    """`docs` with the records of each page in `pages` replaced by the new ones, where the
    page's records were (a page's records are contiguous in the theme's index); a page new to
    the index is added at the end, a page mapped to [] dropped."""
    out: list[dict] = []
    done: set[str] = set()
    for doc in docs:
        page = page_of(doc["location"])
        if page not in pages:
            out.append(doc)
        elif page not in done:
            out.extend(pages[page])
            done.add(page)
    for page in sorted(set(pages) - done):
        out.extend(pages[page])
    return out
