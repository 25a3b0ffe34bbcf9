"""Generate the flag index under docs/reference/flags/: a landing page (index.md, index.en.md)
and one page per command group (containers.md, containers.en.md, images.md, ...).

Sources: data/docker-cli.json (every option of each command, from the installed CLI's --help;
see kb snapshot), data/flag-descriptions.yml (the groups, the sections of each group, and a
Chinese and an English description of every option, written by us) and the content pages (the
"see" column: each option links to the section of the site whose flag table documents it).

The landing page holds the global options and a list of every command, linked to its section
on its group page. Every option row has an anchor that is the same in both languages,
``#<section>-<option>`` (``flags/containers.md#run-memory-swap``). Links shared before the
index was split (``reference/flags/#run-memory-swap``) are forwarded by the reader script
(overrides/assets/javascripts/reader.js) from the landing page's command list. Re-run after a
page adds or moves a flag table or the snapshot changes; tests/site/test_flag_index.py fails
while the committed pages differ from a fresh run.

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
from kbtools.problems import display_path
from kbtools.paths import CLI_SNAPSHOT, DOCS_DIR, FLAG_DESCRIPTIONS

DESCRIPTIONS = FLAG_DESCRIPTIONS
#: page key of the generated pages' folder (the landing page is INDEX_DIR/index)
INDEX_DIR = "reference/flags"
LANDING = "index"
SUFFIX = {"zh": ".md", "en": ".en.md"}
MAX_LINKS = 3

TEXT = {
    "zh": {
        "title": "选项索引",
        "description": "本站涉及的 Docker 命令的全部选项：按命令分组，每个选项有类型、默认值、中文说明和讲解它的章节，都有固定链接。",  # noqa: E501
        "tag": "参考",
        "intro": [
            "选项索引列出本站涉及的 Docker 命令的**全部**选项，按命令分成几页（见下面的命令列表），"
            "本页是全局选项。选项、类型和默认值取自 Docker CLI {version} 的 "
            "`docker <命令> --help`（读取时没有连接引擎，所以也包括只对 Windows "
            "或较新引擎有效的选项），说明由本站撰写。“详见”一列指向本站讲解该选项的章节。",
            "每个选项都有固定的锚点 `#命令-选项名`，中英文页面相同，可以直接分享，例如 "
            "[`docker run --memory-swap`]({example})。要找某个选项，用站内搜索输入选项名，"
            "或打开它所在的分组页面后用浏览器的页内查找（`Ctrl+F`）。",
            "类型一列是 `--help` 显示的值类型：`bool` 表示开关，不带值；`list` 表示可以重复"
            "多次；`bytes` 接受 `64m`、`1g` 这样的大小。默认值一列只写 CLI 明确给出的默认值；"
            "留空的选项，不设置时的行为见说明。",
        ],
        "global_heading": "全局选项",
        "commands_heading": "命令",
        "commands_intro": "每个命令的选项在它所在分组的页面上，点命令名直接打开那一节。",
        "group_intro": "本页是[选项索引](index.md)的一部分：{what}。各列的含义见[选项索引](index.md)的开头。",
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
        "description": "Every option of the Docker commands this site covers, grouped by command: type, default, a description and the section that explains it, each with a permanent link.",  # noqa: E501
        "tag": "Reference",
        "intro": [
            "The flag index lists **every** option of the Docker commands the site covers, on "
            "one page per group of commands (see the list of commands below); this page holds "
            "the global options. Options, types and defaults come from `docker <command> --help` "
            "of Docker CLI {version} (read with no engine connected, so options that only apply "
            "to Windows or to newer engines are included); the descriptions are ours. The "
            "\"See\" column points to the section of this site that explains the option.",
            "Every option has a permanent anchor `#command-option`, the same on the Chinese and "
            "the English page, so you can share a link such as "
            "[`docker run --memory-swap`]({example}). To find an option, type its name into the "
            "site search, or open its group's page and use the browser's find-in-page "
            "(`Ctrl+F`).",
            "The type column shows the value type printed by `--help`: `bool` is a switch that "
            "takes no value, `list` may be given several times, `bytes` accepts sizes such as "
            "`64m` or `1g`. The default column holds only defaults the CLI states; for an empty "
            "cell, the description says what happens when the option is not set.",
        ],
        "global_heading": "Global options",
        "commands_heading": "Commands",
        "commands_intro": "The options of each command are on the page of its group; a command's name opens its section there.",  # noqa: E501
        "group_intro": "This page is part of the [flag index](index.md): {what}. The columns are explained at the top of the [flag index](index.md).",  # noqa: E501
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
class Group:
    id: str                    # the page's file name: reference/flags/<id>.md
    title: dict[str, str]
    description: dict[str, str]
    what: dict[str, str]       # what the page lists, for its intro


@dataclass
class Section:
    id: str
    group: str                 # Group.id, or "" for the global options (on the landing page)
    command_text: str          # "docker run", "docker" for the global options
    command: Command
    summary: dict[str, str]
    note: dict[str, str] | None
    descriptions: dict[str, dict]   # long name -> {zh, en, deprecated?}
    same_as: str | None


def load_groups(path: Path = DESCRIPTIONS) -> list[Group]:
    """The group pages, in page order (``groups:`` of the descriptions file)."""
    data = _read(path)
    raw = data.get("groups")
    if not isinstance(raw, list) or not raw or not all(
            isinstance(entry, dict) and {"id", "title", "description", "what"} <= set(entry)
            for entry in raw):
        raise IndexError_(f"{path.name}: expected 'groups:', a list of entries with id:, "
                          "title:, description: and what:")
    groups = []
    for entry in raw:
        texts = {key: entry[key] for key in ("title", "description", "what")}
        for key, value in texts.items():
            if not isinstance(value, dict) or not all(str(value.get(lang, "")).strip()
                                                      for lang in TEXT):
                raise IndexError_(f"{path.name}: group {entry['id']}: {key} needs zh and en")
        if entry["id"] == LANDING:
            raise IndexError_(f"{path.name}: a group cannot be called {LANDING!r}")
        groups.append(Group(entry["id"], texts["title"], texts["description"], texts["what"]))
    return groups


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise IndexError_(f"{path.name}: cannot read it ({error})".replace("\n", " ")) from error
    return data if isinstance(data, dict) else {}


def indexed_commands(path: Path = DESCRIPTIONS) -> set[str]:
    """The commands that have a section, as written in the descriptions file ("docker run");
    read without checking the rest of the file (the CLI check asks it for every flag table)."""
    data = _read(path)
    return {" ".join(str(entry.get("command", "")).split())
            for entry in data.get("sections") or [] if isinstance(entry, dict)}


def load_sections(snapshot: Snapshot, path: Path = DESCRIPTIONS) -> list[Section]:
    group_ids = {group.id for group in load_groups(path)}
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
        group = entry.get("group") or ""
        if text.strip() == "docker" and group:
            problems.append(f"{entry['id']}: the global options belong to no group "
                            "(they are on the landing page)")
        elif text.strip() != "docker" and group not in group_ids:
            problems.append(f"{entry['id']}: group `{group}` is not one of the groups: "
                            f"{', '.join(sorted(group_ids))}")
        sections.append(Section(entry["id"], group, text, command, entry.get("summary") or {},
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
        if page.lang != "zh" or page.key.startswith(INDEX_DIR + "/"):
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
        target = "../../" + key + ".md" + (f"#{anchor}" if anchor else "")
        rendered.append(f"[{titles.get(key, key)}]({target})")
    return TEXT[lang]["sep"].join(rendered)


def front_matter(title: str, description: str, lang: str) -> list[str]:
    return [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"description: {json.dumps(description, ensure_ascii=False)}",
        "tags:",
        f"  - {TEXT[lang]['tag']}",
        "---",
        "",
        "<!-- Generated by `kb gen flag-index` from data/docker-cli.json and "
        "data/flag-descriptions.yml. Do not edit: edit those files and re-run the command. -->",
        "",
    ]


def render_section(section: Section, lang: str,
                   links: dict[tuple[str, str], list[tuple[str, str]]],
                   titles: dict[str, str]) -> list[str]:
    text = TEXT[lang]
    heading = text["global_heading"] if section.command_text == "docker" \
        else section.command_text
    out = [f"## {heading} {{#{section.id}}}", ""]
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
        return out + [text["no_flags"], ""]
    out += [f"<!-- flags: {section.command_text} -->",
            "| " + " | ".join(text["header"]) + " |",
            "| --- | --- | --- | --- | --- |"]
    for flag in flags:
        default = f"`{flag.default}`" if flag.default is not None else ""
        cells = [option_cell(section, flag), flag.type, default,
                 description_cell(flag, section.descriptions[flag.long], lang),
                 link_cell(links.get((section.id, flag.long), []), titles, lang)]
        out.append("| " + " | ".join(cells) + " |")
    return out + [""]


def render_landing(lang: str, snapshot: Snapshot, groups: list[Group], sections: list[Section],
                   links: dict[tuple[str, str], list[tuple[str, str]]],
                   titles: dict[str, str]) -> str:
    """The landing page: intro, the global options, every command linked to its section."""
    text = TEXT[lang]
    example = next((f"{s.group}.md#{s.id}-memory-swap" for s in sections
                    if s.command_text == "docker run"), "")
    out = front_matter(text["title"], text["description"], lang)
    for paragraph in text["intro"]:
        out += [paragraph.format(version=snapshot.client_version, example=example), ""]
    for section in sections:
        if not section.group:
            out += render_section(section, lang, links, titles)
    out += [f"## {text['commands_heading']} {{#commands}}", "", text["commands_intro"], ""]
    for group in groups:
        # "group-" keeps these ids apart from the section ids (#images is `docker images`)
        out += [f"### [{group.title[lang]}]({group.id}.md) {{#group-{group.id}}}", ""]
        for section in sections:
            if section.group == group.id:
                first = section.summary[lang].strip()
                out.append(f"- [`{section.command_text}`]({group.id}.md#{section.id})"
                           f"{text['colon']}{first}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_group(lang: str, group: Group, sections: list[Section],
                 links: dict[tuple[str, str], list[tuple[str, str]]],
                 titles: dict[str, str]) -> str:
    text = TEXT[lang]
    out = front_matter(group.title[lang], group.description[lang], lang)
    out += [text["group_intro"].format(what=group.what[lang].strip()), ""]
    for section in sections:
        if section.group == group.id:
            out += render_section(section, lang, links, titles)
    return "\n".join(out).rstrip() + "\n"


def build_pages(docs_dir: Path = DOCS_DIR, snapshot_path: Path = CLI_SNAPSHOT,
                descriptions: Path = DESCRIPTIONS) -> dict[str, str]:
    """{file name under reference/flags/ ("index.md", "containers.en.md", ...): its text}."""
    snapshot = Snapshot.load(snapshot_path)
    groups = load_groups(descriptions)
    sections = load_sections(snapshot, descriptions)
    pages = load_pages(docs_dir)
    links = documented_in(pages, snapshot, sections)
    result = {}
    for lang, suffix in SUFFIX.items():
        titles = {p.key: p.title for p in pages if p.lang == "zh" and p.title}
        titles.update({p.key: p.title for p in pages if p.lang == lang and p.title})
        result[LANDING + suffix] = render_landing(lang, snapshot, groups, sections, links, titles)
        for group in groups:
            result[group.id + suffix] = render_group(lang, group, sections, links, titles)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen flag-index", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed pages differ from a fresh run (or a page "
                        "in the folder is not one the generator writes)")
    parser.add_argument("--out-dir", type=Path, default=DOCS_DIR / INDEX_DIR,
                        help="folder of the generated pages (default docs/reference/flags)")
    args = parser.parse_args(argv)
    try:
        pages = build_pages()
    except IndexError_ as error:
        print(error, file=sys.stderr)
        return 2
    stale = []
    for name, text in pages.items():
        target = args.out_dir / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(stale_message(target, current, text, "flag-index"))
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    # a page of a group that no longer exists would stay in the nav and the search
    leftovers = sorted(path for path in args.out_dir.glob("*.md") if path.name not in pages) \
        if args.out_dir.is_dir() else []
    for path in leftovers:
        if args.check:
            stale.append(f"{display_path(path)}:1: not written by the generator (a removed "
                         "group?); run: kb gen flag-index")
        else:
            path.unlink()
            stale.append(str(path))
    if args.check and stale:
        for message in stale:
            print(message, file=sys.stderr)
        return 1
    if not args.check:
        print(f"flag index: {len(stale)} file(s) written or removed" if stale
              else "flag index: up to date")
    return 0
