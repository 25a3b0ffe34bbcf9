"""The Docker image's web server: the built site as static files, with the security headers
GitHub Pages cannot send (standard library only; copied alone into the image).

Every response carries the site's Content-Security-Policy (the same text as the pages' <meta>,
written by the image build from kbtools.csp into HEADERS_FILE), ``X-Content-Type-Options:
nosniff`` and a ``Referrer-Policy``. Folders are never listed.

    python3 static_server.py --root /srv/www --headers /srv/headers.txt --port 8080
"""
from __future__ import annotations

import argparse
import functools
import http.server


class Handler(http.server.SimpleHTTPRequestHandler):
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
