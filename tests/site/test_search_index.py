"""The search index the build writes (src/kbtools/sitesearch.py): Pagefind's index per
language with the word lists the browser script needs, and no lunr index; the search-only copy
of a page encodes Chinese words and flags as the browser script expects. Fast checks: no
browser (tests/test_search_browser.py drives the search itself)."""
from __future__ import annotations

import json
import re

from kbtools import pagefind_index, sitesearch
from kbtools.gen.flag_index import load_groups
from kbtools.pages import load_pages

INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def test_one_pagefind_index_per_language_and_no_lunr_index(built_site):
    index = built_site / sitesearch.INDEX_DIR
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = {lang: sum(1 for p in load_pages() if p.lang == lang and not p.key.startswith("tags"))
             for lang in ("zh", "en")}
    # Chinese pages are indexed under "zxx" (their words are ASCII tokens: sitesearch.py)
    counts = {lang: entry["languages"][code]["page_count"]
              for lang, code in (("zh", sitesearch.ZH_INDEX_LANGUAGE), ("en", "en"))}
    assert counts == pages and set(entry["languages"]) == {sitesearch.ZH_INDEX_LANGUAGE, "en"}
    assert not (built_site / "search" / "search_index.json").exists()
    assert not list(index.glob("pagefind-*ui*")), "Pagefind's own UI is not used: not shipped"


def test_index_files_are_bounded_and_consistent(built_site):
    """What a query downloads does not grow with the site (issue 16): no word of the index has
    more pages than the bound the browser is told of, and every chunk the page lists name
    exists, and no two neighbours are small enough to be one (merged chunks); no file is left
    over."""
    index = built_site / sitesearch.INDEX_DIR
    entry = json.loads((index / pagefind_index.ENTRY).read_text(encoding="utf-8"))
    listed = set()
    for language in entry["languages"].values():
        meta = pagefind_index.read(index / f"pagefind.{language['hash']}.pf_meta")
        assert len(meta[1]) == language["page_count"]
        sizes = []
        for first, last, name in meta[2]:
            listed.add(f"{name}.pf_index")
            path = index / "index" / f"{name}.pf_index"
            words = pagefind_index.read(path)[0]
            assert first <= words[0][0] and words[-1][0] <= last + "\uffff", name
            assert max(len(word[1]) for word in words) <= pagefind_index.MAX_PAGES_PER_WORD
            sizes.append(len(pagefind_index.unpack(path)))
        pairs = list(zip(sizes, sizes[1:]))
        assert all(a + b > pagefind_index.CHUNK_BYTES for a, b in pairs), sizes
    assert {p.name for p in (index / "index").iterdir()} == listed
    assert len(list(index.glob("*.pf_meta"))) == len(entry["languages"])
    for lang in ("zh", "en"):
        terms = json.loads((index / sitesearch.TERMS_FILE.format(lang=lang)).read_text("utf-8"))
        assert terms["common_pages"] == pagefind_index.MAX_PAGES_PER_WORD


def test_word_lists_hold_the_words_and_the_glossary_pages(built_site):
    index = built_site / sitesearch.INDEX_DIR

    def read(name):
        return json.loads((index / name).read_text(encoding="utf-8"))

    ids = sitesearch.fragment_ids(index)
    for lang in ("zh", "en"):
        latin = read(sitesearch.WORDS_FILE.format(lang=lang, kind="latin"))["words"]
        han = read(sitesearch.WORDS_FILE.format(lang=lang, kind="han"))["words"]
        assert "memory" in latin and "--memory-swap" in latin
        assert not any(sitesearch.HAN.search(word) for word in latin)
        assert all(sitesearch.HAN.match(word) for word in han)
        if lang == "zh":
            assert {"镜像", "交换分区", "写时复制"} <= set(han)
        data = read(sitesearch.TERMS_FILE.format(lang=lang))
        target, heading, term_id, page_id = data["terms"]["copy on write"]
        assert target == "images/layers/#union-fs" and "overlay2" in heading
        assert term_id == "copy-on-write"
        prefix = "/en/" if lang == "en" else "/"
        assert page_id == ids[prefix + "images/layers/"]
        assert page_id.startswith("en_" if lang == "en" else sitesearch.ZH_INDEX_LANGUAGE + "_")
        # the glossary and each group page of the flag index are listed as links in results
        groups = load_groups()
        assert set(data["lists"]) == {"glossary"} | {f"flags-{group.id}" for group in groups}
        for group in groups:
            page, title = data["lists"][f"flags-{group.id}"]
            assert page == prefix.lstrip("/") + f"reference/flags/{group.id}/"
            assert title == group.title[lang]
        for target, _, _, page_id in data["terms"].values():
            page = built_site / prefix.lstrip("/") / target.split("#")[0] / "index.html"
            assert page.is_file(), f"glossary term points to a missing page: {target}"
            assert page_id == ids[prefix + target.split("#")[0]], target


def test_fragments_keep_only_the_headings_as_anchors(built_site):
    """Pagefind makes sections of headings only; every other element with an id (a code line's
    anchor) would only make the fragment a reader downloads bigger."""
    for fragment in (built_site / sitesearch.INDEX_DIR / "fragment").glob("*.pf_fragment"):
        data = json.loads(pagefind_index.unpack(fragment))
        elements = {anchor["element"] for anchor in data["anchors"]}
        assert elements <= {"h1", "h2", "h3", "h4", "h5", "h6"}, (data["url"], elements)


def test_built_pages_have_no_invisible_characters(built_site):
    """What a reader sees or copies from a page: no zero-width or other invisible characters."""
    found = []
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for match in INVISIBLE.finditer(text):
            found.append(f"{html.relative_to(built_site)}: U+{ord(match.group()):04X}")
    assert not found, found[:10]


def test_search_copy_encodes_words_and_flags():
    page = ('<html lang="zh"><body><nav>导航</nav>'
            '<article class="md-content__inner md-typeset"><h2 id="rm">用完即删：<code>--rm</code></h2>'
            '<p>这就是<strong><abbr title="定义">写时复制</abbr></strong>（copy-on-write）。'
            '用OOM杀死 -it</p></article></body></html>')
    copy = sitesearch._indexed_copy(page, "containers/run/index.html", sitesearch._Segmenter())
    article = copy[copy.index("<article"):]
    assert "data-pagefind-body" in article and "<nav>导航</nav>" in copy
    assert copy.startswith('<html lang="zxx"')
    assert not re.search(r"[\u4e00-\u9fff]", article), "Chinese left in the indexed text"
    assert "--rm zfrmq" in article and "-it zfitq" in article
    assert sitesearch.flag_token("-P") == "zf0pq" != sitesearch.flag_token("-p")
    assert "<abbr" not in article
    # each word one token, padded where it meets another text node or a Latin word
    assert f"> {sitesearch.encode_han('写时复制')} <" in article
    assert f"OOM {sitesearch.encode_han('杀死')}" in article


def test_list_pages_are_weighted_down():
    page = '<html lang="en"><article class="md-content__inner md-typeset"><p>x</p></article></html>'
    copy = sitesearch._indexed_copy(page, "en/reference/glossary/index.html", sitesearch._Segmenter())
    assert 'data-pagefind-weight="0.3"' in copy and 'data-pagefind-meta="list:1"' in copy
    assert 'data-pagefind-filter="list:glossary"' in copy


def test_han_tokens_are_letters_only():
    token = sitesearch.encode_han("交换")
    assert re.fullmatch(r"zq[a-z]{8}", token) and token != sitesearch.encode_han("交还")
