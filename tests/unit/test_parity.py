"""zh/en parity (kbtools.parity): one check for headings, tables and code blocks, with one
problem per changed block, and a fixer that copies code from the Chinese page into the English
one without touching the English prose."""
from kbtools.pages import load_pages, parse_page
from kbtools.parity import block_problems, check_pairs, fix_pairs

FRONT = "---\ntitle: {t}\ndescription: {t}\ntags:\n  - {tag}\n---\n\n"
ZH = FRONT.format(t="页面", tag="容器") + """## 运行 {#run}

运行一个容器，看看它的输出。

<!-- example -->
```console
$ docker run --rm busybox echo hi
hi
```

- 列表里的代码块：

    ```bash
    docker ps -a
    ```
"""
EN = FRONT.format(t="Page", tag="Containers") + """## Run {#run}

Run a container and look at its output.

<!-- example: skip="not here" -->
```console
$ docker run --rm busybox echo hello
hello
```

- A code block in a list:

    ```bash
    docker ps
    ```
"""


def write_pair(tmp_path, zh=ZH, en=EN):
    (tmp_path / "p.md").write_text(zh, encoding="utf-8")
    (tmp_path / "p.en.md").write_text(en, encoding="utf-8")
    return load_pages(tmp_path)


def test_a_changed_example_is_one_problem_naming_both_lines(tmp_path):
    write_pair(tmp_path)
    zh, en = (parse_page(tmp_path / name, tmp_path) for name in ("p.md", "p.en.md"))
    problems = block_problems(zh, en)
    assert [(p.file.rsplit("/", 1)[-1], p.rule) for p in problems] == \
        [("p.en.md", "KB203"), ("p.en.md", "KB203")]
    first = str(problems[0])
    assert f":{en.lines.index('$ docker run --rm busybox echo hello') + 1}: KB203" in first
    assert f"p.md:{zh.lines.index('$ docker run --rm busybox echo hi') + 1}" in first


def test_fix_copies_code_and_markers_and_keeps_the_prose(tmp_path):
    pages = write_pair(tmp_path)
    assert {p.rule for p in check_pairs(pages)} == {"KB203"}
    changed = fix_pairs(pages)
    assert [path.name for path in changed] == ["p.en.md"]
    fixed = (tmp_path / "p.en.md").read_text(encoding="utf-8")
    assert "Run a container and look at its output." in fixed         # prose untouched
    assert "$ docker run --rm busybox echo hi\nhi\n" in fixed           # example output copied
    assert "    ```bash\n    docker ps -a\n    ```" in fixed           # indentation kept
    assert check_pairs(load_pages(tmp_path)) == []
    assert fix_pairs(load_pages(tmp_path)) == []                        # nothing left to do


def test_fix_copies_a_changed_example_marker(tmp_path):
    en = EN.replace("echo hello\nhello", "echo hi\nhi").replace("docker ps\n", "docker ps -a\n") \
        .replace('<!-- example: skip="not here" -->', "<!-- example: tty -->")
    pages = write_pair(tmp_path, en=en)
    assert [p.rule for p in check_pairs(pages)] == ["KB204"]
    fix_pairs(pages)
    assert "<!-- example -->" in (tmp_path / "p.en.md").read_text(encoding="utf-8")
    assert check_pairs(load_pages(tmp_path)) == []


def test_pages_whose_blocks_do_not_pair_up_are_left_alone(tmp_path):
    en = EN.split("- A code block")[0]
    pages = write_pair(tmp_path, en=en)
    assert [p.rule for p in check_pairs(pages)] == ["KB203"]
    assert fix_pairs(pages) == []


def test_real_pages_are_in_parity():
    problems = [p for p in check_pairs(load_pages()) if p.severity == "error"]
    assert not problems, "\n".join(map(str, problems))
