"""The generated flag index docs/reference/flags.md / flags.en.md.

* regenerate-and-diff: a fresh run of kb gen flag-index equals the committed pages;
* every option of every indexed command in the snapshot has a row in both languages, with the
  same anchor ``#<section>-<option>`` in both;
* every Chinese description is Chinese; deprecated and hidden options are marked;
* the anchors are in the built HTML of both languages (the link checker and MkDocs' anchor
  validation resolve links like ``reference/flags.md#run-memory-swap`` against them);
* a descriptions file that misses an option is a clean error, not a traceback.
"""
from __future__ import annotations

import re

import pytest
import yaml

from kbtools.gen import flag_index as gen_flag_index
from conftest import REPO_ROOT
from kbtools.dockercli import Snapshot
from kbtools.pages import parse_page

DOCS = REPO_ROOT / "docs"
PAGES = {"zh": DOCS / "reference" / "flags.md", "en": DOCS / "reference" / "flags.en.md"}
ANCHOR_RE = re.compile(r'<a id="(?P<id>[a-z0-9-]+)"></a>')
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
REQUIRED_SECTIONS = {"run", "create", "start", "stop", "ps", "attach", "exec", "logs", "kill",
                     "pause", "unpause", "rm", "rmi", "history", "network-ls"}


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return Snapshot.load()


@pytest.fixture(scope="module")
def sections(snapshot):
    return gen_flag_index.load_sections(snapshot)


@pytest.fixture(scope="module")
def parsed():
    return {lang: parse_page(path, DOCS) for lang, path in PAGES.items()}


def row_anchors(page) -> dict[str, object]:
    anchors = {}
    for table in page.tables:
        for row in table.rows:
            match = ANCHOR_RE.search(row.cells[0])
            if match:
                anchors[match["id"]] = row
    return anchors


def test_committed_pages_equal_a_fresh_run(tmp_path):
    fresh = gen_flag_index.build_pages()
    for lang, path in PAGES.items():
        assert path.read_text(encoding="utf-8") == fresh[lang], (
            f"{path.relative_to(REPO_ROOT)} is out of date; run: kb gen flag-index")
    # --out-dir writes the same files elsewhere, and --check then passes there
    assert gen_flag_index.main(["--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "flags.md").read_text(encoding="utf-8") == fresh["zh"]
    assert gen_flag_index.main(["--check", "--out-dir", str(tmp_path)]) == 0
    (tmp_path / "flags.en.md").write_text("stale\n", encoding="utf-8")
    assert gen_flag_index.main(["--check", "--out-dir", str(tmp_path)]) == 1


def test_required_sections_with_their_heading_ids(parsed, sections):
    assert REQUIRED_SECTIONS <= {section.id for section in sections}
    for page in parsed.values():
        ids = [h.id for h in page.headings if h.level == 2]
        assert ids == [section.id for section in sections]
        assert "run" in ids                # pages link to ../reference/flags.md#run


def test_every_option_has_a_row_with_the_same_anchor_in_both_languages(parsed, sections):
    expected = {f"{s.id}-{name.lower()}" for s in sections for name in s.command.flags}
    zh, en = row_anchors(parsed["zh"]), row_anchors(parsed["en"])
    assert set(zh) == expected, sorted(set(zh) ^ expected)
    assert list(zh) == list(en)           # same rows, same order
    assert len(expected) > 250


def test_rows_show_the_snapshots_alias_type_and_default(parsed, sections):
    rows = row_anchors(parsed["en"])
    for section in sections:
        for flag in section.command.flags.values():
            cells = rows[f"{section.id}-{flag.long.lower()}"].cells
            option = ANCHOR_RE.sub("", cells[0])
            assert option == (f"`-{flag.short}`, `--{flag.long}`" if flag.short
                              else f"`--{flag.long}`")
            assert cells[1] == flag.type
            assert cells[2] == (f"`{flag.default}`" if flag.default is not None else "")


def test_chinese_descriptions_are_chinese(parsed, sections):
    for section in sections:
        for name, entry in section.descriptions.items():
            assert CJK_RE.search(entry["zh"]), f"{section.id} --{name}: {entry['zh']!r}"
            assert not CJK_RE.search(entry["en"]), f"{section.id} --{name}: {entry['en']!r}"
    for row in row_anchors(parsed["zh"]).values():
        assert CJK_RE.search(row.cells[3]), row.cells


def test_hidden_and_deprecated_options_are_marked(parsed):
    zh, en = row_anchors(parsed["zh"]), row_anchors(parsed["en"])
    assert "隐藏的旧写法" in zh["run-net"].cells[3] and "`--network`" in zh["run-net"].cells[3]
    assert "Hidden old spelling" in en["run-net"].cells[3]
    assert "已弃用" in zh["run-kernel-memory"].cells[3]
    assert "Deprecated" in en["run-kernel-memory"].cells[3]
    assert "Deprecated" not in en["run-memory"].cells[3]


def test_see_column_links_to_the_pages_flag_tables(parsed):
    zh = row_anchors(parsed["zh"])
    # the model page documents -m/--memory in a <!-- flags: docker run --> table under #flags
    assert "(../resources/memory.md#flags)" in zh["run-memory"].cells[4]
    # docker create shares the option, so it links to the same explanation
    assert "(../resources/memory.md#flags)" in zh["create-memory"].cells[4]


def test_missing_description_is_a_clean_error(tmp_path, snapshot):
    data = yaml.safe_load(gen_flag_index.DESCRIPTIONS.read_text(encoding="utf-8"))
    run = next(s for s in data["sections"] if s["id"] == "run")
    del run["flags"]["memory"]
    run["flags"]["memroy"] = {"zh": "内存", "en": "Memory"}
    broken = tmp_path / "flag-descriptions.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(gen_flag_index.IndexError_) as error:
        gen_flag_index.load_sections(snapshot, broken)
    assert "no description for --memory" in str(error.value)
    assert "has no option --memroy" in str(error.value)
    broken.write_text("sections: [\n", encoding="utf-8")
    with pytest.raises(gen_flag_index.IndexError_):
        gen_flag_index.load_sections(snapshot, broken)


def test_anchors_are_in_the_built_html(built_site, parsed):
    ids = set(row_anchors(parsed["zh"]))
    for prefix in ("", "en/"):
        html = (built_site / prefix / "reference" / "flags" / "index.html").read_text(
            encoding="utf-8")
        present = set(re.findall(r'id="([a-z0-9-]+)"', html))
        assert ids <= present, sorted(ids - present)[:10]
