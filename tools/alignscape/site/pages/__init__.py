"""One module per page family (the graphs module has one family per graph page). Each has
`build(ctx)`, which renders its pages into build/docs through its templates; a family whose
pages depend on the catalog's contents and belong in the navigation also has `nav(catalog)`:
{section index page: [pages listed after it]}.

Every family but the entry pages also has `ENTRY_FIELDS`: the Entry fields its output depends
on, plus "profile" (an entry's trade-off profile) and "dates" (its file's dates). serve's live
rebuild (site/incremental.py) skips a family after an edit that changes none of them, so a new
field shown on a page must be added there; tests/site/test_site_incremental_families.py gives
every entry its neighbour's value of each field in turn and fails when a family it would skip
shows a difference."""

from __future__ import annotations

from alignscape.site.pages import (
    bibliography,
    contributing,
    data,
    entries,
    explorer,
    gaps,
    graphs,
    home,
    reference,
    scenarios,
    side_by_side,
    stats,
    taxonomy,
    tradeoffs,
)

# In build order, each with the label the progress line shows.
FAMILIES = (
    ("data files", data), ("home", home), ("taxonomy", taxonomy), ("entry pages", entries),
    ("trade-offs", tradeoffs), ("explorer and matrix", explorer), *graphs.FAMILIES,
    ("gaps", gaps), ("statistics", stats), ("bibliography", bibliography),
    ("contributing", contributing), ("scenarios", scenarios), ("entry reference", reference),
    ("side by side", side_by_side),
)


def navigation(catalog) -> dict[str, list[str]]:
    """The generated pages the navigation lists, keyed by their section's index page."""
    extra: dict[str, list[str]] = {}
    for _, family in FAMILIES:
        if hasattr(family, "nav"):
            extra.update(family.nav(catalog))
    return extra
