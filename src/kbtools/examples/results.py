"""What a run produced: the result of each step, example and page, and the report of a run."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbtools.examples.output import outputs_match
from kbtools.problems import Problem

if TYPE_CHECKING:
    from kbtools.pages import CodeBlock, CommandLine, Page


@dataclass
class StepResult:
    command: CommandLine
    expected: list[str]
    actual: list[str]
    seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return not self.timed_out and outputs_match(self.expected, self.actual)


@dataclass
class ExampleOutcome:
    block: CodeBlock
    status: str                 # "ran", "skipped", "file", "not run"
    reason: str = ""
    steps: list[StepResult] = field(default_factory=list)


@dataclass
class PageRun:
    key: str
    page: Page                  # the page that was run (zh when there is one)
    other: Page | None          # the other language
    outcomes: list[ExampleOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "ran")

    @property
    def skipped(self) -> list[ExampleOutcome]:
        return [o for o in self.outcomes if o.status == "skipped"]


@dataclass
class RunReport:
    runs: list[PageRun] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # not tied to one page (cleanup)

    @property
    def all_problems(self) -> list[Problem]:
        return [p for run in self.runs for p in run.problems] + self.problems

    @property
    def ran(self) -> int:
        return sum(run.ran for run in self.runs)

    @property
    def commands(self) -> int:
        return sum(len(o.steps) for run in self.runs for o in run.outcomes)

    @property
    def skipped(self) -> list[tuple[Page, ExampleOutcome]]:
        return [(run.page, o) for run in self.runs for o in run.skipped]

    def summary(self) -> str:
        """``N examples ran (C commands, P pages), M skipped, K problems``, then one line per
        skipped example with its reason."""
        pages = sum(1 for run in self.runs if run.outcomes)
        failed = len(self.all_problems)
        lines = [f"{self.ran} examples ran ({self.commands} commands, {pages} pages), "
                 f"{len(self.skipped)} skipped, {failed} problem{'s' if failed != 1 else ''}"]
        lines += [f"  skipped {page.display}:{o.block.marker.line}: {o.reason}"
                  for page, o in self.skipped]
        return "\n".join(lines)
