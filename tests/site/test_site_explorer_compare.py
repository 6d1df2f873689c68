"""The explorer's compact results (sorting, extra columns, exports) and the side-by-side
comparison (picking, URL state, differences marked, exports), in Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import quote

import pytest


def _open(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _explorer(page, site_url, query=""):
    _open(page, site_url + "explorer.html" + query)
    page.wait_for_function("() => window.alignscapeExplorer && "
                           "document.querySelectorAll('#explorer-rows tr').length > 0")


def _index(site_dir):
    return json.loads((site_dir / "data" / "index.json").read_text(encoding="utf-8"))


def _column(page, n):
    return page.eval_on_selector_all(f"#explorer-rows tr td:nth-child({n})",
                                     "cells => cells.map(c => c.textContent)")


def test_results_are_compact_with_columns_for_the_expression(catalog, site_url, page):
    expr = "annotation_cost <= medium and synthesis.sources = policy_sampling"
    _explorer(page, site_url, "?expr=" + quote(expr, safe=""))
    heads = page.eval_on_selector_all(".as-results-table thead th",
                                      "ths => ths.map(t => t.textContent)")
    assert heads[:3] == ["Entry", "Kind", "Year"]
    assert heads[3:] == ["Annotation cost", catalog.taxonomy.dimensions["synthesis.sources"].label]
    expected = {e.id for e in catalog.query(expr)}
    ids = page.eval_on_selector_all("#explorer-rows tr", "rows => rows.map(r => r.dataset.id)")
    assert set(ids) == expected or len(ids) == 100
    assert set(_column(page, 4)) <= {"low", "medium"}
    # One line per entry: the short name links to the page; the summary is in the row's title.
    first = catalog[ids[0]]
    row = page.locator("#explorer-rows tr").first
    link = row.locator("a.as-short")
    assert link.get_attribute("href") == f"entries/{ids[0]}.html"
    assert link.text_content() == first.label
    assert first.summary[:40] in row.get_attribute("title")
    assert page.locator(".as-summary-cell").count() == 0
    assert page.errors == []


def test_sorting_by_a_column_header_and_the_url_keeps_it(site_url, page):
    _explorer(page, site_url, "?expr=" + quote("annotation_cost is known", safe=""))
    page.click('button[data-sort="year"]')
    years = [int(y) for y in _column(page, 3)]
    assert years == sorted(years)
    assert page.get_attribute('th:has(button[data-sort="year"])', "aria-sort") == "ascending"
    page.click('button[data-sort="year"]')
    years = [int(y) for y in _column(page, 3)]
    assert years == sorted(years, reverse=True)
    assert "sort=-year" in page.url
    page.click('button[data-sort="tradeoff:annotation_cost"]')
    order = {"low": 0, "medium": 1, "high": 2}
    levels = [order[v] for v in _column(page, 4)]
    assert levels == sorted(levels)
    page.click('button[data-sort="name"]')
    names = page.eval_on_selector_all("#explorer-rows a.as-short",
                                      "as => as.map(a => a.textContent.toLowerCase())")
    assert names == sorted(names)
    page.click('button[data-sort="kind"]')
    page.click('button[data-sort="kind"]')
    kinds = _column(page, 2)
    _open(page, page.url)  # a reload keeps the order
    page.wait_for_function("document.querySelectorAll('#explorer-rows tr').length > 0")
    assert _column(page, 2) == kinds == sorted(kinds, reverse=True)
    assert page.errors == []


def test_exports_hold_every_match_in_the_clis_formats(catalog, site_url, site_dir, page):
    expr = "kind = dataset and annotation_cost is known"
    _explorer(page, site_url, "?expr=" + quote(expr, safe=""))
    expected = [e.id for e in catalog.query(expr)]
    assert expected
    with page.expect_download() as info:
        page.click('button[data-export="json"]')
    assert info.value.suggested_filename == "alignscape-explorer.json"
    rows = json.loads(open(info.value.path(), encoding="utf-8").read())
    assert sorted(r["id"] for r in rows) == sorted(expected)
    assert {"id", "short_name", "name", "kind", "year", "choices", "tradeoffs"} <= set(rows[0])
    with page.expect_download() as info:
        page.click('button[data-export="csv"]')
    table = list(csv.reader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert table[0] == ["id", "short_name", "name", "kind", "year", "tradeoff.annotation_cost"]
    assert sorted(r[0] for r in table[1:]) == sorted(expected)
    assert all(r[3] == "dataset" for r in table[1:])
    with page.expect_download() as info:
        page.click('button[data-export="bibtex"]')
    bib = open(info.value.path(), encoding="utf-8").read()
    keys = re.findall(r"^@\w+\{([^,]+),", bib, re.M)
    cites = list(dict.fromkeys(catalog[i].cite for i in
                               page.eval_on_selector_all("#explorer-rows tr",
                                                         "rs => rs.map(r => r.dataset.id)")))
    known = set(re.findall(r"^@\w+\{([^,]+),", (site_dir / "data" / "references.bib")
                           .read_text(encoding="utf-8"), re.M))
    assert keys == [c for c in cites if c in known] and keys
    assert page.errors == []


def test_a_hostile_name_stays_text_and_csv_cells_cannot_be_formulas(site_url, site_dir, page):
    index = _index(site_dir)
    entry = index["entries"][0]
    entry["short_name"] = "<img src=x onerror=window.__pwned=1>"
    entry["name"] = "=HYPERLINK(\"http://evil.example\",\"x\") <script>window.__pwned=1</script>"
    entry["aliases"] = ["@SUM(A1)", "+1"]
    body = json.dumps(index)
    page.route("**/data/index.json", lambda route: route.fulfill(
        status=200, content_type="application/json", body=body))
    _explorer(page, site_url, "?text=" + quote(entry["id"]))
    row = page.locator(f'#explorer-rows tr[data-id="{entry["id"]}"]')
    assert row.locator("a.as-short").text_content() == entry["short_name"]
    assert "<script>" in row.inner_text()
    assert page.locator("#explorer-rows img, #explorer-rows script").count() == 0
    text = page.evaluate("window.alignscapeExplorer.exportText('csv')")
    table = list(csv.reader(io.StringIO(text)))
    assert table[1][1] == entry["short_name"]
    assert table[1][2] == "'" + entry["name"]
    _open(page, site_url + "side-by-side.html?ids=" + entry["id"] + "," + index["entries"][1]["id"])
    page.wait_for_selector("#side-table tbody tr")
    assert page.locator("#side-table img, #side-table script").count() == 0
    text = page.evaluate("window.alignscapeSideBySide.exportText('csv')")
    assert list(csv.reader(io.StringIO(text)))[1][2] == "'" + entry["name"]
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


def _expected_differences(index, ids):
    rows = {e["id"]: e for e in index["entries"]}
    picked = [rows[i] for i in ids]
    differs = set()
    for d in index["dimensions"]:
        if len({tuple(sorted(e["choices"].get(d["id"]) or ())) for e in picked}) > 1:
            differs.add(d["id"])
    for d in index["tradeoffs"]["dimensions"]:
        if len({e["tradeoffs"].get(d["id"]) for e in picked}) > 1:
            differs.add(d["id"])
    return differs


def test_pick_entries_then_compare_them_side_by_side(site_url, site_dir, page):
    index = _index(site_dir)
    _explorer(page, site_url, "?kind=method")
    button = page.locator("#explorer-compare")
    assert button.is_disabled()
    ids = page.eval_on_selector_all("#explorer-rows tr", "rs => rs.map(r => r.dataset.id)")[:3]
    page.check(f'#explorer-rows tr[data-id="{ids[0]}"] input.as-pick')
    assert button.is_disabled()  # one is not a comparison
    for i in ids[1:]:
        page.check(f'#explorer-rows tr[data-id="{i}"] input.as-pick')
    assert button.is_enabled()
    button.click()
    page.wait_for_url(re.compile(r"side-by-side\.html\?ids="))
    assert page.url.endswith("side-by-side.html?ids=" + ",".join(ids))
    page.wait_for_selector("#side-table tbody tr[data-field]")
    heads = page.eval_on_selector_all("#side-table thead th[data-id]",
                                      "ths => ths.map(t => t.dataset.id)")
    assert heads == ids
    fields = page.eval_on_selector_all("#side-table tbody tr[data-field]",
                                       "trs => trs.map(t => [t.dataset.field, "
                                       "t.classList.contains('as-side-differs')])")
    assert len(fields) == len(index["dimensions"]) + len(index["tradeoffs"]["dimensions"])
    assert {f for f, d in fields if d} == _expected_differences(index, ids)
    # Differing rows' cells are marked, same rows' are not.
    for field, differs in fields[:12]:
        marked = page.locator(f'#side-table tr[data-field="{field}"] td.as-cell-differs').count()
        assert marked == (len(ids) if differs else 0)
    # The address is the state: a fresh tab shows the same comparison; exports follow it.
    _open(page, page.url)
    page.wait_for_selector("#side-table tbody tr[data-field]")
    text = page.evaluate("window.alignscapeSideBySide.exportText('csv')")
    table = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in table[1:]] == ids
    assert len(table[0]) == 5 + len(fields)
    with page.expect_download() as info:
        page.click('#as-side button[data-export="bibtex"]')
    assert info.value.suggested_filename == "alignscape-compare.bib"
    assert open(info.value.path(), encoding="utf-8").read().startswith("@")
    assert page.errors == []


def test_compare_page_refuses_unknown_ids_and_keeps_at_most_six(site_url, site_dir, page):
    ids = [e["id"] for e in _index(site_dir)["entries"][:8]]
    _open(page, site_url + "side-by-side.html?ids=" + ",".join(["no_such_entry", *ids]))
    page.wait_for_selector("#side-table thead th[data-id]")
    shown = page.eval_on_selector_all("#side-table thead th[data-id]",
                                      "ths => ths.map(t => t.dataset.id)")
    assert shown == ids[:6]
    status = page.inner_text("#side-status")
    assert "no_such_entry" in status and "first 6" in status
    _open(page, site_url + "side-by-side.html")
    page.wait_for_function("!document.querySelector('#side-status').textContent"
                           ".startsWith('Loading')")
    assert "ids=" in page.inner_text("#side-status")
    assert page.errors == []


def test_entry_page_links_to_a_comparison_with_its_similar_entries(site_dir, site_url, page):
    for html in sorted((site_dir / "entries").glob("*.html")):
        if "as-similar-compare-all" in html.read_text(encoding="utf-8"):
            break
    else:
        pytest.skip("no entry page lists similar entries")
    _open(page, site_url + "entries/" + html.name)
    link = page.locator(".as-similar-compare-all a")
    href = link.get_attribute("href")
    similar = page.eval_on_selector_all(
        ".as-similar-list > li > .as-similar-head a",
        "as => as.map(a => a.getAttribute('href').split('/').pop().replace('.html', ''))")
    assert href == "../side-by-side.html?ids=" + ",".join([html.stem, *similar[:5]])
    link.click()
    page.wait_for_selector("#side-table thead th[data-id]")
    shown = page.eval_on_selector_all("#side-table thead th[data-id]",
                                      "ths => ths.map(t => t.dataset.id)")
    assert shown == [html.stem, *similar[:5]]
    assert page.errors == []
