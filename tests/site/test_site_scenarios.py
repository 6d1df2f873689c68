"""The deployment scenarios are published: a page per scenario of catalog/scenarios.yaml and
their index, all in the navigation, and `alignscape recommend SCENARIO --format markdown`
prints exactly the page the site publishes."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import yaml
from site_helpers import ROOT

from alignscape.site.scenarios import scenario_page, scenario_pages


def _scenario_ids() -> list[str]:
    data = yaml.safe_load((ROOT / "catalog" / "scenarios.yaml").read_text(encoding="utf-8"))
    return [s["id"] for s in data["scenarios"]]


SCENARIOS = _scenario_ids()


class _NavLinks(HTMLParser):
    """The links of the primary navigation of a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and (self._depth or "md-nav--primary" in (attrs.get("class") or "")):
            self._depth += 1
        elif tag == "a" and self._depth and "href" in attrs:
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._depth:
            self._depth -= 1


def test_the_catalog_has_scenarios(catalog):
    assert SCENARIOS and [s.id for s in catalog.scenarios] == SCENARIOS


def test_every_scenario_has_a_built_page(catalog, site_build):
    paths, _ = site_build
    assert (paths.site / "scenarios" / "index.html").is_file()
    index = (paths.site / "scenarios" / "index.html").read_text(encoding="utf-8")
    for scenario in catalog.scenarios:
        page = paths.site / "scenarios" / f"{scenario.slug}.html"
        assert page.is_file(), scenario.id
        html = page.read_text(encoding="utf-8")
        assert "Entries that satisfy it" in html and "Stage options that serve it" in html
        assert f'href="{scenario.slug}.html"' in index, scenario.id
    published = {p.stem for p in (paths.docs / "scenarios").glob("*.md")}
    assert published == {"index", *(s.replace("_", "-") for s in SCENARIOS)}


def test_scenarios_are_in_the_navigation(catalog, site_build):
    paths, _ = site_build
    config = yaml.safe_load(paths.config.read_text(encoding="utf-8"))
    section = next(item["Scenarios"] for item in config["nav"]
                   if isinstance(item, dict) and "Scenarios" in item)
    assert section == ["scenarios/index.md",
                       *(f"scenarios/{s.replace('_', '-')}.md" for s in SCENARIOS)]
    # and mkdocs renders them into the navigation (shown in full on the section's own pages)
    parser = _NavLinks()
    parser.feed((paths.site / "scenarios" / "index.html").read_text(encoding="utf-8"))
    for scenario in catalog.scenarios:
        assert f"{scenario.slug}.html" in parser.links, (scenario.id, parser.links)
    assert "entries/" not in json.dumps(section)


def test_the_published_pages_are_what_scenario_pages_renders(catalog, site_build):
    paths, _ = site_build
    for slug, markdown in scenario_pages(catalog):
        assert (paths.docs / "scenarios" / f"{slug}.md").read_text(encoding="utf-8") == markdown


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_recommend_markdown_prints_the_published_page(scenario_id, catalog, site_build):
    paths, _ = site_build
    scenario = next(s for s in catalog.scenarios if s.id == scenario_id)
    done = subprocess.run(
        [sys.executable, "-m", "alignscape.cli", "--root", str(ROOT), "recommend",
         scenario_id.replace("_", "-"), "--format", "markdown", "--no-cache"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    published = (paths.docs / "scenarios" / f"{scenario.slug}.md").read_text(encoding="utf-8")
    assert done.stdout == published
    assert done.stdout == scenario_page(catalog, scenario)
