"""The site's scenario pages: one per deployment scenario, rendered from the recommendation
engine through templates/scenario.md.j2, plus their index (scenarios_index.md.j2). The site
publishes them at scenarios/<slug>.md and `alignscape recommend --format markdown` prints the
same page. Every catalog string is escaped for Markdown and HTML by the templates' filters."""

from __future__ import annotations

from urllib.parse import quote

from alignscape.model.scenario import Scenario
from alignscape.query.recommend import Recommendation, conflict_text, recommend
from alignscape.site.templating import shared_environment

ENTRIES_SHOWN = 25


def explorer_link(scenario: Scenario) -> str:
    """The explorer with the scenario's whole filter, as a link from scenarios/<slug>.md to
    the page's source (mkdocs checks it and keeps the query string)."""
    return f"../explorer.md?expr={quote(scenario.expression, safe='')}"


def render_page(catalog, rec: Recommendation, limit: int = ENTRIES_SHOWN) -> str:
    """The page of a recommendation already made (every entry, not a limited list)."""
    return shared_environment().get_template("scenario.md.j2").render(
        rec=rec, limit=limit, explorer=explorer_link(rec.scenario),
        tradeoffs=catalog.tradeoffs, conflict_text=conflict_text)


def scenario_page(catalog, scenario: Scenario, limit: int = ENTRIES_SHOWN) -> str:
    """A Markdown page for the scenario, placed at scenarios/<slug>.md of the site (links are
    relative to that folder), listing at most `limit` entries."""
    return render_page(catalog, recommend(catalog, scenario), limit)


def scenario_pages(catalog) -> list[tuple[str, str]]:
    """[(slug, markdown)] for the site: "index" (the list of scenarios) and one page per
    scenario, to be written to scenarios/<slug>.md."""
    scenarios = tuple(getattr(catalog, "scenarios", ()) or ())
    listed, pages = [], []
    for scenario in scenarios:
        rec = recommend(catalog, scenario)
        listed.append((scenario, len(rec.entries)))
        pages.append((scenario.slug, render_page(catalog, rec)))
    index = shared_environment().get_template("scenarios_index.md.j2").render(
        scenarios=listed)
    return [("index", index), *pages]
