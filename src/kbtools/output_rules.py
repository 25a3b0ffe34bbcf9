"""What may legitimately differ between two runs of the same example, beyond kbtools.examples'
generic placeholders (IDs, digests, times, sizes, addresses): BuildKit's progress output.

The examples are recorded on Docker Engine 26.1 with BuildKit (buildx 0.13) and CI installs the
same Debian packages, so the output is pinned; these rules make the comparison tolerant of what
changes from one build to the next even on the same engine, and of the build cache a machine
already has:

* step numbers ``#3`` (BuildKit numbers steps in the order they start, which varies);
* durations ``DONE 0.3s`` and ``0.0s done``, and the timestamps in front of a step's output;
* whether a step ran or came from the build cache (``#5 DONE 0.3s`` or ``#5 CACHED``; in the
  terminal view ``=> CACHED [2/2] RUN ...``): an engine that built the same step before takes it
  from the cache;
* the summary line of the terminal view ``[+] Building 1.2s (6/6) FINISHED``;
* the random reference of the build context in an error (``checksum of ref 1f2e...::k3j4``).

Each rule is (pattern, replacement) applied to one line, after the generic ones. Lines that
only report progress while a transfer is still running (``#3 transferring context:`` without a
size; printed or not depending on timing) are TRANSIENT: they are left out of both sides before
comparing, and ``--update`` does not record them.
"""
from __future__ import annotations

import re

BUILDKIT_RULES: list[tuple[re.Pattern, str]] = [
    # plain progress: "#5 [2/2] RUN ...", "#5 DONE 0.3s", "#5 0.215 hello", "#5 CACHED"
    (re.compile(r"^#\d+ "), "#<n> "),
    (re.compile(r"^#<n> (?:DONE \d+(?:\.\d+)?s|CACHED)$"), "#<n> <done>"),
    (re.compile(r"^(#<n> )\d+\.\d+ "), r"\1<t> "),
    (re.compile(r"(?: \d+(?:\.\d+)?s)? done$"), " <secs> done"),
    # terminal view: " => CACHED [2/2] RUN ...   0.0s", "[+] Building 1.2s (6/6) FINISHED"
    (re.compile(r"^( => (?:=> )?)CACHED "), r"\1"),
    (re.compile(r"^(\s*=>.*?)\s+\d+(?:\.\d+)?s$"), r"\1"),
    (re.compile(r"^\[\+\] Building \d+(?:\.\d+)?s "), "[+] Building <secs> "),
    # a failed COPY names the build's random context reference: "ref 1f2e...-...::k3j4..."
    (re.compile(r"\bref [0-9a-f<>id-]+::[a-z0-9]+"), "ref <ref>"),
]

TRANSIENT = re.compile(r"^#\d+ transferring (?:context|dockerfile):\s*$")


def is_transient(line: str) -> bool:
    return bool(TRANSIENT.match(line))


#: Every rule of this module, in the order they apply.
RULES = BUILDKIT_RULES
