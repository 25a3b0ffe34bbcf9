"""Front-matter rules shared by the build hook and the lint: required keys, tag vocabulary."""
from __future__ import annotations

from .datafiles import DataFileError
from .htmlpolicy import plain_text_problem
from .pages import Page
from .problems import Problem
from .vocab import tag_names

REQUIRED_KEYS = ("title", "description", "tags")


def _key_line(page: Page, key: str) -> int:
    for number in range(2, page.body_start):
        if page.lines[number - 1].startswith(f"{key}:"):
            return number
    return 1


def check_front_matter(page: Page) -> list[Problem]:
    if any(p.rule in {"KB101", "KB102"} for p in page.problems):
        return []   # unreadable front matter was already reported
    problems: list[Problem] = []
    meta = page.front_matter
    for key in REQUIRED_KEYS:
        value = meta.get(key)
        if value in (None, "", []):
            problems.append(Problem(page.display, 1, "KB103", f"front matter has no '{key}'",
                                    f"add '{key}:' between the '---' lines"))
    for key in ("title", "description"):
        bad = plain_text_problem(meta.get(key))
        if bad:
            problems.append(Problem(page.display, _key_line(page, key), "KB106",
                                    f"the {key} {bad}", f"the {key} is plain text, never HTML: "
                                    "remove < > \" (write quotes as “ ” or ' ')"))
    tags = meta.get("tags")
    if tags not in (None, "", []) and not isinstance(tags, list):
        problems.append(Problem(page.display, _key_line(page, "tags"), "KB104",
                                "'tags' must be a list", "write each tag on its own '  - name' line"))
    elif isinstance(tags, list):
        try:
            allowed = tag_names(page.lang)
        except DataFileError:   # data/tags.yml itself is broken: reported once, as KB801/KB802
            return problems
        line = _key_line(page, "tags")
        for offset, tag in enumerate(tags):
            if not isinstance(tag, str):
                problems.append(Problem(page.display, line + 1 + offset, "KB104",
                                        f"tag {tag!r:.40} is not a name", "write one tag name "
                                        "per '  - name' line"))
            elif tag not in allowed:
                other = "en" if page.lang == "zh" else "zh"
                hint = f"allowed {page.lang} tags: {', '.join(allowed)}"
                if tag in tag_names(other):
                    hint = f"'{tag}' is the {other} name; this {page.lang} page uses " \
                           f"'{[k for k, v in allowed.items() if v == tag_names(other)[tag]][0]}'"
                problems.append(Problem(page.display, line + 1 + offset, "KB105",
                                        f"unknown tag '{tag}'", hint + " (data/tags.yml)"))
    return problems
