"""The site's MkDocs plugin, ``kb`` (registered by entry point in pyproject.toml).

config.py holds its typed options, plugin.py the plugin class that MkDocs calls, events.py what
each build event does (checks that stop the build with file:line, notes, dates, sanitiser,
glossary tooltips, output trimming).
"""
from kbtools.plugin.plugin import KbPlugin

__all__ = ["KbPlugin"]
