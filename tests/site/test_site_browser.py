"""The built site in Debian's Chromium: search, explorer, entry pages, graphs, console errors
and axe-core's accessibility audit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "fixtures" / "axe-core" / "axe.min.js"
PAGES = ("index.html", "explorer.html", "compare.html", "taxonomy/index.html",
         "taxonomy/synthesis.html", "tradeoffs/index.html", "tradeoffs/bias_risk.html",
         "graphs/index.html", "graphs/lineage.html", "graphs/design-space.html",
         "graphs/scatter.html", "graphs/tradeoffs.html", "gaps.html", "stats.html",
         "bibliography.html",
         "contributing.html", "entries/index.html")


def _open(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _alias_entry(catalog):
    """An entry with an alias found nowhere in its name or id, so only the alias can match."""
    for entry in sorted(catalog, key=lambda e: e.id):
        for alias in entry.aliases:
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9]{2,}", alias) and \
                    alias.lower() not in (entry.name + entry.id).lower():
                return entry, alias
    pytest.skip("no entry has a one-word alias distinct from its name")


def test_search_finds_an_entry_by_alias(catalog, site_url, page):
    entry, alias = _alias_entry(catalog)
    _open(page, site_url + "index.html")
    page.click("label.md-search__icon, .md-search__input")
    # The theme answers only once its worker has loaded the index; typing earlier is lost.
    page.wait_for_function("""() => {
        const meta = document.querySelector('.md-search-result__meta');
        return meta && meta.textContent.trim() && !/initiali/i.test(meta.textContent);
    }""", timeout=30_000)
    page.type("input.md-search__input", alias, delay=50)
    link = page.locator(f'.md-search-result a[href*="entries/{entry.id}.html"]').first
    link.wait_for(timeout=20_000)
    assert page.errors == []


def _facet_count(page, facet, value):
    box = page.locator(f'#explorer-facets input[data-facet="{facet}"][value="{value}"]')
    label = page.locator(f'label[for="{box.get_attribute("id")}"] .as-facet-count')
    return box, int(label.text_content())


def test_explorer_facets_narrow_rows_with_counts_that_match_the_catalog(catalog, site_url,
                                                                        page):
    _open(page, site_url + "explorer.html")
    page.wait_for_selector("#explorer-rows tr")
    kinds: dict[str, int] = {}
    for entry in catalog:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    for kind, count in kinds.items():
        assert _facet_count(page, "kind", kind)[1] == count, kind
    option = "synthesis.sources.policy_sampling"
    expected = {e.id for e in catalog.using(option)}
    box, shown = _facet_count(page, "synthesis.sources", "policy_sampling")
    assert shown == len(expected) > 0
    page.locator('details[data-facet="synthesis.sources"] > summary').click()
    box.check()
    page.wait_for_function(
        f"document.querySelectorAll('#explorer-rows tr').length === {min(len(expected), 100)}")
    ids = set(page.eval_on_selector_all("#explorer-rows tr", "rows => rows.map(r => r.dataset.id)"))
    assert ids <= expected and (len(ids) == len(expected) or len(ids) == 100)
    assert page.inner_text("#explorer-count").startswith(f"{len(expected)} of {len(catalog)}")
    # A second facet: counts beside it are counted within the first filter.
    both = [e for e in catalog.using(option) if e.kind == "method"]
    assert _facet_count(page, "kind", "method")[1] == len(both)
    assert "synthesis.sources=policy_sampling" in page.url
    # The URL holds the filter: reloading restores it.
    page.reload()
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        f"document.querySelectorAll('#explorer-rows tr').length === {min(len(expected), 100)}")
    assert page.locator('input[data-facet="synthesis.sources"][value="policy_sampling"]'
                        ).is_checked()
    assert page.inner_text("#explorer-count").startswith(f"{len(expected)} of {len(catalog)}")
    assert page.errors == []


def test_explorer_query_box_is_wired(site_url, page):
    """With the query module present, `q=` filters rows; without it the page still works."""
    _open(page, site_url + "explorer.html?expr=" + "kind%20%3D%20dataset")
    page.wait_for_selector("#explorer-rows tr")
    assert page.input_value("#explorer-query") == "kind = dataset"
    if page.evaluate("typeof window.AlignscapeQuery") == "object":
        kinds = page.eval_on_selector_all("#explorer-rows tr td:nth-child(2)",
                                          "cells => [...new Set(cells.map(c => c.textContent))]")
        assert kinds == ["dataset"]
    assert page.errors == []


def test_entry_page_shows_stage_table_and_bibtex(catalog, site_url, page):
    entry = catalog["dpo"] if "dpo" in catalog.entries else next(iter(catalog))
    _open(page, site_url + f"entries/{entry.id}.html")
    table = page.locator("table.as-stage-table")
    assert table.is_visible()
    for option in entry.options:
        if option.startswith(("synthesis.", "evaluation.", "instantiation.")):
            assert catalog.taxonomy.options[option].label in table.inner_text()
    bibtex = page.locator("pre.as-bibtex code")
    assert bibtex.is_visible() and f"{{{entry.cite}," in bibtex.inner_text()
    # the theme's copy button is attached to the BibTeX block
    assert page.locator('button.md-code__button[data-md-type="copy"]').count() >= 1
    assert page.errors == []


@pytest.mark.parametrize("name", ["lineage", "tradeoffs"])
def test_graph_page_draws_its_nodes(site_url, page, name):
    _open(page, site_url + f"graphs/{name}.html")
    page.wait_for_function(f"window.alignscapeGraphs && window.alignscapeGraphs['{name}']")
    nodes = page.evaluate(f"window.alignscapeGraphs['{name}'].nodes().length")
    assert nodes > 0
    assert page.locator(".as-graph-canvas canvas").count() > 0
    assert not page.locator(".asg-graph-fallback").is_visible()
    assert page.errors == []


def test_no_page_logs_a_console_error(catalog, site_url, page):
    entry_pages = [f"entries/{e.id}.html" for e in sorted(catalog, key=lambda e: e.id)[:5]]
    scripted = ("explorer.html", "compare.html", "graphs/")
    for path in (*PAGES, *entry_pages):
        if path.startswith(scripted):  # these fetch their data after the load event
            _open(page, site_url + path)
        else:
            page.goto(site_url + path, wait_until="load")
        assert page.errors == [], (path, page.errors)


@pytest.mark.parametrize("path", ["index.html", "entries/dpo.html", "explorer.html"])
def test_no_serious_accessibility_violation(site_url, page, path, catalog):
    if path == "entries/dpo.html" and "dpo" not in catalog.entries:
        path = f"entries/{next(iter(catalog)).id}.html"
    _open(page, site_url + path)
    if path == "explorer.html":
        page.wait_for_selector("#explorer-rows tr")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], serious


def test_comparison_matrix_filters_and_sorts(catalog, site_url, page):
    _open(page, site_url + "compare.html?stage=synthesis")
    page.wait_for_selector("#matrix-table tbody tr")
    assert page.inner_text("#matrix-count").startswith(f"{len(catalog)} of {len(catalog)}")
    option = "synthesis.sources.policy_sampling"
    users = len(catalog.using(option))
    page.click(f'button[data-sort="{option}"]')
    column = page.eval_on_selector_all(
        "#matrix-table thead tr:last-child th",
        "ths => ths.findIndex(th => th.querySelector('[data-sort=\"" + option + "\"]'))")
    marks = page.eval_on_selector_all(
        f"#matrix-table tbody tr td:nth-child({column + 1})",
        "tds => tds.map(td => td.classList.contains('as-yes'))")
    shown = min(users, len(marks))
    assert marks[:shown] == [True] * shown and not any(marks[shown:])
    page.select_option("#matrix-kind", "dataset")
    datasets = sum(1 for e in catalog if e.kind == "dataset")
    assert page.inner_text("#matrix-count").startswith(f"{datasets} of {len(catalog)}")
    assert "kind=dataset" in page.url
    assert page.errors == []
