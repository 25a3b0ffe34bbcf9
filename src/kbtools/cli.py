"""``kb``: the one command of the knowledge base's tooling.

Each task is a subcommand whose module has ``main(argv) -> int`` with its own argparse parser
(``kb TASK --help``). Modules are imported only when their task runs, so ``kb --help`` is fast.
"""
from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module with main(argv), one-line summary shown by ``kb --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("kbtools.preview",
              "preview the site while you edit (fast mode; --full: exactly the published site)"),
    "lint": ("kbtools.lint",
             "lint every page (or one folder): file:line: rule: message (hint)"),
    "gen": ("kbtools.gen",
            "regenerate the generated pages and tables (--check: exit 1 when one is stale)"),
    "examples": ("kbtools.examples.command",
                 "run the pages' runnable examples on the engine (--update: record their output)"),
    "parity": ("kbtools.parity",
               "check zh/en parity (--fix: copy changed code blocks and example output into en)"),
    "images": ("kbtools.examples.images",
               "build the local images the examples use (no registry needed)"),
    "snapshot": ("kbtools.snapshot",
                 "regenerate data/docker-cli.json from the installed Docker client"),
    "new-page": ("kbtools.new_page",
                 "create a zh + en page pair and add it to the nav"),
    "offline": ("kbtools.offline",
                "offline edition: one-page HTML and PDF per language"),
    "bench": ("kbtools.bench",
              "print build time, page weight and test timings (asserts nothing)"),
    "python-image": ("kbtools.python_image",
                     "build a local stand-in for python:3.11-slim (the hosting test uses it)"),
}


def _fixed_width(prog: str) -> argparse.HelpFormatter:
    """The same layout on every terminal (the README shows this help, checked by kb gen)."""
    return argparse.HelpFormatter(prog, width=100, max_help_position=20)


def help_text() -> str:
    return parser().format_help()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="kb", formatter_class=_fixed_width, description="Tooling of the Docker Basics knowledge base. "
        "Run `kb TASK --help` for the options of a task.")
    tasks = top.add_subparsers(title="tasks", metavar="TASK")
    for name, (_, summary) in COMMANDS.items():
        tasks.add_parser(name, help=summary, add_help=False)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        top = parser()
        if argv and argv[0] not in ("-h", "--help"):
            top.print_usage(sys.stderr)
            print(f"kb: error: unknown task {argv[0]!r} (choose from {', '.join(COMMANDS)})",
                  file=sys.stderr)
            return 2
        top.print_help()
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    module = importlib.import_module(COMMANDS[name][0])
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
