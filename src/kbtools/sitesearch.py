"""The site's search index: Pagefind over a search-only copy of the built pages.

Pagefind (PyPI ``pagefind[extended]``) writes a chunked static index per language (split by
``<html lang>``) into ``site/pagefind/``; the browser fetches only the chunks a query needs, so
what a reader downloads does not grow with the site. Three things Pagefind cannot do by itself
on this site are done here, on a copy of each page that only the indexer reads (readers get the
pages unchanged):

* Chinese words. Pagefind cuts a Chinese query into single characters, so "交换分区" would need
  four separate characters on the page. Each Chinese word (jieba, the segmenter Material used)
  is written as one ASCII token ``zq`` + 4 letters per character; the browser script cuts a
  query the same way with the word list below and decodes tokens back in titles and excerpts.
* Flags. ``--rm`` would match every ``docker rm``. Each flag on a page is followed by a token
  ``zf<name>`` (``--rm`` -> ``zfrmq``, ``--memory-swap`` -> ``zfmemoryxswapq``); a flag query
  searches that token, which only pages with the flag itself carry. Tokens are removed from
  what is shown.
* Weights. The glossary, the flag index and the home page list every term in one place; they
  are indexed with a lower weight so that the page that explains a term comes first.

It also writes, per language, beside Pagefind's files:

* ``kb-words.<lang>.terms.json`` (2.5 KB gzip), fetched with Pagefind on focus: from
  data/glossary.yml, the page that explains each term, with its Pagefind id, so that the browser
  puts it among the first results whose excerpts it loads, and ranks it first when a query names
  the term (not the glossary itself); and the list pages (glossary, flag index).
* ``kb-words.<lang>.han.json`` and ``kb-words.<lang>.latin.json``: the words of the index, most
  frequent first, Chinese (10 KB gzip, zh) and English words with flags (6 KB zh, 12 KB en).
  The browser fetches the Chinese words only for a query with Chinese in it (to cut it like the
  index) and the English words only when a word of the query is not in the index as typed (to
  correct a near miss: ``memroy``, ``--memroy-swap``, ``镜象``).

What the first query costs (issue 16: at most 170 KB gzip; KB = 1,024 bytes), measured in
Chromium on the site of 2026-12-02 (31 pages per language) for the English query ``container``,
before -> after: Pagefind's code and wasm 84 KB (unchanged), the word list 14.1 KB -> the terms
file 2.5 KB, two index chunks 64 KB (unchanged: Pagefind closes a chunk at ~20,000 word
positions, 28-40 KB, and ``container`` needs the chunk that ends with its stem ``contain`` and the
next, which starts with ``containerd``), five fragments 19.8 KB -> three 11.1 KB (search.js):
181.8 KB -> 161.5 KB. The fragments are also smaller because the copy keeps no id on elements
other than headings: Pagefind stores every element with an id as an anchor in the page's
fragment (pymdownx's code-line anchors were a third of a fragment's raw bytes) but makes sections
only of headings. Pagefind 1.5 has no option for the size of its chunks; leaving text out of the
index only makes fewer chunks of the same size. The browser test
``test_first_query_fetches_only_its_language_within_the_budget`` holds the budget.

What stays flat as the site grows is the work of ``bound`` (pagefind_index.py), run last: a word
keeps its best 100 pages per language (a word on every page would otherwise bring a position
list that grows with every page) and small chunks are merged (the chunk list every query loads
stays short); the terms file tells the browser the bound (``common_pages``).
"""
from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from . import pagefind_index

INDEX_DIR = "pagefind"                  # under the site directory
# Beside Pagefind's files in INDEX_DIR: what every query needs (glossary terms, list pages) and
# the word lists, one per kind, that only some queries need (see the module docstring).
TERMS_FILE = "kb-words.{lang}.terms.json"
WORDS_FILE = "kb-words.{lang}.{kind}.json"     # kind: "han" or "latin"
ROOT = "article.md-content__inner"      # what is indexed of a page
# Not indexed: heading permalinks, the verified-engine/translation notes (the same sentence on
# every page would be the excerpt of every page), command output in console blocks (container
# ids, build logs), the last-updated line.
EXCLUDE = [".headerlink", ".kb-note", ".highlight .go", ".md-source-file"]
# Pages that list every term (relative to a language's root) and their weight; every page of
# the flag index (its landing page and the group pages under it) weighs FLAG_INDEX_WEIGHT (as
# the glossary: a group page is a fifth of the old single page, so Pagefind ranks it higher).
LIST_PAGES = {"": 0.3, "reference/glossary/": 0.3}
FLAG_INDEX = "reference/flags/"
FLAG_INDEX_WEIGHT = 0.3
SKIPPED = ("404.html", "tags/index.html", INDEX_DIR + "/", "assets/", "search/")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
HAN_BASE = 0x3400
# A flag: "-d", "-it", "--memory-swap" (not "a-b", "--", "-1" or a path "/a-b").
FLAG = re.compile(r"(?<![\w./:=-])(--?[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?![\w-])", re.I)
TEXT = re.compile(r">([^<]+)<")
# Glossary tooltips: Pagefind leaves out the text of <abbr title> elements; index their words.
ABBR = re.compile(r"<abbr\b[^>]*>|</abbr>")
# English words for the word lists: letters, at most a short number (docker0, sha256), not ids.
LATIN_WORD = re.compile(r"(?<![a-z0-9])[a-z]{2,}[0-9]{0,3}(?![a-z0-9])")
# Ids of elements other than headings: Pagefind keeps every element with an id as an anchor of
# the page's fragment, but makes sections only of headings.
NON_HEADING_ID = re.compile(r'(<(?!h[1-6][\s>])[a-z][a-z0-9]*\b[^>]*?)\s+id="[^"]*"', re.I)
# The pages with the largest excerpt data: results list them as a link, without loading their
# excerpts (Pagefind's filter "list" tells whether they match): the glossary, and each group
# page of the flag index as "flags-<group>" (reference/flags/containers/ -> flags-containers;
# the browser script shows those for flag queries only).
LISTS = {"reference/glossary/": "glossary"}


def list_weight(page: str) -> float | None:
    """Search weight of a page that lists terms ('reference/flags/containers/'), else None."""
    if page.startswith(FLAG_INDEX):
        return FLAG_INDEX_WEIGHT
    return LIST_PAGES.get(page)


def list_name(page: str) -> str | None:
    """The "list" filter of a page listed as a link in results, else None."""
    if page.startswith(FLAG_INDEX) and page != FLAG_INDEX:
        return "flags-" + page[len(FLAG_INDEX):].strip("/").replace("/", "-")
    return LISTS.get(page)


def encode_han(word: str) -> str:
    """'交换' -> 'zq' + 4 lowercase letters per character (base 26 of the code point offset)."""
    letters = []
    for char in word:
        value = ord(char) - HAN_BASE
        digits = ""
        for _ in range(4):
            value, rest = divmod(value, 26)
            digits = chr(97 + rest) + digits
        letters.append(digits)
    return "zq" + "".join(letters)


def flag_token(flag: str) -> str:
    """'--memory-swap' -> 'zfmemoryxswapq'; '-it' -> 'zfitq'. The closing 'q' keeps '-d' from
    matching '--device-read-bps' (Pagefind matches a query term as a word prefix); a query
    without it finds a half-typed flag. Case matters (-p is not -P): a capital is written as
    '0' + the letter, since Pagefind lowercases every word ('-P' -> 'zf0pq')."""
    name = "".join("0" + c.lower() if c.isupper() else c for c in flag.lstrip("-"))
    return "zf" + name.replace("-", "x") + "q"


class _Segmenter:
    def __init__(self):
        import jieba

        from .glossary import load_glossary

        jieba.setLogLevel(logging.WARNING)
        # The glossary's terms are words, wherever they stand (jieba alone cuts 写时复制 one way
        # in a heading and another way in a sentence); no HMM guessing of unknown words, so the
        # same characters are always cut the same way, as the browser cuts a query.
        terms, _ = load_glossary(check_pages=False)
        self.glossary = terms
        for term in terms:
            for form in term.forms("zh"):
                if HAN.fullmatch(form):
                    jieba.add_word(form, freq=100000)
        self.cut = lambda text: jieba.cut(text, HMM=False)
        self.words: dict[str, Counter] = {"zh": Counter(), "en": Counter()}

    def text(self, text: str, lang: str) -> str:
        """Rewrite one text node for the indexer."""
        self.words[lang].update(LATIN_WORD.findall(text.lower()))
        self.words[lang].update(FLAG.findall(text))
        text = FLAG.sub(lambda m: f"{m.group(1)} {flag_token(m.group(1))}", text)
        return HAN.sub(lambda m: self._han(m, lang), text)

    def _han(self, match: re.Match, lang: str) -> str:
        words = [w for w in self.cut(match.group(0)) if w.strip()]
        self.words[lang].update(words)
        # Pagefind splits words at whitespace only (under "zxx"): a token that touches any
        # other character ("“", "。", a word in the next text node) would be glued to it.
        before = match.string[match.start() - 1:match.start()]
        after = match.string[match.end():match.end() + 1]
        pad_left = "" if before.isspace() else " "
        pad_right = "" if after.isspace() else " "
        return pad_left + " ".join(encode_han(w) for w in words) + pad_right


def _page_lang(rel: str) -> str:
    return "en" if rel.startswith("en/") else "zh"


# The Chinese pages are indexed under this language code ("no linguistic content"): their words
# are ASCII tokens already, and under "zh" Pagefind would segment the text again and put a
# U+200B after every word of the excerpts it ships (a third of a fragment's bytes). The browser
# script opens this index for Chinese pages.
ZH_INDEX_LANGUAGE = "zxx"


def _indexed_copy(html: str, rel: str, segmenter: _Segmenter) -> str:
    lang = _page_lang(rel)
    if lang == "zh":
        html = html.replace('<html lang="zh"', f'<html lang="{ZH_INDEX_LANGUAGE}"', 1)
    page = rel[3:] if lang == "en" else rel
    page = page[:-len("index.html")]
    weight = list_weight(page)
    attributes = ' data-pagefind-body'
    if weight is not None:   # the browser script gives their headings no extra rank either
        attributes += f' data-pagefind-weight="{weight}" data-pagefind-meta="list:1"'
    if list_name(page):
        attributes += f' data-pagefind-filter="list:{list_name(page)}"'
    html = html.replace('<article class="md-content__inner md-typeset"',
                        '<article class="md-content__inner md-typeset"' + attributes, 1)
    start = html.find("<article")
    end = html.find("</article>", start)
    if start < 0 or end < 0:
        return html
    body = NON_HEADING_ID.sub(r"\1", ABBR.sub("", html[start:end]))
    body = TEXT.sub(lambda m: ">" + segmenter.text(m.group(1), lang) + "<", body)
    return html[:start] + body + html[end:]


def term_key(text: str) -> str:
    """How a query and a glossary term are compared: 'Copy-on-write' -> 'copy on write'."""
    return " ".join(re.split(r"[\s\-_]+", text.lower())).strip()


def explaining_pages(glossary, site_dir: Path, lang: str) -> dict[str, list[str]]:
    """{term in either language (term_key): ['page/#anchor', heading, term id]}: the page that
    explains each glossary term (data/glossary.yml), the heading of that section in ``lang``
    (the browser shows it even when the section does not repeat the term) and the term's
    anchor on the glossary page."""
    pages: dict[str, list[str]] = {}
    for term in glossary:
        page = term.page[:-len(".md")] + "/"
        heading = ""
        if term.anchor:
            html_file = site_dir / ("en/" if lang == "en" else "") / page / "index.html"
            text = html_file.read_text(encoding="utf-8") if html_file.is_file() else ""
            match = re.search(rf'<h[1-6][^>]*\bid="{re.escape(term.anchor)}"[^>]*>'
                              r'(.*?)(?:<a class="headerlink"|</h[1-6]>)', text, re.S)
            heading = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""
        target = page + (f"#{term.anchor}" if term.anchor else "")
        for form_lang in ("zh", "en"):
            for form in term.forms(form_lang):
                pages.setdefault(term_key(form), [target, heading, term.id])
    return pages


def list_pages(site_dir: Path) -> list[str]:
    """The pages listed as a link in results that the built site has ('reference/glossary/',
    'reference/flags/containers/', ...)."""
    flags = sorted(f"{FLAG_INDEX}{folder.name}/" for folder in (site_dir / FLAG_INDEX).glob("*")
                   if (folder / "index.html").is_file())
    return [page for page in [*LISTS, *flags] if list_name(page)]


def page_title(site_dir: Path, lang: str, page: str) -> str:
    """The h1 of a built page ('' when the page is missing)."""
    html_file = site_dir / ("en/" if lang == "en" else "") / page / "index.html"
    text = html_file.read_text(encoding="utf-8") if html_file.is_file() else ""
    match = re.search(r"<h1[^>]*>(.*?)(?:<a class=\"headerlink\"|</h1>)", text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def fragment_ids(index_dir: Path) -> dict[str, str]:
    """{page URL ('/en/images/layers/'): Pagefind's id of that page (its fragment's name, as
    ``result.id`` in the browser)}, read from the fragments Pagefind wrote."""
    ids = {}
    for fragment in (index_dir / "fragment").glob("*.pf_fragment"):
        data = pagefind_index.unpack(fragment)
        ids[json.loads(data)["url"]] = fragment.name[:-len(".pf_fragment")]
    return ids


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def build_index(site_dir: Path) -> None:
    """Write ``site_dir/pagefind/`` (Pagefind's index of both languages and the word lists).
    Raises RuntimeError with Pagefind's own message when it fails."""
    segmenter = _Segmenter()
    target = site_dir / INDEX_DIR
    with tempfile.TemporaryDirectory(prefix="kb-search-") as tmp:
        copy = Path(tmp)
        for html in site_dir.rglob("*.html"):
            rel = html.relative_to(site_dir).as_posix()
            if rel.startswith(SKIPPED) or rel.endswith(SKIPPED[:2]):
                continue
            out = copy / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(_indexed_copy(html.read_text(encoding="utf-8"), rel, segmenter),
                           encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        command = [sys.executable, "-m", "pagefind", "--site", str(copy), "--output-path",
                   str(target), "--exclude-selectors", ", ".join(EXCLUDE), "--silent"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError("pagefind failed:\n" + result.stdout + result.stderr)
    ids = fragment_ids(target)
    for lang, counts in segmenter.words.items():
        words = [word for word, _ in counts.most_common()]
        for kind, selected in (("han", [w for w in words if HAN.match(w)]),
                               ("latin", [w for w in words if not HAN.match(w)])):
            _write_json(target / WORDS_FILE.format(lang=lang, kind=kind), {"words": selected})
        terms = explaining_pages(segmenter.glossary, site_dir, lang)
        for entry in terms.values():       # + the Pagefind id of the explaining page
            page = "/" + ("en/" if lang == "en" else "") + entry[0].split("#")[0]
            entry.append(ids.get(page, ""))
        _write_json(target / TERMS_FILE.format(lang=lang), {
            "terms": terms,
            # relative to the site's root, as Material's results are
            "lists": {list_name(page): [("en/" if lang == "en" else "") + page,
                                        page_title(site_dir, lang, page)]
                      for page in list_pages(site_dir)}})
    # Pagefind's own UIs are not used (the search box is Material's, see search.js).
    for name in target.glob("pagefind-*ui.*"):
        name.unlink()
    bound(target)


def bound(target: Path, max_pages: int = pagefind_index.MAX_PAGES_PER_WORD) -> None:
    """Keep at most ``max_pages`` pages per word in the index (pagefind_index.py) and tell the
    browser script so (``common_pages`` in the terms files): a word with that many pages may
    have more, and is searched only together with the query's other words."""
    pagefind_index.bound_index(target, max_pages)
    for terms_file in target.glob(TERMS_FILE.format(lang="*")):
        terms = json.loads(terms_file.read_text(encoding="utf-8"))
        _write_json(terms_file, {**terms, "common_pages": max_pages})
