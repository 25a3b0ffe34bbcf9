"""``kb serve``: the site preview for contributors, fast to start and to reload.

By default the preview leaves out what only the published site needs and what costs time on
every rebuild: the git look-ups (last-updated dates, translation status) and the glossary
tooltips (options of the ``kb`` plugin, switched by environment variables in mkdocs.yml), and it
rebuilds only what changed (``mkdocs serve --dirty``). ``--lang zh`` builds the Chinese site only;
``--full`` serves exactly what is published.

The same module measures the preview for ``kb bench``: time from a fresh clone to the first
page, and from saving a page to the page showing the change.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from kbtools.paths import REPO_ROOT, site_base_path

#: plugin options the preview switches off (see the kb plugin's entries in mkdocs.yml)
PREVIEW_ENV = {"KB_GIT_DATES": "false", "KB_TOOLTIPS": "false"}


def serve_command(lang: str = "all", full: bool = False, dev_addr: str = "127.0.0.1:8000",
                  dirty: bool = True) -> tuple[list[str], dict[str, str]]:
    """The mkdocs command line and environment of a preview."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if not full:
        env.update(PREVIEW_ENV)
    if lang == "zh":
        env["KB_BUILD_EN"] = "false"
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", dev_addr]
    if dirty and not full:
        command += ["--dirty", "--no-strict"]   # a dirty build always warns
    return command, env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb serve", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=["all", "zh"], default="all",
                        help="build both languages (default) or the Chinese site only")
    parser.add_argument("--full", action="store_true",
                        help="serve exactly the published site (git dates, tooltips, full "
                             "rebuilds): slower")
    parser.add_argument("--dev-addr", default=os.environ.get("KB_ADDR", "127.0.0.1:8000"),
                        help="address to serve on (default 127.0.0.1:8000, or $KB_ADDR)")
    args = parser.parse_args(argv)
    command, env = serve_command(args.lang, args.full, args.dev_addr)
    mode = "full site" if args.full else "preview (no git dates, no tooltips; --full for all)"
    print(f"kb serve: {mode}: http://{args.dev_addr}{site_base_path()}", file=sys.stderr)
    os.execvpe(command[0], command, env)
    return 0   # not reached


# -- measuring the preview (kb bench) ------------------------------------------------------------

def free_address() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def _page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, wanted: str | None, limit: float, process: subprocess.Popen) -> float:
    """Seconds until ``url`` answers (and contains ``wanted``); raises when it never does."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode})")
        text = _page(url)
        if text is not None and (wanted is None or wanted in text):
            return time.perf_counter() - start
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not show {'the page' if wanted is None else wanted!r} "
                       f"within {limit:.0f} s")


def measure_preview(project: Path, command: list[str], env: dict[str, str], address: str,
                    page: str = "docs/basics/what-is-a-container.md",
                    limit: float = 600.0) -> tuple[float, float]:
    """(seconds from starting ``command`` in ``project`` to the first page,
    seconds from saving ``page`` to the served page showing the change)."""
    base = f"http://{address}{site_base_path()}"
    source = project / page
    original = source.read_text(encoding="utf-8")
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        first = wait_for(base, None, limit, process)
        marker = f"kb-bench-{time.time_ns()}"
        edited = original.rstrip("\n") + f"\n\n{marker}\n"
        url = base + page.removeprefix("docs/").removesuffix(".md") + "/"
        wait_for(url, None, limit, process)
        time.sleep(1.0)                      # let the watcher settle after the first build
        source.write_text(edited, encoding="utf-8")
        reload = wait_for(url, marker, limit, process)
        return first, reload
    finally:
        source.write_text(original, encoding="utf-8")
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fresh_clone_preview(limit: float = 900.0) -> tuple[float, float]:
    """A fresh clone of this repository (its committed HEAD), no .venv: the README's serve
    command from nothing to the first page, then one saved edit to its reload."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-clone-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
        address = free_address()
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if not p.startswith(str(REPO_ROOT)))
        try:
            return measure_preview(clone, ["scripts/serve", "--dev-addr", address], env,
                                   address, limit=limit)
        finally:
            shutil.rmtree(clone, ignore_errors=True)
