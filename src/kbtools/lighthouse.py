"""Lighthouse audits of the built site, for the benchmark (``kb bench --lighthouse``; issue 13).

Lighthouse 12.2.3 comes from npm, pinned in package.json / package-lock.json and installed with
``npm ci`` (``ensure_lighthouse``); it drives Debian's Chromium (CHROME_PATH), headless, with
``--no-sandbox``. The site is served on 127.0.0.1 under its base path (kbtools/browser.py). Each
page is audited RUNS times per form factor (mobile: Lighthouse's default emulation and simulated
throttling; desktop: its desktop preset) and the median of each category is printed with the
spread (min–max). Figures only: nothing here asserts.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from kbtools.browser import find_chromium, serve_site
from kbtools.paths import REPO_ROOT

# reference/flags/: the flag index's landing page; its largest table page is the containers group
PAGES = ["", "containers/run/", "en/resources/memory/", "reference/flags/",
         "reference/flags/containers/"]
CATEGORIES = ["accessibility", "best-practices", "seo", "performance"]
FORM_FACTORS = ["mobile", "desktop"]
RUNS = 3
LIGHTHOUSE = REPO_ROOT / "node_modules" / ".bin" / "lighthouse"


def ensure_lighthouse() -> Path:
    """node_modules/.bin/lighthouse, installed from the lock file when missing."""
    if not LIGHTHOUSE.exists():
        if shutil.which("npm") is None:
            raise SystemExit("lighthouse: npm is missing (apt-get install -y npm), then run npm ci")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO_ROOT, check=True)
    return LIGHTHOUSE


def audit(url: str, form_factor: str, chromium: str) -> dict[str, float]:
    """Scores (0–100) of one Lighthouse run."""
    with tempfile.TemporaryDirectory(prefix="kb-lighthouse-") as profile:
        command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
                   "--only-categories=" + ",".join(CATEGORIES),
                   f"--chrome-flags=--headless=new --no-sandbox --disable-gpu "
                   f"--user-data-dir={profile}"]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                                env=dict(os.environ, CHROME_PATH=chromium))
    if result.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url} ({form_factor}):\n{result.stderr[-1500:]}")
    report = json.loads(result.stdout)
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def run(site_dir: Path, pages: list[str] = PAGES, runs: int = RUNS) -> list[str]:
    """One line per page and form factor: median and spread of each category."""
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("lighthouse: chromium is missing (apt-get install -y chromium)")
    ensure_lighthouse()
    lines = []
    with serve_site(site_dir) as base:
        for form_factor in FORM_FACTORS:
            for page in pages:
                scores = [audit(base + page, form_factor, chromium) for _ in range(runs)]
                figures = []
                for name in CATEGORIES:
                    values = [s[name] for s in scores]
                    figures.append(f"{name} {statistics.median(values):.0f} "
                                   f"({min(values)}–{max(values)})")
                lines.append(f"lighthouse {form_factor:7} /{page or ''}: " + ", ".join(figures))
    return lines
