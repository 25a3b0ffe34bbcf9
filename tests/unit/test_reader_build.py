"""What the build adds for readers (src/kbtools/reader.py), on HTML rendered by the site's
own Markdown pipeline: the copy text of console blocks, wrapped error lines, table labels."""
from __future__ import annotations

import html
import re

import markdown
import pytest

from kbtools.reader import absolute_alternates, console_commands, enhance, is_table_page


def render(source: str) -> str:
    """Markdown rendered with the site's code-block extensions (as mkdocs.yml sets them)."""
    return markdown.markdown(source, extensions=[
        "tables", "attr_list", "pymdownx.superfences", "pymdownx.inlinehilite",
        "pymdownx.highlight"], extension_configs={"pymdownx.highlight": {"anchor_linenums": True}})


def copy_text(page_html: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(r'data-copy="([^"]*)"', page_html)]


CASES = [
    ("one command and its output", "$ docker ps -q\nabc123\n", ["docker ps -q"]),
    ("several commands", "$ docker run -d --name a busybox sleep 9\n1f2e\n$ docker stop a\na\n",
     ["docker run -d --name a busybox sleep 9\ndocker stop a"]),
    ("comment lines are not commands", "$ # start it first\n$ docker start a\na\n",
     ["docker start a"]),
    ("a line continuation keeps its lines",
     "$ docker run --rm \\\n    --memory 64m \\\n    busybox true\n$ docker ps\nCONTAINER ID\n",
     ["docker run --rm \\\n    --memory 64m \\\n    busybox true\ndocker ps"]),
    ("prompts inside a container are output", "$ docker exec -it c sh\n/ # echo hi\nhi\n/ # exit\n",
     ["docker exec -it c sh"]),
    ("quotes and templates survive", "$ docker ps --format '{{.Names}}\\t{{.State}}' -f \"name=a&b\"\na\n",
     ["docker ps --format '{{.Names}}\\t{{.State}}' -f \"name=a&b\""]),
]


@pytest.mark.parametrize("name, block, expected", CASES, ids=[c[0] for c in CASES])
def test_console_block_copies_exactly_its_commands(name, block, expected):
    assert copy_text(enhance(render(f"```console\n{block}```\n"))) == expected


def test_other_code_blocks_copy_as_they_are():
    page = enhance(render("```dockerfile\nFROM scratch\n```\n\n```text\n$ not a prompt here\n```\n"))
    assert "data-copy" not in page
    assert console_commands(render("```console\nno prompt\n```\n")) is None


def test_error_lines_wrap_and_column_output_does_not():
    error = "docker: Error response from daemon: Minimum memoryswap limit should be larger than memory limit"
    table = "CONTAINER ID   IMAGE     COMMAND        CREATED         STATUS"
    page = enhance(render(f"```console\n$ docker run x\n{error}\n$ docker ps\n{table}\n```\n"))
    wrapped = re.findall(r'<span class="go kb-wrap">([^<]*)</span>', page)
    assert wrapped == [error]


def test_the_column_with_the_most_text_is_marked_wide_and_the_others_labelled():
    """Desktop: the widest column gets the room. Phone: each row is a card whose cells other
    than the first and the wide one show their column heading (data-label, for the stylesheet)."""
    page = enhance(render("| 选项 | 类型 | 说明 |\n| --- | --- | --- |\n| `-m` | bytes | 内存上限，"
                          "超过就被杀掉 |\n| `-c` | int | CPU 份额 |\n"))
    cells = re.findall(r'<td( class="kb-wide"| data-label="[^"]*")?', page)
    assert cells == ["", ' data-label="类型"', ' class="kb-wide"'] * 2
    assert not is_table_page(page)
    two_columns = enhance(render('| a | "b" |\n| --- | --- |\n| `-m` | long text here |\n'))
    assert "kb-wide" not in two_columns
    assert re.findall(r"<td[^>]*>", two_columns) == ["<td>", '<td data-label="&quot;b&quot;">']


def test_glossary_terms_are_focusable_and_diagrams_link_to_themselves():
    page = enhance('<p><abbr title="a definition">term</abbr></p>'
                   '<p><img alt="x" src="../assets/diagrams/layers.svg" /></p>')
    assert '<abbr tabindex="0" title="a definition">' in page
    assert '<a class="kb-diagram" href="../assets/diagrams/layers.svg"><img' in page


def test_hreflang_alternates_become_absolute_with_x_default():
    head = ('<head><link rel="alternate" href="./" hreflang="zh">'
            '<link rel="alternate" href="../../en/containers/run/" hreflang="en"></head>')
    out = absolute_alternates(head, "https://example.org/kb/containers/run/")
    assert re.findall(r'href="([^"]*)" hreflang="([^"]*)"', out) == [
        ("https://example.org/kb/containers/run/", "zh"),
        ("https://example.org/kb/en/containers/run/", "en"),
        ("https://example.org/kb/containers/run/", "x-default")]
