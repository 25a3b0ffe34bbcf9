"""What the build adds to each page's HTML for readers (issue 13), after the sanitiser.

* Console blocks (``$ `` prompts): ``data-copy`` holds exactly the commands, one per line,
  without prompts and output, continuation lines (``\\``) kept, comment-only lines dropped.
  Material's copy button copies the value of the nearest ``[data-copy]`` instead of the text.
* Output lines that read as prose (error messages: no column layout) get ``kb-wrap`` so they
  wrap instead of running off the right edge; column output (``docker ps``) keeps scrolling.
* Tables: the column with the most text gets ``kb-wide`` (it takes the room on a desktop); on a
  phone the stylesheet shows each row as a card, its cells labelled by reader.js.
* Glossary tooltips (``<abbr title>``) get ``tabindex="0"``: reachable by keyboard, and
  Material shows the tooltip on focus as on hover.
* Diagrams (``assets/diagrams/*.svg``) are wrapped in a link to the SVG itself, so a phone
  reader can open one full size and zoom.

Plain regular expressions over the HTML (no parser): it runs on every page of every build.
"""
from __future__ import annotations

import html
import re
from urllib.parse import urljoin

CODE_BLOCK_RE = re.compile(r'<div class="(?P<cls>[^"]*\bhighlight\b[^"]*)"(?P<attrs>[^>]*)>'
                           r'(?P<body><pre\b.*?</pre>)', re.S)
PROMPT_RE = re.compile(r'^<span class="gp">(?P<prompt>[^<]*)</span>')
TAG_RE = re.compile(r"<[^>]+>")
LINE_ANCHOR_RE = re.compile(r'^(?:<span></span>)?(?:<code>)?(?:<a [^>]*></a>)?')
OUTPUT_LINE_RE = re.compile(r'<span class="go">([^<]*)</span>')
TABLE_RE = re.compile(r"<table>.*?</table>", re.S)
ROW_RE = re.compile(r"<tr>(.*?)</tr>", re.S)
HEAD_CELL_RE = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
DATA_CELL_RE = re.compile(r"<td\b")
DATA_CELL_TEXT_RE = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S)
ABBR_RE = re.compile(r"<abbr title=")
DIAGRAM_RE = re.compile(r'<img (?=[^>]*\bsrc="(?P<src>[^"]*assets/diagrams/[^"]+\.svg)")[^>]*>')


def _text(fragment: str) -> str:
    return html.unescape(TAG_RE.sub("", fragment))


def console_commands(pre_html: str) -> list[str] | None:
    """The commands of a highlighted console block, or None when it has no ``$`` prompt."""
    inner = pre_html.split("<code>", 1)[-1].rsplit("</code>", 1)[0]
    commands: list[str] = []
    continuing = False
    found = False
    for raw in inner.split("\n"):
        line = LINE_ANCHOR_RE.sub("", raw, count=1)
        if continuing:
            text = _text(line)
            commands[-1] += "\n" + text
            continuing = text.endswith("\\")
            continue
        prompt = PROMPT_RE.match(line)
        if not prompt or prompt.group("prompt").strip() != "$":
            continue
        found = True
        text = _text(line[prompt.end():]).rstrip()
        if not text or text.startswith("#"):
            continue                      # a comment line is not a command
        commands.append(text)
        continuing = text.endswith("\\")
    return commands if found else None


def _is_prose(text: str) -> bool:
    """Output that reads as a sentence (an error message), not as columns."""
    return len(text) > 40 and "  " not in text.strip() and "\t" not in text


def _code_block(match: re.Match) -> str:
    body = match.group("body")
    commands = console_commands(body)
    if commands is None:
        return match.group(0)
    body = OUTPUT_LINE_RE.sub(
        lambda m: f'<span class="go kb-wrap">{m.group(1)}</span>'
        if _is_prose(html.unescape(m.group(1))) else m.group(0), body)
    copy = html.escape("\n".join(commands), quote=True).replace("\n", "&#10;")
    return (f'<div class="{match.group("cls")} kb-console"{match.group("attrs")} '
            f'data-copy="{copy}">{body}')


def _table(match: re.Match) -> str:
    """Mark the column with the most text of a table of 3 or more columns (descriptions): it
    gets the room on a desktop. On a
    phone each row is a card: the cells other than the first and the wide one show their column
    heading before the value, from ``data-label`` written here (in the browser, labelling every
    cell after the first paint made the 271-row flag table restyle and lay out twice)."""
    table = match.group(0)
    headings = [_text(cell) for cell in HEAD_CELL_RE.findall(table.split("</tr>", 1)[0])]
    columns = len(headings)
    wide = None
    if columns >= 3:
        lengths = [0] * columns
        for body in ROW_RE.findall(table):
            for index, cell in enumerate(DATA_CELL_TEXT_RE.findall(body)[:columns]):
                lengths[index] += len(_text(cell))
        wide = max(range(columns), key=lengths.__getitem__)
    opening = ['<td class="kb-wide"' if index == wide else
               f'<td data-label="{html.escape(heading, quote=True)}"' if index and heading else
               "<td" for index, heading in enumerate(headings)]

    def row(row_match: re.Match) -> str:
        cells = iter(opening + ["<td"] * 1000)
        return "<tr>" + DATA_CELL_RE.sub(lambda _: next(cells), row_match.group(1)) + "</tr>"

    return ROW_RE.sub(row, table)


def is_table_page(page_html: str) -> bool:
    """A reference page made of wide tables (>= 5 columns, >= 40 rows): it hides the left
    navigation on a desktop so that the tables get the width (see hooks.on_page_content)."""
    rows = sum(table.count("<tr>") for table in TABLE_RE.findall(page_html)
               if len(HEAD_CELL_RE.findall(table.split("</tr>", 1)[0])) >= 5)
    return rows >= 40


def _diagram(match: re.Match) -> str:
    return f'<a class="kb-diagram" href="{match.group("src")}">{match.group(0)}</a>'


def enhance(page_html: str) -> str:
    """Apply every reader addition above to one page's content HTML."""
    page_html = CODE_BLOCK_RE.sub(_code_block, page_html)
    page_html = TABLE_RE.sub(_table, page_html)
    page_html = ABBR_RE.sub('<abbr tabindex="0" title=', page_html)
    return DIAGRAM_RE.sub(_diagram, page_html)


ALTERNATE_RE = re.compile(r'<link rel="alternate" href="(?P<href>[^"]*)" hreflang="(?P<lang>[^"]*)">')


def absolute_alternates(page_html: str, canonical_url: str | None, default_lang: str = "zh") -> str:
    """hreflang alternates as absolute URLs (search engines want them so), plus x-default
    pointing at the default language's page."""
    if not canonical_url:
        return page_html
    default_href = None

    def absolute(match: re.Match) -> str:
        nonlocal default_href
        href = urljoin(canonical_url, html.unescape(match.group("href")))
        if match.group("lang") == default_lang:
            default_href = href
        return f'<link rel="alternate" href="{html.escape(href)}" hreflang="{match.group("lang")}">'

    page_html = ALTERNATE_RE.sub(absolute, page_html)
    if default_href:
        tag = f'<link rel="alternate" href="{html.escape(default_href)}" hreflang="x-default">'
        page_html = page_html.replace("</head>", tag + "\n</head>", 1)
    return page_html


SEARCH_DIALOG_RE = re.compile(r'<div class="md-search" data-md-component="search" role="dialog">'
                              r'(?P<rest>.*?aria-label="(?P<name>[^"]+)")', re.S)


def name_search_dialog(page_html: str) -> str:
    """The search dialog gets an accessible name, the name of its search box (Material's
    template gives the box one and the dialog none; axe: aria-dialog-name)."""
    return SEARCH_DIALOG_RE.sub(
        lambda m: '<div class="md-search" data-md-component="search" role="dialog" '
                  f'aria-label="{m.group("name")}">{m.group("rest")}', page_html, count=1)


def home_heading(page_html: str, title: str) -> str:
    """The home page's H1 is its title (the nav calls it 首页 / Home, which is not a heading)."""
    return f"<h1>{html.escape(title)}</h1>\n{page_html}"
