"""alignscape serve: a change under catalog/ rebuilds the served site; a broken entry leaves
the last good site up."""

from __future__ import annotations

import shutil
import threading
import time
import urllib.request

from site_helpers import ROOT

from alignscape.site.serve import SiteServer


def test_serve_rebuilds_on_catalog_change(tmp_path):
    shutil.copytree(ROOT / "catalog", tmp_path / "catalog")
    messages: list[str] = []
    server = SiteServer(tmp_path, tmp_path / "build", messages.append, messages.append,
                        site_src=ROOT / "site")
    assert server.rebuild(), messages
    httpd = server.http_server("127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/entries/dpo.html"
    stop = threading.Event()
    observer = server.start_watching(stop)
    try:
        assert b"Direct Preference Optimization" in urllib.request.urlopen(url).read()
        entry = tmp_path / "catalog" / "entries" / "dpo.yaml"
        entry.write_text(entry.read_text().replace(
            "name: Direct Preference Optimization", "name: Direct Preference Optimisation"))
        deadline = time.monotonic() + 240
        while server.builds < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert server.builds == 2, messages
        assert b"Direct Preference Optimisation" in urllib.request.urlopen(url).read()

        # A broken entry: the problems are reported, the last good site stays up.
        stop.set()
        observer.stop()
        entry.write_text("id: dpo\nkind: [unclosed\n")
        assert not server.rebuild()
        assert any("dpo.yaml" in m for m in messages)
        assert any("still serving the last good site" in m for m in messages)
        assert b"Direct Preference Optimisation" in urllib.request.urlopen(url).read()
    finally:
        stop.set()
        observer.stop()
        observer.join(timeout=5)
        httpd.shutdown()
        httpd.server_close()
