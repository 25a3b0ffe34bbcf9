"""The one rule registry (kbtools/rules.py): every code the package uses is declared there and
every declared code is used, family by family; problems take their severity from it; the lint's
--select/--ignore filter by it."""
import re
from pathlib import Path

import pytest

import kbtools
from kbtools.lint import main as lint_main
from kbtools.problems import Problem
from kbtools.rules import FAMILIES, RULES, selected

PACKAGE = Path(kbtools.__file__).parent
FIXTURES = Path(__file__).parents[1] / "fixtures"


def used_codes() -> dict[str, set[str]]:
    """code -> files of the package that name it (rules.py, the declaration, excluded)."""
    used: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "rules.py":
            continue
        for code in re.findall(r"""["'](KB\d{3})["']""", path.read_text(encoding="utf-8")):
            used.setdefault(code, set()).add(path.relative_to(PACKAGE).as_posix())
    return used


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.prefix)
def test_rules_used_are_the_rules_declared(family):
    used = {code for code in used_codes() if code.startswith(family.prefix)}
    declared = {code for code in RULES if code.startswith(family.prefix)}
    assert used - declared == set(), f"used but not declared in rules.py: {used - declared}"
    assert declared - used == set(), f"declared but never reported: {declared - used}"


def test_every_code_belongs_to_a_family_and_says_what_and_how():
    for code, rule in RULES.items():
        assert any(code.startswith(f.prefix) for f in FAMILIES), code
        assert rule.severity in ("error", "warning"), code
        assert len(rule.summary) > 15 and len(rule.fix) > 10, code


def test_problem_takes_the_declared_severity_and_refuses_unknown_codes():
    assert Problem("a.md", 1, "KB205", "older").severity == "warning"
    assert Problem("a.md", 1, "KB150", "broken link").severity == "error"
    with pytest.raises(KeyError, match="KB999"):
        Problem("a.md", 1, "KB999", "no such rule")


def test_select_and_ignore_take_codes_and_prefixes():
    assert selected("KB301", ["KB3"], None) and not selected("KB150", ["KB3"], None)
    assert not selected("KB205", None, ["KB205"]) and selected("KB204", None, ["KB205"])


def test_lint_select_reports_only_the_selected_rules(capsys):
    bad = FIXTURES / "bad" / "broken-link" / "docs"
    assert lint_main(["--no-history", "--docs-dir", str(bad), "--select", "KB150"]) == 1
    out = capsys.readouterr().out
    assert "KB150" in out and all(": KB150:" in line for line in out.splitlines() if ": KB" in line)
    assert lint_main(["--no-history", "--docs-dir", str(bad), "--ignore", "KB15"]) == 0
