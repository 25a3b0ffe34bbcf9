"""Generate the flag index docs/reference/flags.md (zh) and docs/reference/flags.en.md (en).

Sources: data/docker-cli.json (every option of each command, from the installed CLI's --help;
see kb snapshot), data/flag-descriptions.yml (the sections, and a Chinese and an
English description of every option, written by us) and the content pages (the "see" column:
each option links to the section of the site whose flag table documents it).

Every option row has an anchor that is the same in both languages, ``#<section>-<option>``
(``flags.md#run-memory-swap``). Re-run after a page adds or moves a flag table or the snapshot
changes; tests/site/test_flag_index.py fails while the committed pages differ from a fresh run.

Usage:  kb gen flag-index [--check] [--out-dir DIR]
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from kbtools.cli_check import parse_option_cell
from kbtools.dockercli import Command, Flag, Snapshot
from kbtools.gen import stale as stale_message
from kbtools.pages import Page, load_pages
from kbtools.paths import CLI_SNAPSHOT, DATA_DIR, DOCS_DIR

DESCRIPTIONS = DATA_DIR / "flag-descriptions.yml"
INDEX_KEY = "reference/flags"
OUTPUT_NAMES = {"zh": "flags.md", "en": "flags.en.md"}
MAX_LINKS = 3

TEXT = {
    "zh": {
        "title": "选项索引",
        "description": "本站涉及的 Docker 命令的全部选项：类型、默认值、中文说明和讲解它的章节，每个选项都有固定链接。",  # noqa: E501
        "tag": "参考",
        "intro": [
            "本页列出本站涉及的 Docker 命令的**全部**选项。选项、类型和默认值取自 Docker CLI "
            "{version} 的 `docker <命令> --help`（读取时没有连接引擎，所以也包括只对 Windows "
            "或较新引擎有效的选项），说明由本站撰写。“详见”一列指向本站讲解该选项的章节。",
            "每个选项都有固定的锚点 `#命令-选项名`，中英文页面相同，可以直接分享，例如 "
            "[`docker run --memory-swap`](#run-memory-swap)。要找某个选项，用浏览器的页内查找"
            "（`Ctrl+F`）或站内搜索输入选项名即可。",
            "类型一列是 `--help` 显示的值类型：`bool` 表示开关，不带值；`list` 表示可以重复"
            "多次；`bytes` 接受 `64m`、`1g` 这样的大小。默认值一列只写 CLI 明确给出的默认值；"
            "留空的选项，不设置时的行为见说明。",
        ],
        "global_heading": "全局选项",
        "aka": "也写作",
        "no_flags": "这个命令除 `--help` 外没有其他选项。",
        "header": ["选项", "类型", "默认值", "说明", "详见"],
        "deprecated": "**已弃用**",
        "hidden": "**隐藏的旧写法**（`--help` 不显示）",
        "sep": "、",
        "colon": "：",
    },
    "en": {
        "title": "Flag index",
        "description": "Every option of the Docker commands this site covers: type, default, a description and the section that explains it, each with a permanent link.",  # noqa: E501
        "tag": "Reference",
        "intro": [
            "This page lists **every** option of the Docker commands the site covers. Options, "
            "types and defaults come from `docker <command> --help` of Docker CLI {version} (read "
            "with no engine connected, so options that only apply to Windows or to newer engines "
            "are included); the descriptions are ours. The \"See\" column points to the section "
            "of this site that explains the option.",
            "Every option has a permanent anchor `#command-option`, the same on the Chinese and "
            "the English page, so you can share a link such as "
            "[`docker run --memory-swap`](#run-memory-swap). To find an option, use the browser's "
            "find-in-page (`Ctrl+F`) or type the option's name into the site search.",
            "The type column shows the value type printed by `--help`: `bool` is a switch that "
            "takes no value, `list` may be given several times, `bytes` accepts sizes such as "
            "`64m` or `1g`. The default column holds only defaults the CLI states; for an empty "
            "cell, the description says what happens when the option is not set.",
        ],
        "global_heading": "Global options",
        "aka": "also written",
        "no_flags": "This command has no options other than `--help`.",
        "header": ["Option", "Type", "Default", "Description", "See"],
        "deprecated": "**Deprecated**",
        "hidden": "**Hidden old spelling** (not shown by `--help`)",
        "sep": ", ",
        "colon": ": ",
    },
}


class IndexError_(Exception):
    """The descriptions file does not match the snapshot (missing or unknown options)."""


@dataclass
class Section:
    id: str
    command_text: str          # "docker run", "docker" for the global options
    command: Command
    summary: dict[str, str]
    note: dict[str, str] | None
    descriptions: dict[str, dict]   # long name -> {zh, en, deprecated?}
    same_as: str | None


def load_sections(snapshot: Snapshot, path: Path = DESCRIPTIONS) -> list[Section]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise IndexError_(f"{path.name}: cannot read it ({error})".replace("\n", " ")) from error
    raw_sections = data.get("sections") if isinstance(data, dict) else None
    if not isinstance(raw_sections, list) or not all(
            isinstance(entry, dict) and "id" in entry and "command" in entry
            for entry in raw_sections):
        raise IndexError_(f"{path.name}: expected 'sections:', a list of entries with id: "
                          "and command:")
    by_id = {entry["id"]: entry for entry in raw_sections}
    sections: list[Section] = []
    problems: list[str] = []
    for entry in raw_sections:
        text = entry["command"]
        command = (snapshot.global_command if text.strip() == "docker"
                   else snapshot.command(text))
        if command is None:
            problems.append(f"{entry['id']}: `{text}` is not in the CLI snapshot")
            continue
        descriptions = dict(entry.get("flags") or {})
        same_as = entry.get("same_as")
        if same_as:
            if same_as not in by_id:
                problems.append(f"{entry['id']}: same_as names no section `{same_as}`")
                continue
            inherited = by_id[same_as].get("flags") or {}
            for name, value in inherited.items():
                if name in command.flags:
                    descriptions.setdefault(name, value)
        missing = sorted(set(command.flags) - set(descriptions))
        extra = sorted(set(descriptions) - set(command.flags))
        if missing:
            problems.append(f"{entry['id']}: no description for --{', --'.join(missing)}")
        if extra:
            problems.append(f"{entry['id']}: `{text}` has no option --{', --'.join(extra)}")
        for name, value in descriptions.items():
            for lang in TEXT:
                if not isinstance(value, dict) or not str(value.get(lang, "")).strip():
                    problems.append(f"{entry['id']}: --{name} has no {lang} description")
                elif "|" in str(value[lang]):
                    problems.append(f"{entry['id']}: --{name}: no '|' in descriptions "
                                    "(it splits the table cell)")
        sections.append(Section(entry["id"], text, command, entry.get("summary") or {},
                                entry.get("note"), descriptions, same_as))
    if problems:
        raise IndexError_("\n".join(f"{path.name}: {p}" for p in problems))
    return sections


def documented_in(pages: list[Page], snapshot: Snapshot,
                  sections: list[Section]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """{(section id, long option): [(page key, heading id)]} from the zh content pages'
    flag tables; a section with ``same_as`` also gets the links of the shared options."""
    section_of = {}
    for section in sections:
        section_of.setdefault(section.command.path, section.id)
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for page in sorted(pages, key=lambda p: p.key):
        if page.lang != "zh" or page.key == INDEX_KEY:
            continue
        for table in page.tables:
            program = table.program
            if not program or program.split()[0] != "docker":
                continue
            words = program.split()
            command = (snapshot.global_command if len(words) == 1
                       else snapshot.command(" ".join(words[1:])))
            if command is None or command.path not in section_of:
                continue
            headings = [h for h in page.headings if h.line < table.line and h.id]
            anchor = headings[-1].id if headings else ""
            for row in table.rows:
                if not row.cells:
                    continue
                for name in parse_option_cell(row.cells[0]).names:
                    flag = command.flag(name)
                    if flag is None:
                        continue
                    links = found.setdefault((section_of[command.path], flag.long), [])
                    if (page.key, anchor) not in links:
                        links.append((page.key, anchor))
    for section in sections:
        if section.same_as:
            for name in section.command.flags:
                inherited = found.get((section.same_as, name), [])
                links = found.setdefault((section.id, name), [])
                links.extend(link for link in inherited if link not in links)
    return found


def option_cell(section: Section, flag: Flag) -> str:
    anchor = f'<a id="{section.id}-{flag.long.lower()}"></a>'   # ids are lowercase (--no-TTY)
    names = f"`-{flag.short}`, `--{flag.long}`" if flag.short else f"`--{flag.long}`"
    return anchor + names


def description_cell(flag: Flag, entry: dict, lang: str) -> str:
    text = TEXT[lang]
    description = str(entry[lang]).strip()
    if flag.hidden:
        return f"{text['hidden']}{text['colon']}{description}"
    deprecated = entry.get("deprecated")
    if flag.deprecated or deprecated:
        why = str(deprecated[lang]).strip() if deprecated else ""
        return f"{description} {text['deprecated']}{text['colon'] + why if why else ''}"
    return description


def link_cell(links: list[tuple[str, str]], titles: dict[str, str], lang: str) -> str:
    rendered = []
    for key, anchor in links[:MAX_LINKS]:
        target = "../" + key + ".md" + (f"#{anchor}" if anchor else "")
        rendered.append(f"[{titles.get(key, key)}]({target})")
    return TEXT[lang]["sep"].join(rendered)


def render(lang: str, snapshot: Snapshot, sections: list[Section],
           links: dict[tuple[str, str], list[tuple[str, str]]], titles: dict[str, str]) -> str:
    text = TEXT[lang]
    out = [
        "---",
        f"title: {json.dumps(text['title'], ensure_ascii=False)}",
        f"description: {json.dumps(text['description'], ensure_ascii=False)}",
        "tags:",
        f"  - {text['tag']}",
        "---",
        "",
        "<!-- Generated by `kb gen flag-index` from data/docker-cli.json and "
        "data/flag-descriptions.yml. Do not edit: edit those files and re-run the command. -->",
        "",
    ]
    for paragraph in text["intro"]:
        out += [paragraph.format(version=snapshot.client_version), ""]
    for section in sections:
        heading = text["global_heading"] if section.command_text == "docker" \
            else section.command_text
        out += [f"## {heading} {{#{section.id}}}", ""]
        typed = section.command_text.split(maxsplit=1)[1:] or [""]
        others = [alias for alias in section.command.aliases if alias and alias != typed[0]]
        lead = f"`{section.command_text}`"
        if others:
            aka = text["sep"].join(f"`docker {alias}`" for alias in others)
            lead += f"（{text['aka']} {aka}）" if lang == "zh" else f" ({text['aka']} {aka})"
        if section.command_text == "docker":
            out += [section.summary[lang].strip(), ""]
        else:
            out += [f"{lead}{text['colon']}{section.summary[lang].strip()}", ""]
        if section.note:
            out += [section.note[lang].strip(), ""]
        flags = sorted(section.command.flags.values(), key=lambda f: f.long)
        if not flags:
            out += [text["no_flags"], ""]
            continue
        out += [f"<!-- flags: {section.command_text} -->",
                "| " + " | ".join(text["header"]) + " |",
                "| --- | --- | --- | --- | --- |"]
        for flag in flags:
            default = f"`{flag.default}`" if flag.default is not None else ""
            cells = [option_cell(section, flag), flag.type, default,
                     description_cell(flag, section.descriptions[flag.long], lang),
                     link_cell(links.get((section.id, flag.long), []), titles, lang)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def build_pages(docs_dir: Path = DOCS_DIR, snapshot_path: Path = CLI_SNAPSHOT,
                descriptions: Path = DESCRIPTIONS) -> dict[str, str]:
    """{"zh": text of flags.md, "en": text of flags.en.md}."""
    snapshot = Snapshot.load(snapshot_path)
    sections = load_sections(snapshot, descriptions)
    pages = load_pages(docs_dir)
    links = documented_in(pages, snapshot, sections)
    result = {}
    for lang in TEXT:
        titles = {p.key: p.title for p in pages if p.lang == "zh" and p.title}
        titles.update({p.key: p.title for p in pages if p.lang == lang and p.title})
        result[lang] = render(lang, snapshot, sections, links, titles)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen flag-index", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed pages differ from a fresh run")
    parser.add_argument("--out-dir", type=Path, default=DOCS_DIR / "reference",
                        help="where to write flags.md and flags.en.md")
    args = parser.parse_args(argv)
    try:
        pages = build_pages()
    except IndexError_ as error:
        print(error, file=sys.stderr)
        return 2
    stale = []
    for lang, text in pages.items():
        target = args.out_dir / OUTPUT_NAMES[lang]
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(stale_message(target, current, text, "flag-index"))
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        for message in stale:
            print(message, file=sys.stderr)
        return 1
    if not args.check:
        print(f"flag index: {len(stale)} file(s) written" if stale else "flag index: up to date")
    return 0

