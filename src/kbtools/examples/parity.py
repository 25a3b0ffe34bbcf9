"""zh / en equality of examples: both pages of a pair carry identical example blocks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from kbtools.problems import Problem

if TYPE_CHECKING:
    from kbtools.pages import Page


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
