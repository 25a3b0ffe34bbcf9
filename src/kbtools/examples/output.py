"""Normalising and comparing output: the engine's output against the page's, line by line
after :func:`normalise_line`, with ``...`` standing for any number of lines; diffs and merges."""
from __future__ import annotations

import difflib
import re

from kbtools import output_rules
from kbtools.examples.common import ELLIPSIS


_PRIVATE_V4 = r"(?:10\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])|192\.168)"
_NORMALISERS: list[tuple[re.Pattern, str]] = [
    # the run's temporary folder (working folder, client config) in messages that name a file
    (re.compile(r"/(?:[\w.-]+/)*kb-examples-run-\w+(?:/kb-example-\w+)?"), "<run-folder>"),
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
_NORMALISERS += output_rules.RULES       # BuildKit progress: declared in kbtools/output_rules.py


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
    norm_e = output_rules.tolerate_step_status(expected, [normalise_line(x) for x in expected])
    norm_a = output_rules.tolerate_step_status(actual, [normalise_line(x) for x in actual])
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
            ops.append((how, i, j))
            i, j = i + 1, j + 1
        elif how == "skip":
            ops.append(("skip", i, j))
            j += 1
        elif how in ("ellipsis", "delete"):
            ops.append((how, i, None))
            i += 1
        else:
            ops.append(("insert", None, j))
            j += 1
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
                          else re.escape(line) + "\n" for line in
                          output_rules.tolerate_step_status(
                              expected, [normalise_line(x) for x in expected]))
        text = "".join(line + "\n" for line in output_rules.tolerate_step_status(
            actual, [normalise_line(x) for x in actual]))
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
