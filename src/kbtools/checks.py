"""Page checks of the lint: structure, links, safety, Chinese copywriting and zh/en parity.

Each check takes parsed pages (kbtools.pages) and returns Problems. Rule codes are declared in
kbtools/rules.py (KB1xx, KB2xx); the Docker CLI checks (KB3xx) live in kbtools.cli_check.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from .frontmatter import check_front_matter
from .htmlpolicy import HINT as HTML_HINT, raw_html_problems
from .pages import Page, parse_page
from .paths import DEFAULT_LANGUAGE, DOCS_DIR
from .problems import Problem, display_path
from .terms import check_terms




def _problem(page: Page, line: int, rule: str, message: str, hint: str = "") -> Problem:
    return Problem(page.display, line, rule, message, hint)


def check_structure(page: Page) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for heading in page.headings:
        if heading.level == 1:
            problems.append(_problem(page, heading.line, "KB122", "level-1 heading in the body",
                                     "remove it; the front-matter title is shown as the H1"))
            continue
        if not heading.id:
            problems.append(_problem(page, heading.line, "KB120",
                                     f"heading '{heading.text}' has no explicit id",
                                     "end it with {#some-id}, the same id as in the other language"))
        elif heading.id in seen:
            problems.append(_problem(page, heading.line, "KB121", f"id '#{heading.id}' is also "
                                     f"used on line {seen[heading.id]}", "give each heading its own id"))
        else:
            seen[heading.id] = heading.line
    for table in page.tables:
        width = len(table.header)
        for row in table.rows:
            if len(row.cells) != width:
                problems.append(_problem(page, row.line, "KB140", f"the row has {len(row.cells)} "
                                         f"cells, the header has {width}",
                                         "add the missing cell (an empty cell is written '|  |')"))
            elif any(cell.lower().startswith("row ") and " col " in cell.lower() for cell in row.cells):
                problems.append(_problem(page, row.line, "KB140", "the row holds a placeholder "
                                         "cell ('row N col M')", "write the real content"))
    for block in page.code_blocks:
        has_docker = any(line.startswith("$ docker") for line in block.lines)
        if block.lang == "console" and has_docker and not block.is_example:
            problems.append(_problem(page, block.line, "KB132", "console block with docker "
                                     "commands is not marked", "put <!-- example --> above it, or "
                                     "<!-- example: skip=\"why it cannot run\" -->"))
        options = block.marker.options if block.is_example else {}
        if "skip" in options and not options["skip"].strip("true"):
            problems.append(_problem(page, block.marker.line, "KB130", "skip needs a reason",
                                     "write <!-- example: skip=\"why it cannot run here\" -->"))
    for number, line in enumerate(page.lines[page.body_start - 1:], start=page.body_start):
        if re.match(r"^\s*(?:!!!|\?\?\?\+?)\s", line) and '\\"' in line:
            problems.append(_problem(page, number, "KB161", "backslash-escaped quote in an admonition "
                                     "title is shown literally", "use “ ” (or ' ') inside the title"))
    body = "\n".join(page.lines[page.body_start - 1:])
    text = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip()
    if len(re.sub(r"\s+", "", text)) < 40:
        problems.append(_problem(page, page.body_start, "KB170", "the page has (almost) no "
                                 "content", "write the page, or remove it and its nav entry"))
    for number, message in raw_html_problems(page):
        problems.append(_problem(page, number, "KB160", f"{message}: the site removes it",
                                 HTML_HINT))
    return problems


def heading_ids(path: Path) -> set[str]:
    """Ids a page defines (explicit heading ids, {#...} and id="..."), as the reader found them."""
    return _anchors(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=512)
def _anchors(path: Path, _mtime: int) -> set[str]:
    return parse_page(path, path.parent).anchors


def _counterpart(path: Path, lang: str) -> Path:
    """The file a link to ``path`` reaches in the page's language (static-i18n suffix rule)."""
    if lang == DEFAULT_LANGUAGE or path.suffix != ".md":
        return path
    localized = path.with_name(path.stem + f".{lang}.md")
    return localized if localized.exists() else path


def check_links(page: Page, docs_dir: Path = DOCS_DIR) -> list[Problem]:
    problems: list[Problem] = []
    for link in page.links:
        target = link.target
        parts = urlsplit(target)
        if parts.scheme in {"http", "https"} or target.startswith("//"):
            if link.is_image:
                problems.append(_problem(page, link.line, "KB152", f"image hot-linked from "
                                         f"{parts.netloc or target}", "save the image (SVG "
                                         "preferred) under docs/assets/ and link it relatively"))
            continue
        if parts.scheme in {"mailto", "tel"}:
            continue
        if not parts.path:
            anchor_file = page.path
        else:
            if parts.path.startswith("/"):
                problems.append(_problem(page, link.line, "KB150", f"absolute link '{target}'",
                                         "use a path relative to this file, e.g. ../images/build.md"))
                continue
            anchor_file = (page.path.parent / parts.path).resolve()
            if not anchor_file.exists() or not str(anchor_file).startswith(str(docs_dir.resolve())):
                problems.append(_problem(page, link.line, "KB150", f"link target '{parts.path}' "
                                         "does not exist", "check the relative path from this "
                                         f"file ({page.rel})"))
                continue
            anchor_file = _counterpart(anchor_file, page.lang)
        if parts.fragment and anchor_file.suffix == ".md":
            if parts.fragment not in heading_ids(anchor_file):
                problems.append(_problem(page, link.line, "KB151", f"anchor '#{parts.fragment}' "
                                         f"not found in {display_path(anchor_file)}",
                                         "use one of that page's {#ids}"))
    return problems


def check_copywriting(page: Page) -> list[Problem]:
    """Chinese copywriting rules on zh pages, via autocorrect-py (code is left alone)."""
    if page.lang != "zh":
        return []
    import autocorrect_py

    problems: list[Problem] = []
    body = ["" for _ in range(page.body_start - 1)] + page.lines[page.body_start - 1:]
    result = autocorrect_py.lint_for("\n".join(body), "md")
    for item in result.lines:
        old = item.old.strip()
        new = item.new.strip()
        problems.append(_problem(page, item.line, "KB180", f"copywriting: '{old[:60]}'",
                                 f"write: '{new[:60]}'"))
    return problems


def fix_copywriting(page: Page) -> list[str]:
    """The page's lines with the copywriting fixes of KB180 applied (zh pages; front matter and
    code are left alone, as in check_copywriting)."""
    if page.lang != "zh":
        return list(page.lines)
    import autocorrect_py

    head = page.lines[: page.body_start - 1]
    body = autocorrect_py.format_for("\n".join(page.lines[page.body_start - 1:]), "md")
    return head + body.split("\n")


def _flags_of(table) -> list[str]:
    return [row.cells[0] if row.cells else "" for row in table.rows]


def check_page(page: Page, docs_dir: Path = DOCS_DIR) -> list[Problem]:
    return (page.problems + check_front_matter(page) + check_structure(page)
            + check_links(page, docs_dir) + check_copywriting(page) + check_terms(page))
