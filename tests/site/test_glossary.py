"""The bilingual glossary: data file, generated pages, tooltips, and links in the built site."""
from __future__ import annotations

import collections
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from kbtools.gen import glossary as gen_glossary
from kbtools.frontmatter import check_front_matter
from kbtools.glossary import add_tooltips, load_glossary
from kbtools.linkcheck import SiteLinks, parsed_html
from kbtools.pages import parse_page
from kbtools.paths import DOCS_DIR, LANGUAGES, site_base_path

GLOSSARY_URL = {"zh": "reference/glossary/index.html", "en": "en/reference/glossary/index.html"}


@pytest.fixture(scope="module")
def terms():
    terms, problems = load_glossary()
    assert not problems, "\n".join(map(str, problems))
    return terms


def write_glossary(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """\
- id: image
  zh: 镜像
  en: Image
  zh_definition: 只读模板
  en_definition: A read-only template
  page: images/layers.md
- id: base-image
  zh: 基础镜像
  en: Base image
  zh_definition: 起点镜像
  en_definition: The starting image
  page: images/build.md
- id: swap
  zh: 交换分区
  en: Swap
  zh_definition: 磁盘上的 "交换" <空间> & 更多
  en_definition: Disk space "for" <pages> & more
  page: resources/memory.md
"""


# --- the data file ---------------------------------------------------------------------------

def test_glossary_has_25_to_100_unique_terms(terms):
    # the upper bound grew with the curriculum (issue 15): a glossary, not a dictionary
    assert 25 <= len(terms) <= 100
    for lang in LANGUAGES:
        names = [term.terms[lang].casefold() for term in terms]
        assert len(names) == len(set(names)), f"duplicate {lang} term"


def test_every_term_page_exists_in_both_languages(terms):
    for term in terms:
        for lang in LANGUAGES:
            assert term.page_file(lang).is_file(), f"{term.id}: {term.page_file(lang)} missing"


def test_bad_glossary_entries_are_reported_with_file_and_line(tmp_path):
    path = write_glossary(tmp_path, SMALL + """\
- id: Bad Id
  zh: 坏
  en: Bad
  zh_definition: 坏
  en_definition: bad
  page: images/layers.md
- id: image
  zh: 另一个
  en: Another
  zh_definition: x
  en_definition: x
  page: nowhere/missing.md
- id: no-page
  zh: 缺页
  en: No page
  zh_definition: x
""")
    terms, problems = load_glossary(path)
    shown = [str(problem) for problem in problems]
    assert any(re.search(r"glossary\.yml:19: KB603: id 'Bad Id'", line) for line in shown), shown
    assert any(re.search(r"glossary\.yml:25: KB603: id 'image' is used twice", line)
               for line in shown), shown
    assert any(re.search(r"glossary\.yml:25: KB607: page 'nowhere/missing\.md'", line)
               for line in shown), shown
    assert any(re.search(r"glossary\.yml:31: KB602: term 'no-page' has no en_definition, page",
                         line) for line in shown), shown


def test_an_anchor_must_be_a_heading_id_of_the_page(tmp_path):
    path = write_glossary(tmp_path, SMALL.replace("  page: resources/memory.md\n",
                                                  "  page: resources/memory.md\n"
                                                  "  anchor: no-such-heading\n"))
    _terms, problems = load_glossary(path)
    problems = [p for p in problems if p.rule != "KB609"]   # SMALL's <pages> & "for": see below
    assert [(p.rule, p.line) for p in problems] == [("KB604", 13), ("KB604", 13)], problems
    assert "docs/resources/memory.en.md" in str(problems[1])


def test_html_characters_in_glossary_text_are_rejected(tmp_path):
    """Terms and definitions are plain text: < > " are refused with the entry's line (the
    tooltip escapes them anyway, see test_title_attribute_is_escaped)."""
    _terms, problems = load_glossary(write_glossary(tmp_path, SMALL))
    shown = [str(p) for p in problems]
    assert any(re.search(r"glossary\.yml:13: KB609: 'en_definition' of 'swap' contains \" < >", line)
               for line in shown), shown


def test_invalid_yaml_is_a_problem_not_a_traceback(tmp_path):
    path = write_glossary(tmp_path, "- id: x\n  en: a: b\n")
    terms, problems = load_glossary(path)
    assert terms == []
    assert [p.rule for p in problems] == ["KB601"] and problems[0].line == 2


def test_a_word_may_belong_to_one_term_only(tmp_path):
    path = write_glossary(tmp_path, SMALL + """\
- id: picture
  zh: 图像
  en: Picture
  en_also: [image]
  zh_definition: x
  en_definition: x
  page: images/layers.md
""")
    _terms, problems = load_glossary(path)
    problems = [p for p in problems if p.rule != "KB609"]   # SMALL's swap entry: tested above
    assert [(p.rule, p.line) for p in problems] == [("KB605", 19)], problems


# --- the generated pages ---------------------------------------------------------------------

def test_generated_pages_are_up_to_date():
    pages, problems = gen_glossary.generate()
    assert not problems, "\n".join(map(str, problems))
    assert len(pages) == 2
    for path, expected in pages.items():
        current = path.read_text(encoding="utf-8")
        assert current == expected, f"{path} is out of date: run kb gen glossary"


def test_generated_pages_have_valid_front_matter_and_every_term(terms):
    for lang in LANGUAGES:
        page = parse_page(gen_glossary.output_file(lang))
        assert not page.problems and not check_front_matter(page), page.display
        assert page.front_matter["tags"] == [{"zh": "参考", "en": "Reference"}[lang]]
        ids = [heading.id for heading in page.headings]
        assert sorted(ids) == sorted(term.id for term in terms)
        assert "kb gen glossary" in "\n".join(page.lines[:12])   # says it is generated, and how


def test_zh_page_is_in_pinyin_order_and_en_page_alphabetical(terms):
    zh = [h.text for h in parse_page(gen_glossary.output_file("zh")).headings]
    en = [h.text for h in parse_page(gen_glossary.output_file("en")).headings]
    assert en == sorted(en, key=str.casefold)
    assert zh.index("标签") < zh.index("镜像") < zh.index("容器") < zh.index("虚拟机")
    assert zh.index("Docker 引擎") < zh.index("Dockerfile") < zh.index("发布端口")
    assert [t for t in gen_glossary.sort_terms(terms, "zh")][0].terms["zh"] == zh[0]


def test_each_term_shows_the_other_language_and_links_its_page(terms):
    for lang, other in (("zh", "en"), ("en", "zh")):
        text = gen_glossary.output_file(lang).read_text(encoding="utf-8")
        for term in terms:
            section = text.split(f"{{#{term.id}}}", 1)[1].split("\n## ", 1)[0]
            assert f"**{term.terms[other]}**" in section
            assert term.definitions[lang] in section
            assert f"]({term.link})" in section


def test_generator_reports_bad_data_and_exits_1(tmp_path, capsys, monkeypatch):
    path = write_glossary(tmp_path, "- id: x\n  zh: 坏\n")
    monkeypatch.setattr(gen_glossary, "GLOSSARY_FILE", path)
    assert gen_glossary.main([]) == 1
    out = capsys.readouterr().out
    assert re.search(r"glossary\.yml:1: KB602: term 'x' has no en, zh_definition", out), out


# --- tooltips --------------------------------------------------------------------------------

def test_first_occurrence_only_and_longest_term_first(tmp_path):
    path = write_glossary(tmp_path, SMALL)
    html = "<p>基础镜像和镜像不同。镜像是模板。</p>"
    out = add_tooltips(html, "zh", path)
    assert out == ('<p><abbr title="起点镜像（英文：Base image）">基础镜像</abbr>和'
                   '<abbr title="只读模板（英文：Image）">镜像</abbr>不同。镜像是模板。</p>')


def test_terms_in_code_links_headings_and_abbr_are_untouched(tmp_path):
    path = write_glossary(tmp_path, SMALL)
    html = ('<h2 id="x">Image</h2><p><code>image</code> <a href="#">image</a> '
            '<abbr title="t">image</abbr></p><pre><code>image</code></pre>'
            '<script>var image = "<p>image</p>";</script><p>An image.</p>')
    out = add_tooltips(html, "en", path)
    assert out == html.replace("<p>An image.</p>",
                               '<p>An <abbr title="A read-only template (Chinese: 镜像)">'
                               'image</abbr>.</p>')


def test_hook_notes_and_marked_blocks_get_no_tooltips(tmp_path):
    path = write_glossary(tmp_path, SMALL)
    html = ('<p class="kb-note kb-note--verified">image</p>'
            '<div class="kb-no-tooltips"><p>image</p></div><p>image</p>')
    out = add_tooltips(html, "en", path)
    assert out.count("<abbr") == 1 and out.endswith('">image</abbr></p>')


def test_english_whole_words_plural_and_case(tmp_path):
    path = write_glossary(tmp_path, SMALL)
    out = add_tooltips("<p>--memory-swap and imagery; IMAGES and swap.</p>", "en", path)
    assert "imagery" in out and "--memory-swap" in out
    assert re.findall(r"<abbr[^>]*>([^<]*)</abbr>", out) == ["IMAGES", "swap"]


def test_zh_terms_on_zh_pages_en_terms_on_en_pages(tmp_path):
    path = write_glossary(tmp_path, SMALL)
    assert "<abbr" not in add_tooltips("<p>image swap</p>", "zh", path)
    assert "<abbr" not in add_tooltips("<p>镜像交换分区</p>", "en", path)
    assert add_tooltips("<p>镜像</p>", "en", path) == "<p>镜像</p>"


def test_title_attribute_is_escaped(tmp_path):
    path = write_glossary(tmp_path, SMALL)
    out = add_tooltips("<p>Swap &amp; swap</p>", "en", path)
    assert out == ('<p><abbr title="Disk space &quot;for&quot; &lt;pages&gt; &amp; more '
                   '(Chinese: 交换分区)">Swap</abbr> &amp; swap</p>')
    soup = BeautifulSoup(out, "html.parser")
    assert soup.abbr["title"] == 'Disk space "for" <pages> & more (Chinese: 交换分区)'


def test_everything_outside_the_inserted_tags_is_unchanged(terms):
    html = (DOCS_DIR / "resources" / "memory.md").read_text(encoding="utf-8")
    page = "<div>" + "".join(f"<p>{line}</p>\n" for line in html.splitlines()) + "</div>"
    for lang in LANGUAGES:
        out = add_tooltips(page, lang)
        assert re.sub(r'<abbr title="[^"]*">([^<]*)</abbr>', r"\1", out) == page


# --- the built site --------------------------------------------------------------------------

def test_glossary_page_itself_gets_no_tooltips_but_content_pages_do(built_site):
    """The plugin's tooltips_skip option (mkdocs.yml) keeps tooltips off the glossary pages."""
    for rel in GLOSSARY_URL.values():
        assert not parsed_html(built_site / rel).select("abbr[title]"), rel
    for rel in ("resources/memory/index.html", "en/resources/memory/index.html"):
        assert parsed_html(built_site / rel).select("abbr[title]"), rel

def test_every_glossary_link_and_anchor_resolves_in_the_built_site(built_site, terms):
    """Every term is a heading of both glossary pages; the shared link checker finds no broken
    link or anchor on them; English glossary links stay on the English site."""
    links = SiteLinks(built_site, site_base_path())
    for lang, rel in GLOSSARY_URL.items():
        page_file = built_site / rel
        article = parsed_html(page_file).select_one("article")
        for term in terms:
            heading = article.find(id=term.id)
            assert heading is not None and heading.name == "h2", f"{lang}: no #{term.id}"
        assert links.check_page(page_file) == [], rel
        local = [a["href"] for a in article.select("a[href]")
                 if not urlsplit(a["href"]).scheme and not a["href"].startswith("#")]
        assert len(local) >= len(terms), f"{rel}: fewer links than terms"
        if lang == "en":
            for href in local:
                target = (page_file.parent / urlsplit(href).path).resolve()
                assert (built_site / "en").resolve() in target.parents, \
                    f"{rel}: {href} leaves the English site"


def test_built_content_pages_have_tooltips_in_both_languages(built_site, terms):
    titles = {lang: {term.plain_definition(lang) for term in terms} for lang in LANGUAGES}
    found = collections.Counter()
    for lang in LANGUAGES:
        root = built_site / "en" if lang == "en" else built_site
        for html_file in sorted(root.rglob("index.html")):
            rel = html_file.relative_to(built_site).as_posix()
            if (lang == "zh" and rel.startswith("en/")) or "glossary" in rel:
                continue
            article = parsed_html(html_file).select_one("article")
            if article is None:
                continue
            abbrs = [a for a in article.find_all("abbr")
                     if any(a.get("title", "").startswith(t) for t in titles[lang])]
            for abbr in abbrs:
                assert abbr.find_parent(["code", "pre", "a", "h1", "h2", "h3"]) is None, rel
            counts = collections.Counter(a["title"] for a in abbrs)
            assert all(count == 1 for count in counts.values()), f"{rel}: repeated tooltip"
            found[lang] += len(abbrs)
    assert found["zh"] > 0 and found["en"] > 0, (
        f"no glossary tooltip in the built site ({dict(found)}): the build hook must call "
        "kbtools.glossary.add_tooltips in on_page_content")
    for lang, rel in GLOSSARY_URL.items():
        article = parsed_html(built_site / rel).select_one("article")
        assert article.find("abbr") is None, f"{rel}: the glossary page must not get tooltips"
