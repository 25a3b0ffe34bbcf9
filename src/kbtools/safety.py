"""Checks that keep a hostile pull request from reaching readers through files, not pages.

* no symbolic links under docs/, overrides/ and data/ (a link to ``../../.git/config`` or to a
  file outside the repository would be published with the site) — KB803;
* SVG files hold drawing elements only: no script, no event attributes, no foreignObject, no
  link or image that leaves the file — KB804;
* only file types the site serves as inert content live under docs/ (no .html, .js, ...) — KB806;
* pages are UTF-8 and below the size limit (checked on the size, before reading) — KB805;
* the data files read by the build load cleanly (kbtools.datafiles) — KB801/KB802/KB609.

The lint (kb lint) and the build (the kb plugin's on_config) both run :func:`build_problems`.
"""
from __future__ import annotations

import os
import re
import xml.parsers.expat
from pathlib import Path

from .datafiles import MAX_DATA_BYTES, MAX_PAGE_BYTES, DataFileError, load_yaml, read_text
from .paths import DATA_DIR, DOCS_DIR, REPO_ROOT
from .problems import Problem, display_path


#: Folders whose files reach the site or the build.
PUBLISHED_DIRS = ("docs", "overrides", "data")
#: File types allowed under docs/: pages and inert assets.
DOCS_SUFFIXES = frozenset({".md", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".css",
                           ".ico", ".pdf"})

SVG_ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "metadata", "style", "symbol", "use", "marker",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern",
    "filter", "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite", "feMerge",
    "feMergeNode", "feDropShadow",
})
XLINK = "http://www.w3.org/1999/xlink"
CSS_URL_RE = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)


def symlink_problems(root: Path = REPO_ROOT, dirs: tuple[str | Path, ...] = PUBLISHED_DIRS
                     ) -> list[Problem]:
    problems = []
    for folder in dirs:
        base = Path(root) / folder
        if base.is_symlink():
            problems.append(_symlink(base))
            continue
        for current, subdirs, files in os.walk(base):   # never follows links
            for name in subdirs + files:
                path = Path(current) / name
                if path.is_symlink():
                    problems.append(_symlink(path))
    return problems


def _symlink(path: Path) -> Problem:
    return Problem(display_path(path.parent) + "/" + path.name, 0, "KB803",
                   f"symbolic link to {os.readlink(path)}",
                   "commit the file itself: git rm the link, copy the content")


def svg_problems(path: Path) -> list[Problem]:
    shown = display_path(path)
    try:
        data = read_text(path, "KB804", MAX_PAGE_BYTES)
    except DataFileError as error:
        return [error.problem]
    found: list[tuple[int, str]] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    style_depth = [0]

    def local(name: str) -> tuple[str, str]:
        namespace, _, tag = name.rpartition(" ")
        return namespace, tag

    def start(name, attrs):
        line = parser.CurrentLineNumber
        _, tag = local(name)
        if tag not in SVG_ELEMENTS:
            found.append((line, f"<{tag}> is not a drawing element"))
        if tag == "style":
            style_depth[0] += 1
        for attr, value in attrs.items():
            namespace, attr_name = local(attr)
            if attr_name.lower().startswith("on"):
                found.append((line, f"event attribute {attr_name}= on <{tag}>"))
            elif attr_name == "href" and not value.strip().startswith("#"):
                prefix = "xlink:" if namespace == XLINK else ""
                found.append((line, f"{prefix}href=\"{value[:50]}\" leaves the file"))
            elif CSS_URL_RE.search(value) or "javascript:" in value.lower():
                found.append((line, f"{attr_name}= loads something from outside the file"))

    def end(name):
        if local(name)[1] == "style":
            style_depth[0] -= 1

    def text(data):
        if style_depth[0] and (CSS_URL_RE.search(data) or "@import" in data.lower()):
            found.append((parser.CurrentLineNumber, "<style> loads something from outside "
                                                    "the file (url(), @import)"))

    def doctype(*_args):
        found.append((parser.CurrentLineNumber, "a DOCTYPE or entity declaration"))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = lambda target, _data: found.append(
        (parser.CurrentLineNumber, f"processing instruction <?{target}?>")) \
        if target.lower() != "xml" else None
    try:
        parser.Parse(data.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError as error:
        reason = xml.parsers.expat.errors.messages.get(error.code, error.code)
        found.append((error.lineno, f"not well-formed XML ({reason})"))
    return [Problem(shown, line, "KB804", message, "diagrams are drawings only: shapes, text, "
                    "markers, styles; link to pages from the Markdown, not from the SVG")
            for line, message in sorted(set(found))]


def docs_file_problems(docs_dir: Path = DOCS_DIR) -> list[Problem]:
    problems: list[Problem] = []
    for path in sorted(docs_dir.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix not in DOCS_SUFFIXES:
            problems.append(Problem(display_path(path), 0, "KB806", f"'{suffix or path.name}' "
                                    "files are not served by the site",
                                    f"allowed under docs/: {', '.join(sorted(DOCS_SUFFIXES))}"))
        elif suffix == ".svg":
            problems.extend(svg_problems(path))
        elif suffix == ".md":
            try:
                read_text(path, "KB805", MAX_PAGE_BYTES)
            except DataFileError as error:
                problems.append(error.problem)
    return problems


def data_file_problems(data_dir: Path = DATA_DIR) -> list[Problem]:
    """Problems of the data files the build reads (each loader reports file:line)."""
    from .datafiles import load_engine
    from .glossary import load_glossary
    from .vocab import read_tags

    problems: list[Problem] = []
    for loader, name in ((read_tags, "tags.yml"), (load_engine, "verified-engine.yml")):
        path = data_dir / name
        if path.exists():
            try:
                loader(path)
            except DataFileError as error:
                problems.append(error.problem)
    from .csp import allowed_hashes
    from .example_policy import load_allowances

    csp_hashes = data_dir / "csp-script-hashes.yml"
    if csp_hashes.exists():
        try:
            allowed_hashes.__wrapped__(csp_hashes)
        except DataFileError as error:
            problems.append(error.problem)
    problems.extend(load_allowances(data_dir / "example-policy-allow.yml")[1])
    glossary = data_dir / "glossary.yml"
    if glossary.exists():
        problems.extend(p for p in load_glossary(glossary, check_pages=False)[1])
    checked = {"tags.yml", "verified-engine.yml", "glossary.yml", "csp-script-hashes.yml",
               "example-policy-allow.yml"}
    for path in sorted(data_dir.glob("*")):
        if path.name in checked or not path.is_file() or path.is_symlink():
            continue
        try:
            if path.suffix in (".yml", ".yaml"):
                load_yaml(path)
            else:
                read_text(path, "KB801", MAX_DATA_BYTES)
        except DataFileError as error:
            problems.append(error.problem)
    return problems


def build_problems(docs_dir: Path = DOCS_DIR, data_dir: Path = DATA_DIR) -> list[Problem]:
    """Everything the build must refuse before it reads a page."""
    problems = symlink_problems(REPO_ROOT, ("overrides", data_dir, docs_dir))
    problems += docs_file_problems(docs_dir)
    problems += data_file_problems(data_dir)
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.rule, p.message))
