"""The Docker image's web server: the built site as static files, with the security headers
GitHub Pages cannot send (standard library only; copied alone into the image).

Every response carries the site's Content-Security-Policy (the same text as the pages' <meta>,
written by the image build from kbtools.csp into HEADERS_FILE), ``X-Content-Type-Options:
nosniff`` and a ``Referrer-Policy``. Folders are never listed. Text files (HTML, CSS, JavaScript,
JSON, SVG, XML) are sent gzip-compressed to a browser that accepts it, as GitHub Pages sends
them (``Gzip``, also used by the test server in kbtools/browser.py, so that the browser tests and
Lighthouse see the bytes a reader downloads); Pagefind's index files are compressed already.

    python3 static_server.py --root /srv/www --headers /srv/headers.txt --port 8080
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml")


class Gzip(http.server.SimpleHTTPRequestHandler):
    """GET of a text file by a client that accepts gzip: the file compressed (cached per file
    and modification time); anything else as SimpleHTTPRequestHandler sends it."""
    _cache: dict[tuple[str, float], bytes] = {}

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or not os.path.isfile(path) or \
                not self.guess_type(path).startswith(COMPRESSIBLE):
            return super().send_head()
        key = (path, os.path.getmtime(path))
        if key not in self._cache:
            with open(path, "rb") as handle:
                self._cache[key] = gzip.compress(handle.read(), compresslevel=6, mtime=0)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class Handler(Gzip):
    extra_headers: list[tuple[str, str]] = []

    def end_headers(self) -> None:
        for name, value in self.extra_headers:
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path):  # noqa: ARG002 - folders are never listed
        self.send_error(404, "Not found")
        return None

    def log_message(self, format, *args):  # noqa: A002 - one short line per request
        print(f"{self.address_string()} {format % args}", flush=True)


def read_headers(path: str) -> list[tuple[str, str]]:
    headers = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            name, _, value = line.partition(":")
            if name.strip() and value.strip():
                headers.append((name.strip(), value.strip()))
    return headers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--headers", required=True, help="file of 'Name: value' lines")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    Handler.extra_headers = read_headers(args.headers)
    handler = functools.partial(Handler, directory=args.root)
    with http.server.ThreadingHTTPServer(("", args.port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
