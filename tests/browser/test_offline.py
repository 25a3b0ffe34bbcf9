"""The offline edition (kb offline): single-page HTML per language and its PDF."""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kbtools import offline
from conftest import require
from kbtools.datafiles import load_engine
from kbtools.browser import find_chromium, playwright_available
from kbtools.pages import parse_page
from kbtools.paths import DOCS_DIR, VERIFIED_ENGINE

CJK_FONT_RE = re.compile(r"CJK|WenQuanYi|WQY|Hei|Song|Ming|Han", re.I)


def normalise(text: str) -> str:
    """PDF text and page titles compared without spaces, NFKC (full-width colon, ligatures)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def nav_titles(lang: str) -> list[tuple[offline.NavPage, str]]:
    """(nav page, its title: the nav's, else the source front matter's) in nav order. The home
    page's heading is its front-matter title (the nav calls it 首页 / Home)."""
    pages = []
    for page in offline.nav_pages(offline.read_config(), lang):
        source = DOCS_DIR / (page.src if lang == "zh" else page.src[:-3] + ".en.md")
        home = page.src == "index.md"
        pages.append((page, (not home and page.title) or parse_page(source).title))
    return pages


# --- fast checks (no browser) ----------------------------------------------------------------

def test_nav_order_and_section_titles_come_from_mkdocs_yml():
    config = offline.read_config()
    zh = offline.nav_pages(config, "zh")
    en = offline.nav_pages(config, "en")
    assert [p.src for p in zh] == [p.src for p in en]
    assert zh[0].src == "index.md" and zh[0].section is None
    memory = next(i for i, p in enumerate(zh) if p.src == "resources/memory.md")
    assert zh[memory].section == "资源限制" and en[memory].section == "Resource limits"
    assert zh[memory].key == "resources-memory"
    assert len({p.key for p in zh}) == len(zh)


def test_links_become_in_document_anchors():
    book = offline.Book(Path("/nonexistent"), "en", offline.read_config())
    page = next(p for p in book.pages if p.src == "resources/memory.md")
    base = offline.FAKE_ORIGIN + "en/resources/memory/"
    assert book.rewrite_link("../cpu/", base, page) == "#resources-cpu"
    assert book.rewrite_link("../../internals/cgroups-namespaces/#cgroups", base, page) == \
        "#internals-cgroups-namespaces--cgroups"
    assert book.rewrite_link("#oom", base, page) == "#resources-memory--oom"
    assert book.rewrite_link("../../", base, page) == "#index"
    assert book.rewrite_link("https://docs.docker.com/", base, page) == "https://docs.docker.com/"
    # a built file that is not a page of the book points at the hosted site
    assert book.rewrite_link("../../../assets/x.zip", base, page) == \
        book.site_url + "assets/x.zip"


def test_missing_verified_engine_is_a_clear_warning(tmp_path):
    engine, problem = offline.verified_engine(tmp_path / "verified-engine.yml")
    assert engine is None
    assert "KB701: no verified engine recorded" in str(problem) and problem.severity == "warning"
    bad = tmp_path / "bad.yml"
    bad.write_text("client_version: 1\n", encoding="utf-8")
    assert "no engine_version" in str(offline.verified_engine(bad)[1])


def test_single_page_html_has_every_page_and_no_broken_anchor(built_site, tmp_path):
    result = offline.make_offline(built_site, tmp_path, pdf=False, today="2030-01-02")
    for lang, html_file in result["html"].items():
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        ids = {element["id"] for element in soup.find_all(id=True)}
        for page, title in nav_titles(lang):
            section = soup.find("section", id=page.key)
            assert section is not None, f"{lang}: {page.src} missing"
            assert section.find("h1").get_text(" ", strip=True) == title
        broken = [a["href"] for a in soup.find_all("a", href=True)
                  if a["href"].startswith("#") and a["href"][1:] not in ids]
        assert not broken, f"{lang}: anchors without target: {broken[:5]}"
        inner = sum(1 for a in soup.find_all("a", href=True) if a["href"].startswith("#"))
        assert inner > 50, f"{lang}: internal links were not rewritten to anchors"
        for image in soup.find_all("img"):
            assert image["src"].startswith("data:"), f"{lang}: image not embedded: {image['src']}"
        assert "2030-01-02" in soup.select_one(".kb-cover").get_text()


# --- the PDFs (browser) ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdfs(built_site, tmp_path_factory, site_in_browser):
    require(find_chromium() is not None, "chromium", "apt-get install -y chromium")
    require(playwright_available(), "playwright", "pip install -r requirements/dev.txt")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    require(bool(fonts.strip()), "a Chinese font for Chromium",
            "apt-get install -y fonts-wqy-microhei")
    out = tmp_path_factory.mktemp("offline")
    # the session's Chromium (Playwright's sync API cannot start a second one in this thread)
    made = offline.make_offline(built_site, out, browser=site_in_browser[1])
    _HTML.update(made["html"])
    return made["pdf"]


_HTML: dict[str, Path] = {}      # the offline HTML the PDFs were printed from, per language


def _read(pdf: Path):
    from pypdf import PdfReader
    return PdfReader(str(pdf))


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_has_every_nav_page_in_order(pdfs, lang):
    reader = _read(pdfs[lang])
    titles = nav_titles(lang)
    assert len(titles) + 2 <= len(reader.pages) <= 600, len(reader.pages)
    page_texts = [normalise(page.extract_text()) for page in reader.pages]
    # every page of the book starts on a new PDF page with its nav section label, then its title
    found = []
    for nav_page, title in titles:
        head = normalise((nav_page.section or "") + title)
        starts = [i for i, text in enumerate(page_texts) if i >= 2 and text.startswith(head)]
        assert starts, f"{lang}: no PDF page starts with the page '{title}' ({nav_page.src})"
        found.append(starts[0])
    assert found == sorted(found), f"{lang}: pages are not in nav order: {found}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_cover_states_the_verified_engine(pdfs, lang):
    cover = _read(pdfs[lang]).pages[0].extract_text()
    assert offline.language_settings(offline.read_config(), lang)["locale"] == lang
    if not VERIFIED_ENGINE.exists():
        pytest.fail(f"{VERIFIED_ENGINE.name} is missing, so the cover cannot state the Docker "
                    "Engine version: run the example runner, which records it")
    engine = load_engine(VERIFIED_ENGINE)
    assert f"Docker Engine {engine.engine_version}" in cover, cover
    assert engine.verified_on in normalise(cover)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_has_internal_links_outline_and_embedded_fonts(pdfs, lang):
    reader = _read(pdfs[lang])
    internal = 0
    fonts = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if annotation.get("/Subtype") == "/Link" and (
                    annotation.get("/Dest") is not None
                    or (action is not None and action.get("/S") == "/GoTo")):
                internal += 1
        resources = page.get("/Resources")
        for font in ((resources or {}).get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts") or []:
                fonts.add(str(descendant.get_object().get("/BaseFont")))
    assert internal >= len(nav_titles(lang)), f"{lang}: only {internal} internal links"
    assert len(reader.outline) >= len(nav_titles(lang)), "the PDF outline is missing"
    if lang == "zh":
        assert any(CJK_FONT_RE.search(name) for name in fonts), f"no CJK font in {fonts}"


# -- issue 13: the printed book reads well ------------------------------------------------------

SCREEN_ONLY = {"zh": "右上角", "en": "top right"}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_has_no_screen_only_sentences_and_no_glossary_underlines(pdfs, lang):
    texts = [page.extract_text() for page in _read(pdfs[lang]).pages]
    assert not [i + 1 for i, text in enumerate(texts) if SCREEN_ONLY[lang] in text]
    body = BeautifulSoup(_HTML[lang].read_text(encoding="utf-8"), "html.parser").body
    assert not body.find_all("abbr") and not body.select(".kb-online-only")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_breaks_long_code_lines_with_a_mark_and_cuts_none(pdfs, site_in_browser, lang):
    from kbtools.printing import WRAP_MARK

    texts = [page.extract_text() for page in _read(pdfs[lang]).pages]
    assert sum(WRAP_MARK in text for text in texts) >= 5
    # The memory page's error message (105 characters) continues after the mark.
    joined = normalise("".join(texts))
    assert normalise("Minimum memoryswap limit should be larger than memory limit") in \
        joined.replace(WRAP_MARK, "")
    # In Chromium, printed as the PDF is: no code line is wider than its box.
    _, browser = site_in_browser
    page = browser.new_page(viewport={"width": 680, "height": 1000})
    try:
        page.goto(_HTML[lang].as_uri())
        page.emulate_media(media="print")
        wide = page.evaluate("""() => [...document.querySelectorAll('pre > code')]
            .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 60))""")
        assert not wide, wide
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_has_no_nearly_empty_page_inside_a_chapter(pdfs, lang):
    """Only a chapter's last page may be short (every chapter starts on a new page)."""
    raw = [page.extract_text() for page in _read(pdfs[lang]).pages]
    texts = [normalise(text) for text in raw]
    heads = [normalise((nav_page.section or "") + title) for nav_page, title in nav_titles(lang)]
    starts = {i for i, text in enumerate(texts) if any(text.startswith(h) for h in heads)}
    # lines of text, not characters: a page of short lines (the tags index) is a full page
    lines = [len([line for line in text.splitlines() if line.strip()]) for text in raw]
    median = sorted(lines)[len(lines) // 2]
    short = [i + 1 for i in range(2, len(lines) - 1) if i + 1 not in starts and lines[i] < median // 4]
    assert not short, f"{lang}: nearly empty PDF pages inside a chapter: {short} (median {median} lines)"
