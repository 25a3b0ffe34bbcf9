"""The runner of runnable examples: it runs every ``<!-- example -->`` block of a page on the
Docker Engine and compares what the engine printed with the output shown on the page.

How a page is run (the format is described in kbtools/pages.py and CONTRIBUTING.md):

* zh and en pages carry identical examples; the zh page is run, and any difference between its
  examples and the en page's is reported as a problem naming both files and lines;
* the examples of a page run in order in one temporary working folder; ``file=`` blocks are
  written there first; each ``$`` line runs with bash on its own, stdout and stderr together,
  with a timeout; ``tty`` examples run in a pseudo-terminal and get ``keys=`` after ``wait=``;
* output is compared after :func:`normalise_line` (IDs, digests, times, sizes, addresses, runs
  of spaces); a ``...`` line on the page stands for any number of lines.

Isolation on a shared engine: the ``$`` lines find a small ``docker`` wrapper first on their
PATH (:func:`shim_main`). It reads each call with the lint's parser (kbtools/dockercli.py, over
the CLI snapshot: commands and their aliases, options that take a value, where the image
starts) and passes it to the real client after :func:`plan_docker_call` added
``--label org.docker-basics-kb.run=<run id>`` to ``run``,
``create``, ``network create`` and ``volume create`` (plus ``--pull never`` to ``run``/``create``,
so a missing image fails at once instead of trying a registry), and a ``LABEL`` change to
``commit``. ``docker build`` gets no label (it would add a build step to the output and to
``docker history``); instead the wrapper records the images and intermediate containers the
build printed, and the tags it created. Named volumes a ``run`` would create implicitly are
created first with the label; anonymous volumes of a container removed without ``-v`` are
recorded. The wrapper refuses ``prune`` commands, refuses to move an image tag that exists and
was not made by this run, and refuses ``rm``/``rmi``/``volume rm``/``network rm`` of objects
this run did not create. After each page (also after a failure) :meth:`ExampleRunner.cleanup`
removes exactly the labelled and recorded objects, nothing else.

The run label is visible to a page that prints all labels (``docker inspect`` of the whole
object): show selected fields with ``--format`` instead.
"""
from __future__ import annotations

import difflib
import fcntl
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import output_rules
from .dockercli import Invocation, Snapshot, docker_invocations, parse_invocation
from .paths import CLI_SNAPSHOT, REPO_ROOT
from .problems import Problem

if TYPE_CHECKING:  # the docker wrapper imports this module on every call: keep it light
    from .pages import CodeBlock, CommandLine, Page

RUN_LABEL = "org.docker-basics-kb.run"
ELLIPSIS = "..."
DEFAULT_TIMEOUT = 60.0
DEFAULT_TTY_WAIT = 2.0
KEY_PAUSE = 0.3

ENV_RUN_ID = "KB_EXAMPLES_RUN_ID"
ENV_STATE = "KB_EXAMPLES_STATE"
ENV_DOCKER = "KB_EXAMPLES_DOCKER"
#: Problems the runner reports (listed in CONTRIBUTING.md by kb gen rules).
RULES = {
    "KB501": "an example's output differs from what the engine printed, or a command timed out",
    "KB503": "the zh and en pages' examples differ (they must be identical)",
    "KB504": "an example uses an image that is not on the engine (no registry: see kb images)",
    "KB505": "a file= example writes outside the examples' working folder",
    "KB506": "an example is not a console block, has no $ line, or has a bad wait= value",
    "KB507": "cleanup after a page failed",
    "KB508": "something created by the examples was left on the engine",
    "KB509": "the runner itself failed on a page (a bug: report it)",
    "KB510": "a page uses an image that has no local recipe",
    "KB511": "an example's requires= names an engine property the runner does not know",
}
#: values of ``<!-- example: requires=... -->`` and how to read them from ``docker info``
ENGINE_PROPERTIES = {"cgroup-v1": ("CgroupVersion", "1"), "cgroup-v2": ("CgroupVersion", "2")}


def console_steps(block: "CodeBlock"):
    """kbtools.pages.console_steps, imported when first needed."""
    from .pages import console_steps as steps
    return steps(block)

# --------------------------------------------------------------------------------------------
# Normalising and comparing output
# --------------------------------------------------------------------------------------------

_PRIVATE_V4 = r"(?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168)"
_NORMALISERS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"sha256:[0-9a-f]{64}"), "sha256:<digest>"),
    (re.compile(r"\b(?=[0-9a-f]*[a-f])[0-9a-f]{12,64}\b"), "<id>"),
    (re.compile(r"\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b"), "<mac>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                r"(?:Z|\s?[+-]\d{2}:?\d{2})?(?: [A-Z]{3,4}\b)?"), "<datetime>"),
    (re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct"
                r"|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2}(?: [A-Z]{3,4})? \d{4}\b"), "<datetime>"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b"), "<time>"),
    (re.compile(r"\b(?:\d+|an?|About an?|Less than a) (?:second|minute|hour|day|week|month"
                r"|year)s?\b"), "<duration>"),
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:B|[kKMGTP]i?B)\b"), "<size>"),
    (re.compile(r"\b\d+(?:\.\d+)?%"), "<percent>"),
    # addresses the engine hands out depend on what else runs on it
    (re.compile(r"\b172\.(?:1[89]|2\d|3[01])\.(?=\d{1,3}\.\d{1,3}\b)"), "172.<n>."),
    (re.compile(rf"\b({_PRIVATE_V4}\.\d{{1,3}})\.(?!(?:0|1|255)\b)\d{{1,3}}\b"), r"\1.<n>"),
    (re.compile(r"\b(172\.<n>\.\d{1,3})\.(?!(?:0|1|255)\b)\d{1,3}\b"), r"\1.<n>"),
    (re.compile(r"^\d+: (\S+?)@if\d+:"), r"<n>: \1@if<n>:"),
]
_NORMALISERS += output_rules.RULES       # BuildKit: step numbers, durations, cache hits


def normalise_line(line: str) -> str:
    """The line with everything that changes between runs replaced by a placeholder, trailing
    spaces removed and runs of spaces/tabs inside the line (table columns) made one space."""
    text = line.rstrip()
    for pattern, replacement in _NORMALISERS:
        text = pattern.sub(replacement, text)
    indent = len(text) - len(text.lstrip())
    return text[:indent] + re.sub(r"[ \t]+", " ", text[indent:])


def _trim(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines if not output_rules.is_transient(line)]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _is_ellipsis(line: str) -> bool:
    return line.strip() == ELLIPSIS


_ABSORB, _DELETE, _INSERT, _REPLACE = 6, 10, 10, 15
_ALIGN_LIMIT = 1_000_000     # page lines x engine lines above which a rougher method is used


def align(expected: list[str], actual: list[str]) -> list[tuple[str, int | None, int | None]]:
    """Cheapest alignment of page lines with engine lines.

    Operations: ``("equal", i, j)`` (same after normalising), ``("skip", i, j)`` (the ``...``
    line i absorbs actual line j), ``("ellipsis", i, None)`` (a ``...`` line, once),
    ``("replace", i, j)`` (page line i became actual line j), ``("delete", i, None)`` (page line
    not printed), ``("insert", None, j)`` (printed line not on the page).

    Costs: absorbing a line by ``...`` < delete = insert < replace < delete + insert. With
    absorbing cheaper than inserting, an alignment using only equal/skip/ellipsis is the unique
    cheapest one whenever it exists, so the outputs match exactly when the cheapest alignment
    has no other operation. Absorbing is not free, so --update writes a changed line next to a
    ``...`` instead of letting the ``...`` swallow it.
    """
    norm_e = [normalise_line(x) for x in expected]
    norm_a = [normalise_line(x) for x in actual]
    n, m = len(expected), len(actual)
    if n * m > _ALIGN_LIMIT:
        return _rough_align(norm_e, norm_a)
    inf = float("inf")
    # cost[i][j]: cheapest cost of matching expected[i:] with actual[j:]
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    choice: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                cost[i][j] = 0
                continue
            best, how = inf, ""
            if i < n and _is_ellipsis(expected[i]):
                if j < m and cost[i][j + 1] + _ABSORB < best:
                    best, how = cost[i][j + 1] + _ABSORB, "skip"
                if cost[i + 1][j] < best:
                    best, how = cost[i + 1][j], "ellipsis"
            else:
                if i < n and j < m and norm_e[i] == norm_a[j] and cost[i + 1][j + 1] < best:
                    best, how = cost[i + 1][j + 1], "equal"
                if i < n and j < m and cost[i + 1][j + 1] + _REPLACE < best:
                    best, how = cost[i + 1][j + 1] + _REPLACE, "replace"
                if i < n and cost[i + 1][j] + _DELETE < best:
                    best, how = cost[i + 1][j] + _DELETE, "delete"
            if j < m and cost[i][j + 1] + _INSERT < best:
                best, how = cost[i][j + 1] + _INSERT, "insert"
            cost[i][j], choice[i][j] = best, how
    ops: list[tuple[str, int | None, int | None]] = []
    i = j = 0
    while i < n or j < m:
        how = choice[i][j]
        if how in ("equal", "replace"):
            ops.append((how, i, j)); i += 1; j += 1
        elif how == "skip":
            ops.append(("skip", i, j)); j += 1
        elif how == "ellipsis":
            ops.append(("ellipsis", i, None)); i += 1
        elif how == "delete":
            ops.append(("delete", i, None)); i += 1
        else:
            ops.append(("insert", None, j)); j += 1
    return ops


def _rough_align(norm_e: list[str], norm_a: list[str]) -> list[tuple[str, int | None, int | None]]:
    """Alignment of very long outputs with difflib (``...`` lines only as deletions)."""
    ops: list[tuple[str, int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, norm_e, norm_a, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.extend(("equal", i1 + k, j1 + k) for k in range(i2 - i1))
        else:
            ops.extend(("delete", i, None) for i in range(i1, i2))
            ops.extend(("insert", None, j) for j in range(j1, j2))
    return ops


def outputs_match(expected: list[str], actual: list[str]) -> bool:
    """True when the engine's output matches the page's (normalised, ``...`` = any lines)."""
    expected, actual = _trim(expected), _trim(actual)
    if len(expected) * len(actual) > _ALIGN_LIMIT:
        any_lines = r"(?:[^\n]*\n)*?"
        pattern = "".join(any_lines if _is_ellipsis(line)
                          else re.escape(normalise_line(line)) + "\n" for line in expected)
        text = "".join(normalise_line(line) + "\n" for line in actual)
        return re.fullmatch(pattern, text) is not None
    return all(op in ("equal", "skip", "ellipsis") for op, _, _ in align(expected, actual))


def merged_output(expected: list[str], actual: list[str]) -> list[str]:
    """What ``--update`` writes: the engine's output, but page lines that still match (after
    normalising) are kept as written and ``...`` lines are kept."""
    expected, actual = _trim(expected), _trim(actual)
    merged: list[str] = []
    for op, i, j in align(expected, actual):
        if op == "equal" or op == "ellipsis":
            merged.append(expected[i])
        elif op in ("insert", "replace"):
            merged.append(actual[j])
        # "skip" lines are absorbed by a kept "...", "delete" lines are dropped
    return merged


def output_diff(expected: list[str], actual: list[str], page_label: str,
                context: int = 3) -> str:
    """A unified-style diff (``-`` page, ``+`` engine) in which lines that only differ by what
    the normaliser hides count as equal; long equal stretches are shortened."""
    expected, actual = _trim(expected), _trim(actual)
    rows: list[tuple[str, str]] = []
    last_skip_of: int | None = None
    for op, i, j in align(expected, actual):
        if op == "equal":
            rows.append((" ", expected[i]))
        elif op in ("skip", "ellipsis"):
            if last_skip_of != i:
                rows.append((" ", expected[i]))
            last_skip_of = i
        elif op == "delete":
            rows.append(("-", expected[i]))
        elif op == "replace":
            rows.append(("-", expected[i]))
            rows.append(("+", actual[j]))
        else:
            rows.append(("+", actual[j]))
    changed = [k for k, (mark, _) in enumerate(rows) if mark != " "]
    keep = {k for c in changed for k in range(c - context, c + context + 1)}
    out = [f"--- page {page_label}", "+++ engine"]
    hidden = 0
    for k, (mark, text) in enumerate(rows):
        if k in keep:
            if hidden:
                out.append(f"@@ {hidden} matching line{'s' if hidden > 1 else ''} @@")
                hidden = 0
            out.append(f"{mark}{text}")
        else:
            hidden += 1
    if hidden:
        out.append(f"@@ {hidden} matching line{'s' if hidden > 1 else ''} @@")
    if not rows:
        out.append(" (no output on either side)")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Terminal rendering
# --------------------------------------------------------------------------------------------

_ESCAPE_RE = re.compile(r"\x1b(?:\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])|\][^\x07\x1b]*"
                        r"(?:\x07|\x1b\\)|[()][A-Za-z0-9]|.)", re.S)


def render_terminal(data: bytes | str) -> list[str]:
    """The lines a terminal would show for this output: carriage returns, backspaces, tabs and
    the erase/cursor escape sequences are applied, other escape sequences are dropped."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    rows: list[list[str]] = [[]]
    row = col = 0

    def put(char: str) -> None:
        nonlocal col
        line = rows[row]
        while len(line) < col:
            line.append(" ")
        if col < len(line):
            line[col] = char
        else:
            line.append(char)
        col += 1

    index = 0
    while index < len(text):
        char = text[index]
        if char == "\x1b":
            match = _ESCAPE_RE.match(text, index)
            if not match:
                break
            index = match.end()
            final, params = match["final"], match["params"] or ""
            numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
            count = max(numbers[0], 1) if numbers else 1
            if final == "K":
                mode = numbers[0] if numbers else 0
                line = rows[row]
                if mode == 0:
                    del line[col:]
                elif mode == 1:
                    line[:col] = [" "] * min(col, len(line))
                else:
                    line.clear()
            elif final == "J":
                mode = numbers[0] if numbers else 0
                if mode == 0:
                    del rows[row][col:]
                    del rows[row + 1:]
                else:
                    rows, row, col = [[]], 0, 0
            elif final == "C":
                col += count
            elif final == "D":
                col = max(col - count, 0)
            elif final == "G":
                col = max(count - 1, 0)
            elif final == "A":
                row = max(row - count, 0)
            elif final == "B":
                row += count
                while len(rows) <= row:
                    rows.append([])
            continue
        index += 1
        if char == "\n":
            row += 1
            col = 0
            while len(rows) <= row:
                rows.append([])
        elif char == "\r":
            col = 0
        elif char == "\b":
            col = max(col - 1, 0)
        elif char == "\t":
            col = (col // 8 + 1) * 8
        elif char == "\x07" or (ord(char) < 32 and char not in "\n\r\b\t"):
            continue
        else:
            put(char)
    lines = ["".join(line).rstrip() for line in rows]
    return _trim(lines)


# --------------------------------------------------------------------------------------------
# Docker command lines: options, images, label injection
# --------------------------------------------------------------------------------------------
# Command lines are read by the parser the lint uses (kbtools/dockercli.py, over the CLI snapshot
# data/docker-cli.json): commands, aliases, value-taking options and where the image starts are
# those of the recorded client. The wrapper loads the snapshot once per docker call.

#: canonical commands (dockercli paths) whose calls the wrapper changes or watches
_RUN_LIKE = ("container run", "container create")
_LABELLED = ("network create", "volume create")
_REMOVING = ("container rm", "image rm", "volume rm", "network rm")


def cli_snapshot_error() -> str | None:
    """Why the CLI snapshot cannot be read (the runner needs it to read command lines), or None."""
    try:
        Snapshot.load()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return (f"cannot read the CLI snapshot {CLI_SNAPSHOT.relative_to(REPO_ROOT)} "
                f"({type(error).__name__}: {error}); run kb snapshot")
    return None


@dataclass
class DockerPlan:
    """What the wrapper does with one ``docker`` call."""
    kind: str | None                                      # canonical command ("container run")
    args: list[str]                                       # arguments for the real client
    target_tags: list[str] = field(default_factory=list)  # image tags the call (re)points
    named_volumes: list[str] = field(default_factory=list)  # volumes a run/create may create
    removes: list[tuple[str, str]] = field(default_factory=list)  # (object kind, name) removed
    keeps_volumes: bool = False                           # rm without -v
    iidfile: str | None = None                            # build: where the image id goes
    refusal: str | None = None


def _named_volumes(options: list[tuple[str, str | None]]) -> list[str]:
    names: list[str] = []
    for flag, value in options:
        if not value:
            continue
        if flag == "--volume":
            source = value.split(":")[0] if ":" in value else ""
        elif flag == "--mount":
            parts = dict(p.partition("=")[::2] for p in value.split(","))
            if parts.get("type", "volume") != "volume":
                continue
            source = parts.get("source") or parts.get("src") or ""
        else:
            continue
        if source and not source.startswith(("/", ".", "~", "$")) and "/" not in source:
            names.append(source)
    return names


#: With the buildx plugin, `docker build` is `docker buildx build` (BuildKit): still a build.
_SAME_KIND = {"buildx build": "image build", "builder build": "image build"}


def plan_docker_call(args: list[str], run_id: str, iidfile: str | None = None) -> DockerPlan:
    """Decide how to pass ``docker <args>`` to the real client (pure: runs nothing).

    The run label goes right after the subcommand: ``docker run X`` becomes
    ``docker run --label org.docker-basics-kb.run=<id> --pull never X``.
    """
    return _plan(parse_invocation(["docker", *args], Snapshot.load()), run_id, iidfile)


def _plan(call: Invocation, run_id: str, iidfile: str | None = None) -> DockerPlan:
    args = call.words[1:]
    kind = call.command.path if call.command else None
    kind = _SAME_KIND.get(kind, kind)
    plan = DockerPlan(kind, list(args))
    if kind is None:
        return plan
    if kind.split()[-1] == "prune":
        plan.refusal = (f"'docker {call.typed}' would remove objects this example run did not "
                        "create; examples must not prune on a shared engine (mark the example "
                        "skip=\"...\" and explain)")
        return plan
    options = call.options()
    flags = {flag for flag, _ in options}
    if "--help" in flags:
        return plan
    after = call.command_end - 1                 # in args, right after the command's name
    head, rest = list(args[:after]), list(args[after:])
    positional = call.positional
    label = f"{RUN_LABEL}={run_id}"
    if kind in _RUN_LIKE:
        extra = ["--label", label]
        if "--pull" not in flags:
            extra += ["--pull", "never"]
        plan.args = head + extra + rest
        plan.named_volumes = _named_volumes(options)
    elif kind in _LABELLED:
        plan.args = head + ["--label", label] + rest
    elif kind == "container commit":
        plan.args = head + ["--change", f"LABEL {label}"] + rest
        plan.target_tags = positional[1:2]
    elif kind == "image tag":
        plan.target_tags = positional[1:2]
    elif kind == "image build":
        plan.target_tags = [value for flag, value in options if flag == "--tag" and value]
        given = [value for flag, value in options if flag == "--iidfile" and value]
        if given:
            plan.iidfile = given[0]
        elif iidfile:
            plan.iidfile = iidfile
            plan.args = head + ["--iidfile", iidfile] + rest
    elif kind in _REMOVING:
        plan.removes = [(kind.split()[0], name) for name in positional]
        plan.keeps_volumes = kind == "container rm" and "--volumes" not in flags
    return plan


#: a docker image reference (placeholders such as ``IMAGE``, ``<image>`` or ``...`` do not match)
IMAGE_REF_RE = re.compile(r"^(?:[a-z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                          r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                          r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")


def canonical_image(name: str) -> str:
    """``busybox`` -> ``busybox:latest``; digests and explicit tags are kept."""
    if "@" in name:
        return name
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else name + ":latest"


def images_run(command: str) -> list[str]:
    """Images that the ``docker run``/``docker create`` calls of a shell line start from."""
    return [call.args[0] for call in docker_invocations(command)
            if call.command is not None and call.command.path in _RUN_LIKE and call.args
            and IMAGE_REF_RE.match(call.args[0])]


def images_made(command: str) -> list[str]:
    """Image tags that the build/tag/commit calls of a shell line create."""
    made = []
    for call in docker_invocations(command):
        plan = _plan(call, "x")
        if plan.kind in ("image build", "image tag", "container commit"):
            made.extend(plan.target_tags)
    return made


def dockerfile_bases(text: str) -> list[str]:
    """Images named by ``FROM`` lines of a Dockerfile (``scratch`` and build stages excluded)."""
    bases, stages = [], set()
    for line in text.splitlines():
        match = re.match(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)(?:\s+AS\s+(?P<stage>\S+))?",
                         line, re.I)
        if not match:
            continue
        image = match["image"]
        if image.lower() != "scratch" and image not in stages and "$" not in image:
            bases.append(image)
        if match["stage"]:
            stages.add(match["stage"])
    return bases


# --------------------------------------------------------------------------------------------
# The docker wrapper (runs inside each example command)
# --------------------------------------------------------------------------------------------

def _record(state: str, **entry: str) -> None:
    with open(state, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def read_state(state: Path) -> list[dict]:
    if not state.exists():
        return []
    entries = []
    for line in state.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def _docker_out(docker: str, *args: str) -> tuple[int, str]:
    result = subprocess.run([docker, *args], capture_output=True, text=True)
    return result.returncode, result.stdout.strip()


def _labels(text: str) -> dict:
    """Labels printed by ``docker inspect --format '{{json ...Labels}}'`` ({} when none)."""
    try:
        return json.loads(text) or {}
    except json.JSONDecodeError:
        return {}


def _owned_image(docker: str, run_id: str, state: list[dict], tag: str) -> bool | None:
    """None when the tag does not exist; else whether this run made what it points to."""
    code, out = _docker_out(docker, "image", "inspect", "--format",
                            "{{.Id}} {{json .Config.Labels}}", tag)
    if code != 0:
        return None
    image_id, _, labels = out.partition(" ")
    if _labels(labels).get(RUN_LABEL) == run_id:
        return True
    recorded_tags = {canonical_image(e["tag"]) for e in state if "tag" in e}
    recorded_images = {e["image"] for e in state if "image" in e}
    short = image_id.removeprefix("sha256:")
    return canonical_image(tag) in recorded_tags or \
        any(short.startswith(image) for image in recorded_images)


def _owned_object(docker: str, run_id: str, state: list[dict], kind: str,
                  name: str) -> bool | None:
    """None when the object does not exist; else whether this run created it."""
    if kind == "image":
        return _owned_image(docker, run_id, state, name)
    code, out = _docker_out(docker, kind, "inspect", "--format", "{{json .Labels}}"
                            if kind != "container" else "{{json .Config.Labels}}", name)
    if code != 0:
        return None
    if _labels(out).get(RUN_LABEL) == run_id:
        return True
    return kind == "volume" and any(e.get("volume") == name for e in state)


def _record_anonymous_volumes(docker: str, container: str, state: str) -> None:
    """Record the anonymous volumes of a container that is removed without ``-v``."""
    code, out = _docker_out(docker, "container", "inspect", "--format", "{{json .Mounts}}",
                            container)
    if code != 0:
        return
    for mount in json.loads(out) or []:
        anonymous = re.fullmatch(r"[0-9a-f]{64}", mount.get("Name", ""))
        if mount.get("Type") == "volume" and anonymous:
            _record(state, volume=mount["Name"])


def shim_main(argv: list[str]) -> int:
    """Entry point of the ``docker`` wrapper put first on the PATH of example commands."""
    docker = os.environ[ENV_DOCKER]
    run_id = os.environ[ENV_RUN_ID]
    state = os.environ[ENV_STATE]
    iidfile = f"{state}.iid-{os.getpid()}"
    unreadable = cli_snapshot_error()
    if unreadable:
        print(f"kb-examples: {unreadable}", file=sys.stderr)
        return 125
    plan = plan_docker_call(argv, run_id, iidfile)
    if plan.refusal:
        print(f"kb-examples: refused: {plan.refusal}", file=sys.stderr)
        return 125
    entries = read_state(Path(state))
    for tag in plan.target_tags:
        owned = _owned_image(docker, run_id, entries, tag)
        if owned is False:
            print(f"kb-examples: refused: the image tag '{tag}' already exists and was not made "
                  f"by this example run; remove it first (docker rmi {tag}) or use another name",
                  file=sys.stderr)
            return 125
        if owned is None:
            _record(state, tag=tag)
    for volume in plan.named_volumes:
        if _docker_out(docker, "volume", "inspect", volume)[0] != 0:
            _docker_out(docker, "volume", "create", "--label", f"{RUN_LABEL}={run_id}", volume)
    for kind, name in plan.removes:
        if _owned_object(docker, run_id, entries, kind, name) is False:
            print(f"kb-examples: refused: {kind} '{name}' was not created by this example run; "
                  "examples only remove what they created themselves", file=sys.stderr)
            return 1
    if plan.keeps_volumes:
        for _, container in plan.removes:
            _record_anonymous_volumes(docker, container, state)
    if plan.kind == "image build":
        return _run_build(docker, plan, state)
    os.execv(docker, [docker, *plan.args])
    return 127  # not reached


def _run_build(docker: str, plan: DockerPlan, state: str) -> int:
    """Run ``docker build``, relaying its output, and record what it created."""
    _, before_text = _docker_out(docker, "images", "-aq", "--no-trunc")
    before = {line.removeprefix("sha256:") for line in before_text.split()}
    process = subprocess.Popen([docker, *plan.args], stdout=subprocess.PIPE)
    buffer = b""
    assert process.stdout is not None
    while True:
        chunk = process.stdout.read1(65536)
        if not chunk:
            break
        sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        buffer += chunk
    code = process.wait()
    text = buffer.decode("utf-8", "replace")
    for short in re.findall(r"^ ---> ([0-9a-f]{12})\s*$", text, re.M):
        if not any(full.startswith(short) for full in before):
            _record(state, image=short)
    for container in re.findall(r"Running in ([0-9a-f]{12})", text):
        _record(state, container=container)
    if plan.iidfile and os.path.exists(plan.iidfile):
        image = Path(plan.iidfile).read_text().strip().removeprefix("sha256:")
        if image and image not in before:
            _record(state, image=image)
        if plan.iidfile.startswith(state):
            os.unlink(plan.iidfile)
    return code


# --------------------------------------------------------------------------------------------
# zh / en equality of examples
# --------------------------------------------------------------------------------------------

def compare_examples(zh: Page, en: Page) -> list[Problem]:
    """Problems where the examples of the zh page and the en page are not identical (blocks,
    options other than the wording of skip reasons, and every line)."""
    problems: list[Problem] = []
    hint = "zh and en pages carry the same examples: copy the block (commands and output) exactly"
    for index, (zb, eb) in enumerate(zip(zh.examples, en.examples), start=1):
        zo = {k: v for k, v in zb.marker.options.items() if k != "skip"}
        eo = {k: v for k, v in eb.marker.options.items() if k != "skip"}
        if zo != eo or ("skip" in zb.marker.options) != ("skip" in eb.marker.options) \
                or zb.lang != eb.lang:
            problems.append(Problem(zh.display, zb.marker.line, "KB503",
                                    f"example {index} has other options or language than in "
                                    f"{en.display}:{eb.marker.line} "
                                    f"('{zb.marker.args}' {zb.lang} vs "
                                    f"'{eb.marker.args}' {eb.lang})",
                                    hint))
            continue
        if zb.lines != eb.lines:
            for offset in range(max(len(zb.lines), len(eb.lines))):
                zl = zb.lines[offset] if offset < len(zb.lines) else None
                el = eb.lines[offset] if offset < len(eb.lines) else None
                if zl != el:
                    problems.append(Problem(
                        zh.display, zb.first_content_line + min(offset, len(zb.lines)), "KB503",
                        f"example {index} differs from {en.display}:"
                        f"{eb.first_content_line + min(offset, len(eb.lines))}: "
                        f"{zl!r} here, {el!r} there", hint))
                    break
    if len(zh.examples) != len(en.examples):
        longer, other = (zh, en) if len(zh.examples) > len(en.examples) else (en, zh)
        extra = longer.examples[len(other.examples)]
        problems.append(Problem(longer.display, extra.line, "KB503",
                                f"{longer.display} has {len(longer.examples)} examples, "
                                f"{other.display} has {len(other.examples)}; this one has no "
                                "counterpart", hint))
    return problems


# --------------------------------------------------------------------------------------------
# Running pages
# --------------------------------------------------------------------------------------------

_KEY_NAMES = {"enter": "\r", "return": "\r", "tab": "\t", "esc": "\x1b", "space": " ",
              "backspace": "\x7f", "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C",
              "left": "\x1b[D"}


def parse_keys(spec: str) -> list[bytes]:
    """``"ctrl-p ctrl-q"`` -> [b"\\x10", b"\\x11"]; ``"'echo hi' enter"`` types text, then Enter.
    Names: ctrl-<letter or [\\]^_@>, enter, tab, esc, space, backspace, up/down/left/right;
    any other word is typed as it is."""
    keys: list[bytes] = []
    for word in shlex.split(spec):
        lower = word.lower()
        if lower.startswith("ctrl-") and len(word) == 6:
            keys.append(bytes([ord(word[5].upper()) & 0x1F]))
        elif lower in _KEY_NAMES:
            keys.append(_KEY_NAMES[lower].encode())
        else:
            keys.append(word.encode())
    return keys


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


def engine_answers(docker: str = "docker") -> bool:
    """True when ``docker info`` gets an answer from an engine."""
    try:
        return subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def image_present(name: str, docker: str = "docker") -> bool:
    return subprocess.run([docker, "image", "inspect", name], capture_output=True).returncode == 0


def example_pages(pages: list[Page]) -> list[tuple[str, Page, Page | None]]:
    """(key, page to run, other-language page) for every page pair that has examples."""
    pairs: dict[str, dict[str, Page]] = {}
    for page in pages:
        pairs.setdefault(page.key, {})[page.lang] = page
    chosen = []
    for key in sorted(pairs):
        by_lang = pairs[key]
        run = by_lang.get("zh") or next(iter(by_lang.values()))
        other = next((p for lang, p in by_lang.items() if p is not run), None)
        if run.examples or (other and other.examples):
            chosen.append((key, run, other))
    return chosen


class ExampleRunner:
    """Runs pages on the engine with one run id; use as a context manager so the wrapper folder
    is removed and everything labelled with the run id is cleaned up at the end."""

    def __init__(self, run_id: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 docker: str | None = None):
        self.run_id = run_id or f"kb-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.timeout = timeout
        self.docker = docker or shutil.which("docker") or "/usr/bin/docker"
        self.home = Path(tempfile.mkdtemp(prefix="kb-examples-run-"))
        self.state = self.home / "created.jsonl"
        self.state.touch()
        shim_dir = self.home / "bin"
        shim_dir.mkdir()
        shim = shim_dir / "docker"
        # -I: the installed kbtools package only (no PYTHONPATH, no user site, no cwd).
        shim.write_text(f"#!{sys.executable} -I\n\"\"\"docker wrapper of the example runner "
                        f"(kbtools/examples.py).\"\"\"\nimport sys\n"
                        f"from kbtools.examples import shim_main\n"
                        f"sys.exit(shim_main(sys.argv[1:]))\n", encoding="utf-8")
        shim.chmod(0o755)
        self.env = dict(os.environ)
        self.env.update({
            "PATH": f"{shim_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            ENV_RUN_ID: self.run_id, ENV_STATE: str(self.state), ENV_DOCKER: self.docker,
            "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
        })
        self.env.pop("PYTHONPATH", None)

    def __enter__(self) -> "ExampleRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()
        shutil.rmtree(self.home, ignore_errors=True)

    # -- running ------------------------------------------------------------------------

    def run_pages(self, pages: list[Page]) -> RunReport:
        report = RunReport()
        for key, page, other in example_pages(pages):
            report.runs.append(self.run_page(key, page, other))
        report.problems.extend(self.leftover_problems())
        return report

    def run_page(self, key: str, page: Page, other: Page | None) -> PageRun:
        """Run the examples of one page (and check the other language has the same ones);
        everything the page created is removed before this returns, also on failure."""
        run = PageRun(key, page, other)
        if other is not None:
            zh, en = (page, other) if page.lang == "zh" else (other, page)
            run.problems.extend(compare_examples(zh, en))
        missing = self.missing_images(page)
        if missing:
            run.problems.extend(missing)
            run.outcomes = [ExampleOutcome(b, "not run", "missing image") for b in page.examples]
            return run
        workdir = Path(tempfile.mkdtemp(prefix="kb-example-", dir=self.home))
        try:
            for block in page.examples:
                run.outcomes.append(self._run_block(page, block, workdir, run.problems))
        except Exception as error:  # report, never a traceback for a contributor
            run.problems.append(Problem(page.display, 0, "KB509",
                                        f"the runner stopped on this page: {error!r}",
                                        "report this as a bug of src/kbtools/examples.py"))
        finally:
            run.problems.extend(self.cleanup())
            shutil.rmtree(workdir, ignore_errors=True)
        return run

    @cached_property
    def engine_info(self) -> dict[str, str]:
        """The ``docker info`` fields that ``requires=`` may test."""
        fields = sorted({field for field, _ in ENGINE_PROPERTIES.values()})
        template = "\t".join(f"{{{{.{field}}}}}" for field in fields)
        result = subprocess.run([self.docker, "info", "--format", template],
                                capture_output=True, text=True)
        return dict(zip(fields, result.stdout.strip().split("\t")))

    def unmet_requirement(self, block: CodeBlock) -> str | None:
        """Why the engine cannot run this example (its ``requires=``), or None."""
        wanted = block.marker.options.get("requires")
        if not wanted or wanted not in ENGINE_PROPERTIES:
            return None
        field_name, value = ENGINE_PROPERTIES[wanted]
        have = self.engine_info.get(field_name, "?")
        if have == value:
            return None
        return f"needs a {wanted} engine; this engine has {field_name} {have}"

    def missing_images(self, page: Page) -> list[Problem]:
        """Problems for images a page runs that are neither on the engine nor built by the
        page itself (they could not be pulled: no registry)."""
        made: set[str] = set()
        problems: list[Problem] = []
        for block in page.examples:
            options = block.marker.options
            if "skip" in options or self.unmet_requirement(block):
                continue
            if options.get("file"):
                continue
            for command, _ in console_steps(block):
                for image in images_run(command.text):
                    if canonical_image(image) in made or image_present(image, self.docker):
                        continue
                    problems.append(Problem(
                        page.display, command.line, "KB504",
                        f"image '{image}' is not on this engine and no registry can be reached",
                        "build it with kb images (which knows the images pages may "
                        "use), or build and tag it in an earlier example of this page"))
                made.update(canonical_image(t) for t in images_made(command.text))
        return problems

    def _run_block(self, page: Page, block: CodeBlock, workdir: Path,
                   problems: list[Problem]) -> ExampleOutcome:
        options = block.marker.options
        if "skip" in options:
            return ExampleOutcome(block, "skipped", options["skip"])
        wanted = options.get("requires")
        if wanted and wanted not in ENGINE_PROPERTIES:
            problems.append(Problem(page.display, block.marker.line, "KB511",
                                    f"requires={wanted} is not an engine property the runner knows",
                                    f"use one of: {', '.join(sorted(ENGINE_PROPERTIES))}"))
            return ExampleOutcome(block, "not run", "unknown requirement")
        unmet = self.unmet_requirement(block)
        if unmet:
            return ExampleOutcome(block, "skipped", unmet)
        if options.get("file"):
            name = options["file"]
            target = (workdir / name).resolve()
            if PurePosixPath(name).is_absolute() or workdir.resolve() not in target.parents:
                problems.append(Problem(page.display, block.marker.line, "KB505",
                                        f"file={name} must be a relative path inside the "
                                        "working folder",
                                        "use a name like Dockerfile or app/run.sh"))
                return ExampleOutcome(block, "not run", "bad file name")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text + "\n", encoding="utf-8")
            return ExampleOutcome(block, "file", name)
        if block.lang != "console":
            problems.append(Problem(page.display, block.line, "KB506",
                                    f"an example must be a console block (this one is "
                                    f"'{block.lang or 'plain'}')",
                                    "use ```console with $ lines, or file=NAME for a file"))
            return ExampleOutcome(block, "not run", "not a console block")
        steps = console_steps(block)
        if not steps:
            problems.append(Problem(page.display, block.line, "KB506",
                                    "the example has no '$ ' command line",
                                    "start each command with '$ ' and put its output under it"))
            return ExampleOutcome(block, "not run", "no command")
        outcome = ExampleOutcome(block, "ran")
        tty = "tty" in options
        keys = parse_keys(options.get("keys", "")) if tty else []
        try:
            wait = float(options.get("wait", DEFAULT_TTY_WAIT))
        except ValueError:
            wait = DEFAULT_TTY_WAIT
            problems.append(Problem(page.display, block.marker.line, "KB506",
                                    f"wait={options['wait']} is not a number of seconds",
                                    "write wait=2"))
        for command, expected in steps:
            start = time.monotonic()
            if tty:
                actual, timed_out = self.run_in_terminal(command.text, workdir, keys, wait)
            else:
                actual, timed_out = self.run_command(command.text, workdir)
            step = StepResult(command, expected, actual, time.monotonic() - start, timed_out)
            outcome.steps.append(step)
            if not step.ok:
                problems.append(self._step_problem(page, step))
        return outcome

    def _step_problem(self, page: Page, step: StepResult) -> Problem:
        label = f"{page.display}:{step.command.line}"
        diff = output_diff(step.expected, step.actual, label)
        if step.timed_out:
            message = (f"`{step.command.text}` did not finish within {self.timeout:g} s; output "
                       f"so far:\n{diff}\n")
            hint = ("a command that does not end by itself (logs -f, attach, run -it) needs the "
                    "tty option with keys= to end it, e.g. <!-- example: tty keys=\"ctrl-c\" -->")
        else:
            message = f"the output of `{step.command.text}` differs from the page:\n{diff}\n"
            hint = ("if the engine is right, take its output with kb examples "
                    f"--update {page.display}; a '...' line stands for any number of lines")
            if any("No such image" in line for line in step.actual):
                hint = ("the image is missing (nothing is pulled here): build it with "
                        "kb images or in an earlier example; " + hint)
        return Problem(page.display, step.command.line, "KB501", message, hint)

    def run_command(self, command: str, workdir: Path) -> tuple[list[str], bool]:
        """Run one ``$`` line with bash; stdout and stderr together; (lines, timed out)."""
        process = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", command], cwd=workdir,
                                   env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = process.communicate(timeout=self.timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            out, _ = process.communicate()
            timed_out = True
        return render_terminal(out), timed_out

    def run_in_terminal(self, command: str, workdir: Path, keys: list[bytes],
                        wait: float) -> tuple[list[str], bool]:
        """Run one ``$`` line in a pseudo-terminal (80x24). If it is still running after
        ``wait`` seconds, type ``keys``; return what the terminal shows."""
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                os.chdir(workdir)
                os.execvpe("bash", ["bash", "--noprofile", "--norc", "-c", command],
                           dict(self.env, TERM="xterm"))
            finally:
                os._exit(127)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        output = b""
        start = time.monotonic()
        sent = not keys
        timed_out = False
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    try:
                        data = os.read(fd, 65536)
                    except OSError:  # EIO: the terminal's last process ended
                        break
                    if not data:
                        break
                    output += data
                elapsed = time.monotonic() - start
                if not sent and elapsed >= wait:
                    for key in keys:
                        os.write(fd, key)
                        time.sleep(KEY_PAUSE)
                    sent = True
                if elapsed > self.timeout:
                    timed_out = True
                    _kill_group(pid)
                    break
        finally:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            os.close(fd)
        return render_terminal(output), timed_out

    # -- cleaning up --------------------------------------------------------------------

    def _docker(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.docker, *args], capture_output=True, text=True, timeout=120)

    def _ids(self, *args: str) -> list[str]:
        result = self._docker(*args)
        return list(dict.fromkeys(result.stdout.split())) if result.returncode == 0 else []

    def labelled(self) -> dict[str, list[str]]:
        """Objects on the engine that carry this run's label."""
        flt = f"label={RUN_LABEL}={self.run_id}"
        return {
            "containers": self._ids("ps", "-aq", "--no-trunc", "--filter", flt),
            "images": self._ids("images", "-aq", "--no-trunc", "--filter", flt),
            "networks": self._ids("network", "ls", "-q", "--filter", flt),
            "volumes": self._ids("volume", "ls", "-q", "--filter", flt),
        }

    def _exists(self, kind: str, name: str) -> bool:
        return self._docker(kind, "inspect", name).returncode == 0

    def cleanup(self) -> list[Problem]:
        """Remove every object labelled with this run id or recorded by the wrapper; returns a
        problem per object that could not be removed. Touches nothing else."""
        failures: list[str] = []

        def remove(what: str, *args: str) -> None:
            result = self._docker(*args)
            if result.returncode != 0 and "No such" not in result.stderr \
                    and "not found" not in result.stderr:
                failures.append(f"{what}: {result.stderr.strip()}")

        entries = read_state(self.state)
        found = self.labelled()
        containers = found["containers"] + [e["container"] for e in entries if "container" in e
                                            and self._exists("container", e["container"])]
        for container in dict.fromkeys(containers):
            remove(f"container {container[:12]}", "rm", "-f", "-v", container)
        for entry in reversed(entries):
            if "tag" in entry and self._exists("image", entry["tag"]):
                remove(f"image tag {entry['tag']}", "rmi", entry["tag"])
        for image in self.labelled()["images"]:
            remove(f"image {image[:19]}", "rmi", "-f", image)
        for entry in reversed(entries):
            image = entry.get("image")
            if image and self._exists("image", image):
                tags = self._docker("image", "inspect", "--format", "{{len .RepoTags}}", image)
                if tags.stdout.strip() == "0":
                    remove(f"image {image[:12]}", "rmi", image)
        for network in found["networks"]:
            remove(f"network {network}", "network", "rm", network)
        volumes = self.labelled()["volumes"] + [e["volume"] for e in entries if "volume" in e]
        for volume in dict.fromkeys(volumes):
            if self._exists("volume", volume):
                remove(f"volume {volume[:12]}", "volume", "rm", "-f", volume)
        # keep only what is still there, so a later cleanup never touches a reused name
        still = [e for e in entries if self._still_there(e)]
        self.state.write_text("".join(json.dumps(e) + "\n" for e in still), encoding="utf-8")
        return [Problem("(engine)", 0, "KB507", f"could not remove {failure}",
                        "remove it by hand; the runner only removes what it created")
                for failure in failures]

    def _still_there(self, entry: dict) -> bool:
        if "container" in entry:
            return self._exists("container", entry["container"])
        if "tag" in entry:
            return self._exists("image", entry["tag"]) and \
                _owned_image(self.docker, self.run_id, [entry], entry["tag"]) is True
        if "image" in entry:
            result = self._docker("image", "inspect", "--format", "{{len .RepoTags}}",
                                  entry["image"])
            return result.returncode == 0 and result.stdout.strip() == "0"
        if "volume" in entry:
            return self._exists("volume", entry["volume"])
        return False

    def leftovers(self) -> list[str]:
        """Everything this run created that is still on the engine (should be empty)."""
        left = [f"{kind[:-1]} {name}" for kind, names in self.labelled().items() for name in names]
        left += [f"recorded {json.dumps(entry)}" for entry in read_state(self.state)
                 if self._still_there(entry)]
        return left

    def leftover_problems(self) -> list[Problem]:
        return [Problem("(engine)", 0, "KB508", f"left behind by run {self.run_id}: {item}",
                        "the runner's cleanup missed it: report a bug")
                for item in self.leftovers()]


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --------------------------------------------------------------------------------------------
# --update: write the engine's output back to the pages
# --------------------------------------------------------------------------------------------

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
                continue   # this language's block has other commands: reported by compare_examples
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


def engine_versions(docker: str = "docker") -> dict[str, str]:
    """Server and client versions as the CLI reports them."""
    def version(part: str) -> str:
        result = subprocess.run([docker, "version", "--format", f"{{{{.{part}.Version}}}}"],
                                capture_output=True, text=True)
        return result.stdout.strip()
    return {"engine_version": version("Server"), "client_version": version("Client")}
