"""Reading contributors' files safely: every failure is a ``Problem`` with file:line and a hint.

Pages and data files come from pull requests. Whatever is in them — a 10 MB page, a byte that is
not UTF-8, malformed YAML, a YAML tag, a list where a mapping belongs — the reader stops with
``file:line: rule: message (hint)``, never with a traceback, and it stops before doing any slow
work (the size limit is checked on the file's size, before reading it).

Rules (listed in CONTRIBUTING.md):
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .problems import Problem, display_path

#: The largest page a contributor may send (the largest generated page, the flag index's
#: containers group, is ~57 KB; a hand-written page is 5-20 KB).
MAX_PAGE_BYTES = 256 * 1024
#: The largest data file (data/docker-cli.json, generated, is the largest: ~400 KB).
MAX_DATA_BYTES = 2 * 1024 * 1024



class DataFileError(Exception):
    """A file that cannot be used; ``problem`` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read_text(path: Path, rule: str, limit: int) -> str:
    """The file's text, or DataFileError (too large: checked before reading; not UTF-8: with
    the line of the first bad byte)."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DataFileError(Problem(shown, 0, rule, f"cannot be read ({error.strerror})",
                                    "check that the file exists and is a regular file")) from None
    if size > limit:
        raise DataFileError(Problem(shown, 0, rule, f"the file is {size // 1024} KB, more than the "
                                    f"limit of {limit // 1024} KB", "split it into smaller files"))
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise DataFileError(Problem(shown, line, rule, f"byte 0x{data[error.start]:02x} is not "
                                    "UTF-8 text", "save the file as UTF-8 (without a BOM)")) from None


#: libyaml's safe loader when PyYAML has it (10x faster on the flag descriptions), else Python's
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, loader=FAST_SAFE_LOADER, rule: str = "KB801",
              limit: int = MAX_DATA_BYTES):
    """Parse a YAML data file; DataFileError with the line of the YAML problem."""
    text = read_text(path, rule, limit)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - only safe loaders are passed
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        hint = "check quotes, colons and indentation"
        if "could not determine a constructor" in str(error):
            hint = "YAML tags (!!python/..., !something) are not allowed in data files"
        raise DataFileError(Problem(display_path(path), mark.line + 1 if mark else 1, rule,
                                    f"not valid YAML: {reason}", hint)) from None


def shape_error(path: Path, line: int, message: str, hint: str, rule: str = "KB801") -> DataFileError:
    return DataFileError(Problem(display_path(path), line, rule, message, hint))


class LineLoader(FAST_SAFE_LOADER):
    """A safe YAML loader that records the line of every mapping (``__line__``) and of each of
    its keys (``__lines__``: {key: line})."""


def _construct_mapping(loader, node, deep=False):
    mapping = FAST_SAFE_LOADER.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _ in node.value
                            if isinstance(key, yaml.ScalarNode)}
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_lines(value):
    """The data without the ``__line__``/``__lines__`` keys LineLoader added."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in ("__line__", "__lines__")}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def yaml_entries(path: Path, what: str, entry_hint: str, rule: str = "KB801") -> list[dict]:
    """The entries of a data file that is a YAML list of mappings, each with its lines
    (LineLoader); DataFileError (file:line, hint) when the file or an entry has another shape."""
    data = load_yaml(path, LineLoader, rule)
    if not isinstance(data, list):
        raise shape_error(path, 1, f"{what} must be a YAML list", entry_hint, rule)
    for entry in data:
        if not isinstance(entry, dict):
            raise shape_error(path, 1, f"an entry of {what} must be a mapping, not "
                              f"{entry!r:.40}", entry_hint, rule)
    return data


def key_line(entry: dict, key: str) -> int:
    return entry.get("__lines__", {}).get(key, entry.get("__line__", 1))


_ENGINE_KEYS = ("engine_version", "client_version", "verified_on", "buildx_version",
                "compose_version")


@dataclass(frozen=True)
class VerifiedEngine:
    """data/verified-engine.yml: the engine and client the pages' example output comes from."""
    engine_version: str
    client_version: str = "?"
    verified_on: str = "?"     # ISO date
    buildx_version: str = "?"  # BuildKit's CLI plugin (docker build)
    compose_version: str = "?"


def load_engine(path: Path) -> VerifiedEngine | None:
    """The one reader of data/verified-engine.yml: None when it names no engine;
    DataFileError (file:line) when it is unusable."""
    data = load_yaml(path, LineLoader)
    if data is None:
        return None
    if not isinstance(data, dict):
        raise shape_error(path, 1, "the file must be key: value lines",
                          "write engine_version:, client_version: and verified_on:")
    for key in _ENGINE_KEYS:
        value = data.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            raise shape_error(path, key_line(data, key), f"'{key}' must be a text value",
                              f"write '{key}: 26.1.5' on one line")
        if isinstance(value, str) and any(char in value for char in '<>"'):
            raise shape_error(path, key_line(data, key), f"'{key}' contains < > or \"",
                              "a version or date is plain text", "KB802")
    data = strip_lines(data)
    if not data.get("engine_version"):
        return None
    return VerifiedEngine(**{key: str(data[key]) for key in _ENGINE_KEYS if key in data})
