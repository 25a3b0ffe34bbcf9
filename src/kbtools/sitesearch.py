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

It also writes ``site/pagefind/kb-words.<lang>.json``: the words of each language's index, most
frequent first, which the browser script uses to cut Chinese queries like the index and to
correct near misses (``memroy``, ``镜象``); and, from data/glossary.yml, the page that explains
each term, which comes first when a query names the term (not the glossary itself).
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

INDEX_DIR = "pagefind"                  # under the site directory
WORDS_FILE = "kb-words.{lang}.json"     # in INDEX_DIR
ROOT = "article.md-content__inner"      # what is indexed of a page
# Not indexed: heading permalinks, the verified-engine/translation notes (the same sentence on
# every page would be the excerpt of every page), command output in console blocks (container
# ids, build logs), the last-updated line.
EXCLUDE = [".headerlink", ".kb-note", ".highlight .go", ".md-source-file"]
# Pages that list every term (relative to a language's root) and their weight; every page of
# the flag index (its landing page and the group pages under it) weighs FLAG_INDEX_WEIGHT.
LIST_PAGES = {"": 0.3, "reference/glossary/": 0.3}
FLAG_INDEX = "reference/flags/"
FLAG_INDEX_WEIGHT = 0.5
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
    body = ABBR.sub("", html[start:end])
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
    for lang, counts in segmenter.words.items():
        data = {"words": [word for word, _ in counts.most_common()],
                "terms": explaining_pages(segmenter.glossary, site_dir, lang),
                # relative to the site's root, as Material's results are
                "lists": {list_name(page): [("en/" if lang == "en" else "") + page,
                                            page_title(site_dir, lang, page)]
                          for page in list_pages(site_dir)}}
        (target / WORDS_FILE.format(lang=lang)).write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    # Pagefind's own UIs are not used (the search box is Material's, see search.js).
    for name in target.glob("pagefind-*ui.*"):
        name.unlink()
