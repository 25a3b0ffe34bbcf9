#!/usr/bin/env python3
"""Lint every page (or the given files) and print ``file:line: rule: message (hint)``.

Checks: front matter and tags, structure (heading ids, tables, markers), links and anchors,
unsafe HTML, hot-linked images, Chinese copywriting (autocorrect-py), zh/en parity, the Docker
CLI check (commands and flag tables against data/docker-cli.json) and translation status.
Exit status 1 when an error was found (warnings do not fail). Rule codes: CONTRIBUTING.md.

    .venv/bin/python scripts/lint.py            # all of docs/
    .venv/bin/python scripts/lint.py --docs-dir tests/fixtures/bad/some-case
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kbtools.checks import check_page, check_parity  # noqa: E402
from kbtools.pages import load_pages  # noqa: E402
from kbtools.paths import DATA_DIR, DOCS_DIR  # noqa: E402
from kbtools.safety import build_problems  # noqa: E402
from kbtools.problems import Problem  # noqa: E402


def lint(docs_dir: Path, with_history: bool = True, data_dir: Path = DATA_DIR) -> list[Problem]:
    # files first: symlinks, SVGs, file types, page sizes and encodings, data files
    problems: list[Problem] = build_problems(docs_dir, data_dir)
    pages = load_pages(docs_dir)
    for page in pages:
        problems.extend(check_page(page, docs_dir))
    problems.extend(check_parity(pages))
    try:
        from kbtools.cli_check import check_pages as check_cli
    except ImportError:  # the CLI check is optional only while it is being written
        check_cli = None
    if check_cli is not None:
        problems.extend(check_cli(pages))
    if with_history:
        from kbtools.translation import check_translation_status
        problems.extend(check_translation_status(pages))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.rule, p.message))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs-dir", type=Path, default=DOCS_DIR, help="folder of pages")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help="folder of data files (tags, glossary, engine) to check")
    parser.add_argument("--no-history", action="store_true",
                        help="skip the git-based translation-status check")
    args = parser.parse_args(argv)
    if not args.docs_dir.is_dir():
        print(f"lint: {args.docs_dir} is not a folder", file=sys.stderr)
        return 2
    problems = lint(args.docs_dir, with_history=not args.no_history, data_dir=args.data_dir)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    print(f"lint: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
