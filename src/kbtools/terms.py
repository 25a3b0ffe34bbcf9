"""Preferred Chinese terms (data/terms.yml) and the lint rule that keeps zh prose to them (KB181).

``load_terms()`` reads the list; ``check_terms(page)`` reports every avoided spelling in the
Chinese prose of a zh page — the front matter's title and description and the body text outside
code blocks, inline code, link targets, HTML comments and heading ids — with the preferred term
as the hint. ``fix_line(text)`` rewrites the avoided spellings of one line (``kb lint --fix``
style repair for contributors; used by tests to show the hint is applicable).

An avoided spelling right after its preferred term in brackets is the one allowed use: that is
how a term is introduced (守护进程（daemon）, 发布端口（俗称端口映射）).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .datafiles import key_line, shape_error, yaml_entries
from .pages import Page
from .paths import DATA_DIR
from .problems import Problem

TERMS_FILE = DATA_DIR / "terms.yml"
RULE = "KB181"

_CJK_RE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_MASKS = [
    re.compile(r"<!--.*?-->"),                 # HTML comments (markers)
    re.compile(r"(`+).+?\1"),                  # inline code
    re.compile(r"\]\([^)]*\)"),                # link targets
    re.compile(r"\{[^}\n]*#[\w-]+[^}\n]*\}"),  # heading ids / attribute lists
    re.compile(r"https?://\S+"),               # bare URLs
    re.compile(r"^英文：.*$"),                  # the glossary's English name of a term
]


@dataclass(frozen=True)
class Term:
    term: str
    en: str
    avoid: tuple[str, ...]
    note: str
    line: int

    def patterns(self) -> list[tuple[str, re.Pattern]]:
        found = []
        for spelling in self.avoid:
            if re.fullmatch(r"[A-Za-z][\w-]*", spelling):      # a Latin word: whole word
                pattern = re.compile(rf"(?<![\w.$/-]){re.escape(spelling)}(?![\w.-])", re.I)
            else:
                pattern = re.compile(re.escape(spelling))
            found.append((spelling, pattern))
        return found


def read_terms(path: Path = TERMS_FILE) -> tuple[Term, ...]:
    terms = []
    for entry in yaml_entries(path, "the preferred-terms list",
                              "write each entry as '- term: ...' with 'en:' and 'avoid: [...]'"):
        if not isinstance(entry.get("term"), str) or not isinstance(entry.get("avoid"), list):
            raise shape_error(path, key_line(entry, "term"),
                              f"entry {entry.get('term')!r:.60} needs 'term' and 'avoid'",
                              "write '- term: 守护进程', 'en: daemon', 'avoid: [daemon]'")
        terms.append(Term(entry["term"], str(entry.get("en", "")),
                          tuple(str(a) for a in entry["avoid"]), str(entry.get("note", "")),
                          key_line(entry, "term")))
    return tuple(terms)


@lru_cache(maxsize=None)
def load_terms() -> tuple[Term, ...]:
    return read_terms(TERMS_FILE)


def prose_lines(page: Page) -> list[tuple[int, str]]:
    """(line number, text with code/links/comments blanked) of the page's prose."""
    lines: list[tuple[int, str]] = []
    for number, text in enumerate(page.lines[: page.body_start - 1], start=1):
        match = re.match(r"^(title|description):\s*(.*)$", text)
        if match:
            lines.append((number, match.group(2)))
    fence = None
    for number, text in enumerate(page.lines[page.body_start - 1:], start=page.body_start):
        match = _FENCE_RE.match(text)
        if match:
            if fence is None:
                fence = match.group(1)
            elif text.strip().startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        for mask in _MASKS:
            text = mask.sub(lambda m: " " * len(m.group(0)), text)
        lines.append((number, text))
    return lines


def _introduced(text: str, start: int, term: str) -> bool:
    """True when the match at ``start`` sits in brackets right after ``term``."""
    before = text[:start]
    opened = max(before.rfind("（"), before.rfind("("))
    if opened < 0 or max(before.rfind("）"), before.rfind(")")) > opened:
        return False
    return before[:opened].rstrip().rstrip("*_").endswith(term)     # **守护进程**（daemon）


def find_avoided(text: str, terms: tuple[Term, ...] | None = None) -> list[tuple[Term, str, int]]:
    """(term, spelling found, column) for every avoided spelling in one line of prose."""
    found = []
    for term in terms if terms is not None else load_terms():
        for spelling, pattern in term.patterns():
            for match in pattern.finditer(text):
                if not _introduced(text, match.start(), term.term):
                    found.append((term, match.group(0), match.start()))
    return sorted(found, key=lambda item: item[2])


def check_terms(page: Page) -> list[Problem]:
    if page.lang != "zh":
        return []
    problems = []
    for number, text in prose_lines(page):
        for term, spelling, _ in find_avoided(text):
            hint = f"write “{term.term}”（{term.en}）"
            if term.note:
                hint += f"; {term.note}"
            problems.append(Problem(page.display, number, RULE,
                                    f"“{spelling}” is not the site's term for {term.en}",
                                    hint + " (data/terms.yml)"))
    return problems


def fix_line(text: str, terms: tuple[Term, ...] | None = None, prose: str | None = None) -> str:
    """The line with each avoided spelling replaced by its preferred term (``prose``: the same
    line with code blanked out, as prose_lines() gives it; only matches there are replaced)."""
    for term, spelling, column in reversed(find_avoided(prose if prose is not None else text,
                                                        terms)):
        before, after = text[:column], text[column + len(spelling):]
        # "的 daemon 地址" -> "的守护进程地址": no space between Chinese characters
        if before.endswith(" ") and _CJK_RE.match(before.rstrip()[-1:] or "a"):
            before = before.rstrip(" ")
        if after.startswith(" ") and _CJK_RE.match(after.lstrip()[:1] or "a"):
            after = after.lstrip(" ")
        text = before + term.term + after
    return text


def fix_page(page: Page) -> list[str]:
    """The page's lines with every avoided spelling in its prose replaced (zh pages only)."""
    lines = list(page.lines)
    if page.lang != "zh":
        return lines
    for number, prose in prose_lines(page):
        raw = lines[number - 1]
        offset = len(raw) - len(prose) if number < page.body_start else 0
        fixed = fix_line(raw[offset:], prose=prose)
        lines[number - 1] = raw[:offset] + fixed
    return lines
