"""Write the output of ``kb --help`` into README.md between <!-- kb-help:start --> and
<!-- kb-help:end -->, so the README's list of tasks is the command's own. With --check, exit 1
when the README differs from a fresh run."""
from __future__ import annotations

import argparse
import re

from kbtools.cli import help_text
from kbtools.paths import REPO_ROOT

README = REPO_ROOT / "README.md"
BLOCK_RE = re.compile(r"(<!-- kb-help:start -->\n```text\n).*?(```\n<!-- kb-help:end -->)", re.S)


def render(text: str) -> str:
    return BLOCK_RE.sub(lambda m: m.group(1) + help_text() + m.group(2), text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen readme", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when README.md is out of date")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    if not BLOCK_RE.search(current):
        print("README.md:1: the <!-- kb-help:start --> ... <!-- kb-help:end --> block is missing")
        return 1
    wanted = render(current)
    if wanted == current:
        return 0
    if args.check:
        line = current[:BLOCK_RE.search(current).start()].count("\n") + 1
        print(f"README.md:{line}: the kb --help block is out of date: run kb gen readme")
        return 1
    README.write_text(wanted, encoding="utf-8")
    print("wrote README.md")
    return 0
