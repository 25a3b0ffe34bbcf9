"""Generate the glossary pages from data/glossary.yml.

    kb gen glossary           # write docs/reference/glossary.md and glossary.en.md
    kb gen glossary --check   # exit 1 if the committed pages are out of date

The Chinese page lists the terms in pinyin order (pypinyin), the English page in alphabetical
order. Every term is a ``##`` heading whose id is the term's id, identical in both languages, so
``glossary.md#image`` and ``glossary.en.md#image`` point at the same term. Problems in the data
file are printed as ``file:line: rule: message (hint)`` and the script exits 1.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from kbtools.gen import first_difference
from kbtools.glossary import GLOSSARY_PAGE, Term, load_glossary
from kbtools.pages import parse_page
from kbtools.paths import DOCS_DIR, GLOSSARY_FILE
from kbtools.problems import Problem, display_path

COMMAND = "kb gen glossary"

TEXT = {
    "zh": {
        "title": "术语表",
        "description": "Docker 常用术语的中英对照：每个术语一句话的定义，以及详细讲解它的页面。",
        "tag": "参考",
        "generated": f"本文件由 {COMMAND} 根据 data/glossary.yml 生成，请勿手工修改：改 data/glossary.yml，再运行该命令。",  # noqa: E501
        "intro": "Docker 常用术语的中英对照，按拼音排序。正文里第一次出现的术语带有虚线下划线，"
                 "把鼠标停在上面就能看到这里的定义。",
        "other": "英文",
        "see": "详见",
        "colon": "：",
        "end": "。",
    },
    "en": {
        "title": "Glossary",
        "description": "Common Docker terms in English and Chinese, each with a one-line "
                       "definition and the page that explains it.",
        "tag": "Reference",
        "generated": f"This file is generated from data/glossary.yml by {COMMAND}; do not edit it "
                     "by hand: change data/glossary.yml and run that command.",
        "intro": "Common Docker terms with their Chinese names, in alphabetical order. On the "
                 "other pages the first occurrence of each term is underlined with dots: hover "
                 "over it to see its definition from this list.",
        "other": "Chinese",
        "see": "Explained in",
        "colon": ": ",
        "end": ".",
    },
}


def pinyin_key(text: str) -> tuple:
    """Sort key in pinyin order: syllables without tones first, tones and the text break ties.
    Latin words (Docker, CPU) are sorted as their lowercase letters among the syllables."""
    plain = [word.lower() for chunk in lazy_pinyin(text, style=Style.NORMAL)
             for word in chunk.split()]
    toned = [word.lower() for chunk in lazy_pinyin(text, style=Style.TONE3)
             for word in chunk.split()]
    return plain, toned, text


def sort_terms(terms: list[Term], lang: str) -> list[Term]:
    if lang == "zh":
        return sorted(terms, key=lambda term: pinyin_key(term.terms["zh"]))
    return sorted(terms, key=lambda term: (term.terms["en"].casefold(), term.terms["en"]))


def page_title(term: Term, lang: str, docs_dir: Path) -> str:
    return parse_page(term.page_file(lang, docs_dir), docs_dir).title or term.page


def render(terms: list[Term], lang: str, docs_dir: Path = DOCS_DIR) -> str:
    """The whole glossary page of ``lang`` as Markdown."""
    text = TEXT[lang]
    other = "en" if lang == "zh" else "zh"
    lines = [
        "---",
        f"title: {text['title']}",
        f"description: {text['description']}",
        "tags:",
        f"  - {text['tag']}",
        "kb_generated: true",   # both languages come from one data file: no translation status
        "heading_order: per-language",   # zh in pinyin order, en alphabetical: same ids
        # each heading is exactly a term: without this the glossary outranks the page that
        # explains the term (search for 交换分区 would open the glossary first)
        "search:",
        "  boost: 0.001",
        "---",
        "",
        f"<!-- {text['generated']} -->",
        "",
        text["intro"],
    ]
    for term in sort_terms(terms, lang):
        title = page_title(term, lang, docs_dir)
        lines += [
            "",
            f"## {term.terms[lang]} {{#{term.id}}}",
            "",
            f"{text['other']}{text['colon']}**{term.terms[other]}**",
            "",
            term.definitions[lang],
            "",
            f"{text['see']}{text['colon']}[{title}]({term.link}){text['end']}",
        ]
    return "\n".join(lines) + "\n"


def output_file(lang: str, docs_dir: Path = DOCS_DIR) -> Path:
    page = docs_dir / GLOSSARY_PAGE
    return page if lang == "zh" else page.with_name(page.stem + f".{lang}.md")


def generate(glossary_file: Path | None = None, docs_dir: Path | None = None
             ) -> tuple[dict[Path, str], list[Problem]]:
    """{output file: expected content} for both languages, and the data file's problems."""
    glossary_file = glossary_file or GLOSSARY_FILE
    docs_dir = docs_dir or DOCS_DIR
    terms, problems = load_glossary(glossary_file, docs_dir)
    if problems:
        return {}, problems
    return {output_file(lang, docs_dir): render(terms, lang, docs_dir) for lang in ("zh", "en")}, []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen glossary", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if a generated page differs from the data")
    args = parser.parse_args(argv)
    pages, problems = generate()
    for problem in problems:
        print(problem)
    if problems:
        return 1
    stale = []
    for path, content in pages.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == content:
            continue
        if args.check:
            stale.append((path, first_difference(current, content)))
        else:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {display_path(path)}")
    for path, line in stale:
        print(str(Problem(display_path(path), line, "KB608", "the glossary page is out of date "
                          "(differs from a fresh run from this line)", f"run: {COMMAND}")))
    return 1 if stale else 0

