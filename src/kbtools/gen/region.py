"""Generated regions inside hand-written files, the way docker/cli keeps its generated usage
text inside hand-written reference pages: the text between a start marker and an end marker is
the generator's, everything around it is the author's. ``Region.write`` is the one
regenerate-or-check step every such generator shares."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kbtools.gen import stale
from kbtools.problems import display_path


@dataclass(frozen=True)
class Region:
    path: Path
    start: str      # the start marker and what follows it verbatim, e.g. an opening fence
    end: str        # the end marker and what precedes it verbatim
    target: str     # the kb gen target that writes it

    def _pattern(self) -> re.Pattern:
        return re.compile(f"({re.escape(self.start)}).*?({re.escape(self.end)})", re.S)

    def write(self, content: str, check: bool) -> int:
        """Put ``content`` between the markers (``check``: write nothing, say where the file is
        stale); the exit status of ``kb gen``."""
        current = self.path.read_text(encoding="utf-8")
        match = self._pattern().search(current)
        if not match:
            print(f"{display_path(self.path)}:1: the {self.start.splitlines()[0]} ... "
                  f"{self.end.splitlines()[-1]} block is missing: put both markers back, "
                  f"then run: kb gen {self.target}")
            return 1
        wanted = current[:match.start()] + match.group(1) + content + match.group(2) \
            + current[match.end():]
        if wanted == current:
            return 0
        if check:
            print(stale(self.path, current, wanted, self.target))
            return 1
        self.path.write_text(wanted, encoding="utf-8")
        print(f"wrote {display_path(self.path)}")
        return 0
