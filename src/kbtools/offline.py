"""Make the offline edition: per language, one printable HTML page of the whole site and a PDF.

    kb offline                      # build the site into a temp dir, then both PDFs
    kb offline --site-dir /tmp/site # use an existing `mkdocs build` output
    kb offline --lang zh --no-pdf   # only the Chinese HTML

Output (git-ignored): offline/docker-basics.zh.html, offline/docker-basics.zh.pdf and the same
for en. Every page of the nav (mkdocs.yml) appears in nav order, taken from the rendered article
of the built site; links between pages become in-document anchors ``#page-key--heading-id`` (so
they also work inside the PDF), diagrams and styles are embedded, and a cover states the title,
the date and the Docker Engine the examples were verified on (data/verified-engine.yml). The PDF
is printed by Debian's headless Chromium through Playwright (src/kbtools/browser.py), with
an outline made from the headings.
"""
from __future__ import annotations

import argparse
import contextlib
import base64
import datetime
import html
import mimetypes
import os
import posixpath
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup

from kbtools.datafiles import DataFileError, VerifiedEngine, load_engine
from kbtools.pages import site_path
from kbtools.paths import MKDOCS_YML, REPO_ROOT, VERIFIED_ENGINE
from kbtools.printing import drop_screen_only, wrap_code
from kbtools.problems import Problem, display_path


OUT_DIR = REPO_ROOT / "offline"
BASENAME = "docker-basics"
LANG_PREFIX = {"zh": "", "en": "en/"}
FAKE_ORIGIN = "http://offline.invalid/"   # base for resolving relative links; never fetched

TEXT = {
    "zh": {
        "html_lang": "zh-CN",
        "subtitle": "离线版",
        "generated": "生成日期：{date}",
        "verified": "书中示例已在 Docker Engine {engine}（客户端 {client}，构建器 BuildKit："
                    "buildx {buildx}，Compose {compose}）上实际运行，核对日期：{verified_on}。",
        "unverified": "尚未记录示例验证所用的 Docker Engine 版本（缺少 data/verified-engine.yml）。",
        "contents": "目录",
        "online": "在线版：{url}",
    },
    "en": {
        "html_lang": "en",
        "subtitle": "Offline edition",
        "generated": "Generated on {date}",
        "verified": "The examples in this book were run on Docker Engine {engine} (client "
                    "{client}, builder BuildKit: buildx {buildx}, Compose {compose}); checked on "
                    "{verified_on}.",
        "unverified": "The Docker Engine version the examples were verified on is not recorded "
                      "(data/verified-engine.yml is missing).",
        "contents": "Contents",
        "online": "Online edition: {url}",
    },
}

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html { font-size: 125%; }
body { margin: 0; background: #fff; color: #000; }
/* no "fi"/"ffl" ligatures: text copied or searched in the PDF stays plain letters */
body, .md-typeset { font-variant-ligatures: no-common-ligatures; }
html[lang="zh-CN"] body, html[lang="zh-CN"] .md-typeset {
  font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; }
html[lang="en"] body, html[lang="en"] .md-typeset {
  font-family: "DejaVu Sans", "Liberation Sans", Arial, "WenQuanYi Micro Hei", sans-serif; }
.md-typeset code, .md-typeset pre, .md-typeset kbd {
  font-family: "DejaVu Sans Mono", "Liberation Mono", "WenQuanYi Micro Hei Mono", monospace; }
.kb-cover { height: 240mm; display: flex; flex-direction: column; justify-content: center;
  break-after: page; }
.md-typeset .kb-cover__title { font-size: 2.4rem; font-weight: 700; margin: 0 0 .3em; line-height: 1.2; }
.md-typeset .kb-cover__subtitle { font-size: 1.2rem; margin: 0 0 2em; color: #444; }
.md-typeset .kb-cover p { margin: .3em 0; }
.kb-toc { break-after: page; }
.md-typeset .kb-toc__title { font-size: 1.5rem; font-weight: 700; margin: 0 0 .8em; }
.md-typeset .kb-toc ol { list-style: none; padding-left: 0; margin-left: 0; }
.md-typeset .kb-toc ol ol { padding-left: 1.5em; margin: .2em 0 .6em; }
.md-typeset .kb-toc li { margin: .15em 0; }
.md-typeset .kb-toc__section { font-weight: 700; }
.md-typeset .kb-toc a { color: inherit; text-decoration: none; }
.kb-page { break-before: page; }
.md-typeset .kb-page__section { color: #666; font-size: .7rem; margin: 0; }
/* Only small things are kept in one piece: a table or code block that does not fit the rest of
   a page continues on the next one instead of leaving the page nearly empty (rows stay whole). */
.md-typeset .admonition, .md-typeset img, .md-typeset tr { break-inside: avoid; }
.md-typeset p, .md-typeset li, .md-typeset pre { orphans: 3; widows: 3; }
.md-typeset h1, .md-typeset h2, .md-typeset h3, .md-typeset h4 { break-after: avoid; }
.md-typeset td:first-child code { white-space: nowrap; }
/* code lines are broken by the script, with a mark (kbtools/printing.py); never by the browser */
.md-typeset pre > code { white-space: pre; overflow: hidden; }
.md-typeset .tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }
.md-typeset img { max-width: 100%; }
.md-typeset a.kb-external::after { content: " (" attr(href) ")"; font-size: .8em; word-break: break-all; }
.md-typeset .md-tags, .md-typeset .headerlink, .md-content__button,
.md-source-file { display: none !important; }
"""


@dataclass
class NavPage:
    src: str          # "resources/memory.md"
    key: str          # "resources-memory": prefix of every anchor of the page in the book
    section: str | None  # nav section title in the page's language ("资源限制"), None at top
    title: str | None = None  # title given in the nav ("首页: index.md"), translated; else None


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring python/!ENV tags (their values are not needed here)."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(path: Path = MKDOCS_YML) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTagLoader)


def language_settings(config: dict, lang: str) -> dict:
    """The mkdocs-static-i18n entry of ``lang`` (site_name, nav_translations, ...), or {}."""
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in plugin["i18n"].get("languages", []):
                if language.get("locale") == lang:
                    return language
    return {}


def page_key(src: str) -> str:
    return src[:-3].replace("/", "-") if src.endswith(".md") else src.replace("/", "-")


def nav_pages(config: dict, lang: str) -> list[NavPage]:
    """Pages of the nav in order, with their section title translated for ``lang``."""
    translations = language_settings(config, lang).get("nav_translations") or {}
    pages: list[NavPage] = []

    def walk(items, section):
        for item in items:
            if isinstance(item, str):
                pages.append(NavPage(item, page_key(item), section))
            elif isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, str):
                        pages.append(NavPage(value, page_key(value), section,
                                             translations.get(title, title)))
                    else:
                        walk(value, translations.get(title, title))

    walk(config.get("nav", []), None)
    return pages


def page_url(src: str, lang: str) -> str:
    """Site-relative URL of a page (directory URLs): ``en/resources/memory/``."""
    return LANG_PREFIX[lang] + site_path(src[:-3])


def verified_engine(path: Path = VERIFIED_ENGINE) -> tuple[VerifiedEngine | None,
                                                         Problem | None]:
    """The engine the examples were verified on, or a problem saying why it is unknown."""
    if not path.exists():
        return None, Problem(display_path(path), 0, "KB701", "no verified engine recorded",
                             "the example runner writes engine_version, client_version and "
                             "verified_on there; the cover says the version is not recorded")
    try:
        engine = load_engine(path)
    except DataFileError as error:
        problem = error.problem
        return None, Problem(problem.file, problem.line, "KB701", problem.message, problem.hint)
    if engine is None:
        return None, Problem(display_path(path), 1, "KB701", "no engine_version",
                             "keys: engine_version, client_version, verified_on")
    return engine, None


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _site_file(site_dir: Path, url_path: str) -> Path:
    """File of a site-relative URL path (a directory URL means its index.html)."""
    target = site_dir / unquote(url_path)
    if url_path == "" or url_path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


class Book:
    """The single-page edition of one language."""

    def __init__(self, site_dir: Path, lang: str, config: dict):
        self.site_dir = site_dir
        self.lang = lang
        self.config = config
        self.pages = nav_pages(config, lang)
        self.url_to_key = {page_url(p.src, lang): p.key for p in self.pages}
        site_url = config.get("site_url") or ""
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.problems: list[Problem] = []

    # -- one page ---------------------------------------------------------------------------
    def article(self, page: NavPage) -> tuple[str, BeautifulSoup]:
        """(page title, the page's article rewritten for the book)."""
        url = page_url(page.src, self.lang)
        source = _site_file(self.site_dir, url)
        if not source.is_file():
            raise SystemExit(str(Problem(display_path(source), 0, "KB702",
                                         f"the built site has no page for {page.src} ({self.lang})",
                                         "build the site first: mkdocs build, or omit "
                                         "--site-dir to let this script build it")))
        soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.md-content__inner") or soup.select_one("article")
        if article is None:
            raise SystemExit(str(Problem(display_path(source), 0, "KB702",
                                         "the page has no <article>", "is this a Material build?")))
        # Edit button, permalinks, tags, dates; the per-page "verified on" and "in sync" notes
        # are said once on the cover (an "outdated translation" note stays).
        for unwanted in article.select("a.md-content__button, a.headerlink, nav.md-tags, "
                                       ".md-source-file, script, .kb-note--verified, "
                                       ".kb-note--in-sync"):
            unwanted.decompose()
        drop_screen_only(article)          # tooltips, "top right" sentences (kbtools/printing)
        wrap_code(article)                 # long code lines broken with a visible mark
        h1 = article.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else page.src
        prefix = page.key + "--"
        for element in article.find_all(id=True):
            element["id"] = prefix + element["id"]
        for label in article.find_all("label", attrs={"for": True}):
            label["for"] = prefix + label["for"]
        for details in article.find_all("details"):
            details["open"] = ""
        base = urljoin(FAKE_ORIGIN, url)
        for link in article.find_all("a", href=True):
            link["href"] = self.rewrite_link(link["href"], base, page)
            if not link["href"].startswith("#"):
                link["class"] = list(link.get("class", [])) + ["kb-external"]
        for image in article.find_all(["img", "source"]):
            attribute = "src" if image.has_attr("src") else "srcset"
            value = image.get(attribute)
            if not value or value.startswith("data:"):
                continue
            absolute = urljoin(base, value)
            if absolute.startswith(FAKE_ORIGIN):
                file = self.site_dir / unquote(urlsplit(absolute).path.lstrip("/"))
                if file.is_file():
                    image[attribute] = _data_uri(file)
                else:
                    self.problems.append(Problem(display_path(source), 0, "KB703",
                                                 f"image {value} not found in the built site",
                                                 "check the image path on the page"))
        return title, article

    def rewrite_link(self, href: str, base: str, page: NavPage) -> str:
        """In-document anchor for links to pages of the book; absolute URL for the rest."""
        if href.startswith("#"):
            return f"#{page.key}--{href[1:]}" if len(href) > 1 else f"#{page.key}"
        absolute = urljoin(base, href)
        if not absolute.startswith(FAKE_ORIGIN):
            return href                                   # http(s), mailto: unchanged
        parts = urlsplit(absolute)
        path = posixpath.normpath(parts.path.lstrip("/")) if parts.path.strip("/") else ""
        if path in ("", "."):
            path = ""
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        if path and not path.endswith("/") and "." not in posixpath.basename(path):
            path += "/"
        key = self.url_to_key.get(path)
        if key is not None:
            fragment = unquote(parts.fragment)
            return f"#{key}--{fragment}" if fragment else f"#{key}"
        if self.site_url:
            return self.site_url + path + (f"#{parts.fragment}" if parts.fragment else "")
        return href

    # -- the whole book ---------------------------------------------------------------------
    def stylesheets(self) -> str:
        """Material's CSS (from the built site) + the site's extra CSS + print rules, inline."""
        first = _site_file(self.site_dir, page_url(self.pages[0].src, self.lang))
        soup = BeautifulSoup(first.read_text(encoding="utf-8"), "html.parser")
        base = urljoin(FAKE_ORIGIN, page_url(self.pages[0].src, self.lang))
        css = []
        for link in soup.find_all("link", rel="stylesheet", href=True):
            absolute = urljoin(base, link["href"])
            if absolute.startswith(FAKE_ORIGIN):
                file = self.site_dir / urlsplit(absolute).path.lstrip("/")
                if file.is_file():
                    css.append(file.read_text(encoding="utf-8"))
        css.append(PRINT_CSS)
        return "\n".join(css).replace("</style", "<\\/style")

    def cover(self, engine: VerifiedEngine | None, today: str) -> str:
        text = TEXT[self.lang]
        settings = language_settings(self.config, self.lang)
        site_name = settings.get("site_name", self.config.get("site_name", ""))
        description = settings.get("site_description", self.config.get("site_description", ""))
        if engine:
            verified = text["verified"].format(engine=engine.engine_version,
                                               client=engine.client_version,
                                               verified_on=engine.verified_on,
                                               buildx=engine.buildx_version,
                                               compose=engine.compose_version)
        else:
            verified = text["unverified"]
        lines = [
            '<section class="kb-cover" id="cover">',
            f'<p class="kb-cover__title">{html.escape(site_name)}</p>',
            f'<p class="kb-cover__subtitle">{html.escape(text["subtitle"])}</p>',
            f"<p>{html.escape(description)}</p>",
            f'<p class="kb-cover__verified">{html.escape(verified)}</p>',
            f"<p>{html.escape(text['generated'].format(date=today))}</p>",
        ]
        if self.site_url:
            online = self.site_url + LANG_PREFIX[self.lang]
            lines.append(f"<p>{html.escape(text['online'].format(url=online))}</p>")
        lines.append("</section>")
        return "\n".join(lines)

    def contents(self, titles: dict[str, str]) -> str:
        lines = ['<nav class="kb-toc">',
                 f'<p class="kb-toc__title">{html.escape(TEXT[self.lang]["contents"])}</p>', "<ol>"]
        open_section = None
        for page in self.pages:
            if page.section != open_section:
                if open_section is not None:
                    lines.append("</ol></li>")
                if page.section is not None:
                    lines.append(f'<li><span class="kb-toc__section">{html.escape(page.section)}</span><ol>')
                open_section = page.section
            lines.append(f'<li><a href="#{page.key}">{html.escape(titles[page.key])}</a></li>')
        if open_section is not None:
            lines.append("</ol></li>")
        lines += ["</ol>", "</nav>"]
        return "\n".join(lines)

    def render(self, engine: dict | None, today: str) -> str:
        articles, titles = [], {}
        for page in self.pages:
            title, article = self.article(page)
            titles[page.key] = title
            article.name = "div"
            article["class"] = ["md-typeset", "kb-page__body"]
            section = (f'<p class="kb-page__section">{html.escape(page.section)}</p>'
                       if page.section else "")
            articles.append(f'<section class="kb-page" id="{page.key}">{section}{article}</section>')
        settings = language_settings(self.config, self.lang)
        title = html.escape(settings.get("site_name", self.config.get("site_name", "")))
        return "\n".join([
            "<!DOCTYPE html>",
            f'<html lang="{TEXT[self.lang]["html_lang"]}">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{title}</title>",
            f"<style>\n{self.stylesheets()}\n</style>",
            "</head>",
            '<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="blue" '
            'data-md-color-accent="light-blue">',
            '<div class="md-typeset">',
            self.cover(engine, today),
            self.contents(titles),
            *articles,
            "</div>",
            "</body>",
            "</html>",
        ]) + "\n"


def build_site(site_dir: Path) -> None:
    """Build the site with the project's mkdocs (strict) into ``site_dir``."""
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(site_dir)], cwd=REPO_ROOT, capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("mkdocs build failed; fix the build first (output above)")


def print_pdfs(html_files: dict[str, Path], out_dir: Path, browser=None) -> dict[str, Path]:
    """Print each HTML file to PDF with headless Chromium; returns {lang: pdf path}. ``browser``:
    a running Playwright Browser to use (the tests share one: Playwright's sync API cannot run
    twice in one thread); by default one is started here."""
    from kbtools.browser import chromium, serve_site

    pdfs = {}
    with contextlib.ExitStack() as stack:
        base_url = stack.enter_context(serve_site(out_dir))
        if browser is None:
            browser = stack.enter_context(chromium())
        for lang, html_file in html_files.items():
            pdf = html_file.with_suffix(".pdf")
            page = browser.new_page()
            try:
                page.goto(base_url + html_file.name, wait_until="load")
                page.evaluate("document.fonts.ready")
                footer = ('<div style="width:100%;font-size:8px;text-align:center;color:#666">'
                          '<span class="pageNumber"></span> / <span class="totalPages"></span>'
                          "</div>")
                page.pdf(path=str(pdf), format="A4", print_background=True,
                         prefer_css_page_size=True, display_header_footer=True,
                         header_template="<div></div>", footer_template=footer,
                         outline=True, tagged=True)
            finally:
                page.close()
            pdfs[lang] = pdf
    return pdfs


def make_offline(site_dir: Path | None = None, out_dir: Path = OUT_DIR,
                 langs: tuple[str, ...] = ("zh", "en"), pdf: bool = True,
                 today: str | None = None, browser=None) -> dict[str, dict[str, Path]]:
    """Write the HTML (and PDF) of each language; returns {"html": {...}, "pdf": {...}}."""
    config = read_config()
    today = today or datetime.date.today().isoformat()
    engine, problem = verified_engine()
    if problem:
        print(problem, file=sys.stderr)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="offline-site-") as temp:
        if site_dir is None:
            site_dir = Path(temp) / "site"
            build_site(site_dir)
        html_files = {}
        for lang in langs:
            book = Book(Path(site_dir), lang, config)
            target = out_dir / f"{BASENAME}.{lang}.html"
            target.write_text(book.render(engine, today), encoding="utf-8")
            for found in book.problems:
                print(found, file=sys.stderr)
            html_files[lang] = target
    pdfs = print_pdfs(html_files, out_dir, browser) if pdf else {}
    return {"html": html_files, "pdf": pdfs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb offline", description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path,
                        help="an existing build of the site (default: build one in a temp dir)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: offline/)")
    parser.add_argument("--lang", choices=("zh", "en"), action="append",
                        help="only this language (repeatable; default: both)")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    args = parser.parse_args(argv)
    if args.site_dir is not None and not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir}: not a built site (no index.html); run mkdocs build first",
              file=sys.stderr)
        return 1
    result = make_offline(args.site_dir, args.out, tuple(args.lang or ("zh", "en")),
                          pdf=not args.no_pdf)
    for kind in ("html", "pdf"):
        for path in result[kind].values():
            print(f"wrote {display_path(path)}")
    return 0

