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
* the summary line of the terminal view ``[+] Building 1.2s (6/6) FINISHED``.

Each rule is (pattern, replacement) applied to one line, after the generic ones.
"""
from __future__ import annotations

import re

BUILDKIT_RULES: list[tuple[re.Pattern, str]] = [
    # plain progress: "#5 [2/2] RUN ...", "#5 DONE 0.3s", "#5 0.215 hello", "#5 CACHED"
    (re.compile(r"^#\d+ "), "#<n> "),
    (re.compile(r"^#<n> (?:DONE \d+(?:\.\d+)?s|CACHED)$"), "#<n> <done>"),
    (re.compile(r"^(#<n> )\d+\.\d+ "), r"\1<t> "),
    (re.compile(r" \d+(?:\.\d+)?s done$"), " <secs> done"),
    # terminal view: " => CACHED [2/2] RUN ...   0.0s", "[+] Building 1.2s (6/6) FINISHED"
    (re.compile(r"^( => (?:=> )?)CACHED "), r"\1"),
    (re.compile(r"^(\s*=>.*?)\s+\d+(?:\.\d+)?s$"), r"\1"),
    (re.compile(r"^\[\+\] Building \d+(?:\.\d+)?s "), "[+] Building <secs> "),
]

#: Every rule of this module, in the order they apply.
RULES = BUILDKIT_RULES
