"""The bilingual site builds with --strict, without warnings, into / (zh) and /en/ (en)."""
import re

import pytest

from kbtools.linkcheck import parsed_html
from kbtools.pages import load_pages
from kbtools.paths import site_base_path


def test_strict_build_has_no_warnings(built_site):
    log = (built_site / ".build-log").read_text(encoding="utf-8")
    assert "WARNING" not in log, log


def test_build_output_is_only_prefixed_log_lines(built_site):
    """Every line the build prints is MkDocs' own "LEVEL - message" (jieba's four unprefixed
    lines are kept for mkdocs -v by the kb plugin)."""
    log = (built_site / ".build-log").read_text(encoding="utf-8")
    stray = [line for line in log.splitlines()
             if line.strip() and not re.match(r"^(DEBUG|INFO|WARNING|ERROR)\s+-  ", line)]
    assert not stray, "\n".join(stray)


def test_both_languages_are_built_for_every_page(built_site):
    missing = []
    for page in load_pages():
        key = page.key
        folder = page.site_path
        prefix = "" if page.lang == "zh" else "en/"
        html = built_site / prefix / folder / "index.html"
        if not html.is_file():
            missing.append(f"{page.rel} -> {html.relative_to(built_site)}")
    assert not missing, missing


def test_language_of_each_build(built_site):
    zh = parsed_html(built_site / "index.html")
    en = parsed_html(built_site / "en" / "index.html")
    assert zh.html["lang"] == "zh"
    assert en.html["lang"] == "en"


def test_no_third_party_urls_in_html_heads(built_site):
    """No Google Fonts, no CDN script or stylesheet in any page (the browser test checks loads)."""
    offenders = []
    for html in built_site.rglob("*.html"):
        soup = parsed_html(html)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for element in soup.find_all(tag, attrs={attr: True}):
                if element[attr].startswith(("http://", "https://", "//")) and \
                        not (tag == "link" and element.get("rel") in (["canonical"], ["alternate"])):
                    offenders.append(f"{html.relative_to(built_site)}: <{tag} {attr}={element[attr]}>")
    assert not offenders, "\n".join(offenders[:20])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_404_page_of_each_language(built_site, lang):
    """static-i18n would leave the English 404 at the root: the hooks keep the Chinese one there
    (GitHub Pages serves it for every missing address) and write the English one to en/."""
    soup = parsed_html(built_site / ("en/404.html" if lang == "en" else "404.html"))
    assert soup.html["lang"] == lang
    assert not soup.select("link[rel=alternate][hreflang]")   # a 404 has no counterpart page
    root = site_base_path()
    switcher = {a["hreflang"]: a["href"] for a in soup.select("a.md-select__link")}
    assert switcher == {"zh": root, "en": root + "en/"}, switcher
    hrefs = {a["href"] for a in soup.select("article a[href]")}
    assert hrefs == {root, root + "en/"}, hrefs


def test_search_dialog_is_named_in_every_page(built_site):
    """axe's aria-dialog-name: the build names the dialog after its search box, in the page's
    language (no script needed)."""
    unnamed = []
    for html in built_site.rglob("*.html"):
        soup = parsed_html(html)
        dialog = soup.select_one(".md-search[role=dialog]")
        box = soup.select_one(".md-search__input")
        if dialog is not None and (box is None or dialog.get("aria-label") != box.get("aria-label")):
            unnamed.append(html.relative_to(built_site).as_posix())
    assert not unnamed, unnamed[:10]
    home = parsed_html(built_site / "index.html").select_one(".md-search[role=dialog]")
    assert home is not None and home["aria-label"] == "搜索"
