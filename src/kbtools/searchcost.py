"""What search costs a reader, measured in Chromium: the bytes a page load transfers before the
reader touches the search box, and the bytes and time of the first query. Used by the browser
tests (budgets) and the benchmark (figures at 1x, 10x and 100x pages).

Bytes are gzip bytes of each response body (what a server that compresses sends; Pagefind's
chunks are compressed already and gain nothing), so figures do not depend on the test server.
"""
from __future__ import annotations

import gzip
import time
from dataclasses import dataclass, field

SEARCH_INPUT = "input.md-search__input"
RESULT_META = ".md-search-result__meta"
WAIT_MS = 30_000


@dataclass
class Transfer:
    urls: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0

    def search_urls(self) -> list[str]:
        """Requests that belong to the search (Pagefind's files, a lunr index)."""
        return [u for u in self.urls if "/pagefind/" in u or "search_index" in u]


class _Recorder:
    def __init__(self, page):
        self.responses = []
        page.on("response", lambda response: self.responses.append(response))

    def take(self) -> Transfer:
        taken, self.responses = self.responses, []
        transfer = Transfer()
        for response in taken:
            if response.url.startswith("data:"):
                continue
            try:
                body = response.body()
            except Exception:   # redirects and aborted requests have no body
                continue
            transfer.urls.append(response.url)
            transfer.bytes += len(gzip.compress(body, compresslevel=6, mtime=0))
        return transfer


def open_page(browser, url: str):
    """(page, transfer of the page load, recorder): a fresh context (empty cache), the page
    loaded until the network is idle."""
    context = browser.new_context()
    page = context.new_page()
    recorder = _Recorder(page)
    start = time.perf_counter()
    page.goto(url, wait_until="networkidle")
    loaded = recorder.take()
    loaded.seconds = time.perf_counter() - start
    return page, loaded, recorder


def page_load(browser, url: str) -> Transfer:
    page, loaded, _ = open_page(browser, url)
    page.context.close()
    return loaded


def first_query(browser, url: str, query: str) -> tuple[Transfer, Transfer]:
    """(page load, first query): the query is typed into the search box of a freshly loaded
    page; its transfer holds everything fetched from the focus until the results show and the
    network is idle, and the time from the focus to the rendered results."""
    page, loaded, recorder = open_page(browser, url)
    try:
        placeholder = page.locator(RESULT_META).text_content()
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
        searched = recorder.take()
        searched.seconds = elapsed
        return loaded, searched
    finally:
        page.context.close()
