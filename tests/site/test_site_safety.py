"""Hostile input cannot reach a page as live code: escaping, link schemes, nh3, and a whole
site built from a catalog holding hostile entries, looked at as HTML and in the browser."""

from __future__ import annotations

import dataclasses
import json
import shutil
from html.parser import HTMLParser

import pytest
from site_helpers import ROOT, serve_directory

from alignscape.catalog.loader import load_catalog
from alignscape.catalog.validation import validate_catalog
from alignscape.model.scenario import Preference, Requirement, Scenario
from alignscape.site.build import SitePaths, build_site
from alignscape.site.safety import clean, external_link, md_escape, safe_url

PAYLOAD = "window.__pwned = (window.__pwned || 0) + 1"
HOSTILE_NAME = f"</title><script>{PAYLOAD}</script> Evil [x](javascript:{PAYLOAD})"
HOSTILE_SHORT_NAME = "<img src=x onerror=alert(1)>"  # at most 40 characters
HOSTILE_SUMMARY = (f"<script>{PAYLOAD}</script> <img src=x onerror=\"{PAYLOAD}\"> "
                   f"**bold** [click](javascript:{PAYLOAD}) <a href=\"javascript:{PAYLOAD}\">a</a>"
                   " and enough words to pass the length check.")
HOSTILE_YAML = """\
id: hostile_entry
kind: method
short_name: {short}
name: {name}
aliases: [{alias}]
year: {year}
cite: {cite}
links:
  code: "https://example.org/x?a=1&b=<script>"
summary: {summary}
notes: {notes}
pipeline:
  synthesis:
    sources: [policy_sampling]
    evidence: {summary}
  evaluation:
    evaluators: [llm_judge]
    evidence: "<iframe src=javascript:alert(1)></iframe> section 3"
  instantiation:
    formats: [pairwise]
    evidence: "{{{{ config }}}} and {{% raw %}} templating must stay text"
"""


# -- the escaping helpers ----------------------------------------------------------------------

def test_md_escape_neutralises_html_and_markdown():
    out = str(md_escape("<b>x</b> [l](javascript:y) *e* `c` & {: #id}"))
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert "\\[l\\]" in out and "\\(javascript:y\\)" in out
    assert "\\*e\\*" in out and "\\`c\\`" in out and "&amp;" in out and "\\{" in out


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "data:text/html,<script>x</script>", "vbscript:x", "//evil.example/x", "/relative",
    "http://", "ftp://example.org/", "", None, 42, "https://exa\nmple.org"])
def test_safe_url_refuses_everything_but_absolute_http(url):
    assert safe_url(url) is None


def test_safe_url_keeps_http_and_https():
    assert safe_url("https://arxiv.org/abs/2305.18290") == "https://arxiv.org/abs/2305.18290"
    assert safe_url("http://example.org/a?b=c") == "http://example.org/a?b=c"


def test_external_link_has_noopener_and_escapes():
    link = str(external_link('https://example.org/?q="><script>', "<b>paper</b>"))
    assert 'rel="noopener noreferrer"' in link
    assert "<script>" not in link and "<b>" not in link
    refused = str(external_link("javascript:alert(1)", "code"))
    assert "href" not in refused and "javascript" not in refused


def test_clean_drops_scripts_handlers_and_bad_schemes():
    dirty = ('<p onclick="x()">hi<script>alert(1)</script><a href="javascript:x">a</a>'
             '<a href="https://ok.example/">b</a><iframe src="x"></iframe></p>')
    out = str(clean(dirty))
    assert "<script" not in out and "onclick" not in out and "iframe" not in out
    assert "javascript" not in out and 'href="https://ok.example/"' in out


# -- a whole site with hostile entries ---------------------------------------------------------

class _Audit(HTMLParser):
    """Everything in a page that could run: script elements, event handlers, URL attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    value.strip().lower().replace("\t", "").startswith(
                        ("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed"):
            self.problems.append(f"<{tag}>")
        if tag == "img" and any(n == "src" and v == "x" for n, v in attrs):
            self.problems.append("<img src=x>")
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "__pwned" in data:
            self.problems.append("script element carrying the payload")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, catalog):
    """A copy of the catalog plus one hostile entry that passes validation, and one the
    validator would refuse (javascript: links) put straight into the loaded catalog, as a
    renderer must survive whatever reaches it."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "catalog", root / "catalog")
    ref = catalog.reference(catalog["dpo"].cite) if "dpo" in catalog.entries else None
    cite, year = (ref.key, ref.year) if ref else next(
        (r.key, r.year) for r in catalog.bibliography.references.values() if r.year)
    (root / "catalog" / "entries" / "hostile_entry.yaml").write_text(HOSTILE_YAML.format(
        name=json.dumps(HOSTILE_NAME), short=json.dumps(HOSTILE_SHORT_NAME),
        alias=json.dumps(f"<img src=x onerror={PAYLOAD}>"),
        year=year, cite=cite, summary=json.dumps(HOSTILE_SUMMARY),
        notes=json.dumps(f"<iframe src=\"javascript:{PAYLOAD}\"></iframe>")))
    loaded = load_catalog(root)
    template = loaded["hostile_entry"]
    unvalidated = dataclasses.replace(
        template, id="unvalidated_entry", source="catalog/entries/../../../etc/passwd",
        name=f"<svg onload=\"{PAYLOAD}\">", builds_on=("hostile_entry",),
        links={"paper": f"javascript:{PAYLOAD}", "code": f" JaVaScRiPt:{PAYLOAD}",
               "data": f"data:text/html,<script>{PAYLOAD}</script>"})
    loaded.entries["unvalidated_entry"] = unvalidated
    loaded.scenarios = (*loaded.scenarios, Scenario(
        id="hostile_scenario", label=HOSTILE_NAME, summary=HOSTILE_SUMMARY,
        rationale=f"<iframe src=\"javascript:{PAYLOAD}\"></iframe> | a | b",
        survey=f"<svg onload=\"{PAYLOAD}\">",
        requires=(Requirement("annotation_cost <= low", HOSTILE_SUMMARY,
                              cite=(f"<script>{PAYLOAD}</script>",)),),
        prefers=(Preference("bias_risk", f"[x](javascript:{PAYLOAD})"),)))
    paths = SitePaths.for_root(root, out=root / "build", site_src=ROOT / "site")
    build_site(loaded, paths)
    return paths.site


def test_validator_refuses_a_javascript_link(tmp_path):
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    entry = (ROOT / "catalog" / "entries" / "dpo.yaml").read_text()
    entry = entry.replace("https://arxiv.org/abs/2305.18290", "javascript:alert(1)", 1)
    (tmp_path / "catalog" / "entries" / "dpo.yaml").write_text(entry)
    result = validate_catalog(tmp_path)
    assert any(f.code == "X007" and "javascript:" in f.message for f in result.errors)


def test_hostile_entries_are_inert_in_every_page(hostile_site):
    for page in hostile_site.rglob("*.html"):
        audit = _Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.problems == [], (page.relative_to(hostile_site), audit.problems)
    entry = (hostile_site / "entries" / "hostile_entry.html").read_text()
    assert "&lt;script&gt;" in entry  # shown as text, not dropped silently
    assert "{{ config }}" in entry  # template syntax in an entry is text, not evaluated
    unvalidated = (hostile_site / "entries" / "unvalidated_entry.html").read_text()
    assert "Edit this entry" not in unvalidated  # its source path climbs out of the repository
    assert "JaVaScRiPt" not in unvalidated and "data:text/html" not in unvalidated
    scenario = (hostile_site / "scenarios" / "hostile-scenario.html").read_text()
    assert "&lt;script&gt;" in scenario and "Entries that satisfy it" in scenario


def test_hostile_entries_run_nothing_in_the_browser(hostile_site, browser):
    server, url = serve_directory(hostile_site)
    try:
        context = browser.new_context()
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ("entries/hostile_entry.html", "entries/unvalidated_entry.html",
                     "entries/index.html", "explorer.html?text=evil", "compare.html?text=evil",
                     "taxonomy/synthesis.html", "graphs/lineage.html",
                     "scenarios/index.html", "scenarios/hostile-scenario.html"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__pwned") is None, path
        page.goto(url + "explorer.html?text=hostile")
        page.wait_for_selector("#explorer-rows tr")
        assert "<script>" in page.inner_text("#explorer-rows")  # text, not markup
        page.click("#explorer-rows a")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()
