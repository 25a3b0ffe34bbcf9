"""Shared pytest fixtures: the site is built ONCE per test run (session fixture) and every test
that needs HTML reads that build. Tests that need the Docker engine or a browser are marked
``engine`` / ``browser``; ``require(condition, how_to_enable)`` makes them FAIL in CI (CI=true)
and skip with a one-line reason elsewhere.

Fast checks only:  pytest -m "not browser and not engine"
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Tests import the installed package (src/kbtools, installed editable by scripts/bootstrap.sh);
# the site build needs its MkDocs plugin registered. Say how to fix a stale venv, once.
_entry = __import__("importlib.metadata", fromlist=["entry_points"]).entry_points(
    group="mkdocs.plugins", name="kb")
if not _entry:
    pytest.exit("the kbtools package (and its MkDocs plugin kb) is not installed in this Python: "
                "run scripts/bootstrap.sh test (scripts/test does it)", returncode=4)

from kbtools import dockerclient  # noqa: E402

# Every `docker` a test starts is the project's client (Debian's docker-cli), not the first on PATH.
dockerclient.use_project_client()


def require(condition: bool, what: str, how_to_enable: str) -> None:
    """Fail in CI, skip elsewhere, when a needed tool (engine, browser) is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but missing: {how_to_enable}")
    pytest.skip(f"{what} not available; to enable: {how_to_enable}")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build the bilingual site once with --strict; returns the site directory."""
    site_dir = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=REPO_ROOT, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        pytest.fail("mkdocs build --strict failed:\n" + result.stdout + result.stderr)
    site_dir.joinpath(".build-log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return site_dir


@pytest.fixture(scope="session")
def site_in_browser(built_site: Path):
    """(base URL, Browser): the built site served on 127.0.0.1 under its base path, and one
    headless Debian Chromium for the whole run (browser tests share it)."""
    from kbtools.browser import chromium, find_chromium, playwright_available, serve_site

    require(find_chromium() is not None and playwright_available(),
            "Chromium + Playwright", "apt-get install -y chromium (Playwright: pip install -r "
            "requirements/dev.txt; never 'playwright install')")
    with serve_site(built_site) as base_url, chromium() as browser:
        yield base_url, browser


@pytest.fixture
def open_page(site_in_browser):
    """``open_page(**context_options) -> (base URL, page)``: a new page in a browser context of
    its own (viewport, permissions, ...); every context the test opened is closed after it,
    whether it passed or failed."""
    base_url, browser = site_in_browser
    contexts = []

    def open_(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return base_url, context.new_page()

    yield open_
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (the fast checks run on two processes), every test that needs the built
    site runs in one process (``--dist loadgroup``), so the site is built once per run there too."""
    for item in items:
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("site"))
