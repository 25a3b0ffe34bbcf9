#!/usr/bin/env python3
"""Write the lint rule table into CONTRIBUTING.md between <!-- rules:start --> and
<!-- rules:end -->, from the RULES dicts of kbtools.checks and kbtools.cli_check.
With --check, exit 1 (and say so) when the file is not up to date instead of writing it."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kbtools.checks import RULES as PAGE_RULES  # noqa: E402
from kbtools.paths import REPO_ROOT  # noqa: E402

CONTRIBUTING = REPO_ROOT / "CONTRIBUTING.md"
BLOCK_RE = re.compile(r"(<!-- rules:start -->\n).*?(<!-- rules:end -->)", re.S)


def all_rules() -> dict[str, str]:
    rules = dict(PAGE_RULES)
    from kbtools.cli_check import RULES as CLI_RULES
    from kbtools.examples import RULES as EXAMPLE_RULES
    from kbtools.glossary import RULES as GLOSSARY_RULES
    from kbtools.datafiles import RULES as DATA_RULES
    from kbtools.safety import RULES as SAFETY_RULES
    from offline import RULES as OFFLINE_RULES
    for more in (CLI_RULES, EXAMPLE_RULES, GLOSSARY_RULES, OFFLINE_RULES, DATA_RULES,
                 SAFETY_RULES):
        rules.update(more)
    return dict(sorted(rules.items()))


def render(text: str) -> str:
    rows = ["| rule | meaning |", "| --- | --- |"]
    rows += [f"| {code} | {meaning.replace('|', '/')} |" for code, meaning in all_rules().items()]
    return BLOCK_RE.sub(lambda m: m.group(1) + "\n".join(rows) + "\n" + m.group(2), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    current = CONTRIBUTING.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if wanted != current:
            print("CONTRIBUTING.md rule table is out of date: run scripts/gen_rules_doc.py")
            return 1
        return 0
    CONTRIBUTING.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
