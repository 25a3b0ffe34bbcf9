"""What the ``kb`` MkDocs plugin does at each build event (``options``: its typed config,
plugin/config.py; paths in it are relative to mkdocs.yml).

* on_config: ``extra.kb_root`` (the site's root path) for the bilingual 404 page.
* on_page_markdown: checks the page's front matter and tags against data/tags.yml and stops the
  build with ``file:line: rule: message (hint)`` instead of a traceback; adds the "examples
  verified on Docker Engine X" note (from data/verified-engine.yml, the one place that holds the
  version) to pages with runnable examples; on English pages, the translation status (from git);
  sets the last-updated date (from git) that Material shows under the page.
* on_page_content: the allow-list sanitiser; glossary tooltips (<abbr title>) on content pages;
  then the reader additions of kbtools/reader.py (copy text of console blocks, table labels,
  focusable tooltips, diagram links, the home page's H1).
* on_post_page: absolute hreflang alternates (+ x-default); drops the template's indentation
  outside <pre> (about 10 % of each page's bytes, ~0.8 KB gzip: the page-weight budget of issue 7 is tight).
* on_post_template: one 404 page per language (zh at the root, en at en/404.html).
* on_post_build: serves the site's own scripts (``strip_comments``) without their comment lines
  (the comments stay in overrides/, where contributors read them; readers download the code only).
"""
from __future__ import annotations

import datetime
import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

from kbtools.datafiles import VerifiedEngine
from kbtools.frontmatter import check_front_matter
from kbtools.glossary import add_tooltips
from kbtools.csp import add_meta as add_csp_meta
from kbtools.htmlpolicy import sanitize
from kbtools.pages import parse_page
from kbtools.plugin.config import KbPluginConfig
from kbtools.reader import (absolute_alternates, enhance, home_heading, is_table_page,
                            name_search_dialog)
from kbtools.translation import last_commit_times, page_status

NOTES = {
    "zh": {
        "verified": "本页的示例已在 Docker Engine {engine}（客户端 {client}，构建器 BuildKit："
                    "buildx {buildx}，Compose {compose}）上实际运行，"
                    "显示的输出与引擎的输出一致（{date} 核对）。",
        "in-sync": "本页译自中文原文，与原文同步（英文版更新于 {en}）。",
        "outdated": "",
    },
    "en": {
        "verified": "The examples on this page were run on Docker Engine {engine} (client "
                    "{client}, builder BuildKit: buildx {buildx}, Compose {compose}); the output "
                    "shown is what the engine printed (checked {date}).",
        "in-sync": "Translated from the Chinese original and in sync with it (updated {en}).",
        "outdated": "The Chinese original was updated on {zh}, after this translation ({en}); "
                    "this page may be out of date.",
    },
}


@lru_cache(maxsize=4)
def verified_engine(path: Path) -> VerifiedEngine | None:
    if not path.exists():
        return None
    from kbtools.datafiles import load_engine

    return load_engine(path)


def project_root(config) -> Path:
    """The folder of mkdocs.yml: option paths and git history are relative to it."""
    return Path(config.config_file_path).resolve().parent


def _relative(path: Path, root: Path) -> str:
    """``path`` as git names it (relative to the project root), for the history look-ups."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _date(timestamp: int) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%d")


def _note(text: str, kind: str) -> str:
    return f'<p class="kb-note kb-note--{kind}">{html.escape(text)}</p>\n\n'


def on_config(config, options: KbPluginConfig):
    # Contributors' data files and files: stop with file:line before building anything
    # (not UTF-8, malformed YAML, HTML in tag names, symlinks, oversized pages).
    from kbtools.safety import build_problems

    problems = build_problems(Path(config["docs_dir"]))
    if problems:
        raise PluginError("\n".join(str(p) for p in problems))
    # where the site's root is served (the path of site_url), for the bilingual 404 page
    path = urlsplit(config.site_url or "/").path.strip("/")
    config.extra["kb_root"] = f"/{path}/" if path else "/"
    return config


def on_page_markdown(markdown, page, config, files, options: KbPluginConfig):
    source = Path(page.file.abs_src_path)
    parsed = parse_page(source, Path(config["docs_dir"]))
    problems = parsed.problems + check_front_matter(parsed)
    errors = [p for p in problems if p.severity == "error" and p.rule.startswith("KB1")]
    if errors:
        raise PluginError("\n".join(str(p) for p in errors))

    lang = parsed.lang
    if page.file.src_uri in HOME_PAGES:
        page.meta["kb_home"] = True      # tab title and H1 from the front-matter title
    notes = NOTES.get(lang, NOTES["en"])
    prefix = ""
    engine = verified_engine(project_root(config) / options.engine_file) \
        if options.verified_note else None
    if parsed.examples and engine:
        prefix += _note(notes["verified"].format(engine=engine.engine_version,
                                                 client=engine.client_version,
                                                 date=engine.verified_on,
                                                 buildx=engine.buildx_version,
                                                 compose=engine.compose_version), "verified")

    if not options.git_dates:
        return prefix + markdown
    root = project_root(config)
    times = last_commit_times(root)
    rel = _relative(source, root)
    if rel in times:
        page.meta["revision_date"] = _date(times[rel])
    if lang == "en" and not page.meta.get("kb_generated"):
        zh_source = source.with_name(source.name.replace(".en.md", ".md"))
        status, zh_time, en_time = page_status(_relative(zh_source, root), rel, times)
        if status in ("in-sync", "outdated") and notes.get(status):
            prefix += _note(notes[status].format(zh=_date(zh_time), en=_date(en_time)), status)
    return prefix + markdown


def on_page_content(html_text, page, config, files, options: KbPluginConfig):
    # Every page's HTML goes through the allow-list sanitiser (the lint reports, with the
    # line, what it removes: rule KB160).
    html_text = sanitize(html_text)
    if options.tooltips and not page.file.src_uri.startswith(tuple(options.tooltips_skip)):
        lang = config["theme"]["language"]
        html_text = add_tooltips(html_text, "zh" if lang.startswith("zh") else "en")
    if is_table_page(html_text):       # wide reference tables get the width of the left nav
        page.meta["hide"] = sorted(set(page.meta.get("hide") or []) | {"navigation"})
    if page.meta.get("kb_home"):
        html_text = home_heading(html_text, page.meta["title"])
    # copy text of console blocks, table labels, keyboard tooltips, diagram links (issue 13)
    return enhance(html_text)


PRE_BLOCK_RE = re.compile(r"(<pre\b.*?</pre>|<textarea\b.*?</textarea>)", re.S)


def on_post_page(output, page, config, options: KbPluginConfig):
    output = add_csp_meta(output)      # first thing in <head>: kbtools/csp.py
    output = absolute_alternates(output, page.canonical_url)
    output = name_search_dialog(output)
    if not options.strip_indentation:
        return output
    parts = PRE_BLOCK_RE.split(output)
    return "".join(part if index % 2 else re.sub(r"\n[ \t]+", "\n", part)
                   for index, part in enumerate(parts))


# Whole-line comments only: a "//" or "/*" that starts a line (after indentation) can never be
# part of a string or a regular expression literal in our scripts.
JS_COMMENT_LINES_RE = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*\n|^[ \t]*//[^\n]*\n", re.M | re.S)


HOME_PAGES = ("index.md", "index.en.md")
_ZH_404: dict[str, str] = {}


def on_post_template(output, template_name, config, options: KbPluginConfig):
    """Static templates (404.html) get the same Content-Security-Policy as pages.

    One 404 page per language: static-i18n builds zh first, then en, and each build renders
    404.html into site/404.html. The zh page stays at the root (what GitHub Pages serves for
    every missing address); the English one is written to en/404.html."""
    if not template_name.endswith(".html"):
        return output
    output = name_search_dialog(add_csp_meta(output))
    if template_name != "404.html":
        return output
    lang = config["theme"]["language"]
    if lang.startswith("zh"):
        _ZH_404["zh"] = output
        return output
    target = Path(config["site_dir"]) / lang / "404.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(output, encoding="utf-8")
    return _ZH_404.get("zh", output)


def on_post_build(config, options: KbPluginConfig):
    for rel in options.strip_comments:
        path = Path(config["site_dir"]) / rel
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(JS_COMMENT_LINES_RE.sub("", text), encoding="utf-8")
