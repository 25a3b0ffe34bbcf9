"""Generators: pages and tables written from data (``kb gen``).

Each generator module has ``main(argv)`` taking ``--check`` (exit 1 when its committed output
differs from a fresh run, i.e. the regenerate-and-diff gate). ``kb gen`` runs all of them;
``kb gen TARGET…`` only the named ones.
"""
from __future__ import annotations

import argparse
import importlib

#: target -> (module, what it writes)
GENERATORS: dict[str, tuple[str, str]] = {
    "flag-index": ("kbtools.gen.flag_index",
                   "docs/reference/flags/*.md (landing page + one per command group) from "
                   "data/docker-cli.json and "
                   "data/flag-descriptions.yml"),
    "glossary": ("kbtools.gen.glossary",
                 "docs/reference/glossary{,.en}.md from data/glossary.yml"),
    "rules": ("kbtools.gen.rules_doc", "the lint rule table in CONTRIBUTING.md"),
    "readme": ("kbtools.gen.readme", "the `kb --help` block in README.md"),
}


def first_difference(current: str | None, wanted: str) -> int:
    """1-based line of the first difference between a committed file and a fresh run (where a
    stale file's ``file:line`` points; 1 for a missing file)."""
    if current is None:
        return 1
    old, new = current.splitlines(), wanted.splitlines()
    return next((i + 1 for i, (a, b) in enumerate(zip(old, new)) if a != b),
                min(len(old), len(new)) + 1)


def stale(path, current: str | None, wanted: str, target: str) -> str:
    """The one shape of a "regenerate me" message: ``file:line: … run: kb gen TARGET``."""
    from kbtools.problems import display_path

    return (f"{display_path(path)}:{first_difference(current, wanted)}: out of date "
            f"(differs from a fresh run from here); run: kb gen {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kb gen", description=__doc__.splitlines()[0],
        epilog="targets: " + "; ".join(f"{name}: {what}" for name, (_, what) in GENERATORS.items()))
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help="what to generate (default: everything): " + ", ".join(GENERATORS))
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a generated file is out of date")
    args = parser.parse_args(argv)
    unknown = [name for name in args.targets if name not in GENERATORS]
    if unknown:
        parser.error(f"unknown target {unknown[0]!r} (choose from {', '.join(GENERATORS)})")
    status = 0
    for name in args.targets or GENERATORS:
        module = importlib.import_module(GENERATORS[name][0])
        status = max(status, module.main(["--check"] if args.check else []) or 0)
    return status
