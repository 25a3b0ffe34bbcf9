"""What may legitimately differ between two runs of the same example, beyond kbtools.examples'
generic placeholders (IDs, digests, times, sizes, addresses): BuildKit's progress output.

The examples are recorded on Docker Engine 26.1 with BuildKit (buildx 0.13) and CI installs the
same Debian packages, so the output is pinned; these rules make the comparison tolerant of what
changes from one build to the next even on the same engine, and of the build cache a machine
already has:

* step numbers ``#3`` (BuildKit numbers steps in the order they start, which varies);
* durations ``DONE 0.3s`` and ``0.0s done``, and the timestamps in front of a step's output;
* whether a preparation step (``[internal] ...``) or the ``FROM`` step of a local image ends as
  ``DONE`` or ``CACHED`` (it varies from run to run: ``tolerate_step_status``). For a ``RUN`` or
  ``COPY`` step the page's ``CACHED`` is a claim and is compared (a page that teaches the build
  cache relies on it), so an example whose first build must not depend on the engine's cache
  builds with ``--no-cache``; in the terminal view ``=> CACHED [2/2] RUN ...`` the marker is
  left out;
* the summary line of the terminal view ``[+] Building 1.2s (6/6) FINISHED``;
* the random reference of the build context in an error (``checksum of ref 1f2e...::k3j4``).

Each rule is (pattern, replacement) applied to one line, after the generic ones. Lines that
only report progress while a step is still running (``#3 transferring context:`` without a
size, ``#6 writing image sha256:...`` without ``done``; printed or not depending on timing)
are TRANSIENT: they are left out of both sides before comparing, and ``--update`` does not
record them.
"""
from __future__ import annotations

import re

_DURATION = re.compile(r"\b\d+\.\d+s\b")

BUILDKIT_RULES: list[tuple[re.Pattern, object]] = [
    # plain progress: "#5 [2/2] RUN ...", "#5 DONE 0.3s", "#5 0.215 hello", "#5 CACHED",
    # "#6 naming to NAME 0.0s done" (the time before "done" is printed only sometimes)
    (re.compile(r"^#\d+ (?:\d+\.\d+ )?"), "#<n> "),
    (re.compile(r"^(#<n> .*?)(?: \d+(?:\.\d+)?s)? done$"), r"\1 done"),
    (re.compile(r"^#<n> .*$"), lambda match: _DURATION.sub("<duration>", match.group(0))),
    # terminal view: " => CACHED [2/2] RUN ...   0.0s", "[+] Building 1.2s (6/6) FINISHED"
    (re.compile(r"^( => (?:=> )?)CACHED "), r"\1"),
    (re.compile(r"^(\s*=>.*?)\s+\d+(?:\.\d+)?s$"), r"\1"),
    (re.compile(r"^\[\+\] Building \d+(?:\.\d+)?s "), "[+] Building <secs> "),
    # a failed COPY names the build's random context reference: "ref 1f2e...-...::k3j4..."
    (re.compile(r"\bref [0-9a-f<>id-]+::[a-z0-9]+"), "ref <ref>"),
]

_STEP_HEADER = re.compile(r"^#(\d+) \[(?:internal\]|\d+/\d+\] FROM )")
_STEP_STATUS = re.compile(r"^#(\d+) (?:CACHED|DONE \d+(?:\.\d+)?s)$")


def tolerate_step_status(raw: list[str], normalised: list[str]) -> list[str]:
    """``normalised`` (normalise_line of each of ``raw``) with the end status of preparation and
    FROM steps made one placeholder: whether they print DONE or CACHED varies between runs."""
    steps = {m.group(1) for m in map(_STEP_HEADER.match, raw) if m}
    result = list(normalised)
    for index, line in enumerate(raw):
        match = _STEP_STATUS.match(line)
        if match and match.group(1) in steps:
            result[index] = "#<n> <status>"
    return result


TRANSIENT = re.compile(r"^#\d+ (?:transferring (?:context|dockerfile):\s*|exporting layers"
                       r"|writing image sha256:[0-9a-f]{64}|naming to \S+)$")   # no "done" yet


def is_transient(line: str) -> bool:
    return bool(TRANSIENT.match(line))


#: Every rule of this module, in the order they apply.
RULES = BUILDKIT_RULES
