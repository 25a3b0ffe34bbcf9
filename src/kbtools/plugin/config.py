"""Typed configuration of the ``kb`` MkDocs plugin (``plugins: - kb: …`` in mkdocs.yml).

Paths are relative to the folder of mkdocs.yml. Every option has the site's value as its
default, so ``- kb`` alone builds the site as published; the preview may switch features off.
"""
from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class KbPluginConfig(base.Config):
    #: the engine the examples last ran on (written by ``kb examples --update``)
    engine_file = c.Type(str, default="data/verified-engine.yml")
    #: "verified on Docker Engine X" note on pages with runnable examples
    verified_note = c.Type(bool, default=True)
    #: last-updated dates and the translation status of English pages, from git history
    git_dates = c.Type(bool, default=True)
    #: glossary tooltips (<abbr title>) on content pages …
    tooltips = c.Type(bool, default=True)
    #: … except pages whose source path starts with one of these
    tooltips_skip = c.ListOfItems(c.Type(str), default=["reference/glossary", "tags"])
    #: drop the template's indentation outside <pre> (~10 % of each page's bytes)
    strip_indentation = c.Type(bool, default=True)
    #: the site's own scripts and stylesheet, served without their whole-line comments (paths in
    #: the site; CSS block comments that start a line are whole-line comments too)
    strip_comments = c.ListOfItems(c.Type(str),
                                   default=["assets/javascripts/search.js",
                                            "assets/javascripts/reader.js",
                                            "assets/stylesheets/extra.css"])
    #: the site search: Material's search box over a Pagefind index written after the build
    #: (kbtools/sitesearch.py); false leaves the search to Material's own plugin, if listed
    search_index = c.Type(bool, default=True)
