"""Serve the built site on the loopback address and rebuild it when the catalog changes.

Each rebuild goes to a staging folder that replaces build/site only when it succeeded, so the
server never shows a half-written site, and a broken entry leaves the last good site up while
its problems are printed. A change under catalog/entries alone takes the live path instead:
the catalog is reloaded against the one being served (CatalogCache.reload: the changed files
parsed, every other Entry kept) and only what shows the changed entries is rebuilt in place
(site/incremental.py).
"""

from __future__ import annotations

import functools
import shutil
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from alignscape.catalog.cache import CatalogCache
from alignscape.catalog.loader import load_catalog
from alignscape.collector import keep_out_of_collections
from alignscape.model import CatalogInvalid
from alignscape.site.build import build_site
from alignscape.site.errors import SiteError
from alignscape.site.incremental import memoize_profiles, update
from alignscape.site.paths import SitePaths

DEBOUNCE_SECONDS = 0.4
IGNORED_SUFFIXES = (".swp", ".swx", "~", ".tmp", ".part")


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # A rebuilt page must show on reload, not a cached copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


class SiteServer:
    def __init__(self, root: Path, out: Path | None, progress: Callable[[str], None],
                 err: Callable[[str], None], site_src: Path | None = None):
        self.root = root
        self.paths = SitePaths.for_root(root, out, site_src)
        self.staging = SitePaths(root=self.paths.root, out=self.paths.out / "serve-staging",
                                 site_src=self.paths.site_src)
        self.progress = progress
        self.err = err
        self._changed = threading.Event()
        self._lock = threading.Lock()
        self.builds = 0  # successful builds so far
        self.catalog = None  # what the served site was built from
        self._paths_changed: set[str] = set()
        self.last_update = None  # the last incremental update (site/incremental.py)

    def rebuild_changed(self) -> bool:
        """After changes under catalog/entries only: update the pages that show the changed
        entries (site/incremental.py); anything else, or a failure, rebuilds it all."""
        changed, self._paths_changed = self._paths_changed, set()
        entries_dir = str((self.root / "catalog" / "entries").resolve())
        if self.catalog is None or not changed or not all(
                p.startswith(entries_dir + "/") for p in changed):
            return self.rebuild()
        with self._lock:
            started = time.perf_counter()
            try:
                cache = CatalogCache(self.root)
                catalog = cache.reload(self.catalog)
                result = update(self.catalog, catalog, self.staging, self.paths.site)
                if result is not None:
                    result.parsed = cache.stats.work.get("parsed")
                    result.entries_built = cache.stats.work.get("entries_built")
            except CatalogInvalid as exc:
                for finding in exc.findings[:20]:
                    self.err(finding.format())
                self.err(f"alignscape serve: {exc}; still serving the last good site")
                return False
            except SiteError as exc:
                self.err(f"alignscape serve: {exc}; rebuilding the whole site")
                result = None
            if result is not None:
                self.catalog = catalog
                self.last_update = result
                self.builds += 1
                self.progress(f"updated {len(result.rendered)} pages for "
                              f"{', '.join(result.entries) or 'no changed entry'} in "
                              f"{time.perf_counter() - started:.1f} s")
                return True
        return self.rebuild()

    def rebuild(self) -> bool:
        """One build into staging, swapped into place on success."""
        with self._lock:
            started = time.perf_counter()
            try:
                catalog = memoize_profiles(load_catalog(self.root, cache=True))
                build_site(catalog, self.staging, self.progress)
            except CatalogInvalid as exc:
                for finding in exc.findings[:20]:
                    self.err(finding.format())
                self.err(f"alignscape serve: {exc}; still serving the last good site")
                return False
            except SiteError as exc:
                self.err(f"alignscape serve: {exc}; still serving the last good site")
                return False
            target = self.paths.site
            old = self.paths.out / "site.old"
            shutil.rmtree(old, ignore_errors=True)
            if target.exists():
                target.rename(old)
            self.staging.site.rename(target)
            shutil.rmtree(old, ignore_errors=True)
            self.builds += 1
            self.catalog = catalog
            # The served catalog is long-lived: no full collection walks it in a live
            # rebuild (about half a second at 10,000 entries).
            keep_out_of_collections()
            self.progress(f"site rebuilt in {time.perf_counter() - started:.1f} s "
                          f"({len(catalog)} entries)")
            return True

    def notice(self, path: str) -> None:
        if not path.endswith(IGNORED_SUFFIXES) and "/." not in path:
            self._paths_changed.add(str(Path(path).resolve()))
            self._changed.set()

    def watch_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if not self._changed.wait(timeout=0.5):
                continue
            # Editors write a file in several steps: wait until the changes settle.
            while self._changed.is_set():
                self._changed.clear()
                time.sleep(DEBOUNCE_SECONDS)
            self.progress("change detected, rebuilding")
            self.rebuild_changed()


    def start_watching(self, stop: threading.Event):
        """Watch catalog/ and site/ and rebuild on change, in background threads. Returns the
        watchdog observer (stop it with .stop())."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        server = self

        class _Events(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                if not event.is_directory and event.event_type not in ("opened",
                                                                      "closed_no_write"):
                    server.notice(str(event.src_path))

        observer = Observer()
        for folder in (self.root / "catalog", self.paths.site_src):
            if folder.is_dir():
                observer.schedule(_Events(), str(folder), recursive=True)
        observer.start()
        threading.Thread(target=self.watch_forever, args=(stop,), daemon=True).start()
        return observer

    def http_server(self, host: str, port: int) -> ThreadingHTTPServer:
        handler = functools.partial(_Handler, directory=str(self.paths.site))
        return ThreadingHTTPServer((host, port), handler)


def serve(root: Path, out: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
          watch: bool = True, progress: Callable[[str], None] = print,
          err: Callable[[str], None] = print) -> int:
    server = SiteServer(root, out, progress, err)
    if not server.rebuild() and not server.paths.site.is_dir():
        err("alignscape serve: no site to serve; fix the problems above and run it again")
        return 1
    try:
        httpd = server.http_server(host, port)
    except OSError as exc:
        err(f"alignscape serve: cannot listen on {host}:{port} ({exc.strerror}); "
            "pass --port to use another port")
        return 1
    stop = threading.Event()
    observer = server.start_watching(stop) if watch else None
    progress(f"serving http://{host}:{port}/ (Ctrl-C to stop)"
             + ("; watching catalog/ and site/ for changes" if watch else ""))
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        progress("stopping")
    finally:
        stop.set()
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
        httpd.server_close()
    return 0
