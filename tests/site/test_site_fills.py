"""Blocks filled into the HTML mkdocs rendered (site/fills.py): every deferred block is in its
page, between its own pair of markers, in the order the template wrote them, and nothing of
the page around the blocks is lost."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from alignscape.site import fills
from alignscape.site.errors import SiteError

MARKER = re.compile(r"<!--(/?)as-fill:([a-z0-9-]+)-->")


def _blocks(html: str) -> list[tuple[str, str]]:
    """(name, content) of each filled block, in page order; fails unless markers pair up."""
    out, opened = [], None
    for match in MARKER.finditer(html):
        closing, name = match.group(1) == "/", match.group(2)
        if not closing:
            assert opened is None, f"{name} opens inside {opened[0]}"
            opened = (name, match.end())
        else:
            assert opened is not None and opened[0] == name, f"{name} closes unopened"
            out.append((name, html[opened[1]:match.start()]))
            opened = None
    assert opened is None, f"{opened[0]} never closes"
    return out


def test_the_entries_index_holds_a_row_per_entry(catalog, site_dir):
    html = (site_dir / "entries" / "index.html").read_text(encoding="utf-8")
    [(name, table)] = _blocks(html)
    assert name == "entries"
    for entry in catalog:
        assert f'<a href="{entry.id}.html">' in table, entry.id
    assert table.count("<tr>") == len(catalog) + 1  # and the header row


def test_the_lineage_page_keeps_its_picture_table_and_the_text_between(site_dir):
    html = (site_dir / "graphs" / "lineage.html").read_text(encoding="utf-8")
    blocks = dict(_blocks(html))
    assert list(blocks) == ["picture", "table"]
    assert "<svg" in blocks["picture"] and 'class="asg-graph"' in blocks["picture"]
    assert 'class="asg-lineage-table"' in blocks["table"] and "<tr>" in blocks["table"]
    between = html[html.index("<!--/as-fill:picture-->"):html.index("<!--as-fill:table-->")]
    assert "lineage.json" in between and "As a table" in between


def test_the_design_space_heat_maps_are_all_there(site_dir):
    html = (site_dir / "graphs" / "design-space.html").read_text(encoding="utf-8")
    blocks = _blocks(html)
    assert [n for n, _ in blocks] == ["pair-1", "pair-2", "pair-3", "year-1", "year-2",
                                      "year-3"]
    assert all("<table" in content for _, content in blocks)
    # Each heat map follows its own heading, as the template wrote them.
    by_year = html.index('<h2 id="options-by-year"')
    assert html.index("<!--as-fill:pair-1-->") < by_year < html.index("<!--as-fill:year-1-->")


def test_filling_replaces_what_was_between_the_markers():
    page = f"<p>a</p>{fills.marker('x')}<p>b</p>"
    once = fills.filled(page, {"x": "<table>1</table>"}, "page")
    assert "<table>1</table>" in once and once.endswith("<p>b</p>")
    again = fills.filled(once, {"x": "<table>2</table>"}, "page")
    assert "<table>1</table>" not in again and "<table>2</table>" in again
    with pytest.raises(SiteError, match="no markers"):
        fills.filled("<p>no markers</p>", {"x": "y"}, "page")


def test_a_block_name_is_a_slug():
    with pytest.raises(ValueError):
        fills.marker("x--><script>")
    assert isinstance(fills.marker("ok-1"), Markup)
