"""Read the source notes (notes/docker-basics.md, a copy of the study notes the site was made
from) and list every docker command and flag they mention, misspellings included, so that the
coverage test can prove nothing of the notes was lost (data/notes-coverage.yml maps each one)."""
from __future__ import annotations

import re
from pathlib import Path

from .paths import REPO_ROOT

NOTES_FILE = REPO_ROOT / "notes" / "docker-basics.md"
COMMAND_RE = re.compile(r"\b(docker|dcoker)\s+(container\s+ls|network\s+ls|[a-z]+)")
FLAG_RE = re.compile(r"(?<![\w/-])(--?[a-zA-Z][\w-]*)")


def notes_items(path: Path = NOTES_FILE) -> tuple[set[str], set[str]]:
    """(commands such as 'docker run' or 'dcoker logs', flags such as '-m' or '--memory-swap')."""
    commands: set[str] = set()
    flags: set[str] = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence and not re.match(r"^\s*[#$]\s*d", line):
            continue            # command output is not a claim; prompt lines ("#docker ...") are
        for tool, sub in COMMAND_RE.findall(line):
            commands.add(f"{tool} {sub}")
        cells = line.split("|")
        candidates = [cells[0]] if line.count("|") >= 1 and not line.startswith("---") else []
        candidates += re.findall(r"`([^`]*)`", line)
        if re.search(r"\b(?:docker\s+)?run\s+-", line):
            candidates.append(line)     # every flag of a quoted docker run line
        for text in candidates:
            for flag in FLAG_RE.findall(text):
                flags.add(flag)
    return commands, flags
