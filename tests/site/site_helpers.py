"""Helpers shared by the site tests (a module of its own: conftest files are not importable
by name when several test folders have one)."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    # The path the site is published under (site_url's, e.g. "/alignscape/"): served there as
    # well as at the root, as GitHub Pages serves a project site.
    mount = "/"

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        if self.mount != "/" and path.startswith(self.mount):
            path = "/" + path[len(self.mount):]
        return super().translate_path(path)

    def send_error(self, code, message=None, explain=None):
        """A missing file answers with the site's 404.html, as a static host does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def site_path(site_url: str | None) -> str:
    """"/alignscape/" for https://alignscape.github.io/alignscape/ ("/" when unset)."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


def serve_directory(directory: Path, mount: str = "/"):
    """An HTTP server for `directory` on a free loopback port, in a daemon thread; the site
    is also served under `mount` (the path of its site_url)."""
    handler_class = type("_Handler", (_QuietHandler,), {"mount": mount})
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
