"""Nothing third-party is fetched: the site works offline and tells no one who reads it.

Loads pages of both languages in Debian's Chromium (Playwright), opens the search (Pagefind,
its index chunks) and records every request the browser makes, including the search worker's. Any
request that does not go to the local server (127.0.0.1) fails the test and is named.
Known sources this guards against: Google Fonts (theme.font), the GitHub API call of the header's
repository widget (overridden in overrides/partials/source.html), emoji/mermaid CDNs.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest


pytestmark = pytest.mark.browser

# A few pages of each language: the homes, the model page, pages with diagrams and code.
PAGES = [
    "", "resources/memory/", "images/layers/", "reference/glossary/",
    "en/", "en/resources/memory/", "en/images/layers/", "en/reference/glossary/",
]
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="module")
def site(site_in_browser):
    return site_in_browser


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


@pytest.mark.parametrize("path", PAGES, ids=lambda path: "/" + path)
def test_page_makes_no_third_party_request(site, path):
    base_url, browser = site
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        page.goto(base_url + path, wait_until="networkidle")
        # Open the search and run a query: that loads Pagefind and its index.
        page.locator("input.md-search__input").click()
        page.locator("input.md-search__input").fill("docker")
        page.locator("input.md-search__input").press("End")
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()

    assert any(url.endswith("pagefind/pagefind.js") for url in requests), (
        f"the search (Pagefind) was never loaded; recorded: {requests}")
    third_party = sorted({url for url in requests if not is_local(url)})
    assert not third_party, f"/{path} requested third-party URLs: {third_party}"
