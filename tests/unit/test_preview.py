"""The preview (kb serve): what it switches off is real plugin configuration, and the full mode
serves what is published."""
from kbtools.preview import PREVIEW_ENV, serve_command


def test_preview_switches_off_git_dates_and_tooltips_and_rebuilds_dirty():
    command, env = serve_command()
    assert all(env[key] == value for key, value in PREVIEW_ENV.items())
    assert "--dirty" in command and "KB_BUILD_EN" not in env


def test_full_mode_is_the_published_site():
    command, env = serve_command(full=True)
    assert "--dirty" not in command
    assert not any(key in env and env[key] == "false" for key in PREVIEW_ENV)


def test_chinese_only_preview_skips_the_english_build():
    _, env = serve_command(lang="zh")
    assert env["KB_BUILD_EN"] == "false"


def test_mkdocs_yml_reads_every_switch_of_the_preview():
    from kbtools.paths import MKDOCS_YML

    text = MKDOCS_YML.read_text(encoding="utf-8")
    for key in (*PREVIEW_ENV, "KB_BUILD_EN"):
        assert f"!ENV [{key}, true]" in text, key
