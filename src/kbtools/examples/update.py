"""``kb examples --update``: write the engine's output back into both language files of a
page, keeping ``...`` and the lines that still match."""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from kbtools.examples.common import console_steps
from kbtools.examples.output import merged_output, outputs_match
from kbtools.examples.results import PageRun

if TYPE_CHECKING:
    from kbtools.pages import CodeBlock, Page


def _output_ranges(page: Page, block: CodeBlock) -> list[tuple[int, int]]:
    """(first line index, number of lines) in page.lines of the shown output of each step."""
    ranges = []
    for command, expected in console_steps(block):
        offset = command.line - block.first_content_line
        while block.lines[offset].rstrip().endswith("\\") and offset + 1 < len(block.lines):
            offset += 1
        first = block.first_content_line + offset  # 1-based line after the command = index
        ranges.append((first, len(expected)))
    return ranges


def update_pages(run: PageRun) -> list[Path]:
    """Rewrite the shown output of the failed steps of ``run`` in both language files from the
    engine's output (keeping ``...`` and still-matching lines). Returns the changed files."""
    changed: list[Path] = []
    pages = [run.page] + ([run.other] if run.other is not None else [])
    for page in pages:
        lines = list(page.lines)
        edits: list[tuple[int, int, list[str]]] = []
        for index, outcome in enumerate(run.outcomes):
            if outcome.status != "ran" or index >= len(page.examples):
                continue
            block = page.examples[index]
            ranges = _output_ranges(page, block)
            steps_here = console_steps(block)
            if len(ranges) != len(outcome.steps) or any(
                    c.text != s.command.text for (c, _), s in zip(steps_here, outcome.steps)):
                continue   # this language's block has other commands: reported by kbtools.parity (KB203)
            indent = re.match(r"^\s*", page.lines[block.line - 1]).group(0)
            for (first, count), step, (_, shown) in zip(ranges, outcome.steps, steps_here):
                if step.timed_out or outputs_match(shown, step.actual):
                    continue
                new = [indent + line if line else "" for line in merged_output(shown, step.actual)]
                edits.append((first, count, new))
        if not edits:
            continue
        for first, count, new in sorted(edits, reverse=True):
            lines[first:first + count] = new
        page.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        changed.append(page.path)
    return changed
