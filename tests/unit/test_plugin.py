"""The site's MkDocs plugin ``kb``: registered by entry point, with a typed config that rejects
wrong values before anything is built."""
from importlib.metadata import entry_points

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from kbtools.plugin import KbPlugin
from kbtools.plugin.config import KbPluginConfig


def test_plugin_is_registered_by_entry_point():
    (entry,) = entry_points(group="mkdocs.plugins", name="kb")
    assert entry.load() is KbPlugin


def write_config(tmp_path, options: str):
    (tmp_path / "docs").mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\nplugins:\n  - kb:\n{options}", encoding="utf-8")
    return config


def test_site_config_uses_the_plugin_with_its_defaults_overridable(tmp_path):
    config = load_config(str(write_config(tmp_path, "      tooltips: false\n")))
    options = config.plugins["kb"].config
    assert isinstance(options, KbPluginConfig)
    assert options.tooltips is False and options.git_dates is True
    assert options.engine_file == "data/verified-engine.yml"


@pytest.mark.parametrize("options", ["      tooltips: 'sometimes'\n",
                                     "      strip_comments: 3\n",
                                     "      no_such_option: 1\n"])
def test_wrong_options_are_refused(tmp_path, options):
    with pytest.raises((ConfigurationError, Abort)):
        load_config(str(write_config(tmp_path, options)), strict=True)
