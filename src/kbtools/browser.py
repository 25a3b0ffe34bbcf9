"""Serve a built site on 127.0.0.1 and drive Debian's Chromium with Playwright.

Shared by the browser tests (search, third-party requests) and the offline PDF script. Chromium
comes from Debian's ``chromium`` package; Playwright's own browser download is never used.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

from .static_server import Gzip

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


def find_chromium() -> str | None:
    """Path of Debian's chromium binary, or None."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def playwright_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


class _SiteHandler(Gzip):
    """Serves the site under its base path (site_url's path, e.g. /docker-basics/), as GitHub
    Pages does, so absolute links (404 page, language switcher) work as in production, with
    text files gzip-compressed as GitHub Pages sends them."""
    base_path = "/"

    def translate_path(self, path):
        if not path.startswith(self.base_path):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + path[len(self.base_path):])

    def send_error(self, code, message=None, explain=None):
        """A missing file gets the site's 404.html with status 404, as GitHub Pages does."""
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

    def log_message(self, format, *args):  # noqa: A002 - signature from the stdlib
        pass


@contextlib.contextmanager
def serve_site(site_dir: Path, base_path: str | None = None):
    """Serve ``site_dir`` on 127.0.0.1 (free port) under ``base_path`` (default: the path of
    site_url in mkdocs.yml); yields the base URL, e.g. http://127.0.0.1:PORT/docker-basics/."""
    from .paths import site_base_path

    prefix = base_path or site_base_path()
    handler_class = type("Handler", (_SiteHandler,), {"base_path": prefix})
    handler = functools.partial(handler_class, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """A headless Debian Chromium driven by Playwright; yields the Browser."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError("chromium not found: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
