"""The graphs, heat maps, trade-off, taxonomy and gaps pages in Chromium: the timeline's
focus, scroll never captured, the scatter's Pareto front against the Python one, heat-map
cells against the explorer, measurements on the trade-off pages, every page template usable at
390 px and free of serious axe violations in light and dark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from site_helpers import ROOT

from alignscape.graphs import lineage_graph
from alignscape.model.index import explorer_index
from alignscape.query.analysis import pareto

AXE = Path(__file__).resolve().parents[1] / "fixtures" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _templates(site_dir: Path) -> list[str]:
    """One page of every template (and the hand-written pages)."""
    scenario = next((p for p in sorted((site_dir / "scenarios").glob("*.html"))
                     if p.name != "index.html"), None)
    entry = "entries/dpo.html" if (site_dir / "entries/dpo.html").is_file() else next(
        f"entries/{p.name}" for p in sorted((site_dir / "entries").glob("*.html"))
        if p.name != "index.html")
    pages = ["index.html", entry, "entries/index.html", "explorer.html", "compare.html",
             "query.html", "taxonomy/index.html", "taxonomy/synthesis.html",
             "tradeoffs/index.html", "tradeoffs/length_bias.html", "graphs/index.html",
             "graphs/lineage.html", "graphs/design-space.html", "graphs/scatter.html",
             "graphs/tradeoffs.html", "gaps.html", "stats.html", "bibliography.html",
             "contributing.html", "scenarios/index.html", "pipeline.html", "about.html",
             "reference/index.html"]
    # 404.html links its assets under site_url's path, so it only renders when served there.
    if scenario:
        pages.append(f"scenarios/{scenario.name}")
    return [p for p in pages if (site_dir / p).is_file()]


def _ready(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")


@pytest.fixture
def dark_page(browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def test_timeline_labels_axis_and_focus(catalog, site_url, page):
    _ready(page, site_url + "graphs/lineage.html")
    page.wait_for_function("window.alignscapeGraphs && window.alignscapeGraphs.lineage")
    years = page.evaluate("window.alignscapeGraphs.lineage.nodes(\"[type = 'year']\")"
                          ".map(n => n.data('label'))")
    assert "2023" in years and "2024" in years
    labels = set(page.evaluate("window.alignscapeGraphs.lineage.nodes(\"[type = 'entry']\")"
                               ".map(n => n.data('label'))"))
    assert "dpo" in catalog.entries and catalog["dpo"].label in labels
    # The initial view is readable (labels drawn at 0.8 or more), not the whole graph shrunk.
    assert page.evaluate("window.alignscapeGraphs.lineage.zoom()") >= 0.79
    page.fill("#asg-lineage-search", catalog["dpo"].label)
    page.press("#asg-lineage-search", "Enter")
    page.wait_for_function("document.querySelector('#asg-lineage-status').textContent.length")
    status = page.inner_text("#asg-lineage-status")
    assert catalog["dpo"].name in status and "Built upon by" in status
    near = set(page.evaluate("window.alignscapeGraphs.lineage.nodes('.asg-near')"
                             ".map(n => n.data('entry'))"))
    graph = lineage_graph(catalog)
    node = "entry:dpo"
    expected = {graph.nodes[n]["entry"]
                for n in (node, *graph.predecessors(node), *graph.successors(node))}
    assert near == expected
    assert "focus=dpo" in page.url
    # The focus survives a reload (a shareable address).
    page.reload()
    page.wait_for_function("document.querySelector('#asg-lineage-status').textContent.length")
    assert catalog["dpo"].name in page.inner_text("#asg-lineage-status")
    assert page.errors == []


@pytest.mark.parametrize("path", ["graphs/lineage.html", "graphs/tradeoffs.html"])
def test_the_wheel_scrolls_the_page_not_the_graph(site_url, page, path):
    _ready(page, site_url + path)
    name = path.split("/")[1].removesuffix(".html")
    page.wait_for_function(f"window.alignscapeGraphs && window.alignscapeGraphs['{name}']")
    canvas = page.locator(".asg-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    zoom = page.evaluate(f"window.alignscapeGraphs['{name}'].zoom()")
    before = page.evaluate("window.scrollY")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") > before
    assert page.evaluate(f"window.alignscapeGraphs['{name}'].zoom()") == zoom
    # With Ctrl held the wheel zooms, and the buttons zoom.
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    page.wait_for_timeout(200)
    assert page.evaluate(f"window.alignscapeGraphs['{name}'].zoom()") != zoom
    zoom = page.evaluate(f"window.alignscapeGraphs['{name}'].zoom()")
    page.click(".asg-zoom-in")
    assert page.evaluate(f"window.alignscapeGraphs['{name}'].zoom()") > zoom
    assert page.errors == []


def test_graphs_follow_the_dark_scheme(site_url, dark_page):
    page = dark_page
    _ready(page, site_url + "graphs/lineage.html")
    page.wait_for_function("window.alignscapeGraphs && window.alignscapeGraphs.lineage")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    colour = page.evaluate("window.alignscapeGraphs.lineage.nodes(\"[type = 'entry']\")[0]"
                           ".style('color')")
    # Light text on the dark canvas: every channel well above the middle.
    channels = [int(c) for c in colour.removeprefix("rgb(").rstrip(")").split(",")[:3]]
    assert min(channels) > 180, colour
    assert page.errors == []


SCATTER_CASES = [("annotation_cost", "bias_risk", ""),
                 ("compute_cost", "reproducibility", "kind = method"),
                 ("length_bias", "scalability", "year >= 2024")]


@pytest.mark.parametrize("x,y,expr", SCATTER_CASES)
def test_scatter_front_matches_the_query_engine(catalog, site_url, page, x, y, expr):
    from urllib.parse import quote

    _ready(page, site_url + f"graphs/scatter.html?x={x}&y={y}&expr={quote(expr)}")
    page.wait_for_selector("#asg-front-list")
    shown = set(page.eval_on_selector_all("#asg-front-list a", "as => as.map(a => a.dataset.id)"))
    index = explorer_index(catalog)
    rows = index["entries"]
    if expr:
        keep = {e.id for e in catalog.query(expr)}
        rows = [r for r in rows if r["id"] in keep]
    expected = {r["id"] for r in pareto(index, rows, [x, y]).rows}
    assert shown == expected
    assert page.input_value("#asg-scatter-x") == x
    dots = page.locator(".asg-scatter-svg circle").count()
    known = [r for r in rows if r["tradeoffs"][x] and r["tradeoffs"][y]]
    assert dots == len(known)
    assert page.errors == []


def test_scatter_reports_a_bad_expression(site_url, page):
    _ready(page, site_url + "graphs/scatter.html")
    page.wait_for_selector("#asg-front-list")
    page.fill("#asg-scatter-expr", "evaluators has nonsense")
    page.wait_for_function("document.querySelector('#asg-scatter-status').textContent.length")
    assert "not understood" in page.inner_text("#asg-scatter-status")
    assert page.get_attribute("#asg-scatter-expr", "aria-invalid") == "true"


def test_heat_map_cells_open_the_explorer_on_their_entries(catalog, site_url, page):
    _ready(page, site_url + "graphs/design-space.html")
    cells = page.eval_on_selector_all(
        "table.asg-heat td a", "as => as.slice(0, 400).map(a => [a.getAttribute('href'), "
        "a.textContent])")
    assert len(cells) > 50
    for href, count in cells[::80][:4]:
        expr = unquote(href.split("expr=", 1)[1])
        assert len(catalog.query(expr)) == int(count), expr
    href, count = cells[0]
    page.goto(site_url + "graphs/" + href)
    page.wait_for_selector("#explorer-rows tr")
    page.wait_for_function("/ of /.test(document.querySelector('#explorer-count').textContent)")
    assert page.inner_text("#explorer-count").startswith(f"{count} of {len(catalog)}")


def test_any_two_dimensions_heat_map(catalog, site_url, page):
    _ready(page, site_url + "graphs/design-space.html?rows=pipeline.iteration"
           "&cols=training.paradigm")
    page.wait_for_selector("#asg-pair-out table")
    total = page.eval_on_selector_all("#asg-pair-out td.asg-heat-total",
                                      "tds => tds.map(t => +t.textContent)")
    dim = catalog.taxonomy.dimensions["pipeline.iteration"]
    assert total == [len(catalog.using(o.qualified)) for o in dim.options]
    page.select_option("#asg-pair-cols", "evaluation.granularity")
    assert "cols=evaluation.granularity" in page.url
    assert page.errors == []


def test_gaps_page_is_a_heat_map_and_a_short_list(site_dir):
    text = (site_dir / "gaps.html").read_text()
    assert len(text) < 250_000
    assert "asg-gaps-heat" in text and text.count("<tr>") < 200
    assert "alignscape gaps --limit 0" in text


def test_taxonomy_options_collapse_to_counts(catalog, site_dir):
    from alignscape.site.pages.taxonomy import SHOWN

    text = (site_dir / "taxonomy" / "synthesis.html").read_text()
    busiest = max((o for o in catalog.taxonomy.options if o.startswith("synthesis.")),
                  key=lambda o: len(catalog.using(o)))
    n = len(catalog.using(busiest))
    assert n > SHOWN
    assert f"All {n} entries in the explorer" in text
    dim, _, opt = busiest.rpartition(".")
    assert f"explorer.html?expr={dim}%20has%20{opt}" in text
    assert len(text) < 400_000


@pytest.mark.parametrize("dim", ["length_bias", "position_bias", "self_preference_bias",
                                 "label_noise"])
def test_tradeoff_pages_show_measurements(site_url, page, dim):
    if not (ROOT / "catalog" / "measurements" / "alpaca_eval_judges.json").is_file():
        pytest.skip("no measurements")
    _ready(page, site_url + f"tradeoffs/{dim}.html")
    measured = page.locator("h2#measured")
    assert measured.count() == 1
    assert "alignscape measure" in page.inner_text("pre.asg-command")
    assert page.locator("table.asg-measure").count() >= 1
    for img in page.locator(".asg-figure img").all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")
        assert img.get_attribute("alt")
    assert "95%" in page.inner_text("table.asg-measure >> nth=0")
    assert page.errors == []


def test_tradeoff_pages_show_rule_conditions_and_precedence(catalog, site_dir):
    rules = [e for e in catalog.tradeoffs.effects if e.with_all or e.without or e.with_any]
    effect = rules[0]
    text = (site_dir / "tradeoffs" / f"{effect.dimension}.html").read_text()
    assert effect.id in text and "asg-cond" in text
    assert "highest priority apply" in text and "set by the data" in text


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_every_page_fits_390_px(site_dir, site_url, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    wide = []
    for path in _templates(site_dir):
        _ready(page, site_url + path)
        if not _no_sideways_scroll(page):
            culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
            wide.append((path, culprits))
    context.close()
    assert wide == []


def test_home_stage_diagram_reads_on_a_phone(site_url, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    _ready(page, site_url + "index.html")
    sizes = page.evaluate("""() => [...document.querySelectorAll('svg.as-stages')]
        .filter(s => s.getBoundingClientRect().width > 0)
        .map(s => [...s.querySelectorAll('.as-stage-dim')].map(t =>
            t.getBoundingClientRect().height))""")
    context.close()
    assert sizes and min(min(s) for s in sizes if s) >= 10  # px on screen


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_serious_accessibility_violation_on_any_template(site_dir, site_url, browser,
                                                            scheme, size):
    context = browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE,
                                  color_scheme=scheme)
    page = context.new_page()
    found = []
    for path in _templates(site_dir):
        _ready(page, site_url + path)
        if path.startswith("explorer"):
            page.wait_for_selector("#explorer-rows tr")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [(path, v["id"], [n["target"] for n in v["nodes"][:3]])
                  for v in result["violations"] if v["impact"] in ("serious", "critical")]
    context.close()
    assert found == []


@pytest.mark.slow
def test_make_screenshots_writes_pngs(site_dir, tmp_path):
    out = tmp_path / "shots"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"),
                           "--site", str(site_dir), "--out", str(out), "--only", "timeline"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == [f"timeline-{s}-{c}.png" for s in ("desktop", "phone")
                     for c in ("dark", "light")]
    assert all(p.stat().st_size > 10_000 for p in out.glob("*.png"))


def test_comparison_matrix_is_full_width_with_sticky_headers(site_url, page):
    _ready(page, site_url + "compare.html?stage=synthesis")
    page.wait_for_selector("#matrix-table tbody tr")
    content = page.evaluate("document.querySelector('.md-content').getBoundingClientRect().width")
    assert content > 1100  # of 1280: no sidebars beside it
    head = page.locator("#matrix-table thead tr:last-child th").nth(2)
    top = head.bounding_box()["y"]
    page.evaluate("document.querySelector('.as-matrix-scroll').scrollTop = 600")
    page.wait_for_timeout(100)
    assert abs(head.bounding_box()["y"] - top) < 2  # the header stayed where it was
    first_row = page.locator("#matrix-table tbody tr").first.bounding_box()["y"]
    assert first_row < top  # while the rows scrolled under it
