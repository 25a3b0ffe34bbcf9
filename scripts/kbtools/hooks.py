"""MkDocs hooks of the site (listed under ``hooks:`` in mkdocs.yml).

* on_page_markdown: checks each page's front matter and tags against data/tags.yml and stops the
  build with ``file:line: rule: message (hint)`` instead of a traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kbtools.frontmatter import check_front_matter  # noqa: E402
from kbtools.pages import parse_page  # noqa: E402


def on_page_markdown(markdown, page, config, files):
    parsed = parse_page(Path(page.file.abs_src_path), Path(config["docs_dir"]))
    problems = parsed.problems + check_front_matter(parsed)
    errors = [p for p in problems if p.severity == "error" and p.rule.startswith("KB1")]
    if errors:
        raise PluginError("\n".join(str(p) for p in errors))
    return markdown
