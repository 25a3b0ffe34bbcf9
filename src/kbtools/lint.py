"""Lint every page (or the given files) and print ``file:line: rule: message (hint)``.

Checks: front matter and tags, structure (heading ids, tables, markers), links and anchors,
unsafe HTML, hot-linked images, Chinese copywriting (autocorrect-py), zh/en parity, the Docker
CLI check (commands and flag tables against data/docker-cli.json) and translation status.
Exit status 1 when an error was found (warnings do not fail). Rule codes: CONTRIBUTING.md.

    kb lint            # all of docs/
    kb lint --fix      # first repair what needs no judgement, then lint
    kb lint --docs-dir tests/fixtures/bad/some-case

``--fix`` repairs in place, in this order: the preferred Chinese terms (KB181, data/terms.yml),
Chinese copywriting (KB180, autocorrect-py) and the English pages' code blocks and example
markers, copied from the Chinese page (KB203/KB204, the same repair as ``kb parity --fix``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kbtools.checks import check_page, fix_copywriting
from kbtools.cli_check import check_pages as check_cli
from kbtools.example_policy import check_page as check_example_policy
from kbtools.pages import load_pages, parse_page
from kbtools.parity import check_pairs, fix_pairs
from kbtools.paths import DATA_DIR, DOCS_DIR
from kbtools.problems import Problem, display_path
from kbtools.rules import RULES, selected
from kbtools.safety import build_problems
from kbtools.terms import fix_page as fix_terms

# the mechanical repairs of zh pages, in order: each works on the page the previous one wrote
ZH_FIXERS = (fix_terms, fix_copywriting)


def lint(docs_dir: Path, with_history: bool = True, data_dir: Path = DATA_DIR) -> list[Problem]:
    # files first: symlinks, SVGs, file types, page sizes and encodings, data files
    problems: list[Problem] = build_problems(docs_dir, data_dir)
    pages = load_pages(docs_dir)
    allow_file = data_dir / "example-policy-allow.yml"
    for page in pages:
        problems.extend(check_page(page, docs_dir))
        problems.extend(check_example_policy(page, allow_file))
    problems.extend(check_pairs(pages))
    problems.extend(check_cli(pages))
    if with_history:
        from kbtools.translation import check_translation_status
        problems.extend(check_translation_status(pages))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.rule, p.message))


def fix(docs_dir: Path) -> list[Path]:
    """Apply the mechanical repairs to every page in place; the files that changed."""
    changed: list[Path] = []
    for page in load_pages(docs_dir):
        for fixer in ZH_FIXERS:
            lines = fixer(page)
            if lines != page.lines:
                page.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
                page = parse_page(page.path, docs_dir)
                if page.path not in changed:
                    changed.append(page.path)
    changed += [path for path in fix_pairs(load_pages(docs_dir)) if path not in changed]
    return changed


def _codes(text: str) -> list[str]:
    codes = [code.strip().upper() for code in text.split(",") if code.strip()]
    unknown = [code for code in codes if not any(rule.startswith(code) for rule in RULES)]
    if unknown:
        raise argparse.ArgumentTypeError(f"no rule starts with {', '.join(unknown)}")
    return codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb lint", description=__doc__.splitlines()[0])
    parser.add_argument("--docs-dir", type=Path, default=DOCS_DIR, help="folder of pages")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help="folder of data files (tags, glossary, engine) to check")
    parser.add_argument("--no-history", action="store_true",
                        help="skip the git-based translation-status check")
    parser.add_argument("--fix", action="store_true",
                        help="first repair in place what needs no judgement (preferred terms, "
                             "Chinese copywriting, code blocks of English pages), then lint")
    parser.add_argument("--select", metavar="CODES", type=_codes,
                        help="report only these rules: codes or prefixes, comma-separated "
                             "(e.g. KB3,KB150); rules are listed in CONTRIBUTING.md")
    parser.add_argument("--ignore", metavar="CODES", type=_codes,
                        help="do not report these rules (codes or prefixes, comma-separated)")
    args = parser.parse_args(argv)
    if not args.docs_dir.is_dir():
        print(f"lint: {args.docs_dir} is not a folder", file=sys.stderr)
        return 2
    if args.fix:
        for path in fix(args.docs_dir):
            print(f"fixed {display_path(path)}")
    problems = [p for p in lint(args.docs_dir, with_history=not args.no_history,
                                data_dir=args.data_dir)
                if selected(p.rule, args.select, args.ignore)]
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    print(f"lint: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0

