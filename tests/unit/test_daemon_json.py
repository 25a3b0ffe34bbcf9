"""Every daemon.json the install pages show is checked with the real dockerd (no daemon runs):
recommended ones (title="daemon.json") must be accepted, counter-examples must be wrong."""
from __future__ import annotations

import pytest

from kbtools import daemon_json as dj
from kbtools.pages import load_pages, parse_page
from conftest import require


@pytest.fixture(scope="module")
def dockerd():
    binary = dj.dockerd_binary()
    require(binary is not None, "dockerd (for dockerd --validate)",
            "install Docker Engine: scripts/install-engine.sh")
    return binary


def test_install_pages_show_daemon_json():
    shown = dj.snippets(load_pages())
    assert sum(s.recommended for s in shown) >= 4, [s.where for s in shown]


def test_every_daemon_json_on_the_pages(dockerd):
    problems = [p for s in dj.snippets(load_pages()) if (p := dj.check(s, dockerd))]
    assert not problems, "\n".join(problems)


def test_flag_spelling_and_mirror_without_scheme_are_pitfalls():
    assert dj.known_pitfalls('{"registry-mirror": ["https://m.example.com"]}')
    assert dj.known_pitfalls('{"registry-mirrors": ["m.example.com"]}')
    assert not dj.known_pitfalls('{"registry-mirrors": ["https://m.example.com"]}')
    assert not dj.known_pitfalls("{not json")


def test_checks_fail_a_bad_recommendation_and_a_harmless_counter_example(tmp_path, dockerd):
    page_path = tmp_path / "install" / "p.md"
    page_path.parent.mkdir()
    page_path.write_text('---\ntitle: t\ndescription: d\ntags: [x]\n---\n\n'
                         '```json title="daemon.json"\n{"live-restore": "yes"}\n```\n\n'
                         '```json\n{"live-restore": true}\n```\n\n'
                         '```json\n{"log-opts": {"max-file": 3}}\n```\n', encoding="utf-8")
    shown = dj.snippets([parse_page(page_path, tmp_path)])
    results = [dj.check(s, dockerd) for s in shown]
    assert "cannot unmarshal" in results[0] and "p.md:7" in results[0]
    assert "counter-example must be wrong" in results[1]
    assert results[2] is None
