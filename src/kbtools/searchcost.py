"""What search costs a reader, measured in Chromium: the bytes a page load transfers before the
reader touches the search box, and the bytes and time of the first query. Used by the browser
tests (budgets) and the benchmark (figures at 1x, 10x and 100x pages).

Bytes are gzip bytes of each file fetched (what a server that compresses sends; Pagefind's chunks
are compressed already and gain nothing), so figures do not depend on the test server. Which
files were fetched comes from the page's Resource Timing entries (request start times), so a
page load and a query are told apart exactly.
"""
from __future__ import annotations

import gzip
import time
import urllib.request
from dataclasses import dataclass, field

SEARCH_INPUT = "input.md-search__input"
RESULT_META = ".md-search-result__meta"
WAIT_MS = 30_000


@dataclass
class Transfer:
    urls: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)     # gzip bytes per kind_of(url)

    @property
    def bytes(self) -> int:
        return sum(self.by_kind.values())

    def search_urls(self) -> list[str]:
        """Requests that belong to the search (Pagefind's files, a lunr index)."""
        return [u for u in self.urls if "/pagefind/" in u or "search_index" in u]


# What a search file is, by its name: Pagefind's page list, index chunks, filters, page excerpts
# (fragments), this site's word and terms files; its other files are its code and wasm.
KINDS = {"pf_meta": "page list", "pf_index": "chunks", "pf_filter": "filters",
         "pf_fragment": "excerpts", "kb-words": "words"}


def kind_of(url: str) -> str:
    """The KINDS entry of a search file, "code" for Pagefind's other files, else "page"."""
    default = "code" if "/pagefind/" in url else "page"
    return next((kind for marker, kind in KINDS.items() if marker in url), default)


RESOURCES_SINCE = """since => [location.href, ...performance.getEntriesByType('resource')
    .filter(entry => entry.startTime >= since).map(entry => entry.name)]"""


def _transfer(urls: list[str], since_load: bool) -> Transfer:
    """Gzip bytes of what the browser fetched (each URL fetched again from the local server:
    the browser's own counters see uncompressed bytes)."""
    transfer = Transfer()
    for url in urls if since_load else urls[1:]:
        if not url.startswith("http://127.0.0.1"):
            transfer.urls.append(url)
            continue
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
        except OSError:          # a 404 (the reader's issue 13: sitemap.xml) carries no page
            continue
        transfer.urls.append(url)
        kind = kind_of(url)
        size = len(gzip.compress(body, compresslevel=6, mtime=0))
        transfer.by_kind[kind] = transfer.by_kind.get(kind, 0) + size
    return transfer


def open_page(browser, url: str):
    """(page, transfer of the page load): a fresh context (empty cache), the page loaded until
    the network is idle; what it fetched is read from the browser's Resource Timing entries."""
    context = browser.new_context()
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url, wait_until="networkidle")
    loaded = _transfer(page.evaluate(RESOURCES_SINCE, 0), since_load=True)
    loaded.seconds = time.perf_counter() - start
    return page, loaded


def page_load(browser, url: str) -> Transfer:
    page, loaded = open_page(browser, url)
    page.context.close()
    return loaded


def first_query(browser, url: str, query: str) -> tuple[Transfer, Transfer]:
    """(page load, first query): the query is typed into the search box of a freshly loaded
    page; its transfer holds everything fetched from the focus until the results show and the
    network is idle, and the time from the focus to the rendered results."""
    page, loaded = open_page(browser, url)
    try:
        placeholder = page.locator(RESULT_META).text_content()
        since = page.evaluate("() => performance.now()")
        start = time.perf_counter()
        box = page.locator(SEARCH_INPUT)
        box.click()
        box.fill(query)
        box.press("End")
        page.wait_for_function(
            "([sel, before]) => { const t = document.querySelector(sel).textContent.trim();"
            " return t && t !== before.trim() && /\\d|没有|No matching/.test(t); }",
            arg=[RESULT_META, placeholder], timeout=WAIT_MS)
        elapsed = time.perf_counter() - start
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)     # excerpts of more pages, if the results do not fill the box
        searched = _transfer(page.evaluate(RESOURCES_SINCE, since), since_load=False)
        searched.seconds = elapsed
        return loaded, searched
    finally:
        page.context.close()
