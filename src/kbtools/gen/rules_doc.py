"""Write the rule table into CONTRIBUTING.md between <!-- rules:start --> and <!-- rules:end -->,
from the one rule registry (kbtools/rules.py): one section per family, each rule with its
severity, summary and fix. With --check, exit 1 (and say where) when the file is out of date."""
from __future__ import annotations

import argparse

from kbtools.gen.region import Region
from kbtools.paths import REPO_ROOT
from kbtools.rules import FAMILIES, RULES

REGION = Region(REPO_ROOT / "CONTRIBUTING.md", "<!-- rules:start -->\n", "<!-- rules:end -->",
                "rules")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen rules", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when CONTRIBUTING.md is out of date")
    return REGION.write(table(), parser.parse_args(argv).check)
