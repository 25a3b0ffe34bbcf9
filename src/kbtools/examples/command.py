"""Run the runnable examples of the pages on the Docker Engine and compare the output.

    kb examples                          # every page with examples
    kb examples docs/resources/memory.md # one page (zh or en file, same run)
    kb examples --update docs/x/y.md     # write the engine's output into
                                                            # the zh and en files of the page

Prints a ``file:line: rule: message (hint)`` problem for every example whose output differs
(with a diff), then ``N examples ran, M skipped (reasons)``; exits 1 when a problem was found,
2 when no engine answers or the CLI snapshot cannot be read. ``--update`` also records the
engine and client versions in data/verified-engine.yml, which the site shows on every page with
examples.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import os
from pathlib import Path

import yaml

from kbtools import dockerclient
from kbtools.examples.images import ensure_images
from kbtools.examples import (DEFAULT_TIMEOUT, ExampleRunner, cli_snapshot_error,
                              engine_answers, engine_versions, update_pages)
from kbtools.local_registry import RegistryError, local_registry, pages_need_registry
from kbtools.pages import load_pages, page_key_and_lang
from kbtools.paths import DOCS_DIR, VERIFIED_ENGINE
from kbtools.problems import display_path


def select_pages(arguments: list[str]):
    """All pages, or the zh+en files of the pages named on the command line."""
    pages = load_pages()
    if not arguments:
        return pages, []
    wanted, unknown = set(), []
    for argument in arguments:
        path = Path(argument).resolve()
        try:
            rel = path.relative_to(DOCS_DIR.resolve()).as_posix()
        except ValueError:
            rel = argument
        if not rel.endswith(".md"):
            rel += ".md"
        key = page_key_and_lang(rel)[0]
        if not any(page.key == key for page in pages):
            unknown.append(argument)
        wanted.add(key)
    return [page for page in pages if page.key in wanted], unknown


def write_verified_engine(path: Path = VERIFIED_ENGINE, docker: str = "docker") -> dict:
    """Record the engine and client versions the pages' output comes from."""
    data = engine_versions(docker)
    data.update(dockerclient.plugin_versions(docker))      # BuildKit (buildx) and Compose
    data["verified_on"] = datetime.date.today().isoformat()
    path.write_text("# Written by kb examples --update: the Docker Engine the "
                    "examples'\n# output was last taken from. The site shows it on every page "
                    "with examples.\n"
                    + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb examples", description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="page files (zh or en); default: all pages")
    parser.add_argument("--update", action="store_true",
                        help="write the engine's output into both language files of each page")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per command (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--docker", default=None,
                        help="the docker client the examples call (default: the project's "
                             "client, Debian's /usr/bin/docker; KB_DOCKER overrides it)")
    args = parser.parse_args(argv)
    if args.docker:
        os.environ["KB_DOCKER"] = args.docker
    args.docker = dockerclient.use_project_client()

    pages, unknown = select_pages(args.pages)
    if unknown:
        print(f"run_examples: no such page: {', '.join(unknown)} (give files under docs/)")
        return 2
    unreadable = cli_snapshot_error()
    if unreadable:
        print(f"run_examples: {unreadable}")
        return 2
    if not engine_answers(args.docker):
        print("run_examples: no Docker Engine answers; run scripts/start-engine.sh as root")
        return 2
    try:
        for line in ensure_images(docker=args.docker):
            print(line)
    except RuntimeError as error:
        print(f"run_examples: {error}")
        return 2

    with contextlib.ExitStack() as stack:
        if pages_need_registry("\n".join(page.lines) for page in pages):
            try:
                stack.enter_context(local_registry())
            except RegistryError as error:
                print(f"run_examples: the pages push to the local test registry: {error}")
                return 2
        runner = stack.enter_context(ExampleRunner(timeout=args.timeout, docker=args.docker))
        report = runner.run_pages(pages)
        if args.update:
            for run in report.runs:
                for path in update_pages(run):
                    print(f"updated {display_path(path)}")
            data = write_verified_engine(docker=args.docker)
            print(f"wrote {display_path(VERIFIED_ENGINE)}: Docker Engine {data['engine_version']}"
                  f", client {data['client_version']}, {data['verified_on']}")
    for problem in report.all_problems:
        print(problem)
    print(report.summary())
    return 1 if report.all_problems else 0

