"""Write data/docker-cli.json: a snapshot of the installed Docker CLI's commands and flags.

The snapshot is the one source of truth for the CLI check (src/kbtools/cli_check.py) and the
flag index (kb gen flag-index). It is read from ``docker <command> --help`` of the
installed client, for EVERY command and subcommand the client lists (so a misspelt subcommand is
detected anywhere), and records for each command: its usage line, aliases (``docker ps`` =
``docker container ls`` = ...), subcommands, and every flag with its short alias, value type,
default, description and hidden/deprecated markers.

The help output depends on the environment, so the script pins it:
* ``DOCKER_HOST`` points at a socket that does not exist: with an engine reachable, the CLI hides
  flags the engine does not support (Windows-only flags on Linux, flags newer than the engine's
  API). Without one it lists every flag of the client, which is what we want;
* ``DOCKER_CONFIG`` is an empty temporary folder (no user config, no context); its path is written
  as ``~/.docker`` in defaults;
* stdin is not a terminal, so help text is wrapped at 80 columns (descriptions are unwrapped here);
* the CLI plugins the project installs (Debian's ``docker-buildx`` and ``docker-compose``, in
  /usr/libexec/docker/cli-plugins/) are walked like the client's own commands: ``docker buildx
  ...`` and ``docker compose ...`` with their flags, and ``docker build`` is recorded as what it
  runs with buildx installed (an alias of ``docker buildx build``, BuildKit). Their versions are
  written under ``plugins``: the snapshot is only reproducible with the same client AND plugins.
  Other plugins a machine may have (``scout``, ``ai`` ...) are left out (PLUGINS).

The client is the project's one Docker client (kbtools.dockerclient: Debian's ``docker-cli``,
``/usr/bin/docker``; ``KB_DOCKER`` overrides it), not whatever ``docker`` comes first on PATH.

Flags the CLI never prints (pflag hidden flags such as ``docker run --net``) are found by probing
the names in HIDDEN_FLAG_CANDIDATES: ``docker CMD --NAME=0 --help`` fails with "unknown flag" when
the flag does not exist.

Usage:  kb snapshot [--output data/docker-cli.json] [--check] [--docker PATH]
``--check`` writes nothing and exits 1 when the committed snapshot differs from a fresh one.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kbtools import dockerclient
from kbtools.paths import CLI_SNAPSHOT

DEFAULT_OUTPUT = CLI_SNAPSHOT
SCHEMA_VERSION = 2

#: CLI plugins recorded in the snapshot (the project installs them from Debian's packages), with
#: the command that prints each one's version.
PLUGINS: dict[str, list[str]] = {
    "buildx": ["buildx", "version"],
    "compose": ["compose", "version", "--short"],
}
#: Where the client looks for plugins, in its order (after $DOCKER_CONFIG/cli-plugins, which is
#: empty here). Plugin help is read from the plugin binary itself, as the client would run it:
#: same text, without the client's start-up and its plugin scan (~3x faster).
PLUGIN_DIRS = ["/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
               "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"]
#: The client in use (set by main()/take_snapshot(); kbtools.dockerclient chooses it).
DOCKER = "docker"

#: Flags that exist but are hidden from ``--help`` in docker/cli (old spellings kept for old
#: scripts), with the flag that replaces each. Each is probed; only those the installed client
#: accepts are recorded, with the type and description of their replacement.
HIDDEN_FLAG_CANDIDATES: dict[str, dict[str, str]] = {
    "container run": {"net": "network", "net-alias": "network-alias"},
    "container create": {"net": "network", "net-alias": "network-alias"},
    "container stop": {"time": "timeout"},
    "container restart": {"time": "timeout"},
}

# Options start at most 6 columns in; deeper lines are wrapped descriptions, even when they
# begin with an option's name ("  Incompatible with" / "  --attach-dependencies."). A "type" of
# several words is a bool flag's name taken from backquotes in its usage
# (compose exec's "-T, --no-TTY docker compose exec").
FLAG_LINE_RE = re.compile(
    r"^\s{2,6}(?:-(?P<short>[^-\s]),\s+)?--(?P<long>[\w][\w.-]*)"
    r"(?P<optional>\[=[^\]]*\])?"
    r"(?:\s(?P<type>[\w.-]+(?: [\w.-]+)*))?"
    r"(?:\s{2,}(?P<desc>\S.*))?$")
COMMAND_LINE_RE = re.compile(r"^\s{2}(?P<name>[\w-]+)(?P<plugin>\*)?(?:\s{2,}(?P<desc>\S.*))?$")
SECTION_RE = re.compile(r"^(?P<name>[A-Z][A-Za-z ]*):(?:\s+(?P<rest>.*))?$")
DEFAULT_RE = re.compile(r"\s*\(default (?P<value>\"(?:[^\"\\]|\\.)*\"|[^()\s][^()]*)\)$")
DEPRECATED_RE = re.compile(r"\bdeprecated\b", re.I)


class SnapshotError(Exception):
    """The installed client cannot be read (missing, or its help has an unexpected shape)."""


def docker_env(config_dir: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("DOCKER_") and key not in {"COLUMNS", "LINES"}}
    env.update({
        "DOCKER_HOST": "unix:///nonexistent/cli-snapshot/docker.sock",
        "DOCKER_CONFIG": config_dir,
        "DOCKER_CLI_HINTS": "false",
        "LC_ALL": "C",
    })
    return env


def plugin_binary(name: str) -> str | None:
    for folder in PLUGIN_DIRS:
        path = Path(folder) / f"docker-{name}"
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None


def run_docker(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    program = [DOCKER]
    plugin = plugin_binary(args[0]) if args and args[0] in PLUGINS else None
    if plugin and "--help" in args:
        program = [plugin]
        env = dict(env, DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND=DOCKER)
    try:
        return subprocess.run([*program, *args], env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=30)
    except FileNotFoundError as error:
        raise SnapshotError(f"the docker client is not installed (no {DOCKER!r})") from error


def client_version(env: dict[str, str]) -> str:
    result = run_docker(["--version"], env)
    match = re.match(r"Docker version (\S+?),", result.stdout)
    if not match:
        raise SnapshotError(f"cannot read the client version from {result.stdout!r}")
    return match.group(1)


def split_sections(text: str) -> tuple[list[str], str, dict[str, list[str]]]:
    """(usage lines, short description, {section name: lines}) of a --help output."""
    usage: list[str] = []
    description_lines: list[str] = []
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_usage = False
    for line in text.splitlines():
        match = SECTION_RE.match(line)
        if match and not line.startswith(" "):
            name = match["name"]
            if name == "Usage":
                usage = [match["rest"].strip()] if match["rest"] else []
                in_usage, current = True, None
            else:
                in_usage = False
                current = sections.setdefault(name, [])
                if match["rest"]:
                    current.append("  " + match["rest"])
            continue
        if in_usage:
            if line.strip() and line[:1].isspace():
                usage.append(line.strip())
                continue
            in_usage = False
            current = description_lines
        if current is not None:
            current.append(line)
    description = " ".join(" ".join(text.split()) for text in description_lines if text.strip()
                           and not text.startswith("Run '"))
    return usage, description, sections


def parse_commands(lines: list[str]) -> dict[str, dict]:
    commands: dict[str, dict] = {}
    for line in lines:
        match = COMMAND_LINE_RE.match(line)
        if match:
            commands[match["name"]] = {"summary": " ".join((match["desc"] or "").split()),
                                       "plugin": bool(match["plugin"])}
        elif line.strip() and line[:1].isspace() and commands:
            last = list(commands.values())[-1]       # wrapped summary
            last["summary"] = (last["summary"] + " " + " ".join(line.split())).strip()
    return commands


def parse_flags(lines: list[str], config_dir: str) -> dict[str, dict]:
    """Flags of an Options section, keyed by long name, descriptions unwrapped."""
    flags: dict[str, dict] = {}
    current: dict | None = None
    parts: list[str] = []

    def finish() -> None:
        if current is None:
            return
        description = " ".join(" ".join(parts).split()).replace(config_dir, "~/.docker")
        default = None
        match = DEFAULT_RE.search(description)
        if match:
            value = match["value"]
            kind = current["type"]
            if kind == "bool":
                accepted = value in {"true", "false"}
            elif kind == "string":
                accepted = value.startswith('"')
            else:   # "(default 0 = unlimited)" is prose, not a pflag default
                accepted = " " not in value or value.startswith(("[", "map["))
            if accepted:
                default = json.loads(value) if value.startswith('"') else value
                description = description[: match.start()].rstrip()
        current["default"] = default
        current["description"] = description
        current["deprecated"] = bool(DEPRECATED_RE.search(description))

    for line in lines:
        match = FLAG_LINE_RE.match(line)
        if match and line.lstrip().startswith("-"):
            finish()
            optional = match["optional"]
            kind = match["type"] if match["type"] and " " not in match["type"] else None
            current = {
                "long": match["long"],
                "short": match["short"],
                "type": kind or "bool",
                "takes_value": bool(kind) and not optional,
                "optional_value": optional[2:-1].strip('"') if optional else None,
                "hidden": False,
            }
            flags[match["long"]] = current
            parts = [match["desc"] or ""]
        elif current is not None and line.strip() and line[:1].isspace():
            parts.append(line.strip())          # a wrapped description line
        elif current is not None:
            finish()                            # blank or unindented line: section ends
            current = None
    finish()
    return flags


def parse_aliases(lines: list[str]) -> list[str]:
    text = " ".join(line.strip() for line in lines if line.strip())
    return [" ".join(alias.split()[1:]) for alias in text.split(",")
            if alias.strip().startswith("docker ")]


def read_help(path: list[str], env: dict[str, str], config_dir: str) -> dict:
    result = run_docker([*path, "--help"], env)
    # buildx prints its description above "Usage:" too; the client and compose start with it
    text = result.stdout.strip("\n")
    start = 0 if text.startswith("Usage:") else text.find("\n\nUsage:") + 2
    if result.returncode != 0 or start < 0 or not text[start:].startswith("Usage:"):
        raise SnapshotError(f"'docker {' '.join(path)} --help' failed: "
                            f"{(result.stderr or result.stdout).strip()[:200]}")
    usage, description, sections = split_sections(text[start:])
    subcommands: dict[str, dict] = {}
    for name, lines in sections.items():
        if name.endswith("Commands"):
            subcommands.update(parse_commands(lines))
    options = sections.get("Options", []) if path else sections.get("Global Options", [])
    if path:   # buildx's "Experimental commands and flags are hidden ..." closing note
        description = description.split(" Experimental commands")[0]
    flags = parse_flags(options, config_dir)
    return {
        "usage": usage,
        "description": description,
        "aliases": parse_aliases(sections.get("Aliases", [])),
        "subcommands": subcommands,
        "flags": flags,
    }


def usage_stops_at_command(usage: list[str]) -> str | None:
    """For ``run``/``create``/``exec``: the positional after which words belong to the
    container's program (the CLI stops reading flags there). None for other commands."""
    for line in usage:
        match = re.search(r"\[OPTIONS\]\s+(?P<first>[A-Z_]+)\s+\[?COMMAND\]?\s+\[ARGS?\.\.\.\]",
                          line)
        if match:
            return match["first"].lower()
    return None


def probe_hidden(path: str, name: str, replacement: dict | None,
                 env: dict[str, str]) -> dict | None:
    """The hidden flag ``--name`` of ``docker path``, or None if the client rejects it."""
    words = path.split()
    result = run_docker([*words, f"--{name}=0", "--help"], env)
    if "unknown flag" in result.stderr:
        return None
    deprecated = re.search(r"Flag --\S+ has been deprecated, (.*)", result.stderr)
    as_bool = run_docker([*words, f"--{name}", "--help"], env)
    takes_value = not (as_bool.returncode == 0 and as_bool.stdout.startswith("Usage:"))
    flag = {"long": name, "short": None, "type": "bool", "takes_value": takes_value,
            "optional_value": None, "default": None, "description": "", "hidden": True,
            "deprecated": bool(deprecated)}
    if deprecated:
        flag["deprecation"] = deprecated.group(1).strip()
    if replacement:
        flag["replaced_by"] = replacement["long"]
        flag["type"] = replacement["type"]
        flag["description"] = replacement["description"]
    elif takes_value:
        flag["type"] = "value"
    return flag


def plugin_versions(root: dict, env: dict[str, str]) -> dict[str, str]:
    """{plugin: version} of the recorded plugins; an error when one is missing."""
    versions = {}
    for name, command in PLUGINS.items():
        info = root["subcommands"].get(name)
        if not info or not info["plugin"]:
            raise SnapshotError(f"the CLI plugin '{name}' is not installed; install Debian's "
                                f"docker-{name} (scripts/install-engine.sh)")
        output = run_docker(command, env).stdout
        match = re.search(r"v?(\d+\.\d+\.\d+\S*)", output)
        if not match:
            raise SnapshotError(f"cannot read the version of '{name}' from {output!r}")
        versions[name] = match.group(1)
    return versions


def take_snapshot(docker: str | None = None) -> dict:
    global DOCKER
    DOCKER = docker or dockerclient.client()
    with tempfile.TemporaryDirectory(prefix="cli-snapshot-") as config_dir:
        env = docker_env(config_dir)
        version = client_version(env)
        root = read_help([], env, config_dir)
        commands: dict[str, dict] = {}
        plugin_info = plugin_versions(root, env)
        # plugins that are not recorded (a 28.x client also lists "bake", a shortcut of
        # "buildx bake", as a command of its own: it is recorded as an alias)
        skipped = {name for name, info in root["subcommands"].items()
                   if info["plugin"] and name not in PLUGINS}
        level = [[name] for name in sorted(root["subcommands"]) if name not in skipped]
        # Breadth first, one level at a time; the --help calls of a level run in parallel (the
        # client takes ~20 ms each) and are stored in the order a sequential walk would use.
        with ThreadPoolExecutor(max_workers=8) as pool:
            while level:
                infos = list(pool.map(lambda path: read_help(path, env, config_dir), level))
                next_level = []
                for path, info in zip(level, infos):
                    info["summary"] = info["description"]
                    info["stop_after"] = usage_stops_at_command(info["usage"])
                    commands[" ".join(path)] = info
                    next_level.extend([*path, name] for name in sorted(info["subcommands"]))
                level = next_level

        aliases: dict[str, str] = {}
        for key, info in commands.items():
            names = info["aliases"] or [key]
            canonical = names[0] if names[0] in commands else key
            for name in names:
                aliases.setdefault(name, canonical)
            aliases.setdefault(key, canonical)
        for path, names in HIDDEN_FLAG_CANDIDATES.items():
            if path not in commands:
                continue
            flags = commands[path]["flags"]
            for name, replaced_by in names.items():
                if name in flags:
                    continue
                found = probe_hidden(path, name, flags.get(replaced_by), env)
                if found:
                    commands[path]["flags"][name] = found

        # Keep one entry per command: aliases point at it.
        canonical_commands = {key: info for key, info in commands.items()
                              if aliases.get(key, key) == key}
        for info in canonical_commands.values():
            info["subcommands"] = sorted(info["subcommands"])
            del info["description"]
        return {
            "schema": SCHEMA_VERSION,
            "client_version": version,
            "generated_by": "kb snapshot",
            "environment": "no engine reachable (every client flag listed), empty DOCKER_CONFIG, "
                           "plugins buildx and compose installed, help read with "
                           "'docker <command> --help'",
            "global_flags": root["flags"],
            "plugins": plugin_info,
            "top_level": sorted(name for name in root["subcommands"] if name not in skipped),
            "aliases": dict(sorted(aliases.items())),
            "commands": dict(sorted(canonical_commands.items())),
        }


def render(snapshot: dict) -> str:
    return json.dumps(snapshot, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb snapshot", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed snapshot instead of writing it")
    parser.add_argument("--docker", default=None,
                        help="the client to read (default: the project's client, "
                             "kbtools.dockerclient)")
    args = parser.parse_args(argv)
    try:
        text = render(take_snapshot(args.docker) if args.docker else take_snapshot())
    except SnapshotError as error:
        print(f"cli_snapshot: {error}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output}: differs from the installed client's help; "
                  "run: kb snapshot", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(json.loads(text)['commands'])} commands)")
    return 0

