"""Write the rule table into CONTRIBUTING.md between <!-- rules:start --> and <!-- rules:end -->,
from the one rule registry (kbtools/rules.py): one section per family, each rule with its
severity, summary and fix. With --check, exit 1 (and say where) when the file is out of date."""
from __future__ import annotations

import argparse
import re

from kbtools.paths import REPO_ROOT
from kbtools.rules import FAMILIES, RULES

CONTRIBUTING = REPO_ROOT / "CONTRIBUTING.md"
BLOCK_RE = re.compile(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table() -> str:
    parts = []
    for family in FAMILIES:
        rules = [rule for code, rule in RULES.items() if code.startswith(family.prefix)]
        parts.append(f"**{family.prefix}xx — {family.about}**\n\n"
                     "| code | severity | what is wrong | how to fix it |\n| --- | --- | --- | --- |\n"
                     + "".join(f"| {r.code} | {r.severity} | {_cell(r.summary)} | {_cell(r.fix)} |\n"
                               for r in rules))
    return "\n".join(parts)


def render(text: str) -> str:
    return BLOCK_RE.sub(lambda m: m.group(1) + table() + m.group(2), text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen rules", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when CONTRIBUTING.md is out of date")
    args = parser.parse_args(argv)
    current = CONTRIBUTING.read_text(encoding="utf-8")
    match = BLOCK_RE.search(current)
    if not match:
        print("CONTRIBUTING.md:1: the <!-- rules:start --> ... <!-- rules:end --> block is missing")
        return 1
    wanted = render(current)
    if wanted == current:
        return 0
    if args.check:
        line = current[:match.start()].count("\n") + 1
        print(f"CONTRIBUTING.md:{line}: the rule table is out of date: run kb gen rules")
        return 1
    CONTRIBUTING.write_text(wanted, encoding="utf-8")
    print("wrote CONTRIBUTING.md")
    return 0
