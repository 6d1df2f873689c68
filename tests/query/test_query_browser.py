"""The command line and the browser agree.

1. Through the site's explorer: the real site is built, served, and each expression is put in
   the explorer's address (`explorer.html?expr=...`); the rows it lists (every page of them) must
   be exactly what `alignscape query --format ids` prints, and a malformed expression must be
   reported at the same character with the same message.
2. The query module alone in Chromium, on the index explorer_index() writes, for the
   hand-written and a seeded random batch of expressions (trees, rows and errors).
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from query_expressions import HAND_WRITTEN, random_expressions

from alignscape.querylang import QueryError, parse

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
QUERY_JS = ROOT / "site" / "assets" / "javascripts" / "alignscape-query.js"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no /usr/bin/chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def serve():
    servers = []

    def start(directory: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def built_site(catalog, tmp_path_factory):
    """The real site, with the scenario pages added, built by `mkdocs build --strict` (so a
    broken link on a scenario page fails here too)."""
    from alignscape.site.build import SitePaths, build_site, run_mkdocs
    from alignscape.site.scenarios import scenario_pages

    paths = SitePaths.for_root(ROOT, out=tmp_path_factory.mktemp("site-build"))
    build_site(catalog, paths, mkdocs=False)
    folder = paths.docs / "scenarios"
    folder.mkdir(exist_ok=True)
    for slug, markdown in scenario_pages(catalog):
        (folder / f"{slug}.md").write_text(markdown, encoding="utf-8")
    run_mkdocs(paths)
    return paths.site


def test_scenario_page_links_open_the_query_in_the_explorer(built_site, serve, browser,
                                                           catalog):
    from alignscape.query.recommend import recommend

    scenario = catalog.scenarios[0]
    page = browser.new_page()
    page.goto(serve(built_site) + f"scenarios/{scenario.slug}.html")
    page.click("text=Open this query in the explorer")
    page.wait_for_function("() => document.querySelector('#explorer-count') && "
                           "!document.querySelector('#explorer-count').textContent"
                           ".startsWith('Loading')")
    for _ in range(1000):
        if page.evaluate("() => document.querySelector('#explorer-more').hidden"):
            break
        page.dispatch_event("#explorer-more", "click")
    ids = page.eval_on_selector_all("#explorer-rows tr[data-id]",
                                    "rows => rows.map(r => r.getAttribute('data-id'))")
    page.close()
    assert sorted(ids) == sorted(r.entry.id for r in recommend(catalog, scenario).entries)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alignscape.cli", "--root", str(ROOT), *args],
                          capture_output=True, text=True, timeout=120)


EXPLORER_EXPRESSIONS = [e for e in HAND_WRITTEN if e.strip()]


def explorer_result(page, base: str, expression: str, through_url: bool):
    """The ids the explorer lists for `expression` and its status line. Through the address
    (`?expr=`, a fresh page load) or by typing into the expression box of the loaded page."""
    if through_url:
        page.goto(base + "explorer.html?expr=" + quote(expression, safe=""),
                  wait_until="domcontentloaded")
        page.wait_for_function("() => !document.querySelector('#explorer-count')"
                               ".textContent.startsWith('Loading')")
    else:
        page.fill("#explorer-query", expression)
        # The explorer writes the expression back into the address once it has updated.
        page.wait_for_function("(e) => new URLSearchParams(location.search).get('expr') === e",
                               arg=expression.strip())
    for _ in range(1000):  # "Show more" until every matching row is listed
        if page.evaluate("() => document.querySelector('#explorer-more').hidden"):
            break
        page.dispatch_event("#explorer-more", "click")
    ids = page.eval_on_selector_all("#explorer-rows tr[data-id]",
                                    "rows => rows.map(r => r.getAttribute('data-id'))")
    status = page.text_content("#explorer-query-status") or ""
    return ids, status


def test_cli_and_explorer_agree(built_site, serve, browser, real_index):
    base = serve(built_site)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    checked = {"rows": 0, "errors": 0}
    # The command line runs in other processes while the browser works.
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = list(pool.map(lambda e: cli("query", "--format", "ids", e),
                             EXPLORER_EXPRESSIONS))
    for n, (expression, done) in enumerate(zip(EXPLORER_EXPRESSIONS, runs, strict=True)):
        # A page load costs seconds: every fifth expression goes through the address.
        ids, status = explorer_result(page, base, expression, through_url=n % 5 == 0)
        try:
            parse(expression, real_index)
        except QueryError as error:
            assert done.returncode == 2, (expression, done.stderr)
            assert error.message in done.stderr
            assert error.message in status, (expression, status)
            assert f"at character {error.position + 1}" in status, (expression, status)
            assert ids == []
            checked["errors"] += 1
            continue
        assert done.returncode == 0, (expression, done.stderr)
        expected = done.stdout.split()
        assert sorted(ids) == sorted(expected), expression
        assert status.strip() == "", (expression, status)
        checked["rows"] += 1
    assert not errors, errors
    assert checked["rows"] >= 12 and checked["errors"] >= 10
    page.close()


def test_module_in_chromium_matches_python(serve, browser, real_index, tmp_path):
    (tmp_path / "index.json").write_text(json.dumps(real_index))
    (tmp_path / "alignscape-query.js").write_text(QUERY_JS.read_text())
    (tmp_path / "page.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>q</title>'
        '<script src="alignscape-query.js"></script>')
    expressions = HAND_WRITTEN + random_expressions(real_index, count=300, seed=11)
    page = browser.new_page()
    page.goto(serve(tmp_path) + "page.html")
    results = page.evaluate("""async (expressions) => {
        const index = await (await fetch('index.json')).json();
        return expressions.map((e) => {
          try {
            const ast = AlignscapeQuery.parse(e, index);
            return {ast: ast, ids: index.entries.filter((r) => AlignscapeQuery.evaluate(ast, r))
                                                .map((r) => r.id)};
          } catch (err) {
            return {error: {message: err.message, position: err.position, end: err.end,
                            expected: err.expected, suggestion: err.suggestion}};
          }
        });
    }""", expressions)
    page.close()
    from test_query_js_parity import python_results

    python = python_results(real_index, expressions)
    differ = [(e, p, j) for e, p, j in zip(expressions, python, results, strict=True) if p != j]
    assert not differ, f"{len(differ)} differ, first: {differ[0]}"
