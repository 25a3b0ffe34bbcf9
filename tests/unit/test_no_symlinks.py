"""No symbolic link is committed under docs/, overrides/ or data/ (a link would publish any file of
the machine with the site, e.g. ../../.git/config), and the lint refuses one in a work tree."""
import os
import subprocess
from pathlib import Path

from kbtools.safety import PUBLISHED_DIRS, symlink_problems

REPO = Path(__file__).resolve().parents[2]


def test_git_index_has_no_symlinks_in_published_folders():
    listing = subprocess.run(["git", "ls-files", "-s", "--", *PUBLISHED_DIRS], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout
    assert listing.strip(), "git ls-files listed nothing: not a git work tree?"
    links = [line.split("\t", 1)[1] for line in listing.splitlines() if line.startswith("120000")]
    assert not links, f"symbolic links committed: {links}"


def test_work_tree_has_no_symlinks_in_published_folders():
    assert symlink_problems(REPO) == []


def test_a_symlink_is_reported_with_its_target(tmp_path):
    (tmp_path / "docs" / "assets").mkdir(parents=True)
    os.symlink("../../.git/config", tmp_path / "docs" / "assets" / "leak.txt")
    problems = symlink_problems(tmp_path, ("docs",))
    assert [p.rule for p in problems] == ["KB803"]
    assert str(problems[0]).endswith("docs/assets/leak.txt:0: KB803: symbolic link to "
                                     "../../.git/config (commit the file itself: git rm the link, "
                                     "copy the content)")
