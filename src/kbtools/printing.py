"""Paper-only changes to a page's article for the offline edition (scripts/offline.py, issue 13).

* ``wrap_code``: code lines longer than the printed line are broken at a fixed column with a
  visible mark (WRAP_MARK) at the end of the broken line, so a reader sees that the next line
  continues the same one; the PDF never wraps code silently or cuts it off.
* ``drop_screen_only``: what only makes sense on screen goes: glossary tooltips become plain
  text (no dotted underline on paper), ``.kb-online-only`` sentences ("switch the language at
  the top right", "copy button") are removed.
"""
from __future__ import annotations

import unicodedata

from bs4 import BeautifulSoup, NavigableString

WRAP_MARK = "\u21a9"          # ↩ at the end of a broken code line
# A4 minus the margins of PRINT_CSS, in characters of the printed code font (DejaVu Sans Mono
# at 13.6 px: 8.2 px each; CJK characters count twice), less the code block's padding and one
# column for the mark.
CODE_COLUMNS = 76


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap_code(article: BeautifulSoup, columns: int = CODE_COLUMNS) -> int:
    """Break every over-long line of every ``pre > code`` in ``article``; returns how many
    breaks were made. Highlighting spans are kept: text nodes are split in place."""
    breaks = 0
    for code in article.select("pre > code"):
        column = 0
        for node in list(code.descendants):
            if not isinstance(node, NavigableString):
                continue
            text, out, changed = str(node), [], False
            for char in text:
                if char == "\n":
                    column = 0
                elif column + _width(char) > columns:
                    out.append(WRAP_MARK + "\n")
                    column, changed, breaks = 0, True, breaks + 1
                if char != "\n":
                    column += _width(char)
                out.append(char)
            if changed:
                node.replace_with(NavigableString("".join(out)))
    return breaks


def drop_screen_only(article: BeautifulSoup) -> None:
    for element in article.select(".kb-online-only"):
        element.decompose()
    for abbr in article.find_all("abbr"):
        abbr.unwrap()
