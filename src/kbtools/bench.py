"""Benchmark (issues 7 and 16): prints figures, asserts nothing.

1. the strict bilingual build, run --runs times: min / median / max seconds;
2. page weight: heaviest page and the median page (gzip bytes of a first visit);
3. scaling: copies the project to a temporary folder, adds synthetic page pairs (10x and 100x
   today's page count, each a real page with its sections shuffled) and prints build time and
   ms per page;
4. search at 1x, 10x and 100x pages (--search-scales; needs Chromium): the first query's gzip
   bytes and time from focus to results (--runs runs), in Chromium, for a few queries of each
   language; the build's marginal cost per added page with the Pagefind search (now) and, up
   to 10x, with Material's lunr search plugin (before: same pages, mkdocs.yml switched back),
   and the lunr index a reader downloaded on every page (gzip);
5. test groups: how long each group of the suite takes (build, links, lint+CLI check, browser,
   engine) and the fast checks a contributor runs before every commit;
6. newcomer: a fresh clone (committed HEAD, no .venv) through the README's serve command to the
   first preview page, and one saved edit to the page showing it (kb serve's preview), --runs
   times each, with the machine's load average (a shared machine's figures vary with it);
7. Lighthouse 12 (kbtools/lighthouse.py, npm lock in package.json): accessibility, best
   practices, SEO and performance of the home, containers/run, en resources/memory and
   flag index pages (reference/flags/ and its containers group), mobile and desktop, median of
   --runs runs with the spread.

    kb bench              # everything
    kb bench --skip-tests --scales 10 --search-scales 1 10
    kb bench --lighthouse  # only the Lighthouse figures
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kbtools import lighthouse, pagefind_index
from kbtools.pages import load_pages
from kbtools.paths import REPO_ROOT
from kbtools.weight import gzip_size, page_weight

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
TEST_GROUPS = {      # the folders of tests/ say what each group needs
    "unit (Python only)": [*PYTEST, "tests/unit"],
    "site (one build)": [*PYTEST, "tests/site", "-m", "not browser and not engine"],
    "browser": [*PYTEST, "-m", "browser"],
    "engine": [*PYTEST, "-m", "engine"],
    # the README's command, as contributors run it (two processes: scripts/test)
    "fast checks (before every commit)": ["scripts/test", "-q", "-p", "no:cacheprovider",
                                          "-m", "not browser and not engine"],
}


def timed_build(project: Path, site_dir: Path, strict: bool = True) -> float:
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(site_dir)]
    if strict:
        command.append("--strict")
    start = time.perf_counter()
    result = subprocess.run(command, cwd=project, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"benchmark: build failed in {project}:\n{result.stderr[-2000:]}")
    return elapsed


def shuffled_sections(lines: list[str], seed: str) -> list[str]:
    """The page with its second-level sections in another order (the same for the same seed):
    what it says is the same, but where each word stands is not, as on a page of its own.
    Exact copies would make the index of a larger site look smaller than it is: their identical
    lists of word positions compress to almost nothing."""
    head, sections, fence = [], [], ""
    for line in lines:
        marker = line.lstrip()[:3]
        if marker in ("```", "~~~"):
            fence = "" if fence == marker else fence or marker
        if not fence and line.startswith("## "):
            sections.append([])
        (sections[-1] if sections else head).append(line)
    random.Random(seed).shuffle(sections)
    return head + [line for section in sections for line in section]


def synthetic_project(factor: int, workdir: Path) -> tuple[Path, int]:
    """A copy of the project with (factor - 1) extra copies of every content page pair, each
    copy with its sections shuffled (the zh and en page of a pair alike)."""
    project = workdir / f"x{factor}"
    shutil.copytree(REPO_ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", "offline", "__pycache__", ".pytest_cache", "node_modules"))
    pages = [p for p in load_pages(project / "docs") if "/" in p.key and not p.key.startswith("reference")]
    nav_lines = []
    for copy in range(1, factor):
        for page in pages:
            section, slug = page.key.split("/", 1)
            new_key = f"synthetic/{section}-{slug}-{copy}"
            target = project / "docs" / (new_key + (".en.md" if page.lang == "en" else ".md"))
            target.parent.mkdir(parents=True, exist_ok=True)
            # same folder depth as the original, so its relative links still resolve
            target.write_text("\n".join(shuffled_sections(page.lines, f"{page.key}/{copy}")),
                              encoding="utf-8")
            if page.lang == "zh":
                nav_lines.append(f"      - {new_key}.md")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    if nav_lines:
        config = config.rstrip("\n") + "\n  - Synthetic:\n" + "\n".join(nav_lines) + "\n"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    total = len(load_pages(project / "docs"))
    return project, total


# Material's search plugin as the site had it before issue 16: the "before" of the search figures.
LUNR_PLUGIN = """  - search:
      lang: en
      separator: '[\\s\\u200b\\u3000\\-=,.:;!?()\\[\\]{}<>"''/|、。，．？！；：（）《》“”‘’]+'
      pipeline: [stopWordFilter]
      fields:
        title: {boost: 1000}
        text: {boost: 1}
        tags: {boost: 1000}
"""
SEARCH_QUERIES = [("", "--memory-swap"), ("", "容器"), ("", "交换分区"),
                  ("en/", "--memory-swap"), ("en/", "container"), ("en/", "docker")]


def with_lunr_search(project: Path) -> None:
    """Switch a project copy back to Material's lunr search plugin (build cost only)."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("plugins:\n", "plugins:\n" + LUNR_PLUGIN, 1)
    config = config.replace("  - kb:\n", "  - kb:\n      search_index: false\n", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")


def spread(values: list[float], unit: str, scale: float = 1.0) -> str:
    return (f"median {statistics.median(values) * scale:.{2 if unit == 's' else 1}f} {unit} "
            f"(min {min(values) * scale:.2f}, max {max(values) * scale:.2f})")


# The lunr build ("before") is timed up to this factor: at 100x it takes longer than a run may.
LUNR_MAX_FACTOR = 10


def search_scaling(factors: list[int], work: Path, compare_lunr: bool, runs: int) -> None:
    from kbtools.browser import chromium, find_chromium, serve_site
    from kbtools.searchcost import first_query

    if find_chromium() is None:
        print("search figures: skipped (no Chromium: apt-get install -y chromium)")
        return
    builds: dict[str, dict[int, tuple[float, int]]] = {"pagefind": {}, "lunr": {}}
    for factor in factors:
        project, total = synthetic_project(factor, work)
        site = work / f"search-x{factor}"
        builds["pagefind"][factor] = (timed_build(project, site, strict=False), total)
        with serve_site(site) as base, chromium() as browser:
            sizes, times, parts = [], [], []
            for path, query in SEARCH_QUERIES:
                for _ in range(runs):      # bytes are the same each run; times are not
                    _, searched = first_query(browser, base + path, query)
                    times.append(searched.seconds)
                sizes.append(searched.bytes / 1024)
                parts.append(" + ".join(f"{kind} {size / 1024:.1f}"
                                        for kind, size in sorted(searched.by_kind.items())))
        print(f"search x{factor} ({total} pages), first query of {len(SEARCH_QUERIES)} "
              f"(zh + en): {spread(sizes, 'KB')} gzip; focus to results, {runs} runs each: "
              f"{spread(times, 's')}")
        for (path, query), size, part in zip(SEARCH_QUERIES, sizes, parts):
            print(f"  {'en' if path else 'zh'} {query}: {size:.1f} KB = {part}")
        print("  index: " + "; ".join(pagefind_index.summary(site / "pagefind")))
        shutil.rmtree(site)
        if compare_lunr and factor <= LUNR_MAX_FACTOR:
            with_lunr_search(project)
            lunr_site = work / f"lunr-x{factor}"
            builds["lunr"][factor] = (timed_build(project, lunr_site, strict=False), total)
            index = gzip_size(lunr_site / "search" / "search_index.json")
            print(f"  before (lunr) x{factor}: the index every page load fetched: "
                  f"{index / 1024:.1f} KB gzip (both languages)")
            shutil.rmtree(lunr_site)
        shutil.rmtree(project)
    for name, runs in builds.items():
        base_time, base_pages = runs.get(1, (None, None))
        for factor, (elapsed, pages) in sorted(runs.items()):
            if factor == 1 or base_time is None:
                continue
            marginal = (elapsed - base_time) / (pages - base_pages) * 1000
            print(f"build marginal cost with {name} search, x1 -> x{factor}: "
                  f"{marginal:.1f} ms per added page ({elapsed:.1f} s for {pages} pages)")


def lighthouse_figures(runs: int) -> int:
    """Build once, then only the Lighthouse audits (kbtools/lighthouse.py)."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        site = Path(tmp) / "site"
        timed_build(REPO_ROOT, site)
        for line in lighthouse.run(site, runs=runs):
            print(line, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", type=int, nargs="*", default=[10, 100])
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--search-scales", type=int, nargs="*", default=[1, 10, 100],
                        help="page-count factors for the search figures (none: skip them)")
    parser.add_argument("--no-lunr", action="store_true",
                        help="skip the builds with Material's lunr search (the 'before' figures)")
    parser.add_argument("--lighthouse", action="store_true",
                        help="only the Lighthouse audits (4 pages, mobile + desktop, median of 3)")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-newcomer", action="store_true")
    parser.add_argument("--only-newcomer", action="store_true",
                        help="only the fresh-clone preview figures (section 6)")
    args = parser.parse_args(argv)
    if args.lighthouse:
        return lighthouse_figures(args.runs)

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
          + " ".join(f"{load:.1f}" for load in os.getloadavg()))
    if args.only_newcomer:
        newcomer(args.runs)
        return 0
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        work = Path(tmp)
        times = [timed_build(REPO_ROOT, work / f"site{i}") for i in range(args.runs)]
        page_count = len(load_pages())
        print(f"build --strict, {page_count} pages (zh+en), {args.runs} runs: "
              f"min {min(times):.2f} s, median {statistics.median(times):.2f} s, max {max(times):.2f} s")

        site = work / "site0"
        if not args.skip_lighthouse:
            for line in lighthouse.run(site, runs=args.runs):
                print(line)
        weights = sorted((page_weight(site, h)[0], h) for h in site.rglob("index.html"))
        heaviest = weights[-1]
        print(f"page weight (gzip, first visit, search index excluded): heaviest "
              f"{heaviest[0] / 1024:.1f} KB ({heaviest[1].relative_to(site)}), median "
              f"{statistics.median(w for w, _ in weights) / 1024:.1f} KB, budget 100 KB")

        base = statistics.median(times)
        for factor in args.scales:
            project, total = synthetic_project(factor, work)
            elapsed = timed_build(project, work / f"site-x{factor}", strict=False)
            marginal = (elapsed - base) / max(total - page_count, 1) * 1000
            print(f"scaling x{factor}: {total} pages built in {elapsed:.1f} s = "
                  f"{elapsed / total * 1000:.1f} ms/page; marginal {marginal:.1f} ms per added page")
            shutil.rmtree(project)

        if args.search_scales:
            search_scaling(sorted(set(args.search_scales) | {1}), work,
                           compare_lunr=not args.no_lunr, runs=args.runs)

    if not args.skip_tests:
        for name, command in TEST_GROUPS.items():
            start = time.perf_counter()
            result = subprocess.run(command, cwd=REPO_ROOT, env=ENV, capture_output=True,
                                    text=True)
            last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
            print(f"tests [{name}]: {time.perf_counter() - start:.1f} s — {last}")
    if not args.skip_newcomer:
        newcomer(args.runs)
    return 0


def newcomer(runs: int) -> None:
    from kbtools.preview import fresh_clone_preview

    first, reload = [], []
    for _ in range(runs):
        a, b = fresh_clone_preview()
        first.append(a)
        reload.append(b)
    print(f"newcomer, {runs} run(s): fresh clone -> first preview page (scripts/serve, site set "
          f"only, pip's cache warm): {_spread(first)}; save -> page shows the edit: "
          f"{_spread(reload)}; load average now "
          + " ".join(f"{load:.1f}" for load in os.getloadavg()))


def _spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.1f} s"
    return (f"min {min(values):.1f} s, median {statistics.median(values):.1f} s, "
            f"max {max(values):.1f} s")

