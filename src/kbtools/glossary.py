"""The bilingual glossary (data/glossary.yml): load and check it, and add hover tooltips to pages.

* ``load_glossary()`` reads the terms and reports every problem as ``file:line: rule: message
  (hint)`` (rules KB6xx); ``kb gen glossary`` turns the terms into the glossary pages.
* ``add_tooltips(html, lang)`` is called by the build hook on the rendered HTML of each content
  page: it wraps the FIRST occurrence of every term (zh terms on zh pages, en terms on en pages)
  in ``<abbr title="definition">``, which Material shows as a tooltip (``content.tooltips``).
  Text inside code, pre, links, headings, abbr, kbd, buttons, svg, script and style is left alone.
  It works on the HTML text with one tokenizing regex and keeps every byte outside the inserted
  ``<abbr>`` tags unchanged, so it is cheap enough to run on every page.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .htmlpolicy import plain_text_problem
from .paths import DOCS_DIR, GLOSSARY_FILE, LANGUAGES
from .problems import Problem, display_path

GLOSSARY_PAGE = "reference/glossary.md"      # the generated page (zh; en is glossary.en.md)
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("id", "zh", "en", "zh_definition", "en_definition", "page")
OPTIONAL = ("anchor", "zh_also", "en_also")


@dataclass(frozen=True)
class Term:
    id: str                       # stable ascii anchor, identical in both glossary pages
    terms: dict[str, str]         # {"zh": "镜像", "en": "Image"}
    definitions: dict[str, str]   # one line per language; Markdown inline code allowed
    page: str                     # page that explains it, under docs/, zh file name ("images/layers.md")
    anchor: str | None            # heading id on that page, or None
    also: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other forms to match
    line: int = 0                 # line of the entry in data/glossary.yml

    def forms(self, lang: str) -> tuple[str, ...]:
        """The spellings that get a tooltip on pages of ``lang``: the term, then its other forms."""
        return (self.terms[lang],) + tuple(self.also.get(lang, ()))

    def plain_definition(self, lang: str) -> str:
        """The definition without Markdown backticks, for the tooltip."""
        return self.definitions[lang].replace("`", "")

    def page_file(self, lang: str, docs_dir: Path = DOCS_DIR) -> Path:
        """The source file of the explaining page in ``lang`` (``x.md`` or ``x.en.md``)."""
        if lang == LANGUAGES[0]:
            return docs_dir / self.page
        return docs_dir / (self.page[:-3] + f".{lang}.md")

    @property
    def link(self) -> str:
        """Relative link from the glossary page to the explaining page (same in both languages)."""
        target = "../" + self.page
        return f"{target}#{self.anchor}" if self.anchor else target


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (key ``__line__``)."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_glossary(path: Path = GLOSSARY_FILE, docs_dir: Path = DOCS_DIR, check_pages: bool = True
                  ) -> tuple[list[Term], list[Problem]]:
    """All terms of the glossary file and the problems found in it (empty list: file is fine).
    ``check_pages=False`` skips reading the explaining pages (the tooltips do not need them)."""
    shown = display_path(path)
    from .datafiles import DataFileError, load_yaml

    if not path.is_file():
        return [], [Problem(shown, 0, "KB601", "the glossary file is missing",
                            "create it: a YAML list of terms, see the comment in its git history")]
    try:   # not UTF-8, too large, not YAML, YAML tags: file:line, never a traceback
        data = load_yaml(path, _LineLoader, "KB601")
    except DataFileError as error:
        return [], [error.problem]
    if not isinstance(data, list):
        return [], [Problem(shown, 1, "KB601", "the glossary must be a YAML list of terms",
                            "start each term with '- id: ...'")]
    terms: list[Term] = []
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    seen_forms: dict[tuple[str, str], tuple[str, int]] = {}
    for entry in data:
        if not isinstance(entry, dict):
            problems.append(Problem(shown, 1, "KB602", "a term must be a mapping",
                                    "write 'id:', 'zh:', 'en:', ... under the '-'"))
            continue
        line = entry.pop("__line__", 1)
        missing = [key for key in REQUIRED if not isinstance(entry.get(key), str)
                   or not entry[key].strip()]
        if missing:
            problems.append(Problem(shown, line, "KB602",
                                    f"term '{entry.get('id', '?')}' has no {', '.join(missing)}",
                                    f"every term needs {', '.join(REQUIRED)} (text values)"))
            continue
        unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            problems.append(Problem(shown, line, "KB602", f"unknown key {', '.join(unknown)}",
                                    f"known keys: {', '.join(REQUIRED + OPTIONAL)}"))
        term_id = entry["id"]
        if not ID_RE.match(term_id):
            problems.append(Problem(shown, line, "KB603", f"id '{term_id}' is not a valid anchor",
                                    "lowercase ascii words joined by '-', e.g. 'bridge-network'"))
        if term_id in seen_ids:
            problems.append(Problem(shown, line, "KB603", f"id '{term_id}' is used twice",
                                    f"first used on line {seen_ids[term_id]}; ids must be unique"))
        seen_ids.setdefault(term_id, line)
        anchor = entry.get("anchor")
        if anchor is not None and (not isinstance(anchor, str) or not ID_RE.match(anchor)):
            problems.append(Problem(shown, line, "KB604", f"anchor '{anchor}' of '{term_id}' is "
                                    "not a heading id", "write the id without '#', e.g. 'cgroups'"))
            anchor = None
        also: dict[str, tuple[str, ...]] = {}
        for lang in LANGUAGES:
            extra = entry.get(f"{lang}_also", [])
            if not isinstance(extra, list) or not all(isinstance(x, str) and x for x in extra):
                problems.append(Problem(shown, line, "KB602", f"'{lang}_also' of '{term_id}' "
                                        "must be a list of words", "e.g. [分层]"))
                extra = []
            also[lang] = tuple(extra)
            for form in (entry[lang], *extra):
                key = (lang, form.casefold())
                if key in seen_forms and seen_forms[key][0] != term_id:
                    other, other_line = seen_forms[key]
                    problems.append(Problem(shown, line, "KB605", f"'{form}' is also a term of "
                                            f"'{other}' (line {other_line})",
                                            "a word may belong to one term only"))
                seen_forms.setdefault(key, (term_id, line))
            for key in (lang, f"{lang}_definition"):
                bad = plain_text_problem(entry[key])
                if bad:
                    problems.append(Problem(shown, line, "KB609", f"'{key}' of '{term_id}' {bad}",
                                            "glossary text is plain text, never HTML: remove "
                                            "< > \" (write quotes as “ ”)"))
                if "\n" in entry[key].strip():
                    problems.append(Problem(shown, line, "KB606", f"'{key}' of '{term_id}' spans "
                                            "several lines", "a definition is one line"))
        page = entry["page"]
        if not page.endswith(".md") or page.endswith(tuple(f".{lang}.md" for lang in LANGUAGES)):
            problems.append(Problem(shown, line, "KB607", f"page '{page}' of '{term_id}' is not a "
                                    "page path", "write the Chinese file name under docs/, e.g. "
                                    "'containers/lifecycle.md'"))
            continue
        term = Term(term_id, {lang: entry[lang].strip() for lang in LANGUAGES},
                    {lang: " ".join(entry[f"{lang}_definition"].split()) for lang in LANGUAGES},
                    page, anchor, also, line)
        for lang in LANGUAGES if check_pages else ():
            source = term.page_file(lang, docs_dir)
            if not source.is_file():
                problems.append(Problem(shown, line, "KB607", f"page '{page}' of '{term_id}' has "
                                        f"no {lang} file {display_path(source)}",
                                        "point 'page' at an existing page of both languages"))
            elif anchor and anchor not in _heading_ids(source, docs_dir):
                problems.append(Problem(shown, line, "KB604", f"anchor '{anchor}' of '{term_id}' "
                                        f"is not a heading id of {display_path(source)}",
                                        "use an id from a '## ... {#id}' heading of that page, "
                                        "or drop 'anchor'"))
        terms.append(term)
    return terms, problems


def _heading_ids(source: Path, docs_dir: Path) -> set[str]:
    from .pages import parse_page   # imported here: pages.py is only needed for this check

    return {heading.id for heading in parse_page(source, docs_dir).headings if heading.id}


# ---------------------------------------------------------------------------------------------
# Tooltips
# ---------------------------------------------------------------------------------------------

#: Elements whose text never gets a tooltip.
SKIP_ELEMENTS = frozenset({"code", "pre", "kbd", "samp", "a", "abbr", "h1", "h2", "h3", "h4", "h5",
                           "h6", "button", "svg", "math", "textarea", "select", "option", "label",
                           "title", "dt"})
#: Elements with one of these classes never get tooltips either: the hook's notes ("verified on
#: Docker Engine ...") and anything a page marks with class="kb-no-tooltips".
SKIP_CLASSES_RE = re.compile(r"""\bclass\s*=\s*["'][^"']*\b(?:kb-note|kb-no-tooltips)\b""", re.I)
RAW_TEXT_ELEMENTS = ("script", "style")
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "param", "source", "track", "wbr"})
_TOKEN_RE = re.compile(
    r"<!--.*?-->"                                     # comment
    r"|<!\[CDATA\[.*?\]\]>"                           # CDATA (inside svg/math)
    r"|<![^>]*>"                                      # doctype
    r"|<\?.*?>"                                       # processing instruction
    r"|<(?P<close>/?)(?P<name>[A-Za-z][\w:-]*)"       # a tag: name, then attributes with quotes
    r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S)
_ENTITY_RE = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")
_NOT_AFTER_WORD = r"(?<![A-Za-z0-9_-])"
_NOT_BEFORE_WORD = r"(?![A-Za-z0-9_-])"


def _form_pattern(form: str, lang: str) -> str:
    """Regex of one spelling. English: whole words (a hyphen counts as part of a word, so "swap"
    does not match inside "memory-swap"), optional plural s/es. Chinese: anywhere in a CJK run;
    a side that starts or ends with a Latin letter or digit still needs a word boundary."""
    body = re.escape(form)
    if lang == "en" and form[-1].isalpha():
        body += "(?:e?s)?"
    before = _NOT_AFTER_WORD if lang == "en" or _ASCII_WORD.match(form[0]) else ""
    after = _NOT_BEFORE_WORD if lang == "en" or _ASCII_WORD.match(form[-1]) else ""
    return before + body + after


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern           # one named group per spelling, longest spelling first
    term_of_group: dict[str, str]  # group name -> term id
    titles: dict[str, str]        # term id -> title attribute text (unescaped)


def _tooltip_title(term: Term, lang: str) -> str:
    """The definition, followed by the term in the other language when it is spelled differently."""
    other = next(code for code in LANGUAGES if code != lang)
    definition = term.plain_definition(lang)
    if term.terms[other].casefold() == term.terms[lang].casefold():
        return definition
    if lang == "zh":
        return f"{definition}（英文：{term.terms[other]}）"
    return f"{definition} (Chinese: {term.terms[other]})"


@lru_cache(maxsize=8)
def _matcher(lang: str, path: str, mtime: float) -> _Matcher | None:
    """Compiled matcher of one language; the glossary's mtime in the key reloads it after edits."""
    terms, _problems = load_glossary(Path(path), check_pages=False)
    forms = [(form, term.id) for term in terms for form in term.forms(lang)]
    if not forms:
        return None
    # Longest spelling first, so that "基础镜像" wins over "镜像" and "Swarm 服务" over "Swarm"
    # at the same position.
    forms.sort(key=lambda item: -len(item[0]))
    term_of_group = {f"g{index}": term_id for index, (_form, term_id) in enumerate(forms)}
    pattern = "|".join(f"(?P<g{index}>{_form_pattern(form, lang)})"
                       for index, (form, _term_id) in enumerate(forms))
    titles = {term.id: _tooltip_title(term, lang) for term in terms}
    return _Matcher(re.compile(pattern, re.I), term_of_group, titles)


def _wrap_text(text: str, matcher: _Matcher, used: set[str]) -> str:
    """Wrap first occurrences in one raw HTML text chunk; entities are never split."""
    out: list[str] = []
    position = 0
    segments: list[tuple[int, int]] = []
    start = 0
    for entity in _ENTITY_RE.finditer(text):
        segments.append((start, entity.start()))
        start = entity.end()
    segments.append((start, len(text)))
    for seg_start, seg_end in segments:
        for match in matcher.pattern.finditer(text, seg_start, seg_end):
            term_id = matcher.term_of_group[match.lastgroup]
            if term_id in used:
                continue
            used.add(term_id)
            title = html_lib.escape(matcher.titles[term_id], quote=True)
            out.append(text[position:match.start()])
            out.append(f'<abbr title="{title}">{match.group()}</abbr>')
            position = match.end()
    out.append(text[position:])
    return "".join(out)


def add_tooltips(html: str, lang: str, glossary_file: Path = GLOSSARY_FILE) -> str:
    """Wrap the first occurrence of each glossary term of ``lang`` in ``<abbr title=...>``.

    Text inside SKIP_ELEMENTS (code, pre, links, headings, abbr, ...) and inside script/style is
    never touched; everything outside the inserted tags is returned byte for byte.
    """
    if lang not in LANGUAGES or not html:
        return html
    try:
        mtime = glossary_file.stat().st_mtime
    except OSError:
        return html
    matcher = _matcher(lang, str(glossary_file), mtime)
    if matcher is None:
        return html
    out: list[str] = []
    stack: list[tuple[str, bool]] = []   # open elements: (name, skips its text)
    skipping = 0                         # how many open elements skip their text
    used: set[str] = set()
    position = 0
    length = len(html)
    while position < length:
        match = _TOKEN_RE.search(html, position)
        end_of_text = match.start() if match else length
        if end_of_text > position:
            text = html[position:end_of_text]
            out.append(text if skipping or not text.strip() else _wrap_text(text, matcher, used))
        if not match:
            break
        token = match.group()
        out.append(token)
        position = match.end()
        name = (match.group("name") or "").lower()
        if not name:
            continue
        if match.group("close"):
            if any(open_name == name for open_name, _ in stack):
                while stack:
                    popped, skips = stack.pop()
                    skipping -= skips
                    if popped == name:
                        break
            continue
        if name in RAW_TEXT_ELEMENTS:
            closing = re.compile(rf"</{name}\s*>", re.I).search(html, position)
            stop = closing.end() if closing else length
            out.append(html[position:stop])
            position = stop
            continue
        if name in VOID_ELEMENTS or token.endswith("/>"):
            continue
        skips = name in SKIP_ELEMENTS or bool(SKIP_CLASSES_RE.search(token))
        stack.append((name, skips))
        skipping += skips
    return "".join(out)
