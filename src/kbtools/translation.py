"""Translation status from git history: is each English page newer than its Chinese original?

``last_commit_times()`` asks git once for the last commit time of every file under docs/.
An English page is *out of date* when its Chinese page was committed after it. The build shows
the status on English pages; the lint reports out-of-date pairs as warnings (KB205).
"""
from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from .pages import Page, pair_pages
from .paths import REPO_ROOT
from .problems import Problem


@lru_cache(maxsize=4)
def last_commit_times(repo: Path = REPO_ROOT) -> dict[str, int]:
    """{path relative to the repo: unix time of the last commit that touched it}."""
    try:
        output = subprocess.run(
            ["git", "log", "--format=@%ct", "--name-only", "--no-renames", "--", "docs"],
            cwd=repo, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    times: dict[str, int] = {}
    current = 0
    for line in output.splitlines():
        if line.startswith("@"):
            current = int(line[1:])
        elif line.strip() and line not in times:
            times[line] = current    # git log is newest first: the first time seen is the last
    return times


def page_status(zh_rel: str, en_rel: str, times: dict[str, int]) -> tuple[str, int, int]:
    """('in-sync' | 'outdated' | 'unknown', zh time, en time) for two repo-relative paths."""
    zh_time, en_time = times.get(zh_rel, 0), times.get(en_rel, 0)
    if not zh_time or not en_time:
        return "unknown", zh_time, en_time
    return ("outdated" if zh_time > en_time else "in-sync"), zh_time, en_time


def check_translation_status(pages: list[Page]) -> list[Problem]:
    times = last_commit_times()
    problems: list[Problem] = []
    for versions in pair_pages(pages).values():
        if "zh" not in versions or "en" not in versions:
            continue
        zh, en = versions["zh"], versions["en"]
        status, _, _ = page_status(zh.display, en.display, times)
        if status == "outdated":
            problems.append(Problem(en.display, 0, "KB205", f"the Chinese page {zh.display} was "
                                    "changed after this translation", "update the English page "
                                    "and commit it"))
    return problems
