"""The tag vocabulary (data/tags.yml): load it and look tags up per language.

Every problem of the file (not UTF-8, not YAML, wrong shape, HTML characters in a tag name)
raises ``DataFileError`` with file:line and a hint (rules KB801/KB802)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .datafiles import DataFileError, key_line, shape_error, yaml_entries
from .htmlpolicy import plain_text_problem
from .paths import LANGUAGES, TAGS_FILE
from .problems import Problem, display_path


@lru_cache(maxsize=None)
def load_tags() -> tuple[dict, ...]:
    return read_tags(TAGS_FILE)


def read_tags(path: Path = TAGS_FILE) -> tuple[dict, ...]:
    """The tags of a vocabulary file; DataFileError (file:line, hint) when it is unusable."""
    tags = []
    for entry in yaml_entries(path, "the tag vocabulary",
                              "write each tag as '- id: name' with 'zh:' and 'en:' lines"):
        for key in ("id", *LANGUAGES):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                raise shape_error(path, key_line(entry, key), f"tag has no text '{key}'",
                                  f"every tag needs id, {', '.join(LANGUAGES)} (text values)")
            bad = plain_text_problem(value)
            if bad:
                raise DataFileError(Problem(display_path(path), key_line(entry, key), "KB802",
                                            f"tag {key} '{value[:40]}' {bad}",
                                            "a tag name is plain text: remove < > \""))
        tags.append({key: entry[key] for key in ("id", *LANGUAGES)})
    return tuple(tags)


def tag_names(lang: str) -> dict[str, str]:
    """{tag name in lang: tag id}."""
    return {entry[lang]: entry["id"] for entry in load_tags()}


def tag_id(name: str, lang: str) -> str | None:
    return tag_names(lang).get(name)
