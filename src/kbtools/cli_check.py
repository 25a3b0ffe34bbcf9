"""Check every ``docker`` command line and every flag table of the pages against the CLI snapshot.

``check_pages(pages)`` returns a list of ``Problem`` (``file:line: KB3xx: message (hint)``); the
rule codes (KB3xx) and their meaning are declared in kbtools/rules.py. It checks:

* command lines (``$`` lines of console blocks, lines of bash/sh blocks, inline code starting
  with ``docker``, also inside table cells): the command exists, every option exists for it,
  options of another program are not used as docker options (see kbtools.dockercli for how a
  line is parsed);
* flag tables (``<!-- flags: docker run -->`` above the table): the command exists, each option
  exists for it, short and long forms are paired as the CLI pairs them, a claimed default equals
  the CLI's default when the CLI states one; a table of options without that marker is an error;
  a table of another program (``<!-- flags: stress -->``) must not name a docker command and the
  paragraph above it must say whose options they are;
* the zh and en versions of a page list the same options in their tables, in the same order.

A wrong command shown on purpose is not reported when the page proves it is wrong: a command of a
runnable example (``<!-- example -->``, not ``skip``) whose expected output holds the CLI's own
error for it (``unknown flag: --device-wirte-bps``, ``unknown command: docker uppause``) — the
example runner checks that output against a real engine. Anywhere else a "do not type this"
command is exempted with ``<!-- cli-check: ignore="why" -->``: on its own line it covers the
next code block or table, at the end of a text line it covers the inline code of that line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .dockercli import (HELP_FLAG, Command, Flag, Invocation, Issue, Snapshot,
                        looks_like_misspelt_docker, parse_line, unknown_flag_issue)
from .pages import INLINE_CODE_RE, Page, Table, console_steps
from .paths import CLI_SNAPSHOT
from .problems import Problem, display_path


ISSUE_RULES = {
    "unknown-command": "KB301", "unknown-flag": "KB302", "other-program-flag": "KB303",
    "not-docker": "KB304", "missing-value": "KB305", "syntax": "KB306",
    "hidden-flag": "KB307", "deprecated-flag": "KB308", "plugin": "KB309",
}

IGNORE_RE = re.compile(r"<!--\s*cli-check:\s*ignore(?:=(?P<q>[\"'])(?P<reason>.*?)(?P=q))?\s*-->")
ANCHOR_HTML_RE = re.compile(r"<a\s[^>]*></a>|<span\s[^>]*></span>", re.I)
OPTION_RE = re.compile(r"^(?P<name>--[A-Za-z0-9][\w.-]*|-[A-Za-z0-9?])(?:[ =\[].*)?$")
FLAG_CELL_RE = re.compile(r"^\s*`?-{1,2}[A-Za-z0-9?]")
SEPARATORS_RE = re.compile(r"^[\s,，、/]*$")
DEFAULT_HEADERS = re.compile(r"默认|default", re.I)
MAX_SHOWN = 90
#: The generated flag index (a landing page and a page per command group under this folder)
#: lists hidden and deprecated options on purpose (marked as such).
GENERATED_INDEX = "reference/flags/"


@dataclass
class OptionCell:
    names: list[str]           # "-m", "--memory" in the order written
    problems: list[tuple[str, str, str]]   # (rule, message, hint)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def parse_option_cell(cell: str) -> OptionCell:
    """Options written in a table's first cell: `` `-m`, `--memory` ``."""
    text = ANCHOR_HTML_RE.sub("", cell)
    names: list[str] = []
    problems: list[tuple[str, str, str]] = []
    spans = list(INLINE_CODE_RE.finditer(text))
    outside = INLINE_CODE_RE.sub(",", text)
    if not SEPARATORS_RE.match(outside):
        problems.append(("KB315", f"the option cell `{_shorten(cell)}` has text outside "
                         "backticks", "write only the options, each in backticks: "
                         "`-m`, `--memory`"))
    for span in spans:
        code = span["code"].strip()
        match = OPTION_RE.match(code)
        if not match:
            problems.append(("KB315", f"`{code}` in the option cell is not an option",
                             "write options like `-m` or `--memory`"))
            continue
        names.append(match["name"])
    if not spans and not problems:
        problems.append(("KB315", "the option cell is empty", "write the option in backticks"))
    return OptionCell(names, problems)


def _ignored_regions(page: Page) -> tuple[dict[int, str | None], set[int]]:
    """Lines where a ``cli-check: ignore`` comment starts a region, and inline-ignored lines.

    Returns ({line of the next block/table: reason}, {text lines whose inline code is ignored}).
    """
    block_starts = sorted([block.line for block in page.code_blocks] +
                          [table.line for table in page.tables])
    covered: dict[int, str | None] = {}
    inline_lines: set[int] = set()
    for index, raw in enumerate(page.lines):
        match = IGNORE_RE.search(raw)
        if not match:
            continue
        number = index + 1
        reason = match["reason"]
        if raw.strip() == match.group(0):
            following = [start for start in block_starts if start > number]
            if following:
                covered[following[0]] = reason
        else:
            inline_lines.add(number)
    return covered, inline_lines


def _paragraph_before(page: Page, line: int) -> str:
    """The text of the paragraph that ends right above ``line`` (blank lines skipped)."""
    index = line - 2
    while index >= 0 and not page.lines[index].strip():
        index -= 1
    collected = []
    while index >= 0 and page.lines[index].strip():
        collected.append(page.lines[index])
        index -= 1
    return " ".join(reversed(collected))


def is_flag_table(table: Table) -> bool:
    """A table whose first column holds options (``-m`` / `` `--memory` ``)."""
    firsts = [row.cells[0] for row in table.rows if row.cells and row.cells[0].strip()]
    if not firsts:
        return False
    flagged = sum(1 for cell in firsts if FLAG_CELL_RE.match(ANCHOR_HTML_RE.sub("", cell)))
    return flagged * 2 >= len(firsts)


def other_program_options(pages: list[Page]) -> dict[str, str]:
    """{option: program} of every table marked with a non-docker program."""
    found: dict[str, str] = {}
    for page in pages:
        for table in page.tables:
            program = table.program
            if not program or program.split()[0] == "docker":
                continue
            for row in table.rows:
                if row.cells:
                    for name in parse_option_cell(row.cells[0]).names:
                        found.setdefault(name, program.split()[0])
    return found


class _PageChecker:
    def __init__(self, page: Page, snapshot: Snapshot, others: dict[str, str],
                 indexed: set[str] | None = None):
        self.page = page
        self.snapshot = snapshot
        self.others = others
        self.indexed = indexed       # command paths with a flag index section (None: unchecked)
        self.problems: list[Problem] = []
        self.ignored_blocks, self.ignored_inline = _ignored_regions(page)

    def report(self, line: int, rule: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.page.display, line, rule, message, hint))

    def run(self) -> list[Problem]:
        for start, reason in self.ignored_blocks.items():
            if not reason:
                self.report(start, "KB330", "the cli-check ignore comment above gives no reason",
                            'write <!-- cli-check: ignore="why this wrong command is shown" -->')
        self.check_command_lines()
        for table in self.page.tables:
            if table.line not in self.ignored_blocks:
                self.check_table(table)
        return self.problems

    # -- command lines ------------------------------------------------------------------------
    def command_texts(self) -> list[tuple[int, str, str]]:
        """(line, command text, source) of every command line; source "inline" or a block
        language."""
        found: list[tuple[int, str, str]] = []
        for command in self.page.command_lines():
            if command.block is not None and command.block.line in self.ignored_blocks:
                continue
            if command.source == "inline":
                if command.line in self.ignored_inline:
                    continue
            found.append((command.line, command.text, command.source))
        seen_inline = {(line, text) for line, text, _ in found}
        for code in self.page.inline_code:              # `dcoker logs` in prose
            first = code.code.split(maxsplit=1)[0] if code.code.split() else ""
            if code.line in self.ignored_inline or (code.line, code.code) in seen_inline:
                continue
            if looks_like_misspelt_docker(first) and " " in code.code.strip():
                found.append((code.line, code.code, "inline"))
        for table in self.page.tables:                  # inline code inside table cells
            if table.line in self.ignored_blocks:
                continue
            for row in table.rows:
                for cell in row.cells:
                    for match in INLINE_CODE_RE.finditer(cell):
                        code = match["code"].strip()
                        first = code.split(maxsplit=1)[0] if code.split() else ""
                        if re.match(r"^docker\s", code) or \
                                (looks_like_misspelt_docker(first) and " " in code):
                            found.append((row.line, code, "inline"))
        return sorted(found)

    def example_outputs(self) -> dict[int, str]:
        """{line of a command: its expected output} for runnable (not skipped) examples."""
        outputs: dict[int, str] = {}
        for block in self.page.examples:
            if block.lang != "console" or "skip" in block.marker.options:
                continue
            for command, output in console_steps(block):
                outputs[command.line] = "\n".join(output)
        return outputs

    def check_command_lines(self) -> None:
        outputs = self.example_outputs()
        for line, text, source in self.command_texts():
            parsed = parse_line(text, self.snapshot, self.others)
            issues = parsed.issues + [issue for invocation in parsed.invocations
                                      for issue in invocation.issues]
            for issue in issues:
                # Inline code may name an option without its value ("`docker run --restart`")
                # or mention a plugin command in prose.
                if source == "inline" and issue.kind in {"missing-value", "plugin"}:
                    continue
                if source == "console" and demonstrated(issue, outputs.get(line, "")):
                    continue
                self.report_issue(line, issue, text)

    def report_issue(self, line: int, issue: Issue, text: str) -> None:
        rule = ISSUE_RULES.get(issue.kind, "KB302")
        self.report(line, rule, f"{issue.message} in `{_shorten(text)}`", issue.hint)

    # -- tables -------------------------------------------------------------------------------
    def check_table(self, table: Table) -> None:
        program = table.program
        if program is None:
            if is_flag_table(table):
                self.report(table.line, "KB316", "this table lists options but has no flags "
                            "marker", "put <!-- flags: docker run --> (the docker command it "
                            "documents) or <!-- flags: PROGRAM --> (another program) on the line "
                            "right above the table")
            return
        words = program.split()
        if not words:
            self.report(table.marker.line, "KB310", "the flags marker names no program",
                        "write <!-- flags: docker run --> or <!-- flags: stress -->")
            return
        if words[0] == "docker" or looks_like_misspelt_docker(words[0]):
            self.check_docker_table(table, program)
        else:
            self.check_other_table(table, program)

    def resolve_marker(self, table: Table, program: str) -> Command | None:
        words = program.split()
        if words[0] != "docker":
            self.report(table.marker.line, "KB310", f"`{words[0]}` in the flags marker is not "
                        "docker", f"did you mean <!-- flags: docker {' '.join(words[1:])} -->?")
        if len(words) == 1:          # <!-- flags: docker -->: the global options
            return self.snapshot.global_command
        invocation = self.snapshot_invocation(["docker", *words[1:]])
        if invocation.command is None:
            issue = next((i for i in invocation.issues if i.kind in {"unknown-command",
                                                                     "plugin"}), None)
            hint = issue.hint if issue else "write the docker command the table documents"
            message = issue.message if issue else f"`{program}` names no docker command"
            self.report(table.marker.line, "KB310", f"flags marker: {message}", hint)
            return None
        if invocation.flags or invocation.args:
            self.report(table.marker.line, "KB310", f"the flags marker `{program}` holds more "
                        "than a command", "write only the command, e.g. <!-- flags: docker run -->")
        return invocation.command

    def snapshot_invocation(self, words: list[str]) -> Invocation:
        from .dockercli import parse_invocation
        return parse_invocation(words, self.snapshot, self.others)

    def check_docker_table(self, table: Table, program: str) -> None:
        command = self.resolve_marker(table, program)
        if command is None:
            return
        shown = " ".join(["docker", *program.split()[1:]])
        if self.indexed is not None and command.path not in self.indexed:
            self.report(table.marker.line, "KB320", f"`{shown}` has no section in the flag "
                        "index, though this table documents its options",
                        "add a section for it (id, command, group, summary and every option) to "
                        "data/flag-descriptions.yml, then run: kb gen flag-index")
        default_column = next((i for i, head in enumerate(table.header)
                               if DEFAULT_HEADERS.search(head)), 1 if len(table.header) >= 3
                              else None)
        seen: dict[str, int] = {}
        for row in table.rows:
            if not row.cells:
                continue
            cell = parse_option_cell(row.cells[0])
            for rule, message, hint in cell.problems:
                self.report(row.line, rule, message, hint)
            shorts = [name for name in cell.names if not name.startswith("--")]
            longs = [name for name in cell.names if name.startswith("--")]
            if len(longs) > 1 or len(shorts) > 1:
                self.report(row.line, "KB315", f"one row lists several options "
                            f"({', '.join(cell.names)})", "give each option its own row")
            flags: list[Flag] = []
            for name in cell.names:
                flag = command.flag(name)
                if flag is None:
                    issue, _ = unknown_flag_issue(name, command, shown, self.snapshot, self.others)
                    hint = issue.hint
                    if name in self.others:
                        hint = (f"`{name}` is an option of `{self.others[name]}`, not docker: "
                                f"list it in a <!-- flags: {self.others[name]} --> table")
                    self.report(row.line, "KB311", f"`{shown}` has no option `{name}` "
                                f"(flag table)", hint)
                    continue
                flags.append(flag)
                if (flag.hidden or flag.deprecated) and \
                        not self.page.key.startswith(GENERATED_INDEX):
                    better = f"`--{flag.replaced_by}`" if flag.replaced_by else "the current option"
                    self.report(row.line, "KB318", f"`{name}` is a "
                                f"{'hidden' if flag.hidden else 'deprecated'} option of `{shown}`",
                                f"document {better} instead")
            if len(shorts) == 1 and len(longs) == 1 and len(flags) == 2 and \
                    flags[0] is not flags[1]:
                short_flag = command.flag(shorts[0])
                long_flag = command.flag(longs[0])
                own = f"`-{long_flag.short}`" if long_flag.short else "no short form"
                self.report(row.line, "KB312", f"`{shorts[0]}` is the short form of "
                            f"`--{short_flag.long}`, not of `{longs[0]}`",
                            f"`{longs[0]}` has {own}")
                continue
            if len(flags) == 1 and len(cell.names) == 1 and flags[0] is not HELP_FLAG:
                flag = flags[0]
                if cell.names[0].startswith("--") and flag.short:
                    self.report(row.line, "KB313", f"the short form `-{flag.short}` of "
                                f"`--{flag.long}` is missing", f"write `-{flag.short}`, "
                                f"`--{flag.long}`")
                elif not cell.names[0].startswith("--"):
                    self.report(row.line, "KB313", f"`{cell.names[0]}` is written without its "
                                f"long form", f"write `-{flag.short}`, `--{flag.long}`")
            if len(flags) == 2 and flags[0] is flags[1] and cell.names[0].startswith("--"):
                self.report(row.line, "KB313", "the long form is written before the short form",
                            f"write `-{flags[0].short}`, `--{flags[0].long}`")
            if flags:
                key = flags[0].long
                if key in seen:
                    self.report(row.line, "KB319", f"`--{key}` is already listed on line "
                                f"{seen[key]}", "remove one of the rows")
                else:
                    seen[key] = row.line
                if default_column is not None and len(row.cells) > default_column:
                    self.check_default(row.line, flags[0], row.cells[default_column])

    def check_default(self, line: int, flag: Flag, cell: str) -> None:
        text = cell.strip()
        if not text:
            return
        match = re.fullmatch(r"`([^`]*)`", text)
        if not match:
            self.report(line, "KB314", f"the default `{_shorten(text)}` of `--{flag.long}` is "
                        "not written in backticks", "write the CLI's default in backticks, or "
                        "leave the cell empty and explain the behaviour in the description")
            return
        claimed = match.group(1).strip().strip('"')
        if flag.default is None:
            return
        if claimed != flag.default.strip('"'):
            self.report(line, "KB314", f"the table says the default of `--{flag.long}` is "
                        f"`{claimed}`, the CLI says `{flag.default}`",
                        f"write `{flag.default}` (from `--help`), or leave the cell empty and "
                        "explain the effective behaviour in the description")

    def check_other_table(self, table: Table, program: str) -> None:
        name = program.split()[0]
        as_docker = self.snapshot.command(program)
        if as_docker is not None or name in self.snapshot.top_level:
            self.report(table.marker.line, "KB317", f"`{program}` in the flags marker is a "
                        "docker command", f"write <!-- flags: docker {program} -->")
            return
        paragraph = _paragraph_before(self.page, table.marker.line)
        if name.lower() not in paragraph.lower():
            self.report(table.marker.line, "KB317", f"the paragraph above this table of "
                        f"`{name}` options does not name `{name}`",
                        f"say that these are options of `{name}`, not of docker, right above "
                        "the table")


def demonstrated(issue: Issue, output: str) -> bool:
    """True when a runnable example's output shows the CLI's own error for this issue."""
    if not output:
        return False
    name = issue.text
    if issue.kind in {"unknown-flag", "other-program-flag"}:
        if name.startswith("--"):
            return f"unknown flag: {name.split('=')[0]}" in output
        return any(f"unknown shorthand flag: '{char}' in -" in output for char in name[1:])
    if issue.kind == "unknown-command":
        return f"unknown command: {name}" in output or "is not a docker command" in output
    if issue.kind == "missing-value":
        return "flag needs an argument" in output
    if issue.kind == "not-docker":
        return f"{name}: command not found" in output or f"{name}: not found" in output
    return False


def indexed_command_paths(snapshot: Snapshot) -> set[str] | None:
    """Paths of the commands that have a flag index section ("" = the global options), or None
    when the descriptions file cannot be read (the generator reports that itself)."""
    from .gen.flag_index import IndexError_, indexed_commands   # the generator imports this module

    try:
        written = indexed_commands()
    except IndexError_:
        return None
    paths = set()
    for text in written:
        command = snapshot.global_command if text == "docker" else snapshot.command(text)
        if command is not None:
            paths.add(command.path)
    return paths


def check_pages(pages: list[Page], snapshot: Snapshot | None = None,
                snapshot_path: Path = CLI_SNAPSHOT) -> list[Problem]:
    """Every problem of the pages' docker command lines and flag tables (rules KB3xx)."""
    if snapshot is None:
        try:
            snapshot = Snapshot.load(snapshot_path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            return [Problem(display_path(snapshot_path), 0, "KB300", f"cannot read the CLI "
                            f"snapshot ({type(error).__name__}: {error})",
                            "run kb snapshot")]
    others = other_program_options(pages)
    indexed = indexed_command_paths(snapshot)
    problems: list[Problem] = []
    for page in pages:
        try:
            problems.extend(_PageChecker(page, snapshot, others, indexed).run())
        except Exception as error:  # noqa: BLE001 - a checker bug must not hide other pages
            problems.append(Problem(page.display, 0, "KB300", f"the CLI check failed on this "
                                    f"page ({type(error).__name__}: {error})",
                                    "report this with the page attached"))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.rule, p.message))
