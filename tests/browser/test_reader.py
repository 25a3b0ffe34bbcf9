"""The reader's experience (issue 13), tested in Debian's Chromium on the built site.

Every built page of both languages is visited once (new pages are covered automatically): it is
loaded at desktop width in the light scheme and checked with axe-core (WCAG 2.1 A/AA rules),
then in the dark scheme (axe's colour rules again), then at 360 px. What each visit saw is kept,
and the tests below assert one property each over all pages. The other tests check one feature
each: the copy button, the language switch, the 404 pages, glossary tooltips, diagrams, the flag
index. The stylesheet and reader.js these depend on are docs/assets/stylesheets/extra.css and
overrides/assets/javascripts/reader.js; the build side is src/kbtools/reader.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
PHONE, DESKTOP = 360, 1280
SITE_HOST = re.search(r"^site_url:\s*(\S+)", (REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
                      re.M).group(1)     # the hosted address: canonical and hreflang URLs
# Pages checked in the dark scheme too (axe's colour rules are slow on 2 shared cores): between
# them they show every element the stylesheet colours (nav, tabs, code, tables, admonitions,
# notes, tags, glossary, footer).
DARK_SAMPLE = ["", "en/", "containers/run/", "en/resources/memory/", "reference/flags/containers/",
               "en/reference/glossary/", "basics/architecture/", "tags/"]


def page_urls(site: Path) -> list[str]:
    """Site-relative URL of every built page ("", "containers/run/", "en/...")."""
    return sorted(p.relative_to(site).as_posix()[: -len("index.html")] for p in site.rglob("index.html"))


@dataclass
class Visit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    axe_light: list[str] = field(default_factory=list)
    axe_dark: list[str] = field(default_factory=list)
    phone_overflow: int = 0
    cut_off_output: list[str] = field(default_factory=list)
    wrapped: int = 0
    head: dict = field(default_factory=dict)


HEAD_JS = """() => ({
  lang: document.documentElement.lang,
  title: document.title,
  h1: (document.querySelector('article h1') || {}).textContent || '',
  description: (document.querySelector('meta[name=description]') || {}).content || '',
  og: Object.fromEntries([...document.querySelectorAll('meta[property^="og:"]')]
        .map(m => [m.getAttribute('property'), m.content])),
  alternates: [...document.querySelectorAll('link[rel=alternate][hreflang]')]
        .map(l => [l.hreflang, l.getAttribute('href')]),
  dialogName: (document.querySelector('.md-search[role=dialog]') || {getAttribute: () => null})
        .getAttribute('aria-label'),
  updated: (document.querySelector('.kb-updated') || {}).innerText || '',
  pdf: (document.querySelector('a.kb-pdf') || {getAttribute: () => ''}).getAttribute('href'),
})"""

# Output lines made to wrap (kb-wrap): each visual line must end inside its code box.
CUT_OFF_JS = """() => [...document.querySelectorAll('.kb-wrap')].filter(span => {
  const box = span.closest('code').getBoundingClientRect();
  return [...span.getClientRects()].some(r => r.right > box.right + 1);
}).map(span => span.textContent.slice(0, 60))"""


def _axe(page, axe, rules=None) -> list[str]:
    options = {"runOnly": {"type": "rule", "values": rules}} if rules else \
        {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    result = axe.run(page, options=options).response
    return [f"{v['id']}: {', '.join(str(n['target']) for n in v['nodes'][:3])} ({v['help']})"
            for v in result["violations"]]


@pytest.fixture(scope="module")
def visits(site_in_browser, built_site) -> dict[str, Visit]:
    from axe_playwright_python.sync_playwright import Axe

    base, browser = site_in_browser
    origin = base.split("/", 3)[:3]
    origin = "/".join(origin)
    axe = Axe()
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    page = context.new_page()
    current: list[Visit] = []
    page.on("console", lambda m: m.type == "error" and current[-1].console_errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and current[-1].failed_requests.append(r.url))
    page.on("request", lambda r: not r.url.startswith(origin) and not r.url.startswith("data:")
            and current[-1].foreign_requests.append(r.url))
    results = {}
    try:
        for url in page_urls(built_site):
            visit = Visit(url)
            current.append(visit)
            page.set_viewport_size({"width": DESKTOP, "height": 900})
            page.goto(base + url, wait_until="networkidle")
            visit.head = page.evaluate(HEAD_JS)
            visit.axe_light = _axe(page, axe)
            visit.cut_off_output = page.evaluate(CUT_OFF_JS)
            visit.wrapped = page.evaluate("document.querySelectorAll('.kb-wrap').length")
            page.set_viewport_size({"width": PHONE, "height": 740})
            page.wait_for_timeout(50)
            visit.phone_overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            visit.cut_off_output += page.evaluate(CUT_OFF_JS)
            results[url] = visit
    finally:
        context.close()
    assert len(results) > 20
    # The dark scheme, chosen as a reader does (Material keeps the choice in localStorage):
    # axe's colour rules on a sample of pages that together use every element the site styles.
    scope = urlsplit(base).path
    context = browser.new_context(viewport={"width": DESKTOP, "height": 900})
    context.add_init_script(f"localStorage.setItem('{scope}.__palette', JSON.stringify("
                            "{index: 1, color: {scheme: 'slate', primary: 'blue', accent: 'light-blue'}}))")
    try:
        page = context.new_page()
        for url in DARK_SAMPLE:
            page.goto(base + url, wait_until="networkidle")
            assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
            results[url].axe_dark = _axe(page, axe, COLOUR_RULES)
    finally:
        context.close()
    return results


def _report(visits: dict[str, Visit], attribute: str) -> str:
    bad = {url or "/": getattr(v, attribute) for url, v in visits.items() if getattr(v, attribute)}
    return "\n".join(f"{url}: {found}" for url, found in list(bad.items())[:15])


def test_axe_finds_no_wcag_aa_violation_on_any_page(visits):
    assert not _report(visits, "axe_light"), _report(visits, "axe_light")


def test_axe_finds_no_contrast_violation_in_the_dark_scheme(visits):
    assert not _report(visits, "axe_dark"), _report(visits, "axe_dark")


def test_no_console_error_no_failed_and_no_foreign_request_on_any_page(visits):
    for attribute in ("console_errors", "failed_requests", "foreign_requests"):
        assert not _report(visits, attribute), f"{attribute}:\n" + _report(visits, attribute)


def test_no_page_overflows_sideways_at_360_px(visits):
    """Wide content scrolls inside its own box (code, tables); the page itself never does."""
    assert not _report(visits, "phone_overflow"), _report(visits, "phone_overflow")


def test_error_messages_in_console_blocks_are_not_cut_off(visits):
    """Prose output lines (error messages) wrap inside their code box at 360 px and desktop."""
    assert visits["resources/memory/"].wrapped and visits["en/resources/memory/"].wrapped
    assert not _report(visits, "cut_off_output"), _report(visits, "cut_off_output")


def test_head_has_absolute_hreflang_description_and_open_graph(visits):
    for url, visit in visits.items():
        head = visit.head
        lang = "en" if url.startswith("en/") else "zh"
        other = url[3:] if lang == "en" else "en/" + url
        expected = {(lang, SITE_HOST + url), ("zh" if lang == "en" else "en", SITE_HOST + other),
                    ("x-default", SITE_HOST + (other if lang == "en" else url))}
        assert set(map(tuple, head["alternates"])) == expected, (url, head["alternates"])
        assert len(head["description"]) > 20, url
        assert head["og"]["og:url"] == SITE_HOST + url, url
        assert head["og"]["og:description"] == head["description"], url
        assert head["og"]["og:title"] and head["og"]["og:locale"] == \
            ("en_US" if lang == "en" else "zh_CN"), url


def test_search_dialog_has_an_accessible_name(visits):
    assert all(v.head["dialogName"] for v in visits.values()), \
        [u for u, v in visits.items() if not v.head["dialogName"]]


def test_home_pages_have_a_real_heading_and_tab_title(visits):
    for url, home_word in (("", "首页"), ("en/", "Home")):
        head = visits[url].head
        assert head["h1"].strip() not in (home_word, ""), head["h1"]
        assert head["h1"].startswith("Docker"), head["h1"]
        name, _, rest = head["title"].partition(" - ")
        assert rest != name, head["title"]       # not "Docker 基础 - Docker 基础"
        assert head["title"] == head["h1"].strip(), (head["title"], head["h1"])


def test_last_updated_is_text_and_every_page_links_its_offline_pdf(visits):
    dated = 0
    for url, visit in visits.items():
        lang = "en" if url.startswith("en/") else "zh"
        assert visit.head["pdf"] == f"{SITE_HOST}offline/docker-basics.{lang}.pdf", url
        if visit.head["updated"]:
            label = "Last updated:" if lang == "en" else "最后更新："
            assert re.fullmatch(re.escape(label) + r"\s*\d{4}-\d\d-\d\d", visit.head["updated"].strip()), \
                visit.head["updated"]
            dated += 1
    assert dated >= len(visits) // 2, "most pages should show a last-updated date (git history?)"


def test_offline_pdf_link_matches_the_file_offline_py_writes():
    from kbtools import offline

    assert offline.BASENAME == "docker-basics"


# -- features, one page each ------------------------------------------------------------------

def _console_blocks(markdown: str) -> list[list[str]]:
    """Commands of each ```console block of a page, read from its Markdown source."""
    blocks, current, inside, continuing = [], [], False, False
    for line in markdown.splitlines():
        if line.startswith("```console"):
            inside, current, continuing = True, [], False
        elif inside and line.startswith("```"):
            inside = False
            if current:
                blocks.append(current)
        elif inside and continuing:
            current[-1] += "\n" + line
            continuing = line.endswith("\\")
        elif inside and line.startswith("$ ") and not line[2:].lstrip().startswith("#"):
            current.append(line[2:].rstrip())
            continuing = line.endswith("\\")
    return blocks


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page_src", ["containers/run", "resources/memory", "containers/interact"])
def test_copy_button_copies_exactly_the_commands(open_page, lang, page_src):
    suffix = ".en.md" if lang == "en" else ".md"
    expected = _console_blocks((REPO_ROOT / "docs" / (page_src + suffix)).read_text(encoding="utf-8"))
    assert expected and any(len(block) > 1 for block in expected)
    base, page = open_page(permissions=["clipboard-read", "clipboard-write"])
    page.set_default_timeout(10_000)
    page.goto(base + ("en/" if lang == "en" else "") + page_src + "/", wait_until="networkidle")
    copied = []
    blocks = page.locator("div.highlight:has(.gp)")
    assert blocks.count() == len(expected)
    for index in range(blocks.count()):
        block = blocks.nth(index)
        block.hover()
        block.locator("button[data-md-type=copy]").click()
        copied.append(page.evaluate("navigator.clipboard.readText()"))
    assert copied == ["\n".join(block) for block in expected]


def test_language_switch_keeps_the_section(open_page):
    base, page = open_page()
    page.goto(base + "containers/run/#restart", wait_until="networkidle")
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=en]").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path.endswith("/en/containers/run/")
    assert urlsplit(page.url).fragment == "restart"
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=zh]").click()
    page.wait_for_load_state("networkidle")
    assert page.url == base + "containers/run/#restart"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_404_page_speaks_the_language_of_the_address(open_page, lang):
    base, page = open_page()
    prefix = "en/" if lang == "en" else ""
    response = page.goto(base + prefix + "no-such-page/", wait_until="networkidle")
    assert response.status == 404
    page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=5000)
    heading = page.locator("article h1").inner_text()
    assert ("Page not found" in heading) if lang == "en" else ("找不到" in heading), heading
    assert page.locator("link[rel=alternate][hreflang]").count() == 0
    links = {a.get_attribute("hreflang"): a.get_attribute("href")
             for a in page.locator("a.md-select__link").all()}
    root = urlsplit(base).path
    assert links == {"zh": root, "en": root + "en/"}, links


def test_glossary_tooltip_opens_from_the_keyboard(open_page):
    base, page = open_page()
    page.goto(base + "containers/run/", wait_until="networkidle")
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ABBR":
            break
    else:
        pytest.fail("Tab never reached a glossary term (<abbr>)")
    page.wait_for_timeout(300)
    tooltip = page.evaluate("""() => {
      const id = document.activeElement.getAttribute('aria-describedby');
      const tip = id && document.getElementById(id);
      return tip ? [getComputedStyle(tip).visibility, tip.innerText] : null }""")
    assert tooltip and tooltip[0] == "visible" and len(tooltip[1]) > 10, tooltip


def test_diagrams_are_dark_in_the_dark_scheme_and_open_full_size(open_page):
    base, page = open_page(viewport={"width": PHONE, "height": 740})
    page.goto(base + "basics/what-is-a-container/", wait_until="networkidle")
    image = page.locator("article img[src*='assets/diagrams/']").first
    assert "invert" not in image.evaluate("i => getComputedStyle(i).filter")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    assert "invert" in image.evaluate("i => getComputedStyle(i).filter")
    link = image.locator("xpath=ancestor::a[1]")
    href = link.get_attribute("href")
    assert href and href.endswith(".svg") and href == image.get_attribute("src")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(".svg")
    assert page.evaluate("document.documentElement.tagName.toLowerCase()") == "svg"


def test_chinese_text_in_tables_and_admonitions_is_at_least_14px(open_page):
    base, page = open_page()
    page.goto(base + "resources/memory/", wait_until="networkidle")
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        'article td, article .admonition p:not(.admonition-title)')].map(
        e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 14, sorted(sizes)[:5]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_flag_index_reads_on_a_phone_and_on_a_desktop(open_page, lang):
    base, page = open_page(viewport={"width": PHONE, "height": 740})
    url = base + ("en/" if lang == "en" else "") + "reference/flags/containers/"   # the largest
    page.goto(url, wait_until="networkidle")
    # each row is a card: the flag name and its description both fully on screen, the
    # description as wide as the card
    rows = page.evaluate("""() => [...document.querySelectorAll('article table tbody tr')].slice(0, 60)
        .map(tr => { const a = tr.cells[0].getBoundingClientRect();
                     const d = tr.querySelector('td.kb-wide').getBoundingClientRect();
                     return [a.left, a.right, d.left, d.right, d.width]; })""")
    assert len(rows) == 60
    for flag_left, flag_right, desc_left, desc_right, desc_width in rows:
        assert flag_left >= 0 and flag_right <= PHONE
        assert desc_left >= 0 and desc_right <= PHONE and desc_width >= 280
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.wait_for_timeout(100)
    height = page.evaluate("document.documentElement.scrollHeight")
    rows = page.evaluate("document.querySelectorAll('article table tbody tr').length")
    assert height / rows <= 80, f"{height} px for {rows} rows"   # was 95 px a row
    widths = page.evaluate("""() => [...document.querySelectorAll('article td.kb-wide')]
        .slice(0, 50).map(td => td.getBoundingClientRect().width)""")
    assert min(widths) >= 300, min(widths)
    # a table wider than its box shows shadows at the scrolling edges and takes the focus
    wrap = page.evaluate("""() => { const w = document.querySelector('.md-typeset__scrollwrap');
        return getComputedStyle(w).backgroundImage }""")
    assert wrap.count("gradient") == 4, wrap


# Links into the flag index from before it was split into group pages: (fragment, group page).
# rm/rmi, network-create/network-connect and compose/compose-up are prefixes of each other.
OLD_FLAG_LINKS = [("run-memory-swap", "containers"), ("run", "containers"),
                  ("rm-force", "containers"), ("rmi-force", "images"),
                  ("network-create-driver", "data-network"), ("compose-up-wait", "compose"),
                  ("compose-file", "compose"), ("system-prune-all", "system")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_old_single_page_flag_links_reach_the_row_on_its_group_page(open_page, lang):
    base, page = open_page()
    landing = base + ("en/" if lang == "en" else "") + "reference/flags/"
    for fragment, group in OLD_FLAG_LINKS:
        page.goto(landing + "#" + fragment, wait_until="networkidle")
        page.wait_for_url(landing + group + "/#" + fragment, timeout=5000)
        top = page.evaluate(f"document.getElementById('{fragment}').getBoundingClientRect().top")
        assert 0 <= top < 740, (fragment, top)       # the row is on screen
    # a fragment the landing page has (the global options) or that names no section stays
    for fragment in ("global-host", "no-such-option"):
        page.goto(landing + "#" + fragment, wait_until="networkidle")
        page.wait_for_timeout(300)
        assert page.url == landing + "#" + fragment
    # an old link followed while the landing page is open is forwarded too
    page.evaluate("location.hash = '#exec-workdir'")
    page.wait_for_url(landing + "containers/#exec-workdir", timeout=5000)
