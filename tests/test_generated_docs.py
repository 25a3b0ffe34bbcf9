"""Regenerate-and-diff: the lint rule table in CONTRIBUTING.md matches the checkers' rules."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_contributing_rule_table_is_up_to_date():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_rules_doc.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
