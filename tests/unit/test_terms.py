"""Preferred Chinese terms (data/terms.yml) and the lint rule KB181 that enforces them in zh prose.

The fixture case tests/fixtures/bad/preferred-terms is run by test_lint.py like every broken
contribution; here: what counts as prose, the one allowed use (introducing a term in brackets),
the repair, and the data file itself."""
from __future__ import annotations

from pathlib import Path

import pytest

from kbtools.datafiles import DataFileError
from kbtools.pages import load_pages, parse_page
from kbtools.terms import check_terms, fix_line, fix_page, load_terms, read_terms

PAGE = """---
title: 守护进程与 namespace
description: 关于 daemon 的页面。
tags:
  - 入门
---

## 守护进程 {#daemon}

dockerd 是 Docker 的守护进程（daemon），它用命名空间（namespace）隔离容器。
后台的 daemon 负责写入时复制，`daemon.json` 与 [链接](https://example.org/daemon) 不算。
用 -p 发布端口（俗称端口映射）；端口映射不生效时先看网络。

```console
$ docker info  # daemon 在代码里不算
```

<!-- example: skip="daemon 在注释里不算" -->
"""


def _page(tmp_path: Path, text: str = PAGE, name: str = "t/page.md"):
    path = tmp_path / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return parse_page(path, tmp_path / "docs")


def test_avoided_spellings_in_prose_are_reported_with_the_preferred_term(tmp_path):
    problems = check_terms(_page(tmp_path))
    found = [(p.line, p.message.split("”")[0].lstrip("“")) for p in problems]
    assert found == [(2, "namespace"), (3, "daemon"), (11, "daemon"), (11, "写入时复制"),
                     (12, "端口映射")]     # the bracketed 端口映射 right after 发布端口 is allowed
    hints = {p.message.split("”")[0].lstrip("“"): p.hint for p in problems}
    assert "守护进程" in hints["daemon"] and "写时复制" in hints["写入时复制"]
    assert all(p.rule == "KB181" and "data/terms.yml" in p.hint for p in problems)


def test_english_pages_are_not_checked(tmp_path):
    assert check_terms(_page(tmp_path, name="t/page.en.md")) == []


def test_the_repair_writes_the_preferred_terms_without_stray_spaces(tmp_path):
    assert fix_line("后台的 daemon 负责") == "后台的守护进程负责"
    assert fix_line("连接哪个 daemon、如何输出") == "连接哪个守护进程、如何输出"
    fixed = fix_page(_page(tmp_path))
    assert fixed[10] == ("后台的守护进程负责写时复制，`daemon.json` 与 "
                         "[链接](https://example.org/daemon) 不算。")
    assert fixed[11] == "用 -p 发布端口（俗称端口映射）；发布端口不生效时先看网络。"
    assert "daemon 在代码里不算" in fixed[14]


def test_the_site_pages_use_the_preferred_terms():
    problems = [p for page in load_pages() for p in check_terms(page)]
    assert problems == [], "\n".join(map(str, problems))


def test_every_term_has_avoided_spellings_that_are_not_preferred_terms():
    terms = load_terms()
    preferred = {term.term for term in terms}
    assert {"守护进程", "写时复制", "分离", "发布端口", "命名空间"} <= preferred
    for term in terms:
        assert term.avoid and not set(term.avoid) & preferred, term


def test_a_broken_terms_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "terms.yml"
    bad.write_text("- term: 守护进程\n  en: daemon\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_terms(bad)
    assert "terms.yml:1" in str(error.value) and "avoid" in str(error.value)
