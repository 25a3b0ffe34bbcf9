"""The site search at build time: Material's search box, Pagefind's index (kbtools/sitesearch.py).

Material's own search plugin is not used: it would write a lunr index of both languages that
every page fetched (730 KB raw at 32 pages). Material's header only shows the search box when a
plugin named ``material/search`` is enabled, so a stand-in without events takes its place. The
index is written once per build, after static-i18n has built every language (it builds the
other languages inside the first build's post_build event).
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from kbtools.sitesearch import build_index


class _SearchBoxConfig(base.Config):
    enabled = config_options.Type(bool, default=True)


class SearchBox(BasePlugin[_SearchBoxConfig]):
    """Makes Material render its search box; indexes nothing (Pagefind does). static-i18n
    hands it the entries of each language and calls its post_build: both are no-ops."""

    def __init__(self):
        super().__init__()
        self.search_index = SimpleNamespace(entries=[])

    def on_post_build(self, *, config):
        self.search_index.entries.clear()


def add_search_box(config) -> None:
    existing = config.plugins.get("material/search")
    if isinstance(existing, SearchBox):      # static-i18n configures each language again
        return
    if existing is not None:
        raise PluginError("mkdocs.yml: remove the 'search' plugin: the site search is Pagefind "
                          "(kb plugin, option search_index; src/kbtools/sitesearch.py), not "
                          "Material's lunr index")
    box = SearchBox()
    box.load_config({})
    config.plugins["material/search"] = box


class IndexAfterBuild:
    """Counts nested builds (static-i18n) and writes the index when the outermost one ends."""

    def __init__(self):
        self.depth = 0

    def started(self) -> None:
        self.depth += 1

    def failed(self) -> None:
        self.depth = 0

    def finished(self, site_dir: str) -> None:
        self.depth = max(self.depth - 1, 0)
        if self.depth == 0:
            try:
                build_index(Path(site_dir))
            except RuntimeError as error:
                raise PluginError(str(error)) from None
