"""MkDocs hooks of the site search (listed under ``hooks:`` in mkdocs.yml).

The search box is Material's; the index is Pagefind's (kbtools/sitesearch.py), written once per
build after every language is built. Material's own search plugin is not used: it would write a
730 KB lunr index of both languages that every page fetched. Material's header only shows the
search box when a plugin named ``material/search`` is enabled, so a stand-in without events takes
its place.
"""
from __future__ import annotations

import sys
from types import SimpleNamespace
from pathlib import Path

from mkdocs.config import base, config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kbtools.sitesearch import build_index  # noqa: E402


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


_depth = 0   # static-i18n builds the other languages inside the first build's post_build


def on_config(config):
    existing = config.plugins.get("material/search")
    if isinstance(existing, SearchBox):      # static-i18n configures each language again
        return config
    if existing is not None:
        raise PluginError("mkdocs.yml: remove the 'search' plugin: the site search is Pagefind "
                          "(scripts/kbtools/sitesearch.py), not Material's lunr index")
    box = SearchBox()
    box.load_config({})
    config.plugins["material/search"] = box
    return config


def on_pre_build(config):
    global _depth
    _depth += 1


def on_build_error(error):
    global _depth
    _depth = 0


@event_priority(-200)   # after static-i18n's post_build (-100), which builds the other languages
def on_post_build(config):
    global _depth
    _depth = max(_depth - 1, 0)
    if _depth == 0:
        try:
            build_index(Path(config["site_dir"]))
        except RuntimeError as error:
            raise PluginError(str(error)) from None
