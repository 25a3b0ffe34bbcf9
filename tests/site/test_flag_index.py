"""The generated flag index under docs/reference/flags/: a landing page (index.md / index.en.md)
with the global options and a list of every command, and one page per command group.

* regenerate-and-diff: a fresh run of kb gen flag-index equals the committed pages, and the
  folder holds nothing else (a page of a removed group would stay in the nav and the search);
* every option of every indexed command in the snapshot has a row in both languages, on its
  group's page, with the same anchor ``#<section>-<option>`` in both;
* the landing page links every section on its group page, and a section id is unique over all
  pages (the reader script forwards old single-page links by it);
* every command a content page's flag table documents has a section (rule KB320);
* every Chinese description is Chinese; deprecated and hidden options are marked;
* the anchors are in the built HTML of both languages (the link checker and MkDocs' anchor
  validation resolve links like ``reference/flags/containers.md#run-memory-swap`` against them);
* a descriptions file that misses an option or names an unknown group is a clean error.
"""
from __future__ import annotations

import re

import pytest
import yaml

from kbtools.gen import flag_index as gen_flag_index
from conftest import REPO_ROOT
from kbtools.dockercli import Snapshot
from kbtools.pages import load_pages, parse_page

DOCS = REPO_ROOT / "docs"
FOLDER = DOCS / "reference" / "flags"
ANCHOR_RE = re.compile(r'<a id="(?P<id>[a-z0-9-]+)"></a>')
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
REQUIRED_SECTIONS = {"run", "create", "start", "stop", "ps", "attach", "exec", "logs", "kill",
                     "pause", "unpause", "rm", "rmi", "history", "network-ls",
                     # the everyday commands and Compose the curriculum teaches (issue 15)
                     "cp", "stats", "top", "inspect", "update", "rename", "wait", "export",
                     "import", "port", "network-disconnect", "network-inspect", "network-rm",
                     "compose", "compose-up", "compose-down", "compose-ps", "compose-logs",
                     "compose-exec", "compose-config"}


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return Snapshot.load()


@pytest.fixture(scope="module")
def groups():
    return gen_flag_index.load_groups()


@pytest.fixture(scope="module")
def sections(snapshot):
    return gen_flag_index.load_sections(snapshot)


@pytest.fixture(scope="module")
def parsed(groups):
    """{lang: {page name ("index", "containers", ...): parsed page}}"""
    names = ["index"] + [group.id for group in groups]
    return {lang: {name: parse_page(FOLDER / f"{name}{suffix}", DOCS) for name in names}
            for lang, suffix in gen_flag_index.SUFFIX.items()}


def row_anchors(pages) -> dict[str, tuple[str, object]]:
    """{row anchor: (page name, row)} over the given {name: page}, in page order."""
    anchors = {}
    for name, page in pages.items():
        for table in page.tables:
            for row in table.rows:
                match = ANCHOR_RE.search(row.cells[0])
                if match:
                    assert match["id"] not in anchors, f"{match['id']} on two pages"
                    anchors[match["id"]] = (name, row)
    return anchors


def test_committed_pages_equal_a_fresh_run(tmp_path):
    fresh = gen_flag_index.build_pages()
    assert {path.name for path in FOLDER.glob("*.md")} == set(fresh)
    assert len(fresh) >= 8                 # the landing page and some groups, in both languages
    for name, text in fresh.items():
        assert (FOLDER / name).read_text(encoding="utf-8") == text, (
            f"docs/reference/flags/{name} is out of date; run: kb gen flag-index")
    # --out-dir writes the same files elsewhere, and --check then passes there
    assert gen_flag_index.main(["--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "index.md").read_text(encoding="utf-8") == fresh["index.md"]
    assert gen_flag_index.main(["--check", "--out-dir", str(tmp_path)]) == 0
    (tmp_path / "containers.en.md").write_text("stale\n", encoding="utf-8")
    assert gen_flag_index.main(["--check", "--out-dir", str(tmp_path)]) == 1
    assert gen_flag_index.main(["--out-dir", str(tmp_path)]) == 0
    # a page the generator does not write (a removed group) fails the check, and a run removes it
    (tmp_path / "old-group.md").write_text("old\n", encoding="utf-8")
    assert gen_flag_index.main(["--check", "--out-dir", str(tmp_path)]) == 1
    assert gen_flag_index.main(["--out-dir", str(tmp_path)]) == 0
    assert not (tmp_path / "old-group.md").exists()


def test_required_sections_on_their_group_pages_with_their_heading_ids(parsed, sections, groups):
    assert REQUIRED_SECTIONS <= {section.id for section in sections}
    ids = [section.id for section in sections]
    assert len(ids) == len(set(ids))
    for pages in parsed.values():
        assert [h.id for h in pages["index"].headings if h.level == 2] == ["global", "commands"]
        for group in groups:
            headings = [h.id for h in pages[group.id].headings if h.level == 2]
            assert headings == [s.id for s in sections if s.group == group.id], group.id
            assert headings, f"group {group.id} has no section"
    assert next(s for s in sections if s.id == "run").group == "containers"  # pages link it


def test_landing_page_links_every_section_on_its_group_page(parsed, sections):
    for lang, pages in parsed.items():
        landing = pages["index"]
        targets = [link.target for link in landing.links]
        for section in sections:
            if section.group:
                assert f"{section.group}.md#{section.id}" in targets, (lang, section.id)


def test_every_option_has_a_row_with_the_same_anchor_in_both_languages(parsed, sections):
    expected = {f"{s.id}-{name.lower()}": s.group or "index"
                for s in sections for name in s.command.flags}
    zh, en = row_anchors(parsed["zh"]), row_anchors(parsed["en"])
    assert set(zh) == set(expected), sorted(set(zh) ^ set(expected))
    assert {anchor: name for anchor, (name, _) in zh.items()} == expected   # on its group page
    assert list(zh) == list(en)           # same rows, same order
    assert len(expected) > 400


def test_every_flag_table_of_the_content_pages_has_a_section(snapshot, sections):
    """Rule KB320 holds on the real pages: their flag tables' commands are all indexed."""
    indexed = {section.command.path for section in sections}
    documented = set()
    for page in load_pages(DOCS):
        if page.key.startswith("reference/flags/"):
            continue
        for table in page.tables:
            words = (table.program or "").split()
            if words[:1] == ["docker"] and len(words) > 1:
                command = snapshot.command(" ".join(words[1:]))
                if command is not None:
                    documented.add(command.path)
    assert {"container cp", "compose up", "container update"} <= documented
    assert documented <= indexed, sorted(documented - indexed)


def test_rows_show_the_snapshots_alias_type_and_default(parsed, sections):
    rows = row_anchors(parsed["en"])
    for section in sections:
        for flag in section.command.flags.values():
            cells = rows[f"{section.id}-{flag.long.lower()}"][1].cells
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
        for lang in ("zh", "en"):
            assert bool(CJK_RE.search(section.summary[lang])) == (lang == "zh"), section.id
    for _, row in row_anchors(parsed["zh"]).values():
        assert CJK_RE.search(row.cells[3]), row.cells


def test_hidden_and_deprecated_options_are_marked(parsed):
    zh, en = row_anchors(parsed["zh"]), row_anchors(parsed["en"])
    assert "隐藏的旧写法" in zh["run-net"][1].cells[3] and "`--network`" in zh["run-net"][1].cells[3]
    assert "Hidden old spelling" in en["run-net"][1].cells[3]
    assert "已弃用" in zh["run-kernel-memory"][1].cells[3]
    assert "Deprecated" in en["run-kernel-memory"][1].cells[3]
    assert "Deprecated" not in en["run-memory"][1].cells[3]


def test_see_column_links_to_the_pages_flag_tables(parsed):
    zh = row_anchors(parsed["zh"])
    # the model page documents -m/--memory in a <!-- flags: docker run --> table under #flags
    assert "(../../resources/memory.md#flags)" in zh["run-memory"][1].cells[4]
    # docker create and docker update share the option, so they link to the same explanation
    assert "(../../resources/memory.md#flags)" in zh["create-memory"][1].cells[4]
    assert "(../../resources/memory.md#flags)" in zh["update-memory"][1].cells[4]
    # the Compose pages document `docker compose up -d`
    assert "(../../compose/" in zh["compose-up-detach"][1].cells[4]


def test_missing_description_or_unknown_group_is_a_clean_error(tmp_path, snapshot):
    data = yaml.safe_load(gen_flag_index.DESCRIPTIONS.read_text(encoding="utf-8"))
    run = next(s for s in data["sections"] if s["id"] == "run")
    del run["flags"]["memory"]
    run["flags"]["memroy"] = {"zh": "内存", "en": "Memory"}
    run["group"] = "containres"
    broken = tmp_path / "flag-descriptions.yml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(gen_flag_index.IndexError_) as error:
        gen_flag_index.load_sections(snapshot, broken)
    assert "no description for --memory" in str(error.value)
    assert "has no option --memroy" in str(error.value)
    assert "group `containres` is not one of the groups" in str(error.value)
    del data["groups"]
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(gen_flag_index.IndexError_, match="expected 'groups:'"):
        gen_flag_index.load_sections(snapshot, broken)
    broken.write_text("sections: [\n", encoding="utf-8")
    with pytest.raises(gen_flag_index.IndexError_):
        gen_flag_index.load_sections(snapshot, broken)


def test_anchors_are_in_the_built_html(built_site, parsed):
    by_page: dict[str, set[str]] = {}
    for anchor, (name, _) in row_anchors(parsed["zh"]).items():
        by_page.setdefault(name, set()).add(anchor)
    assert set(by_page) >= {"index", "containers", "compose"}
    for prefix in ("", "en/"):
        for name, ids in by_page.items():
            folder = built_site / prefix / "reference" / "flags"
            html_file = folder / "index.html" if name == "index" else folder / name / "index.html"
            present = set(re.findall(r'id="([a-z0-9-]+)"', html_file.read_text(encoding="utf-8")))
            assert ids <= present, (prefix, name, sorted(ids - present)[:10])
