"""The hostile-contribution suite: every attack of issue 14 (tests/fixtures/hostile/cases.yml),
applied to a harmless control contribution, is rejected by the lint with the file and line named
— before anything is built or run. The control itself passes.

The page-HTML attacks are also rendered by Markdown and passed through the build's sanitiser:
nothing that runs code or loads from another host survives it.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import markdown
import pytest
import yaml

from kbtools.htmlpolicy import sanitize
from kbtools.lint import main as lint_main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
CASES = yaml.safe_load((FIXTURES / "hostile" / "cases.yml").read_text(encoding="utf-8"))
CONTROL = FIXTURES / "good" / "docs"


def make_contribution(root: Path, case: dict) -> tuple[Path, Path]:
    """The control contribution (pages + the repository's data files) with the case applied."""
    docs, data = root / "docs", root / "data"
    shutil.copytree(CONTROL, docs)
    shutil.copytree(REPO / "data", data)
    sample = docs / "sample.md"
    if "example" in case:
        case = dict(case, page=example_snippet(case))
    if "page" in case:
        sample.write_text(sample.read_text(encoding="utf-8") + "\n" + case["page"],
                          encoding="utf-8")
    if "front" in case:
        text = sample.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        meta.update(case["front"])
        front = "".join(f"{key}: {yaml.safe_dump(value, allow_unicode=True, default_flow_style=True).strip().removesuffix('...').strip()}\n"  # noqa: E501
                        for key, value in meta.items())
        sample.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    for rel, text in case.get("files", {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text *= case.get("repeat", 1)
        path.write_bytes(text.encode("latin-1" if case.get("latin1") else "utf-8"))
    for rel, target in case.get("symlinks", {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        path.symlink_to(target)
    return docs, data


def example_snippet(case: dict) -> str:
    """A file= block (if any) and an example block with the case's $ lines."""
    text = ""
    for name, content in case.get("file", {}).items():
        text += f"<!-- example: file={name} -->\n```text\n{content}```\n\n"
    commands = "".join(f"$ {line}\n" for line in case["example"])
    return text + f"<!-- example -->\n```console\n{commands}```\n"


def expected_location(root: Path, case: dict) -> tuple[Path, int]:
    if "expect" in case:
        return root / case["expect"]["file"], case["expect"]["line"]
    if "example" in case:
        control_lines = len((CONTROL / "sample.md").read_text(encoding="utf-8").splitlines())
        first = control_lines + 2                      # first appended line
        where = case.get("expect_line", "")
        if where.startswith("file"):                   # a line of the file= block's content
            return root / "docs" / "sample.md", first + 2 + int(where[5:] or 0)
        file_lines = sum(content.count("\n") + 4 for content in case.get("file", {}).values())
        return root / "docs" / "sample.md", first + file_lines + 2 + case.get("at", 0)
    if "page" in case:
        control_lines = len((CONTROL / "sample.md").read_text(encoding="utf-8").splitlines())
        return root / "docs" / "sample.md", control_lines + 2 + case.get("at", 0)
    return root / "docs" / "sample.md", case["line"]


def run_lint(docs: Path, data: Path, capsys) -> tuple[int, str]:
    code = lint_main(["--no-history", "--docs-dir", str(docs), "--data-dir", str(data)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_there_are_at_least_40_attacks():
    assert len(CASES) >= 40


def test_control_contribution_passes(tmp_path, capsys):
    code, output = run_lint(*make_contribution(tmp_path, {}), capsys)
    assert code == 0, output


@pytest.mark.parametrize("name", sorted(CASES))
def test_attack_is_rejected_with_file_and_line(name, tmp_path, capsys):
    case = CASES[name]
    docs, data = make_contribution(tmp_path, case)
    code, output = run_lint(docs, data, capsys)
    path, line = expected_location(tmp_path, case)
    wanted = f"{path.as_posix()}:{line}: {case['rule']}"
    assert code == 1, f"{name} passed the lint:\n{output}"
    assert "Traceback" not in output, output
    hits = [text for text in output.splitlines() if text.startswith(wanted)]
    assert hits, f"expected a line starting with {wanted!r}, got:\n{output}"
    assert hits[0].endswith(")"), f"no hint in {hits[0]}"


#: What must never survive the sanitiser: code, handlers, foreign hosts, CSS, frames, forms.
DANGEROUS = re.compile(r"<(script|iframe|object|embed|form|meta|base|link|style|math|video|audio)"
                       r"|\son\w+\s*=|javascript:|vbscript:|evil\.example|style=|srcset|md-dialog",
                       re.I)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if "page" in c))
def test_sanitiser_removes_the_attack_from_the_built_html(name):
    rendered = markdown.markdown(CASES[name]["page"], extensions=["attr_list", "md_in_html"])
    cleaned = sanitize(rendered)
    assert not DANGEROUS.search(cleaned), f"{name}: {cleaned}"


def test_sanitiser_keeps_what_the_site_writes():
    """Headings with permalinks, links inside and outside the site, tooltips, local images,
    admonitions and aligned table cells pass unchanged (CSS text is normalised)."""
    page = ('<h2 id="x">T<a class="headerlink" href="#x" title="Permanent link">¶</a></h2>\n'
            '<p><a href="../other/#intro">o</a> <a href="https://docs.docker.com/">d</a> '
            '<abbr title="t">w</abbr> <img alt="a" src="../assets/d.svg"></p>\n'
            '<div class="admonition warning"><p class="admonition-title">W</p></div>\n'
            '<table><thead><tr><th>h</th></tr></thead>'
            '<tbody><tr><td style="text-align:left">c</td></tr></tbody></table>')
    assert sanitize(page) == page


def test_build_refuses_a_symlinked_page_before_reading_it(tmp_path):
    """The build (the kb plugin's on_config) stops with file:line too, not only the lint: a page that is
    a symbolic link to a file outside the repository is never read or published."""
    import os
    import subprocess
    import sys

    docs, _ = make_contribution(tmp_path / "c", {"symlinks": {"docs/leak.md": "/etc/passwd"}})
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:")[0]
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    text = text.replace("  - assets/stylesheets/extra.css\n", "")
    text += f"\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                             str(tmp_path / "mkdocs.yml")], capture_output=True, text=True,
                            cwd=tmp_path, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    output = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in output, output
    assert f"{docs.as_posix()}/leak.md:0: KB803: symbolic link to /etc/passwd" in output, output
    assert not (tmp_path / "site" / "leak").exists()
