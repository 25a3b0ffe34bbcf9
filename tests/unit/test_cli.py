"""The one command: ``kb --help`` lists every task, and every task answers ``--help``."""
import subprocess
import sys
from pathlib import Path

import pytest

from kbtools.cli import COMMANDS
from kbtools.gen import GENERATORS

KB = Path(sys.executable).with_name("kb")   # the console script pip installed next to python


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KB), *args], capture_output=True, text=True)


def test_kb_help_lists_every_task():
    result = run("--help")
    assert result.returncode == 0, result.stderr
    for name, (_, summary) in COMMANDS.items():
        assert name in result.stdout and summary[:30] in result.stdout, name


@pytest.mark.parametrize("task", list(COMMANDS))
def test_every_task_has_help(task):
    result = run(task, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: kb {task}"), result.stdout[:200]


def test_gen_help_names_every_target():
    result = run("gen", "--help")
    assert all(target in result.stdout for target in GENERATORS), result.stdout


def test_unknown_task_is_an_error_not_a_traceback():
    result = run("lnt")
    assert result.returncode == 2
    assert "unknown task 'lnt'" in result.stderr and "Traceback" not in result.stderr
