"""Write the output of ``kb --help`` into README.md between <!-- kb-help:start --> and
<!-- kb-help:end -->, so the README's list of tasks is the command's own. With --check, exit 1
when the README differs from a fresh run."""
from __future__ import annotations

import argparse

from kbtools.cli import help_text
from kbtools.gen.region import Region
from kbtools.paths import REPO_ROOT

REGION = Region(REPO_ROOT / "README.md", "<!-- kb-help:start -->\n```text\n",
                "```\n<!-- kb-help:end -->", "readme")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb gen readme", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when README.md is out of date")
    return REGION.write(help_text(), parser.parse_args(argv).check)
