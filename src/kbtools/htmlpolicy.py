"""What HTML a page may contain: one allow-list, used by the build and by the lint.

* ``sanitize(html)`` is called by the build hook on every page's rendered content: it runs the
  page through nh3 (the Ammonia allow-list sanitiser) with the lists below, so whatever a
  contributor writes, only these elements and attributes, and only relative, http(s) and
  mailto links, reach a reader; resources (images) only come from the site itself.
* ``raw_html_problems(page)`` is the lint's view of the same rules on the Markdown source: it
  reads the raw HTML of a page (outside code) with the standard library's HTML tokenizer and
  reports, with its line, everything the sanitiser would remove (rule KB160), plus Markdown
  links with a forbidden scheme and ``{: attr=value}`` lists with attributes the site does not
  allow. Entities (``jav&#x61;script:``), upper case, unquoted values and attributes on the next
  line are read as a browser reads them.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .pages import Page

#: Elements the site's Markdown features produce (tables, admonitions, details, tabs, keys,
#: abbreviations, highlighted code, footnotes, emoji as inline SVG) and that pages may write.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q",
    "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr", "svg", "path",
})
#: Attributes allowed on every element, then per element.
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir"})
ELEMENT_ATTRIBUTES = {
    "a": {"href", "name", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style"},
    "ol": {"start"},
    "details": {"open"},
    "input": {"type", "name", "checked"},        # pymdownx.tabbed
    "label": {"for"},
    "div": {"data-tabs"},
    "svg": {"viewbox", "xmlns", "width", "height", "aria-hidden"},
    "path": {"d"},
}
#: URL attributes and the schemes they may use (no scheme = a link inside the site).
URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "data",
                            "background", "cite", "xlink:href", "ping", "longdesc"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: Elements whose content is dropped along with them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript",
                                  "template", "textarea", "select", "math"})
#: The only CSS a page may set: the alignment of table cells written by the tables extension.
STYLE_PROPERTIES = frozenset({"text-align"})
#: Attribute-list keys Markdown's attr_list may set (besides #id and .class).
ATTR_LIST_KEYS = GLOBAL_ATTRIBUTES | {"width", "height", "alt", "markdown", "data-tabs"}


def _allowed_attributes() -> dict[str, set[str]]:
    allowed = {tag: set(GLOBAL_ATTRIBUTES) for tag in ALLOWED_TAGS}
    for tag, names in ELEMENT_ATTRIBUTES.items():
        allowed[tag] |= names
    return allowed


def _scheme(value: str) -> str:
    """The scheme of a URL as a browser sees it (control characters and spaces are ignored)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", html.unescape(value))
    if cleaned.startswith("//"):
        return "//"
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def _local_resource(value: str) -> bool:
    """A resource URL (img src) that stays on the site: relative, no scheme, no host."""
    return _scheme(value) == "" and not urlsplit(value.strip()).netloc


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _local_resource(value):
        return None
    if attribute == "class":
        # Material's own layout classes (md-dialog, md-search__overlay, ...) would let a page
        # draw over the site's interface.
        kept = [name for name in value.split() if not name.startswith("md-")]
        return " ".join(kept) or None
    return value


def sanitize(fragment: str) -> str:
    """The page's HTML with everything outside the allow-list removed (nh3)."""
    import nh3

    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=_allowed_attributes(),
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        filter_style_properties=set(STYLE_PROPERTIES),
        link_rel=None,
        strip_comments=True,    # markers (<!-- example -->, <!-- flags: -->) are for the tools
    )


# --------------------------------------------------------------------------------------------
# The lint's view: what the sanitiser would remove, with the line of the Markdown source
# --------------------------------------------------------------------------------------------

#: Markdown placeholders written as <word> in prose (``<image>``, ``<none>``): not HTML for a
#: reader, but the sanitiser drops them, so they are reported with a hint to write them as code.
ATTR_LIST_RE = re.compile(r"\{:?\s*([^{}\n]*=[^{}\n]*)\}")
ATTR_PAIR_RE = re.compile(r"""([^\s=#.{}]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s}]*)""")
MD_LINK_RE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")
MD_REF_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
HINT = "pages may not run code or load anything from elsewhere; write it in a code block, " \
       "or use Markdown (links, images under docs/assets/)"


class _Finder(HTMLParser):
    def __init__(self, allowed: dict[str, set[str]]):
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.found: list[tuple[int, str]] = []

    def _report(self, message: str) -> None:
        self.found.append((self.getpos()[0], message))

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.allowed:
            self._report(f"<{tag}> is not allowed on a page")
            return
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self._report(f"event handler {name}= on <{tag}>")
            elif name not in self.allowed[tag] and name != "markdown":
                self._report(f"attribute {name}= is not allowed on <{tag}>")
            elif name == "style":
                properties = {p.split(":")[0].strip().lower() for p in value.split(";") if p.strip()}
                if properties - STYLE_PROPERTIES or "url(" in value.lower():
                    self._report(f"style=\"{value[:40]}\" on <{tag}> (only text-align)")
            elif name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if scheme not in LINK_SCHEMES | {""}:
                    self._report(f"{scheme or 'protocol-relative'}: URL in {name}= of <{tag}>")
                elif tag == "img" and not _local_resource(value):
                    self._report(f"<img> loads {value[:60]} from another site")
            elif name == "class" and any(c.startswith("md-") for c in value.split()):
                self._report(f"class \"{value}\" on <{tag}> uses the theme's layout classes")


def _blank_code(page: "Page") -> list[str]:
    """Body lines with code blocks and inline code blanked (their HTML is shown, not run)."""
    lines = list(page.lines)
    for number in range(min(page.body_start - 1, len(lines))):
        lines[number] = ""
    for block in page.code_blocks:
        for number in range(block.line - 1, min(block.line + len(block.lines) + 1, len(lines))):
            lines[number] = ""
    return [re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", lambda m: " " * len(m.group()), line)
            for line in lines]


def raw_html_problems(page: "Page") -> list[tuple[int, str]]:
    """(line, message) for everything in the page's raw HTML and links the sanitiser removes."""
    lines = _blank_code(page)
    finder = _Finder(_allowed_attributes())
    try:
        finder.feed("\n".join(lines))
        finder.close()
    except Exception as error:  # noqa: BLE001 - the tokenizer is lenient; report, never crash
        finder.found.append((1, f"unreadable HTML ({error})"))
    found = list(finder.found)
    for number, line in enumerate(lines, start=1):
        for match in list(MD_LINK_RE.finditer(line)) + list(filter(None, [MD_REF_RE.match(line)])):
            scheme = _scheme(match.group(1))
            if scheme not in LINK_SCHEMES | {""}:
                found.append((number, f"{scheme or 'protocol-relative'}: link in Markdown"))
        for match in ATTR_LIST_RE.finditer(line):
            for key in ATTR_PAIR_RE.findall(match.group(1)):
                if key.lower() not in ATTR_LIST_KEYS:
                    found.append((number, f"attribute list sets {key}= (only "
                                          f"{', '.join(sorted(ATTR_LIST_KEYS))})"))
    return sorted(set(found))


#: Characters a plain-text field (title, description, tag, glossary term) may not contain.
PLAIN_TEXT_FORBIDDEN = '<>"'


def plain_text_problem(value: object) -> str | None:
    """Why ``value`` is not plain text (None when it is)."""
    if not isinstance(value, str):
        return None
    bad = sorted({char for char in value if char in PLAIN_TEXT_FORBIDDEN})
    if bad:
        return f"contains {' '.join(bad)}"
    return None
