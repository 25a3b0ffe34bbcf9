"""Create a new page pair (Chinese + English) with valid front matter and the standard sections,
and add it to the nav in mkdocs.yml.

    kb new-page containers/volumes --zh-title 数据卷 --en-title Volumes \
        --tag containers

The section (first path part) must be an existing nav section folder; the tag is a tag id from
data/tags.yml. Then write the pages, run kb lint and scripts/test -m "not browser and not engine".
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kbtools.paths import DOCS_DIR, MKDOCS_YML
from kbtools.vocab import load_tags

SECTIONS = [("what", "是什么", "What it is"), ("why", "为什么重要", "Why it matters"),
            ("how", "怎么用", "How to use it"), ("example", "示例", "Example"),
            ("mistakes", "常见错误", "Common mistakes"), ("related", "相关页面", "Related pages")]


def page_text(lang: str, title: str, tag: str) -> str:
    zh = lang == "zh"
    lines = ["---", f"title: {title}",
             f"description: {'一句话说明本页讲什么，写出关键命令和选项。' if zh else 'One sentence on what this page teaches, naming its key commands and options.'}",  # noqa: E501
             "tags:", f"  - {tag}", "---", ""]
    for anchor, zh_heading, en_heading in SECTIONS:
        lines += [f"## {zh_heading if zh else en_heading} {{#{anchor}}}", ""]
        if anchor == "example":
            lines += ["<!-- example -->", "```console", "$ docker run --rm busybox echo hello",
                      "hello", "```", ""]
        else:
            lines += ["待写。" if zh else "To be written.", ""]
    return "\n".join(lines)


def add_to_nav(config_text: str, section: str, rel: str) -> str:
    """Insert '- rel' after the last nav entry of the same folder."""
    entries = list(re.finditer(rf"^(\s+)- {re.escape(section)}/[\w./-]+\.md\s*$", config_text, re.M))
    if not entries:
        raise SystemExit(f"new_page: no nav entry under '{section}/' in mkdocs.yml; add the page "
                         "to nav by hand")
    last = entries[-1]
    insert = f"\n{last.group(1)}- {rel}"
    return config_text[:last.end()] + insert + config_text[last.end():]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb new-page", description=__doc__.splitlines()[0])
    parser.add_argument("path", help="section/slug, e.g. containers/volumes")
    parser.add_argument("--zh-title", required=True)
    parser.add_argument("--en-title", required=True)
    parser.add_argument("--tag", required=True, help="tag id from data/tags.yml")
    parser.add_argument("--docs-dir", type=Path, default=DOCS_DIR)
    parser.add_argument("--config", type=Path, default=MKDOCS_YML)
    args = parser.parse_args(argv)

    if not re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", args.path):
        print("new_page: the path must be section/slug in lowercase ascii, e.g. containers/volumes",
              file=sys.stderr)
        return 2
    tags = {entry["id"]: entry for entry in load_tags()}
    if args.tag not in tags:
        print(f"new_page: unknown tag id '{args.tag}'; known: {', '.join(tags)}", file=sys.stderr)
        return 2
    zh_file = args.docs_dir / f"{args.path}.md"
    en_file = args.docs_dir / f"{args.path}.en.md"
    for file in (zh_file, en_file):
        if file.exists():
            print(f"new_page: {file} already exists", file=sys.stderr)
            return 2
    section = args.path.split("/")[0]
    config_text = add_to_nav(args.config.read_text(encoding="utf-8"), section, f"{args.path}.md")
    zh_file.parent.mkdir(parents=True, exist_ok=True)
    zh_file.write_text(page_text("zh", args.zh_title, tags[args.tag]["zh"]), encoding="utf-8")
    en_file.write_text(page_text("en", args.en_title, tags[args.tag]["en"]), encoding="utf-8")
    args.config.write_text(config_text, encoding="utf-8")
    print(f"created {zh_file} and {en_file}; added {args.path}.md to the nav")
    return 0

