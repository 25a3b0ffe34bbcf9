"""The daemon.json snippets that pages show, checked the way the daemon would read them.

A ``json`` code block whose fence carries ``title="daemon.json"`` is a configuration the page
recommends: it must pass ``dockerd --validate --config-file`` (Docker Engine 23 and later; needs
only the dockerd binary, no running daemon) and the checks below. A ``json`` block on the same
pages without that title is a counter-example from a "common mistakes" section: it must FAIL one
of the two, so that what the page calls wrong really is wrong.

``dockerd --validate`` has blind spots (verified on Engine 26.1): a key spelt like the
command-line flag (``registry-mirror`` instead of ``registry-mirrors``) is accepted and then
silently ignored, and a mirror without ``https://`` passes validation but stops the daemon from
starting. :func:`known_pitfalls` catches those.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kbtools.pages import CodeBlock, Page

TITLE = 'title="daemon.json"'
#: flag spellings that dockerd accepts as keys and then ignores -> the key it reads
FLAG_SPELLINGS = {
    "registry-mirror": "registry-mirrors", "insecure-registry": "insecure-registries",
    "log-opt": "log-opts", "storage-opt": "storage-opts", "exec-opt": "exec-opts",
    "label": "labels", "host": "hosts", "dns-opt": "dns-opts", "default-ulimit": "default-ulimits",
    "add-runtime": "runtimes",
}


@dataclass
class Snippet:
    page: Page
    block: CodeBlock

    @property
    def recommended(self) -> bool:
        return TITLE in self.block.info

    @property
    def text(self) -> str:
        return "\n".join(self.block.lines) + "\n"

    @property
    def where(self) -> str:
        return f"{self.page.display}:{self.block.line}"


def snippets(pages: list[Page], section: str = "install/") -> list[Snippet]:
    """The json blocks of the pages under ``section`` (the pages that show daemon.json)."""
    return [Snippet(page, block) for page in pages if page.rel.startswith(section)
            for block in page.code_blocks if block.lang == "json"]


def known_pitfalls(text: str) -> list[str]:
    """Mistakes dockerd --validate lets through (empty when the text is not a JSON object)."""
    try:
        config = json.loads(text)
    except ValueError:
        return []
    if not isinstance(config, dict):
        return []
    problems = [f"'{key}' is the command-line flag's name: dockerd accepts it in daemon.json "
                f"and ignores it; the key is '{FLAG_SPELLINGS[key]}'"
                for key in config if key in FLAG_SPELLINGS]
    for mirror in config.get("registry-mirrors") or []:
        if isinstance(mirror, str) and not mirror.startswith(("https://", "http://")):
            problems.append(f"registry mirror '{mirror}' has no https:// (the daemon refuses "
                            "to start: unsupported scheme)")
    return problems


def dockerd_binary() -> str | None:
    return shutil.which("dockerd") or next(
        (p for p in ("/usr/sbin/dockerd", "/usr/bin/dockerd") if Path(p).exists()), None)


def dockerd_validate(text: str, dockerd: str) -> tuple[bool, str]:
    """(accepted, dockerd's message) for a daemon.json text; nothing is started."""
    with tempfile.TemporaryDirectory(prefix="kb-daemon-json-") as folder:
        path = Path(folder) / "daemon.json"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run([dockerd, "--validate", "--config-file", str(path)],
                                capture_output=True, text=True, timeout=60)
    message = (result.stdout + result.stderr).strip().replace(str(path), "daemon.json")
    return result.returncode == 0, message


def check(snippet: Snippet, dockerd: str) -> str | None:
    """Why the snippet is a problem on its page, or None."""
    accepted, message = dockerd_validate(snippet.text, dockerd)
    pitfalls = known_pitfalls(snippet.text)
    if snippet.recommended:
        if not accepted:
            return (f"{snippet.where}: dockerd --validate rejects this daemon.json: {message} "
                    "(fix the JSON, or drop the title if it is a counter-example)")
        if pitfalls:
            return f"{snippet.where}: {'; '.join(pitfalls)}"
        return None
    if accepted and not pitfalls:
        return (f"{snippet.where}: this json block has no {TITLE} but is a valid daemon.json "
                "without known pitfalls: a counter-example must be wrong (add the title if "
                "the page recommends it)")
    return None
