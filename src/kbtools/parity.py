"""zh/en parity, checked once and repaired where the repair is mechanical (``kb parity``).

Every page exists in both languages with the same structure: the same heading ids, the same
tables (rows, flags marker and, for flag tables, the same options in the same order), the same
code blocks and the same example markers. Prose is translated; code is not. Rules KB200-KB204
(KB205, the translation being older than its original, comes from git: kbtools.translation).

Problems name the English file (the translation follows the Chinese original) and the line of
the Chinese counterpart. ``fix_pairs`` repairs what needs no translation: it copies each code
block (commands and example output) and example marker that differs from the Chinese page into
the English page, in place, keeping the English page's indentation.
"""
from __future__ import annotations

from pathlib import Path

from kbtools.pages import CodeBlock, Page, Table, pair_pages
from kbtools.paths import DEFAULT_LANGUAGE, LANGUAGES
from kbtools.problems import Problem

CODE_HINT = "copy the block unchanged from the Chinese page (kb parity --fix does it); " \
            "translate only prose"


def check_pairs(pages: list[Page]) -> list[Problem]:
    """Every parity problem of every page pair."""
    problems: list[Problem] = []
    for key, versions in sorted(pair_pages(pages).items()):
        for lang in LANGUAGES:
            if lang not in versions:
                other = next(iter(versions.values()))
                suffix = ".md" if lang == DEFAULT_LANGUAGE else f".{lang}.md"
                problems.append(Problem(other.display, 0, "KB200", f"no {lang} version of this "
                                        f"page", f"create docs/{key}{suffix} with the same "
                                        "headings, tables and code blocks"))
        if all(lang in versions for lang in LANGUAGES):
            zh, en = versions["zh"], versions["en"]
            problems += heading_problems(zh, en) + table_problems(zh, en) + block_problems(zh, en)
    return problems


def heading_problems(zh: Page, en: Page) -> list[Problem]:
    zh_ids = [h.id for h in zh.headings if h.level > 1]
    en_ids = [h.id for h in en.headings if h.level > 1]
    if "per-language" in (zh.front_matter.get("heading_order"), en.front_matter.get("heading_order")):
        # lists sorted per language (the glossary: pinyin vs alphabetical): same ids, any order
        zh_ids, en_ids = sorted(zh_ids, key=str), sorted(en_ids, key=str)
    for index in range(max(len(zh_ids), len(en_ids))):
        a = zh_ids[index] if index < len(zh_ids) else None
        b = en_ids[index] if index < len(en_ids) else None
        if a != b:
            line = en.headings[index].line if index < len(en.headings) else 0
            return [Problem(en.display, line, "KB201", f"heading #{index + 1} has id '{b}' here "
                            f"but '{a}' in {zh.display}",
                            "use the same ids in the same order in both languages")]
    return []


def _option_names(table: Table) -> list[str] | None:
    """The options a flag table lists, in order (None for a table that lists no options)."""
    from kbtools.cli_check import is_flag_table, parse_option_cell

    if table.program is None and not is_flag_table(table):
        return None
    return [" ".join(parse_option_cell(row.cells[0]).names) or row.cells[0]
            for row in table.rows if row.cells]


def table_problems(zh: Page, en: Page) -> list[Problem]:
    problems: list[Problem] = []
    if len(zh.tables) != len(en.tables):
        problems.append(Problem(en.display, 0, "KB202", f"{len(en.tables)} tables here, "
                                f"{len(zh.tables)} in {zh.display}", "translate every table"))
    for zt, et in zip(zh.tables, en.tables):
        if (zt.program or "") != (et.program or ""):
            problems.append(Problem(en.display, et.line, "KB202", f"this table has marker "
                                    f"`{et.program or 'none'}`, the zh table at {zh.display}:"
                                    f"{zt.line} has `{zt.program or 'none'}`",
                                    "use the same flags marker in both languages"))
            continue
        znames, enames = _option_names(zt), _option_names(et)
        if znames is not None and enames is not None and znames != enames:
            for index in range(max(len(znames), len(enames))):
                zname = znames[index] if index < len(znames) else None
                ename = enames[index] if index < len(enames) else None
                if zname != ename:
                    line = et.rows[index].line if index < len(et.rows) else et.line
                    zline = zt.rows[index].line if index < len(zt.rows) else zt.line
                    problems.append(Problem(
                        en.display, line, "KB202", f"row {index + 1} lists `{ename or 'nothing'}`, "
                        f"the zh table ({zh.display}:{zline}) lists `{zname or 'nothing'}`",
                        "list the same options in the same order in both languages"))
                    break
        elif len(zt.rows) != len(et.rows):
            problems.append(Problem(en.display, et.line, "KB202", f"table has {len(et.rows)} rows, "
                                    f"line {zt.line} of {zh.display} has {len(zt.rows)}",
                                    "keep the same rows in both languages"))
    return problems


def _options(block: CodeBlock) -> dict[str, str] | None:
    """An example marker's options, the skip reason's wording aside (it may be translated)."""
    if not block.is_example:
        return None
    return {k: ("" if k == "skip" else v) for k, v in block.marker.options.items()}


def block_problems(zh: Page, en: Page, examples_only: bool = False) -> list[Problem]:
    """Code blocks (and example markers) that differ; one problem per block, naming the first
    line that differs on both sides."""
    zh_blocks = zh.examples if examples_only else zh.code_blocks
    en_blocks = en.examples if examples_only else en.code_blocks
    what = "examples" if examples_only else "code blocks"
    if len(zh_blocks) != len(en_blocks):
        longer = zh_blocks if len(zh_blocks) > len(en_blocks) else en_blocks
        extra = longer[min(len(zh_blocks), len(en_blocks))]
        page = zh if longer is zh_blocks else en
        return [Problem(page.display, extra.line, "KB203", f"{len(en_blocks)} {what} in "
                        f"{en.display}, {len(zh_blocks)} in {zh.display}; this one has no "
                        "counterpart", "the same code blocks in both languages")]
    problems: list[Problem] = []
    for zb, eb in zip(zh_blocks, en_blocks):
        if (zb.lang, zb.lines) != (eb.lang, eb.lines):
            offset = next((i for i in range(max(len(zb.lines), len(eb.lines)))
                           if zb.lines[i:i + 1] != eb.lines[i:i + 1]), 0)
            zl = zb.lines[offset] if offset < len(zb.lines) else None
            el = eb.lines[offset] if offset < len(eb.lines) else None
            detail = f"{el!r} here, {zl!r} there" if zb.lang == eb.lang else \
                f"```{eb.lang} here, ```{zb.lang} there"
            problems.append(Problem(en.display, eb.first_content_line + min(offset, len(eb.lines)),
                                    "KB203", f"this code block differs from the one at "
                                    f"{zh.display}:{zb.first_content_line + min(offset, len(zb.lines))}"
                                    f": {detail}", CODE_HINT))
        elif _options(zb) != _options(eb):
            line = eb.marker.line if eb.marker else eb.line
            problems.append(Problem(en.display, line, "KB204", "the example marker differs from "
                                    f"{zh.display}:{zb.marker.line if zb.marker else zb.line}",
                                    "use the same <!-- example ... --> line (kb parity --fix)"))
    return problems


# -- repairing ----------------------------------------------------------------------------------

def _block_span(block: CodeBlock) -> tuple[int, int]:
    """0-based [start, end) of the block's lines in page.lines, fences included."""
    start = block.line - 1
    return start, start + len(block.lines) + 2


def _reindent(lines: list[str], old: str, new: str) -> list[str]:
    return [new + line[len(old):] if line.startswith(old) else line for line in lines]


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def fix_pair(zh: Page, en: Page) -> bool:
    """Copy differing code blocks and example markers from ``zh`` into ``en``'s file; True when
    the file changed. Pages whose blocks do not pair up (another count) are left alone."""
    if len(zh.code_blocks) != len(en.code_blocks):
        return False
    lines = list(en.lines)
    edits: list[tuple[int, int, list[str]]] = []
    for zb, eb in zip(zh.code_blocks, en.code_blocks):
        zi, ei = _indent(zh.lines[zb.line - 1]), _indent(en.lines[eb.line - 1])
        if (zb.lang, zb.lines) != (eb.lang, eb.lines):
            zs, ze = _block_span(zb)
            es, ee = _block_span(eb)
            edits.append((es, ee, _reindent(zh.lines[zs:ze], zi, ei)))
        if _options(zb) != _options(eb) and zb.marker and eb.marker and zb.is_example:
            if "skip" not in zb.marker.options or "skip" not in eb.marker.options:
                new = _reindent([zh.lines[zb.marker.line - 1]], zi, ei)
                edits.append((eb.marker.line - 1, eb.marker.line, new))
    for start, end, new in sorted(edits, reverse=True):
        lines[start:end] = new
    if lines == en.lines:
        return False
    en.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return True


def fix_pairs(pages: list[Page]) -> list[Path]:
    changed = []
    for versions in pair_pages(pages).values():
        if "zh" in versions and "en" in versions and fix_pair(versions["zh"], versions["en"]):
            changed.append(versions["en"].path)
    return changed


def main(argv: list[str] | None = None) -> int:
    import argparse

    from kbtools.pages import load_pages
    from kbtools.paths import DOCS_DIR
    from kbtools.problems import display_path

    parser = argparse.ArgumentParser(prog="kb parity", description=__doc__.splitlines()[0])
    parser.add_argument("--docs-dir", type=Path, default=DOCS_DIR, help="folder of pages")
    parser.add_argument("--fix", action="store_true",
                        help="copy differing code blocks and example markers from each Chinese "
                             "page into its English page, then report what is left")
    args = parser.parse_args(argv)
    if args.fix:
        for path in fix_pairs(load_pages(args.docs_dir)):
            print(f"fixed {display_path(path)}")
    problems = check_pairs(load_pages(args.docs_dir))
    for problem in problems:
        print(problem)
    return 1 if any(p.severity == "error" for p in problems) else 0
