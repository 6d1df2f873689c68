"""The entry header card as a reader sees it: three stage boxes side by side (stacked at 390 px),
trade-off chips legible in light and dark, and "similar entries" as `alignscape similar` ranks
them, each with what differs."""

from __future__ import annotations

import re

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_CONTRAST = """(el) => {
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(el);
  const fg = parse(style.color), bg = parse(style.backgroundColor);
  const a = lum(fg), b = lum(bg);
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return {ratio: ratio, alpha: bg.length > 3 ? bg[3] : 1};
}"""


def _open(browser, site_url, path, viewport, scheme="light"):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.goto(site_url + path)
    tab.wait_for_load_state("networkidle")
    return context, tab


def _boxes(tab):
    return tab.locator(".as-card .as-stage").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {x: r.left, y: r.top, w: r.width, h: r.height}; })")


def test_stage_boxes_side_by_side_on_desktop(browser, site_url):
    context, tab = _open(browser, site_url, "entries/dpo.html", DESKTOP)
    boxes = _boxes(tab)
    assert len(boxes) == 3
    assert len({round(b["y"]) for b in boxes}) == 1, boxes
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert all(b["w"] > 150 for b in boxes), boxes
    assert tab.errors == []
    context.close()


def test_stage_boxes_stack_at_390px_without_sideways_scroll(browser, site_url):
    context, tab = _open(browser, site_url, "entries/dpo.html", PHONE)
    boxes = _boxes(tab)
    assert boxes[0]["y"] + boxes[0]["h"] <= boxes[1]["y"]
    assert boxes[1]["y"] + boxes[1]["h"] <= boxes[2]["y"]
    assert len({round(b["x"]) for b in boxes}) == 1, boxes
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tradeoff_chips_are_coloured_and_legible(browser, site_url, scheme):
    context, tab = _open(browser, site_url, "entries/dpo.html", DESKTOP, scheme)
    if scheme == "dark":
        assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    chips = tab.locator(".as-card .as-tchip")
    assert chips.count() >= 3
    verdicts = set()
    backgrounds = {}
    for i in range(chips.count()):
        chip = chips.nth(i)
        verdict = re.search(r"as-tchip-(\w+)", chip.get_attribute("class")).group(1)
        verdicts.add(verdict)
        measured = chip.evaluate(_CONTRAST)
        assert measured["alpha"] == 1, verdict
        assert measured["ratio"] >= 4.5, (verdict, measured)
        backgrounds[verdict] = chip.evaluate("e => getComputedStyle(e).backgroundColor")
        assert chip.get_attribute("title"), "the reason shows on hover"
    # Each verdict has its own colour.
    assert len(set(backgrounds.values())) == len(backgrounds), backgrounds
    assert verdicts & {"better", "worse", "middle"}
    context.close()


def test_similar_entries_as_the_cli_ranks_them(catalog, site_dir):
    from alignscape.query.analysis import similar
    from alignscape.site.pages.entries import SIMILAR_SHOWN

    for entry_id in ("dpo", "ultrafeedback", "grpo_deepseekmath", "constitutional_ai"):
        if entry_id not in catalog.entries:
            continue
        html = (site_dir / "entries" / f"{entry_id}.html").read_text(encoding="utf-8")
        block = html.split('id="as-similar"', 1)[1].split("</div>", 1)[0]
        shown = re.findall(r'<span class="as-similar-head"><a href="([^"]+)\.html"', block)
        expected = [s.entry.id for s in similar(catalog, entry_id, limit=SIMILAR_SHOWN)
                    if s.score > 0]
        assert [s.rsplit("/", 1)[-1] for s in shown] == expected, entry_id
        scores = [int(x) for x in re.findall(r"(\d+)% alike", block)]
        assert scores == sorted(scores, reverse=True)


def test_similar_entries_say_what_differs(catalog, site_dir):
    html = (site_dir / "entries" / "dpo.html").read_text(encoding="utf-8")
    block = html.split('id="as-similar"', 1)[1]
    assert 'class="as-differs"' in block
    assert re.search(r'class="as-differs-(mine|theirs)">(here|there) ', block)
