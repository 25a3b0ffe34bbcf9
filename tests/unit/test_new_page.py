"""The scaffold creates a page pair that passes the page checks and adds it to the nav."""
import shutil
import subprocess
import sys
from pathlib import Path

from kbtools.checks import check_page
from kbtools.parity import check_pairs
from kbtools.pages import load_pages

REPO = Path(__file__).resolve().parents[2]


def test_scaffold_creates_a_valid_pair(tmp_path):
    docs = tmp_path / "docs"
    (docs / "containers").mkdir(parents=True)
    config = tmp_path / "mkdocs.yml"
    shutil.copy(REPO / "mkdocs.yml", config)
    result = subprocess.run([sys.executable, "-m", "kbtools", "new-page",
                             "containers/volumes", "--zh-title", "数据卷", "--en-title", "Volumes",
                             "--tag", "containers", "--docs-dir", str(docs), "--config", str(config)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = load_pages(docs)
    assert sorted(p.rel for p in pages) == ["containers/volumes.en.md", "containers/volumes.md"]
    problems = [p for page in pages for p in check_page(page, docs)] + check_pairs(pages)
    assert not problems, "\n".join(map(str, problems))
    assert "      - containers/volumes.md" in config.read_text(encoding="utf-8")


def test_scaffold_refuses_an_unknown_tag(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kbtools", "new-page", "a/b",
                             "--zh-title", "甲", "--en-title", "A", "--tag", "nope",
                             "--docs-dir", str(tmp_path), "--config", str(tmp_path / "x.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "unknown tag id 'nope'" in result.stderr
