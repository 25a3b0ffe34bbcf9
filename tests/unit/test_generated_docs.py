"""Regenerate-and-diff: every generated file (flag index, glossary pages, the CONTRIBUTING rule
table, the README's `kb --help` block) equals a fresh run of its generator."""
import subprocess
import sys


def test_every_generated_file_is_up_to_date():
    result = subprocess.run([sys.executable, "-m", "kbtools", "gen", "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_target_can_be_checked_alone():
    result = subprocess.run([sys.executable, "-m", "kbtools", "gen", "--check", "rules", "readme"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
