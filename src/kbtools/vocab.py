"""The tag vocabulary (data/tags.yml): load it and look tags up per language."""
from __future__ import annotations

from functools import lru_cache

import yaml

from .paths import TAGS_FILE


@lru_cache(maxsize=None)
def load_tags() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(TAGS_FILE.read_text(encoding="utf-8")))


def tag_names(lang: str) -> dict[str, str]:
    """{tag name in lang: tag id}."""
    return {entry[lang]: entry["id"] for entry in load_tags()}


def tag_id(name: str, lang: str) -> str | None:
    return tag_names(lang).get(name)
