"""The example policy for the YAML files a page's examples write (``<!-- example: file=x.yaml -->``).

Any YAML file an example writes can be handed to ``docker compose -f``, so every one is read as a
Compose file, parsed (not scanned line by line): a key is found whatever its indentation, quoting
or syntax (short ``- /etc:/x`` or long ``type: bind`` volume, ``"8080:80"`` or ``published:``
port), anchors and ``<<:`` merges included. What the policy refuses is what
``kbtools.example_policy`` refuses on a command line:

- a privileged or loosened service (privileged, cap_add, security_opt other than
  no-new-privileges, devices, device_cgroup_rules, cgroup_parent, runtime);
- a host namespace (network_mode, pid, ipc, uts, userns_mode: host);
- the Docker socket or any absolute, ``~`` or ``..`` host path, wherever the file names a path:
  bind mounts, ``env_file``, ``build.context``/``dockerfile``, ``extends.file``, ``include``,
  ``secrets``/``configs`` ``file``, a local volume's ``driver_opts.device``;
- a port published on every interface (no ``127.0.0.1``/``::1`` host address, including a bare
  container port, which Compose publishes on an ephemeral port of every interface).

A file PyYAML cannot parse cannot be run by Compose either; it is still scanned line by line for
the same keys, so that a difference between the two YAML parsers cannot hide one. Aliases can make
a small file expand to a huge tree: the walk stops after ``MAX_NODES`` nodes and reports it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from .datafiles import LineLoader
# example_policy imports this module only inside a function, so this import is not circular
from .example_policy import SAFE_SECURITY_OPTS, Violation, is_host_path

MAX_NODES = 20_000
LOOSENING_KEYS = {
    "privileged": "privileged", "cap_add": "cap-add", "security_opt": "security-opt",
    "devices": "device", "device_cgroup_rules": "device", "cgroup_parent": "security-opt",
    "runtime": "security-opt",
}
NAMESPACE_KEYS = ("network_mode", "pid", "ipc", "uts", "userns_mode")
#: keys whose string values (or list items) are host paths
PATH_KEYS = {"env_file", "file", "context", "dockerfile", "device", "include", "path",
             "source"}
LOCAL_HOSTS = ("127.0.0.1", "::1", "[::1]")


def _violation(key: str, message: str, hint: str) -> Violation:
    return Violation(key, "KB811", message, hint)


def _path_violation(value: str, where: str) -> Violation:
    if "docker.sock" in value:
        return _violation("docker-socket", f"the Docker socket ({where})",
                          "never mount or read it in an example")
    return _violation("host-path", f"the host path {value} ({where})",
                      "use a path relative to the example's folder (./...)")


def _namespace_violation(key: str) -> Violation:
    return _violation("host-network" if key == "network_mode" else "host-namespace",
                      f"{key}: host", "drop it")


def _loosening_violation(key: str) -> Violation:
    return _violation(LOOSENING_KEYS[key], f"the Compose key {key}",
                      "drop it from the example's compose file")


class _TooLarge(Exception):
    pass


class _Items(list):
    """A YAML sequence that knows the line of each item (``lines``)."""
    lines: list[int]


class _Loader(LineLoader):
    """LineLoader, and every sequence an ``_Items`` with its items' lines."""


def _construct_sequence(loader, node):
    items = _Items(loader.construct_sequence(node, deep=True))
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _item_lines(value, default: int) -> Iterator[tuple[int, object]]:
    lines = getattr(value, "lines", [])
    for index, item in enumerate(value if isinstance(value, list) else []):
        yield (lines[index] if index < len(lines) else default), item


def _nodes(value, line: int, key: str, budget: list[int]) -> Iterator[tuple[int, str, object]]:
    """(line, key, value) of every node below ``value``; a list item carries its list's key."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    yield line, key, value
    if isinstance(value, dict):
        lines = value.get("__lines__", {})
        for child_key, child in value.items():
            if child_key not in ("__line__", "__lines__"):
                yield from _nodes(child, lines.get(child_key, line), str(child_key), budget)
    elif isinstance(value, list):
        for item_line, item in _item_lines(value, line):
            yield from _nodes(item, item_line, key, budget)


def _volume_source(item) -> str:
    if isinstance(item, str):
        return item.split(":", 1)[0] if ":" in item else ""
    return ""       # the long syntax's ``source`` is a PATH_KEYS key


def _port_on_every_interface(item) -> bool:
    if isinstance(item, dict):
        return str(item.get("host_ip", "")) not in LOCAL_HOSTS
    text = str(item)
    host = text.rsplit(":", 2)[0] if text.count(":") >= 2 else ""
    return host not in LOCAL_HOSTS


def _service_violations(service: dict, line: int) -> Iterator[tuple[int, Violation]]:
    lines = service.get("__lines__", {})
    for key in LOOSENING_KEYS:
        value = service.get(key)
        if key == "security_opt" and isinstance(value, list):
            value = [opt for opt in value if not SAFE_SECURITY_OPTS.match(str(opt))]
        if value not in (None, False, [], "", {}):
            yield lines.get(key, line), _loosening_violation(key)
    for key in NAMESPACE_KEYS:
        if service.get(key) == "host":
            yield lines.get(key, line), _namespace_violation(key)
    for where, item in _item_lines(service.get("volumes"), lines.get("volumes", line)):
        source = _volume_source(item)
        if source and is_host_path(source):
            yield where, _path_violation(source, "volumes")
    for where, item in _item_lines(service.get("ports"), lines.get("ports", line)):
        if _port_on_every_interface(item):
            yield where, _violation("publish-all-interfaces",
                                    f"the port {item if not isinstance(item, dict) else 'entry'}"
                                    " is published on every interface",
                                    'write "127.0.0.1:8080:80" (or host_ip: 127.0.0.1)')


def _parsed_violations(data) -> Iterator[tuple[int, Violation]]:
    budget = [MAX_NODES]
    for line, key, value in _nodes(data, 1, "", budget):
        if key in PATH_KEYS and isinstance(value, str) and is_host_path(value):
            yield line, _path_violation(value, key)
        elif key in ("context", "include", "file") and isinstance(value, str) and "://" in value:
            yield line, Violation("registry", "KB813", f"{key}: {value} is fetched from the "
                                  "network", "use files of the example's folder")
    services = data.get("services") if isinstance(data, dict) else None
    if isinstance(services, dict):
        lines = services.get("__lines__", {})
        for name, service in services.items():
            if isinstance(service, dict) and name not in ("__line__", "__lines__"):
                yield from _service_violations(service, lines.get(name, 1))


def _scanned_violations(lines: list[str]) -> Iterator[tuple[int, Violation]]:
    """The fallback for a file PyYAML cannot parse: the same keys, line by line."""
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        key, _, value = stripped.partition(":")
        key, value = key.strip().lstrip("- "), value.strip().strip("'\"")
        item = stripped[2:].strip().strip("'\"") if stripped.startswith("- ") else ""
        if key in LOOSENING_KEYS and value.lower() not in ("false", "[]"):
            yield number, _loosening_violation(key)
        elif key in NAMESPACE_KEYS and value == "host":
            yield number, _namespace_violation(key)
        elif "docker.sock" in line:
            yield number, _path_violation("docker.sock", "a line of the file")
        elif item and is_host_path(item):
            yield number, _path_violation(item.split(":", 1)[0], "a list item")
        elif key in PATH_KEYS and is_host_path(value):
            yield number, _path_violation(value, key)
        elif re.match(r"^(\d+|0\.0\.0\.0):", item):
            yield number, _violation("publish-all-interfaces", f"the port {item} is published "
                                     "on every interface", 'write "127.0.0.1:8080:80"')


def compose_violations(lines: list[str], first_line: int) -> list[tuple[int, Violation]]:
    """Every policy violation of a YAML file an example writes; lines are the page's."""
    try:
        data = yaml.load("\n".join(lines), Loader=_Loader)  # noqa: S506 - a safe loader
        found = list(_parsed_violations(data))
    except yaml.YAMLError:
        found = list(_scanned_violations(lines))
    except _TooLarge:
        found = [(1, _violation("host-path", f"the file expands to more than {MAX_NODES} "
                                "YAML nodes (aliases)", "write the file out without aliases"))]
    except RecursionError:
        found = [(1, _violation("host-path", "the file nests too deeply to be checked",
                                "write a flatter file"))]
    seen: set[tuple[int, str]] = set()
    result = []
    for line, violation in found:
        if (line, violation.message) not in seen:
            seen.add((line, violation.message))
            result.append((first_line + line - 1, violation))
    return result
