"""The site's Content-Security-Policy: one policy, a ``<meta>`` on every page, the same header
from the Docker image's server.

GitHub Pages cannot send headers, so every page carries the policy as the first element of its
``<head>`` (the plugin's on_post_page / on_post_template call :func:`add_meta`). Scripts may come
from the site itself and, inline, only when their SHA-256 is in the committed allow-list
``data/csp-script-hashes.yml``: the theme's own small inline scripts. The hashes are never
computed from the page being served, so a script injected into a page does not run.

When Material (or the build's whitespace stripping) changes an inline script, the browser test
and tests/browser/test_csp.py fail; ``python -m kbtools.csp site/`` prints the hashes the built site
needs, for a maintainer to review and commit.
"""
from __future__ import annotations

import base64
import hashlib
import re
import sys
from functools import lru_cache
from pathlib import Path

from .datafiles import DataFileError, LineLoader, load_yaml, shape_error
from .paths import DATA_DIR

HASHES_FILE = DATA_DIR / "csp-script-hashes.yml"
HASH_RE = re.compile(r"^sha256-[A-Za-z0-9+/]{43}=$")
INLINE_SCRIPT_RE = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
NOT_EXECUTED_TYPES = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.I)

#: Headers the Docker image's server sends besides the policy (tests/engine/test_hosting.py).
EXTRA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@lru_cache(maxsize=None)
def allowed_hashes(path: Path = HASHES_FILE) -> tuple[str, ...]:
    """The committed hashes; DataFileError (file:line) when the file is malformed."""
    data = load_yaml(path, LineLoader)
    if not isinstance(data, list):
        raise shape_error(path, 1, "the file must be a YAML list", "write '- hash: sha256-...'")
    hashes = []
    for entry in data:
        value = entry.get("hash") if isinstance(entry, dict) else None
        line = entry.get("__line__", 1) if isinstance(entry, dict) else 1
        if not isinstance(value, str) or not HASH_RE.match(value):
            raise shape_error(path, line, f"not a sha256 script hash: {value!r}",
                              "write hash: sha256-<44 base64 characters>")
        if not isinstance(entry.get("script"), str):
            raise shape_error(path, line, "the entry does not say which script it allows",
                              "add script: a few words naming the theme's script")
        hashes.append(value)
    return tuple(hashes)


def policy(hashes: tuple[str, ...] | None = None) -> str:
    hashes = allowed_hashes() if hashes is None else hashes
    # 'wasm-unsafe-eval': the search (Pagefind) compiles its WebAssembly from the site's own
    # file; it allows WebAssembly only, not eval() of JavaScript.
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *(f"'{h}'" for h in hashes)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",      # styles, fonts, fetches, workers: default-src 'self'
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
    ])


def header_lines() -> str:
    """The headers of the Docker image's server (kbtools/static_server.py), one per line."""
    headers = {"Content-Security-Policy": policy(), **EXTRA_HEADERS}
    return "".join(f"{name}: {value}\n" for name, value in headers.items())


def meta_tag() -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy()}">'


HEAD_RE = re.compile(r"<head\b[^>]*>(?:\s*<meta charset=[^>]*>)?", re.I)


def add_meta(html: str) -> str:
    """The page with the policy as the first element of <head> (after the charset)."""
    if "Content-Security-Policy" in html[:4096]:
        return html
    match = HEAD_RE.search(html)
    if not match:
        return html
    return html[:match.end()] + meta_tag() + html[match.end():]


def script_hash(body: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()


def inline_script_hashes(html: str) -> dict[str, str]:
    """{hash: first characters} of the inline scripts a browser would run."""
    found = {}
    for match in INLINE_SCRIPT_RE.finditer(html):
        attrs, body = match["attrs"], match["body"]
        if re.search(r"\bsrc\s*=", attrs) or NOT_EXECUTED_TYPES.search(attrs) or not body:
            continue
        found[script_hash(body)] = body[:60]
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the inline-script hashes of a built site (for data/csp-script-hashes.yml)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--headers"]:
        print(header_lines(), end="")
        return 0
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m kbtools.csp SITE_DIR", file=sys.stderr)
        return 2
    found: dict[str, str] = {}
    for path in sorted(Path(argv[0]).rglob("*.html")):
        found.update(inline_script_hashes(path.read_text(encoding="utf-8")))
    try:
        known = set(allowed_hashes())
    except DataFileError as error:
        print(error.problem, file=sys.stderr)
        known = set()
    for value, start in sorted(found.items(), key=lambda item: item[1]):
        mark = "" if value in known else "   # NEW: review the script before adding it"
        print(f"- hash: {value}\n  script: {start!r}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
