"""Screenshots of the main pages for a reviewer who does not want to open a browser:
`make screenshots` builds the site and writes build/screenshots/<page>-<size>-<scheme>.png for
desktop (1280 x 900) and phone (390 x 844) sizes, light and dark.

    python scripts/screenshots.py [--site build/site] [--out build/screenshots] [--only NAME]

Uses Playwright with Debian's Chromium (/usr/bin/chromium), like the browser tests. Pages are
captured whole, up to MAX_HEIGHT pixels.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
MAX_HEIGHT = 6000


def pages(site: Path) -> dict[str, str]:
    """name -> path of the pages worth looking at (the first entry and scenario found)."""
    entry = "entries/dpo.html" if (site / "entries/dpo.html").is_file() else next(
        str(p.relative_to(site)) for p in sorted((site / "entries").glob("*.html"))
        if p.name != "index.html")
    scenarios = sorted(p for p in (site / "scenarios").glob("*.html") if p.name != "index.html")
    found = {
        "home": "index.html", "entry": entry, "explorer": "explorer.html",
        "compare": "compare.html", "taxonomy-stage": "taxonomy/synthesis.html",
        "tradeoff": "tradeoffs/length_bias.html", "timeline": "graphs/lineage.html",
        "heatmaps": "graphs/design-space.html", "scatter": "graphs/scatter.html",
        "gaps": "gaps.html",
    }
    if scenarios:
        found["scenario"] = str(scenarios[0].relative_to(site))
    return {k: v for k, v in found.items() if (site / v.split("?")[0]).is_file()}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "build" / "site"))
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--only", action="append", help="a page name (repeatable)")
    args = parser.parse_args(argv)
    site, out = Path(args.site), Path(args.out)
    if not (site / "index.html").is_file():
        print(f"screenshots: no built site in {site} (run `alignscape build`)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    written = 0
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for size, viewport in SIZES.items():
                for scheme in SCHEMES:
                    context = browser.new_context(
                        viewport=viewport, color_scheme=scheme,
                        device_scale_factor=1, is_mobile=size == "phone",
                        has_touch=size == "phone")
                    page = context.new_page()
                    for name, path in pages(site).items():
                        if args.only and name not in args.only:
                            continue
                        page.goto(url + path)
                        page.wait_for_load_state("networkidle")
                        page.wait_for_timeout(400)
                        height = page.evaluate("document.documentElement.scrollHeight")
                        target = out / f"{name}-{size}-{scheme}.png"
                        if height <= MAX_HEIGHT:
                            page.screenshot(path=str(target), full_page=True)
                        else:
                            page.screenshot(path=str(target), full_page=True, clip={
                                "x": 0, "y": 0, "width": viewport["width"],
                                "height": MAX_HEIGHT})
                        written += 1
                    context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"screenshots: {written} PNGs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
