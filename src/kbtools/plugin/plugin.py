"""``KbPlugin``: the MkDocs side of the knowledge base; each event hands over to events.py
together with the plugin's typed options."""
from __future__ import annotations

import logging

from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from kbtools.plugin import events, search
from kbtools.plugin.config import KbPluginConfig


def quiet_jieba() -> None:
    """jieba (Chinese word segmentation for the search index) prints four unprefixed lines on
    stderr at every build, through its own logger; keep them for ``mkdocs -v`` only."""
    if logging.getLogger("mkdocs").getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("jieba").setLevel(logging.WARNING)


class KbPlugin(BasePlugin[KbPluginConfig]):
    def __init__(self):
        super().__init__()
        self.search_index = search.IndexAfterBuild()

    def on_config(self, config):
        quiet_jieba()
        if self.config.search_index:
            search.add_search_box(config)
        return events.on_config(config, self.config)

    def on_pre_build(self, *, config):
        self.search_index.started()

    def on_build_error(self, *, error):
        self.search_index.failed()

    def on_page_markdown(self, markdown, page, config, files):
        return events.on_page_markdown(markdown, page, config, files, self.config)

    def on_page_content(self, html, page, config, files):
        return events.on_page_content(html, page, config, files, self.config)

    def on_post_page(self, output, page, config):
        return events.on_post_page(output, page, config, self.config)

    def on_post_template(self, output_content, template_name, config):
        return events.on_post_template(output_content, template_name, config, self.config)

    def _post_build(self, *, config):
        events.on_post_build(config, self.config)

    @event_priority(-200)   # after static-i18n's post_build (-100), which builds the other languages
    def _post_build_search(self, *, config):
        if self.config.search_index:
            self.search_index.finished(config["site_dir"])

    on_post_build = CombinedEvent(_post_build, _post_build_search)
