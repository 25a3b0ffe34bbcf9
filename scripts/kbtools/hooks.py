"""MkDocs hooks of the site (listed under ``hooks:`` in mkdocs.yml).

* on_config: ``extra.kb_root`` (the site's root path) for the bilingual 404 page.
* on_page_markdown: checks the page's front matter and tags against data/tags.yml and stops the
  build with ``file:line: rule: message (hint)`` instead of a traceback; adds the "examples
  verified on Docker Engine X" note (from data/verified-engine.yml, the one place that holds the
  version) to pages with runnable examples; on English pages, the translation status (from git);
  sets the last-updated date (from git) that Material shows under the page.
* on_page_content: glossary tooltips (<abbr title>) on content pages.
* on_post_page: drops the template's indentation outside <pre> (about 10 % of each page's
  bytes, ~0.8 KB gzip: the page-weight budget of issue 7 is tight).
* on_post_build: serves the site's own scripts without their comment lines (the comments stay
  in overrides/, where contributors read them; readers download the code only).
"""
from __future__ import annotations

import datetime
import html
import re
import sys
from functools import lru_cache
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kbtools.frontmatter import check_front_matter  # noqa: E402
from kbtools.pages import parse_page  # noqa: E402
from kbtools.paths import REPO_ROOT, VERIFIED_ENGINE, site_base_path  # noqa: E402
from kbtools.problems import display_path  # noqa: E402
from kbtools.translation import last_commit_times, page_status  # noqa: E402

NOTES = {
    "zh": {
        "verified": "本页的示例已在 Docker Engine {engine}（客户端 {client}）上实际运行，"
                    "显示的输出与引擎的输出一致（{date} 核对）。",
        "in-sync": "本页译自中文原文，与原文同步（英文版更新于 {en}）。",
        "outdated": "",
    },
    "en": {
        "verified": "The examples on this page were run on Docker Engine {engine} (client "
                    "{client}); the output shown is what the engine printed (checked {date}).",
        "in-sync": "Translated from the Chinese original and in sync with it (updated {en}).",
        "outdated": "The Chinese original was updated on {zh}, after this translation ({en}); "
                    "this page may be out of date.",
    },
}


@lru_cache(maxsize=1)
def verified_engine() -> dict | None:
    if not VERIFIED_ENGINE.exists():
        return None
    from kbtools.datafiles import load_engine

    return load_engine(VERIFIED_ENGINE)


def _date(timestamp: int) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%d")


def _note(text: str, kind: str) -> str:
    return f'<p class="kb-note kb-note--{kind}">{html.escape(text)}</p>\n\n'


def on_config(config):
    # Contributors' data files and files: stop with file:line before building anything
    # (not UTF-8, malformed YAML, HTML in tag names, symlinks, oversized pages).
    from kbtools.safety import build_problems

    problems = build_problems(Path(config["docs_dir"]))
    if problems:
        raise PluginError("\n".join(str(p) for p in problems))
    # where the site's root is served (the path of site_url), for the bilingual 404 page
    config.extra["kb_root"] = site_base_path()
    return config


def on_page_markdown(markdown, page, config, files):
    source = Path(page.file.abs_src_path)
    parsed = parse_page(source, Path(config["docs_dir"]))
    problems = parsed.problems + check_front_matter(parsed)
    errors = [p for p in problems if p.severity == "error" and p.rule.startswith("KB1")]
    if errors:
        raise PluginError("\n".join(str(p) for p in errors))

    lang = parsed.lang
    notes = NOTES.get(lang, NOTES["en"])
    prefix = ""
    engine = verified_engine()
    if parsed.examples and engine:
        prefix += _note(notes["verified"].format(engine=engine["engine_version"],
                                                 client=engine.get("client_version", "?"),
                                                 date=engine.get("verified_on", "?")), "verified")

    times = last_commit_times(REPO_ROOT)
    rel = display_path(source)
    if rel in times:
        page.meta["revision_date"] = _date(times[rel])
    if lang == "en" and not page.meta.get("kb_generated"):
        zh_source = source.with_name(source.name.replace(".en.md", ".md"))
        status, zh_time, en_time = page_status(display_path(zh_source), rel, times)
        if status in ("in-sync", "outdated") and notes.get(status):
            prefix += _note(notes[status].format(zh=_date(zh_time), en=_date(en_time)), status)
    return prefix + markdown


def on_page_content(html_text, page, config, files):
    from kbtools.htmlpolicy import sanitize

    # Every page's HTML goes through the allow-list sanitiser (the lint reports, with the
    # line, what it removes: rule KB160).
    html_text = sanitize(html_text)
    try:
        from kbtools.glossary import add_tooltips
    except ImportError:
        return html_text
    if page.file.src_uri.startswith(("reference/glossary", "tags")):
        return html_text
    lang = config["theme"]["language"]
    return add_tooltips(html_text, "zh" if lang.startswith("zh") else "en")


PRE_BLOCK_RE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S)


def on_post_page(output, page, config):
    parts = PRE_BLOCK_RE.split(output)
    return "".join(part if index % 2 else re.sub(r"\n[ \t]+", "\n", part)
                   for index, part in enumerate(parts))


# Whole-line comments only: a "//" or "/*" that starts a line (after indentation) can never be
# part of a string or a regular expression literal in our scripts.
JS_COMMENT_LINES_RE = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*\n|^[ \t]*//[^\n]*\n", re.M | re.S)
OWN_SCRIPTS = ("assets/javascripts/search.js",)


def on_post_build(config):
    for rel in OWN_SCRIPTS:
        path = Path(config["site_dir"]) / rel
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(JS_COMMENT_LINES_RE.sub("", text), encoding="utf-8")
