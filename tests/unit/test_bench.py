"""The benchmark's synthetic pages (kbtools/bench.py): a copy of a real page with its sections in
another order, so that a larger site's index is not made of identical, compressible copies."""
from __future__ import annotations

from kbtools.bench import shuffled_sections

PAGE = """---
title: T
---
# Title {#top}

Intro.

## One {#one}

```console
## not a heading: inside a fence
```

## Two {#two}

Text two.

## Three {#three}

Text three.
""".splitlines()


def sections(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("## ") and "{#" in line]


def test_sections_move_whole_and_the_head_stays():
    orders = {tuple(sections(shuffled_sections(PAGE, f"page/{copy}"))) for copy in range(12)}
    assert len(orders) > 1, "the copies all have the same order"
    for copy in range(12):
        lines = shuffled_sections(PAGE, f"page/{copy}")
        assert lines[:7] == PAGE[:7]                       # front matter, title, intro
        assert sorted(lines) == sorted(PAGE)               # nothing lost or added
        one = lines.index("## One {#one}")
        assert lines[one + 2:one + 5] == PAGE[9:12]        # the fence moved with its section


def test_the_same_seed_gives_the_same_page():
    # the zh and en page of a pair share the seed: their structures stay alike
    assert shuffled_sections(PAGE, "page/3") == shuffled_sections(PAGE, "page/3")
