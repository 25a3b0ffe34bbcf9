"""The lint: clean on the real pages, and every broken contribution in tests/fixtures/bad gets
its own clear ``file:line: rule: message (hint)`` — never a silent pass, never a traceback."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kbtools.checks import check_page
from kbtools.parity import check_pairs
from kbtools.pages import load_pages
from kbtools.lint import main as lint_main

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
EXPECTED = yaml.safe_load((FIXTURES / "bad" / "expected.yml").read_text(encoding="utf-8"))


def run_lint(docs_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kbtools", "lint", "--no-history",
                           "--docs-dir", str(docs_dir)], capture_output=True, text=True)


def test_good_fixture_is_clean():
    result = run_lint(FIXTURES / "good" / "docs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint_command_reports_without_traceback():
    """The command itself, as a contributor runs it, on one broken contribution."""
    result = run_lint(FIXTURES / "bad" / "unknown-tag" / "docs")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ":5: KB105: unknown tag" in result.stdout


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_contribution_is_reported(case, capsys):
    """Every broken contribution: the lint's main() (in-process, fast) fails naming file+line."""
    expected = EXPECTED[case]
    docs = FIXTURES / "bad" / case / "docs"
    returncode = lint_main(["--no-history", "--docs-dir", str(docs)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert returncode == 1, f"{case} passed silently:\n{output}"
    wanted = f"{(docs / expected['file']).relative_to(REPO).as_posix()}:{expected['line']}: " \
             f"{expected['rule']}"
    lines = [line for line in captured.out.splitlines() if line.startswith(wanted)]
    assert lines, f"expected a line starting with {wanted!r}, got:\n{output}"
    assert "(" in lines[0] and lines[0].endswith(")"), f"no hint in: {lines[0]}"


def test_every_fixture_case_is_listed():
    cases = {p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir()}
    assert cases == set(EXPECTED)


def test_real_pages_pass_the_lint():
    pages = load_pages()
    problems = [p for page in pages for p in check_page(page)] + check_pairs(pages)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert not errors, "\n".join(errors)


def test_build_stops_with_file_and_line_on_bad_front_matter(tmp_path):
    """The build (the kb plugin) reports an unknown tag as file:line, not as a traceback."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    docs = FIXTURES / "bad" / "unknown-tag" / "docs"
    text = text.split("\nnav:")[0]
    text += f"\ndocs_dir: {docs}\nsite_dir: {tmp_path / 'site'}\n"
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    text = text.replace("  - assets/stylesheets/extra.css\n", "")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                             str(tmp_path / "mkdocs.yml")], capture_output=True, text=True,
                            cwd=tmp_path, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output, output
    assert "sample.md:5: KB105: unknown tag '容器们'" in output, output


@pytest.mark.parametrize("case", ["copywriting", "preferred-terms"])
def test_fix_repairs_what_needs_no_judgement(case, tmp_path, capsys):
    """kb lint --fix rewrites the broken line in place, says which file it fixed, and the lint
    that follows passes; the same command without --fix still fails on the original."""
    docs = tmp_path / "docs"
    shutil.copytree(FIXTURES / "bad" / case / "docs", docs)
    sample = docs / EXPECTED[case]["file"]
    before = sample.read_text(encoding="utf-8").splitlines()
    assert lint_main(["--no-history", "--docs-dir", str(docs)]) == 1
    capsys.readouterr()
    returncode = lint_main(["--fix", "--no-history", "--docs-dir", str(docs)])
    output = capsys.readouterr()
    assert returncode == 0, output.out + output.err
    assert output.out.splitlines()[0] == f"fixed {sample.as_posix()}"
    after = sample.read_text(encoding="utf-8").splitlines()
    line = EXPECTED[case]["line"] - 1
    assert after[line] != before[line]
    assert [a for a, b in zip(after, before) if a != b] == [after[line]]
