"""The real catalog's site: every page the issue lists exists, data files agree with the
catalog, entries stay out of the navigation, search knows names, aliases, ids and summaries."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import yaml

from alignscape.catalog.schemas import file_validator
from alignscape.model.index import explorer_index


class _Collect(HTMLParser):
    """ids, hrefs and script tags of an HTML page."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.scripts, self.nav_links = set(), [], [], []
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
            if self._in_nav:
                self.nav_links.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "nav" and "md-nav--primary" in (attrs.get("class") or ""):
            self._in_nav += 1
        elif tag == "nav" and self._in_nav:
            self._in_nav += 1

    def handle_endtag(self, tag):
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1


def parse(path):
    collector = _Collect()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_build_is_strict_and_warning_free(site_build):
    paths, report = site_build
    assert report.warnings == []
    assert (paths.site / "index.html").is_file()
    config = yaml.safe_load(paths.config.read_text())
    assert config["strict"] is True
    assert config["theme"]["font"] is False  # no Google Fonts request


def test_every_entry_has_a_page_with_its_content(catalog, site_dir):
    for entry in catalog:
        page = site_dir / "entries" / f"{entry.id}.html"
        assert page.is_file(), entry.id
    entry = catalog["dpo"] if "dpo" in catalog.entries else next(iter(catalog))
    html = (site_dir / "entries" / f"{entry.id}.html").read_text()
    for section in ("Pipeline, stage by stage", "Evidence notes", "Trade-off profile",
                    "Lineage", "References"):
        assert section in html
    assert 'class="as-stage-table"' in html and 'class="as-bibtex"' in html
    assert f"https://github.com/alignscape/alignscape/edit/main/catalog/entries/{entry.id}.yaml" \
        in html
    for option in entry.options:
        group, dim, opt = option.split(".", 2)
        assert f"../taxonomy/{group}.html#{dim}-{opt}" in html


def test_every_option_has_an_anchor_counting_its_entries(catalog, site_dir):
    """Each option names its most recent few entries and links to the explorer for all."""
    from urllib.parse import quote

    from alignscape.site.pages.taxonomy import SHOWN

    for group in catalog.taxonomy.groups:
        page = site_dir / "taxonomy" / f"{group.id}.html"
        parsed = parse(page)
        for dim in group.dimensions:
            assert dim.id in parsed.ids
            for option in dim.options:
                assert f"{dim.id}-{option.id}" in parsed.ids, option.qualified
        text = page.read_text()
        for dim in group.dimensions:
            for option in dim.options:
                users = catalog.using(option.qualified)
                if not users:
                    continue
                expr = quote(f"{group.id}.{dim.id} has {option.id}")
                assert f'href="../explorer.html?expr={expr}">{len(users)} ' in text
                recent = sorted(users, key=lambda e: (-e.year, e.label.lower()))[:SHOWN]
                for entry in recent:
                    assert f'href="../entries/{entry.id}.html"' in text


def test_every_tradeoff_dimension_has_a_page_counting_every_level(catalog, site_dir):
    from urllib.parse import quote

    for dim in catalog.tradeoffs.dimensions.values():
        text = (site_dir / "tradeoffs" / f"{dim.id}.html").read_text()
        for level in catalog.tradeoffs.levels:
            n = sum(1 for e in catalog if catalog.profile(e)[dim.id].level == level)
            if n:
                expr = quote(f"{dim.id} = {level}")
                assert f'href="../explorer.html?expr={expr}">{n}</a>' in text, (dim.id, level)
        for effect in catalog.tradeoffs.effects:
            if effect.dimension != dim.id:
                continue
            if effect.option.endswith(".open"):  # a stage left to the data: the stage's page
                assert f"../taxonomy/{effect.option.split('.')[0]}.html" in text
                continue
            group, d, opt = effect.option.split(".", 2)
            assert f"../taxonomy/{group}.html#{d}-{opt}" in text


def test_a_dimension_page_lists_the_gaps_that_keep_its_levels_unknown(catalog, site_dir):
    for dim in catalog.tradeoffs.dimensions.values():
        text = (site_dir / "tradeoffs" / f"{dim.id}.html").read_text()
        gaps = [g for g in catalog.tradeoffs.gaps if g.dimension == dim.id]
        assert ("Choices no rule can set it for" in text) == bool(gaps), dim.id
        for gap in gaps:
            group, d, opt = gap.option.split(".", 2)
            assert f">{gap.id}</code>" in text and f"../taxonomy/{group}.html#{d}-{opt}" in text
    length = (site_dir / "tradeoffs" / "length_bias.html").read_text()
    assert "MiniLLM corrects by length normalisation" in length


def test_other_pages_exist(site_dir):
    for page in ("index", "explorer", "compare", "gaps", "stats", "bibliography",
                 "contributing", "entries/index", "taxonomy/index", "tradeoffs/index",
                 "scenarios/index",
                 "graphs/index", "graphs/lineage", "graphs/design-space", "graphs/scatter",
                 "graphs/tradeoffs"):
        assert (site_dir / f"{page}.html").is_file(), page
    assert "<svg" in (site_dir / "stats.html").read_text()
    for graph in ("lineage", "tradeoffs"):
        data = json.loads((site_dir / "data" / "graphs" / f"{graph}.json").read_text())
        assert data["elements"]["nodes"], graph
        assert "<svg" in (site_dir / "graphs" / f"{graph}.html").read_text()


def test_entries_are_not_in_the_navigation(catalog, site_build):
    paths, _ = site_build
    config = yaml.safe_load(paths.config.read_text())
    assert "entries/" not in json.dumps(config["nav"]).replace("entries/index.md", "")
    home = parse(paths.site / "index.html")
    assert home.nav_links, "the primary navigation was not found"
    assert not [h for h in home.nav_links if re.search(r"entries/(?!index)", h)]


def test_downloads_match_the_catalog(catalog, site_dir):
    data = site_dir / "data"
    bib = catalog.root / "catalog" / "references.bib"
    assert (data / "references.bib").read_text() == bib.read_text()
    exported = json.loads((data / "catalog.json").read_text())
    assert {e["id"] for e in exported["entries"]} == set(catalog.entries)
    rows = list(csv.DictReader(io.StringIO((data / "catalog.csv").read_text())))
    assert len(rows) == len(catalog)
    by_id = {r["id"]: r for r in rows}
    for entry in catalog:
        row = by_id[entry.id]
        assert row["year"] == str(entry.year)
        for dim, options in entry.choices.items():
            assert row[dim].split(";") == list(options)
    bib_page = (site_dir / "bibliography.html").read_text()
    for key in catalog.bibliography.references:
        assert f'id="ref-{key}"' in bib_page


def test_explorer_index_contract(catalog, site_dir):
    written = json.loads((site_dir / "data" / "index.json").read_text())
    assert written == explorer_index(catalog)
    # What the browser's explorer reads is the shape schema/index.schema.json describes.
    assert list(file_validator("index").iter_errors(written)) == []
    assert written["version"] == 1
    assert [d["id"] for d in written["dimensions"]] == list(catalog.taxonomy.dimensions)
    assert "instantiation.structure" in {d["id"] for d in written["dimensions"]}
    assert set(written["tradeoffs"]["levels"]) == set(catalog.tradeoffs.levels)
    entries = {e["id"]: e for e in written["entries"]}
    assert set(entries) == set(catalog.entries)
    for entry in catalog:
        row = entries[entry.id]
        assert set(row) == {"id", "short_name", "name", "aliases", "kind", "year", "summary",
                            "url", "choices", "tradeoffs"}
        assert (site_dir / row["url"]).is_file()
        assert row["choices"] == {k: list(v) for k, v in entry.choices.items()}
        profile = catalog.profile(entry)
        assert row["tradeoffs"] == {d: ex.level for d, ex in profile.items()}


def test_search_finds_names_aliases_ids_and_summaries(catalog, site_dir):
    index = json.loads((site_dir / "search" / "search_index.json").read_text())
    by_page: dict[str, str] = {}
    for doc in index["docs"]:
        page = doc["location"].split("#")[0]
        by_page[page] = by_page.get(page, "") + " " + doc["title"] + " " + doc["text"]
    for entry in catalog:
        text = by_page.get(f"entries/{entry.id}.html", "")
        assert entry.id in text
        for alias in entry.aliases:
            assert alias.replace("&", "&amp;").replace("<", "&lt;") in text, (entry.id, alias)
        assert entry.summary[:40].replace("&", "&amp;").replace("<", "&lt;") in text


def test_no_request_leaves_the_site(site_dir):
    """No page loads a script, style, image or frame from another host (the canonical link
    names the page's published address; nothing loads it)."""
    pattern = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//',
                         re.I)
    canonical = re.compile(r'<link rel="canonical" href="[^"]*">')
    for page in site_dir.rglob("*.html"):
        match = pattern.search(canonical.sub("", page.read_text()))
        assert match is None, (page, match and match.group(0))
    assert "fonts.googleapis" not in (site_dir / "index.html").read_text()
