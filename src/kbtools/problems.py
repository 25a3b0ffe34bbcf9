"""One reported problem in a contributor's file, printed as ``file:line: rule: message (hint)``.

Every checker (lint, CLI check, example runner, the build plugin) reports through this class so that
a contributor always sees the same shape of message, with the file and line to open.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .paths import REPO_ROOT
from .rules import rule as declared_rule


@dataclass(frozen=True)
class Problem:
    file: str          # path relative to the repository root when possible
    line: int          # 1-based; 0 when the problem concerns the whole file
    rule: str          # a code declared in kbtools/rules.py (e.g. "KB101")
    message: str
    hint: str = ""
    #: "error" fails the lint; "warning" is reported only. Always the rule's declared severity.
    severity: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", declared_rule(self.rule).severity)

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.rule}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.severity != "error":
            text += f" [{self.severity}]"
        return text


def display_path(path: Path | str) -> str:
    """Path relative to the repository root if it lies inside it, else as given."""
    path = Path(path)
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.as_posix()
