"""The one Markdown reader of the project.

It turns a page (``docs/<section>/<slug>.md`` for Chinese, ``<slug>.en.md`` for English) into a
``Page``: front matter, headings with their explicit ids, flag tables with the program they
document, fenced code blocks with their example markers, inline code, links and images, each
with its 1-based line number. The lint, the Docker CLI check, the example runner, the parity and
coverage tests and the generators all read pages through this module, so a page format change is
made here once.

Page format (details in CONTRIBUTING.md):

* front matter: ``title``, ``description``, ``tags`` (names from data/tags.yml);
* headings ``## 文字 {#id}`` with the same explicit id in both languages;
* a flag table is preceded by ``<!-- flags: docker run -->`` (or ``<!-- flags: stress -->`` for
  another program), columns option | default | description;
* a runnable example is a ``console`` block preceded by ``<!-- example -->``; options go after a
  colon: ``<!-- example: skip="why it cannot run here" -->``, ``<!-- example: file=Dockerfile -->``.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from .paths import DEFAULT_LANGUAGE, DOCS_DIR, LANGUAGES
from .problems import Problem, display_path

FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
HEADING_RE = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$")
MARKER_RE = re.compile(r"^\s*<!--\s*(?P<kind>example|flags)\s*(?::\s*(?P<args>.*?))?\s*-->\s*$")
INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(?P<code>.+?)(?<!`)\1(?!`)")
LINK_RE = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_SRC_RE = re.compile(r"<(?:img|script|iframe)\b[^>]*\bsrc=[\"'](?P<target>[^\"']+)", re.I)
#: an explicit id outside a heading: attr_list ``{#id}`` or an HTML ``id="..."``
ANCHOR_RE = re.compile(r"\{[^}\n]*#([\w-]+)[^}\n]*\}|\bid=[\"']([^\"']+)[\"']")
HEADING_ID_RE = re.compile(r"#([\w-]+)")
TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
SHELL_LANGS = {"console", "bash", "sh", "shell"}

#: Options an ``<!-- example -->`` marker may carry. The runner interprets them.
EXAMPLE_OPTIONS = {
    "skip": "the example is not run; the value says why (counted and printed by the runner)",
    "file": "the block is not a command: its content is written to this file name in the "
            "example's working folder before the next examples run",
    "tty": "run the commands in a pseudo-terminal (attach, exec -it)",
    "keys": "keys sent to the terminal after the output appeared, e.g. keys=\"ctrl-p ctrl-q\"",
    "wait": "seconds to wait before sending keys or reading output of a tty example",
    "requires": "an engine property the example depends on: cgroup-v1 or cgroup-v2; on an engine "
                "without it the example is skipped (counted, with the reason)",
}


@dataclass
class Heading:
    level: int
    text: str
    id: str | None
    line: int


@dataclass
class Marker:
    kind: str                  # "example" or "flags"
    args: str                  # raw text after the colon
    line: int
    options: dict[str, str] = field(default_factory=dict)
    error: str | None = None   # set when the arguments cannot be parsed


@dataclass
class TableRow:
    cells: list[str]
    line: int


@dataclass
class Table:
    header: list[str]
    rows: list[TableRow]
    line: int                  # line of the header row
    marker: Marker | None      # the <!-- flags: ... --> marker right above, if any

    @property
    def program(self) -> str | None:
        """The documented program (``docker run``, ``stress``) from the flags marker."""
        return self.marker.args.strip() if self.marker and self.marker.kind == "flags" else None


@dataclass
class CodeBlock:
    lang: str                  # first word of the info string ("console", "bash", "")
    info: str                  # whole info string after the fence
    lines: list[str]           # content lines, block indentation removed
    line: int                  # line of the opening fence
    marker: Marker | None      # <!-- example ... --> right above, if any

    @property
    def first_content_line(self) -> int:
        return self.line + 1

    @property
    def is_example(self) -> bool:
        return self.marker is not None and self.marker.kind == "example"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class InlineCode:
    code: str
    line: int


@dataclass
class Link:
    target: str
    line: int
    is_image: bool


@dataclass
class CommandLine:
    """One shell command a reader may type: a ``$`` line of a console block, a line of a
    bash block, or inline code that starts with ``docker``. Continuation lines are joined."""
    text: str
    line: int
    source: str                # "console", "bash" or "inline"
    block: CodeBlock | None = None


@dataclass
class Page:
    path: Path
    rel: str                   # path under docs/ with the language suffix ("containers/run.en.md")
    lang: str
    key: str                   # language-independent key ("containers/run")
    lines: list[str]
    front_matter: dict
    body_start: int            # 1-based line number of the first body line
    problems: list[Problem]    # problems found while reading (front matter, markers)
    headings: list[Heading]
    tables: list[Table]
    code_blocks: list[CodeBlock]
    inline_code: list[InlineCode]
    links: list[Link]
    markers: list[Marker]
    #: every id a link can point to: heading ids, and {#id} / id="..." elsewhere outside code
    anchors: set[str] = field(default_factory=set)

    @property
    def display(self) -> str:
        return display_path(self.path)

    @property
    def site_path(self) -> str:
        """Directory URL relative to the language's root (see ``site_path``)."""
        return site_path(self.key)

    @property
    def title(self) -> str | None:
        value = self.front_matter.get("title")
        return value if isinstance(value, str) else None

    @cached_property
    def examples(self) -> list[CodeBlock]:
        return [block for block in self.code_blocks if block.is_example]

    def command_lines(self) -> list[CommandLine]:
        """Every shell command of the page, in order, with its line number."""
        commands: list[CommandLine] = []
        for block in self.code_blocks:
            if block.lang not in SHELL_LANGS:
                continue
            if block.marker and block.marker.options.get("file"):
                continue
            commands.extend(block_commands(block))
        for code in self.inline_code:
            if re.match(r"^docker\s", code.code):
                commands.append(CommandLine(code.code, code.line, "inline"))
        commands.sort(key=lambda c: c.line)
        return commands


def block_commands(block: CodeBlock) -> list[CommandLine]:
    """Commands of a code block. In ``console`` blocks only ``$ `` lines are commands (the rest
    is output); in bash/sh blocks every non-comment line is. A trailing backslash continues."""
    commands: list[CommandLine] = []
    pending: list[str] = []
    start = 0
    for offset, raw in enumerate(block.lines):
        number = block.first_content_line + offset
        if pending:
            pending.append(raw.strip())
        elif block.lang == "console":
            if not raw.startswith("$ "):
                continue
            pending, start = [raw[2:].strip()], number
        else:
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            pending, start = [stripped], number
        if pending[-1].endswith("\\"):
            pending[-1] = pending[-1][:-1].rstrip()
            continue
        commands.append(CommandLine(" ".join(pending), start, block.lang, block))
        pending = []
    if pending:
        commands.append(CommandLine(" ".join(pending), start, block.lang, block))
    return commands


def console_steps(block: CodeBlock) -> list[tuple[CommandLine, list[str]]]:
    """Pairs (command, expected output lines) of a console block, in order."""
    steps: list[tuple[CommandLine, list[str]]] = []
    commands = {c.line: c for c in block_commands(block)}
    current: tuple[CommandLine, list[str]] | None = None
    continuing = False
    for offset, raw in enumerate(block.lines):
        number = block.first_content_line + offset
        if number in commands:
            current = (commands[number], [])
            steps.append(current)
            continuing = raw.rstrip().endswith("\\")
            continue
        if continuing:
            continuing = raw.rstrip().endswith("\\")
            continue
        if current is not None:
            current[1].append(raw)
    return steps


def parse_marker(line: str, number: int) -> Marker | None:
    match = MARKER_RE.match(line)
    if not match:
        return None
    marker = Marker(match["kind"], match["args"] or "", number)
    if marker.kind == "example" and marker.args:
        try:
            for word in shlex.split(marker.args):
                key, _, value = word.partition("=")
                marker.options[key] = value if _ else "true"
        except ValueError as error:
            marker.error = f"cannot read the example options ({error})"
        else:
            unknown = sorted(set(marker.options) - set(EXAMPLE_OPTIONS))
            if unknown:
                marker.error = (f"unknown example option {', '.join(unknown)}; known: "
                                f"{', '.join(sorted(EXAMPLE_OPTIONS))}")
    return marker


def split_table_row(line: str) -> list[str]:
    """Cells of a pipe-table row; a ``|`` inside backticks or escaped as ``\\|`` is kept."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells, current, in_code = [], [], False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    return cells


def page_key_and_lang(rel: str) -> tuple[str, str]:
    """``containers/run.en.md`` -> (``containers/run``, ``en``); unsuffixed files are zh."""
    stem = rel[:-3] if rel.endswith(".md") else rel
    for lang in LANGUAGES:
        if lang != DEFAULT_LANGUAGE and stem.endswith("." + lang):
            return stem[: -len(lang) - 1], lang
    return stem, DEFAULT_LANGUAGE


def read_front_matter(lines: list[str], shown: str) -> tuple[dict, int, list[Problem]]:
    """Front matter between ``---`` lines at the top; returns (data, first body line, problems)."""
    if not lines or lines[0].strip() != "---":
        return {}, 1, [Problem(shown, 1, "KB101", "the page has no front matter",
                               "start the file with a '---' line, then title:, description:, "
                               "tags:, then '---'")]
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            end = index
            break
    else:
        return {}, 1, [Problem(shown, 1, "KB101", "the front matter is never closed",
                               "add a line with only '---' after the last front-matter key")]
    text = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        return {}, end + 2, [Problem(shown, line, "KB102", f"the front matter is not valid YAML: "
                                     f"{reason}", "check quotes, colons and indentation; quote "
                                     "a value that contains ': '")]
    if not isinstance(data, dict):
        return {}, end + 2, [Problem(shown, 2, "KB102", "the front matter must be key: value pairs",
                                     "write title:, description: and tags: on their own lines")]
    return data, end + 2, []


def parse_page(path: Path, docs_dir: Path = DOCS_DIR) -> Page:
    path = Path(path)
    shown = display_path(path)
    try:
        rel = path.resolve().relative_to(docs_dir.resolve()).as_posix()
    except ValueError:
        rel = path.name
    key, lang = page_key_and_lang(rel)
    from .datafiles import MAX_PAGE_BYTES, DataFileError, read_text

    try:   # size (checked first, before reading) and encoding: file:line, never a traceback
        text = read_text(path, "KB805", MAX_PAGE_BYTES)
    except DataFileError as error:
        return Page(path, rel, lang, key, [], {}, 1, [error.problem], [], [], [], [], [], [])
    lines = text.splitlines()
    front_matter, body_start, problems = read_front_matter(lines, shown)

    headings: list[Heading] = []
    tables: list[Table] = []
    blocks: list[CodeBlock] = []
    inline: list[InlineCode] = []
    links: list[Link] = []
    markers: list[Marker] = []
    anchors: set[str] = set()
    pending_marker: Marker | None = None

    def read_inline(text: str, number: int) -> None:
        """Inline code, links, images and ids of one line of text (a paragraph line, a table
        row or a heading): every checker sees them, wherever they stand."""
        without_code = INLINE_CODE_RE.sub("", text)
        for match in INLINE_CODE_RE.finditer(text):
            inline.append(InlineCode(match["code"].strip(), number))
        for match in LINK_RE.finditer(without_code):
            links.append(Link(match["target"], number, bool(match["bang"])))
        for match in HTML_SRC_RE.finditer(without_code):
            links.append(Link(match["target"], number, True))
        for match in ANCHOR_RE.finditer(without_code):
            anchors.add(match.group(1) or match.group(2))

    index = body_start - 1
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        fence = FENCE_RE.match(raw)
        if fence:
            indent, mark, info = len(fence["indent"]), fence["fence"], fence["info"].strip()
            content: list[str] = []
            index += 1
            closed = False
            while index < len(lines):
                inner = lines[index]
                if re.match(rf"^\s*{re.escape(mark[0])}{{{len(mark)},}}\s*$", inner):
                    closed = True
                    break
                content.append(inner[indent:] if inner[:indent].strip() == "" else inner.lstrip())
                index += 1
            if not closed:
                problems.append(Problem(shown, number, "KB110", "a code block is never closed",
                                        f"add a closing {mark} line"))
            block_lang = info.split()[0].lstrip("{.").rstrip("}") if info else ""
            blocks.append(CodeBlock(block_lang, info, content, number, pending_marker))
            pending_marker = None
            index += 1
            continue

        marker = parse_marker(raw, number)
        if marker:
            if marker.error:
                problems.append(Problem(shown, number, "KB130", marker.error,
                                        "see 'Runnable examples' in CONTRIBUTING.md"))
            if pending_marker is not None:
                problems.append(Problem(shown, pending_marker.line, "KB131",
                                        f"the '{pending_marker.kind}' marker is not followed by "
                                        "a code block or table", "put it right above the block"))
            markers.append(marker)
            pending_marker = marker
            index += 1
            continue

        stripped = raw.strip()
        heading = HEADING_RE.match(raw) if not raw.startswith("    ") else None
        if heading:
            attrs = heading["attrs"] or ""
            id_match = HEADING_ID_RE.search(attrs)
            headings.append(Heading(len(heading["hashes"]), heading["text"],
                                    id_match.group(1) if id_match else None, number))
            if id_match:
                anchors.add(id_match.group(1))
        elif stripped.startswith("|") and index + 1 < len(lines) and TABLE_SEP_RE.match(lines[index + 1]):
            header = split_table_row(raw)
            read_inline(raw, number)
            rows: list[TableRow] = []
            index += 2
            while index < len(lines) and lines[index].strip().startswith("|"):
                rows.append(TableRow(split_table_row(lines[index]), index + 1))
                read_inline(lines[index], index + 1)
                index += 1
            table_marker = pending_marker if pending_marker and pending_marker.kind == "flags" else None
            tables.append(Table(header, rows, number, table_marker))
            pending_marker = None
            continue

        if stripped and pending_marker is not None:
            problems.append(Problem(shown, pending_marker.line, "KB131",
                                    f"the '{pending_marker.kind}' marker is not followed by a "
                                    "code block or table", "put it right above the block, with at "
                                    "most blank lines between"))
            pending_marker = None

        read_inline(raw, number)
        index += 1

    if pending_marker is not None:
        problems.append(Problem(shown, pending_marker.line, "KB131",
                                f"the '{pending_marker.kind}' marker is not followed by a code "
                                "block or table", "put it right above the block"))

    return Page(path, rel, lang, key, lines, front_matter, body_start, problems, headings,
                tables, blocks, inline, links, markers, anchors)


def site_path(key: str) -> str:
    """The directory URL of a page key, relative to the language's root: "" (index),
    "containers/run/", "reference/flags/" (for reference/flags/index)."""
    if key == "index":
        return ""
    return key[:-len("index")] if key.endswith("/index") else key + "/"


def page_files(docs_dir: Path = DOCS_DIR) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md") if p.is_file())


def load_pages(docs_dir: Path = DOCS_DIR) -> list[Page]:
    return [parse_page(path, docs_dir) for path in page_files(docs_dir)]


def pair_pages(pages: list[Page]) -> dict[str, dict[str, Page]]:
    """{key: {lang: page}} — the zh and en versions of each page side by side."""
    pairs: dict[str, dict[str, Page]] = {}
    for page in pages:
        pairs.setdefault(page.key, {})[page.lang] = page
    return pairs
