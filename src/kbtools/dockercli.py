"""The Docker CLI as recorded in data/docker-cli.json, and a parser for ``docker ...`` lines.

``Snapshot.load()`` reads the snapshot written by kb snapshot. ``parse_line(text)``
splits a shell line into its commands (``|``, ``;``, ``&&``, ``||``, ``$( )``), keeps the ones
that run ``docker`` (also ``/usr/bin/docker``, and after ``sudo``, ``timeout 5`` or
``VAR=value``) and parses each like the CLI does:

* global options before the command (``docker -H tcp://host ps``);
* management commands and aliases (``docker container ls`` = ``docker ps``);
* flags: combined short flags (``-itd``), values glued to a short flag (``-p8080:80``,
  ``-m64m``), ``--flag=value`` and ``--flag value`` (only value-taking flags consume the next
  word), ``--`` ending the options;
* ``run``/``create``/``exec`` stop reading options at their first argument (the image or the
  container): what follows is the container's program and its own options (``sh -c '...'``,
  ``stress --vm 1``), never checked as docker flags. Other commands accept options anywhere.

Every problem is an ``Issue`` (kind, offending text, message, hint with a "did you mean"
suggestion); nothing here raises on odd input. The lint's CLI check (kbtools/cli_check.py) and
the example runner (kbtools/examples/: ``docker_invocations``, ``Invocation.options()``) both
read command lines with this parser.
"""
from __future__ import annotations

import difflib
import json
import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .paths import CLI_SNAPSHOT

#: Words in front of ``docker`` that still run docker.
PREFIX_COMMANDS = {"sudo", "env", "time", "nohup", "command", "exec"}
#: Options of ``timeout`` that take a value (``timeout -s KILL 5 docker ...``).
TIMEOUT_VALUE_OPTIONS = {"-s", "--signal", "-k", "--kill-after"}
#: Words that look like "docker" but are other programs or names.
NOT_MISSPELLINGS = {"docker", "dockerd", "docked", "docket", "locker", "rocker", "docker0",
                    "dockers", "dockerfile"}
#: CLI plugins the snapshot does not describe (it records buildx and compose only).
KNOWN_PLUGINS = {"buildx", "compose", "scout", "init", "debug", "sbom", "scan", "model",
                 "ai", "offload", "mcp", "desktop", "extension"}
PLACEHOLDER_RE = re.compile(r"(?<![\w<>$])<(?P<name>[^<>\s&|;=-][^<>\s]*)>(?![\w<>])")
#: A command word that stands for any command in usage-style text (`docker <command> --help`).
COMMAND_PLACEHOLDER_RE = re.compile(r"^(<[^<>]+>|[A-Z][A-Z_]*|\[[A-Z_]+\]|\.\.\.|…)$")
SEPARATOR_CHARS = set("|;&()")


@dataclass(frozen=True)
class Flag:
    long: str
    short: str | None
    type: str
    takes_value: bool
    default: str | None
    description: str
    hidden: bool = False
    deprecated: bool = False
    optional_value: str | None = None
    replaced_by: str | None = None

    @property
    def spelled(self) -> str:
        return f"-{self.short}, --{self.long}" if self.short else f"--{self.long}"


HELP_FLAG = Flag("help", None, "bool", False, None, "Print usage")


@dataclass
class Command:
    path: str                  # canonical path, e.g. "container ls"
    aliases: list[str]         # every spelling, e.g. ["container ls", "container list", "ps"]
    usage: list[str]
    summary: str
    flags: dict[str, Flag]     # by long name, hidden flags included
    subcommands: list[str]
    stop_after: str | None     # "image" / "container": later words belong to the program

    @property
    def shorts(self) -> dict[str, Flag]:
        return {flag.short: flag for flag in self.flags.values() if flag.short}

    def long(self, name: str) -> Flag | None:
        if name in self.flags:
            return self.flags[name]
        return HELP_FLAG if name == "help" else None

    def short(self, char: str) -> Flag | None:
        found = self.shorts.get(char)
        if found is None and char == "h":
            return HELP_FLAG
        return found

    def flag(self, spelled: str) -> Flag | None:
        """``--memory``, ``-m`` or ``memory`` -> the flag, or None."""
        if spelled.startswith("--"):
            return self.long(spelled[2:])
        if spelled.startswith("-") and len(spelled) == 2:
            return self.short(spelled[1])
        return self.long(spelled)

    def visible_flags(self) -> list[Flag]:
        return [flag for flag in self.flags.values() if not flag.hidden]


def _flag(data: dict) -> Flag:
    return Flag(long=data["long"], short=data.get("short"), type=data.get("type", "bool"),
                takes_value=bool(data.get("takes_value")), default=data.get("default"),
                description=data.get("description", ""), hidden=bool(data.get("hidden")),
                deprecated=bool(data.get("deprecated")),
                optional_value=data.get("optional_value"), replaced_by=data.get("replaced_by"))


class Snapshot:
    """Commands, aliases and flags of one Docker CLI version."""

    def __init__(self, data: dict):
        self.data = data
        self.client_version: str = data.get("client_version", "?")
        self.plugins: list[str] = list(data.get("plugins", []))
        self.top_level: list[str] = list(data.get("top_level", []))
        self.aliases: dict[str, str] = dict(data.get("aliases", {}))
        self.commands: dict[str, Command] = {}
        for path, info in data.get("commands", {}).items():
            self.commands[path] = Command(
                path=path, aliases=list(info.get("aliases") or [path]),
                usage=list(info.get("usage", [])), summary=info.get("summary", ""),
                flags={name: _flag(flag) for name, flag in info.get("flags", {}).items()},
                subcommands=list(info.get("subcommands", [])),
                stop_after=info.get("stop_after"))
        self.global_command = Command(
            path="", aliases=[""], usage=["docker [OPTIONS] COMMAND"], summary="",
            flags={name: _flag(flag) for name, flag in data.get("global_flags", {}).items()},
            subcommands=self.top_level, stop_after=None)

    @classmethod
    def load(cls, path: Path | str = CLI_SNAPSHOT) -> "Snapshot":
        return _load(str(path))

    # -- commands -------------------------------------------------------------------------
    def command(self, name: str) -> Command | None:
        """``docker ps``, ``ps``, ``container list`` -> the canonical Command, or None."""
        words = name.split()
        if words and words[0] == "docker":
            words = words[1:]
        key = " ".join(words)
        canonical = self.aliases.get(key, key)
        return self.commands.get(canonical)

    def is_group(self, path: str) -> bool:
        """True for management commands (``network``, ``container``, ``trust key``)."""
        command = self.commands.get(self.aliases.get(path, path))
        return bool(command and command.subcommands)

    def children(self, path: str) -> list[str]:
        """Names that may follow ``docker <path>``: subcommands and their aliases."""
        if not path:
            return sorted(set(self.top_level) | {"help"})
        command = self.commands.get(self.aliases.get(path, path))
        names = set(command.subcommands) if command else set()
        for alias in self.aliases:
            head, _, last = alias.rpartition(" ")
            if head == path:
                names.add(last)
        return sorted(names)

    def suggest_command(self, parent: str, word: str) -> str | None:
        matches = difflib.get_close_matches(word, self.children(parent), n=1, cutoff=0.6)
        return matches[0] if matches else None

    def commands_with_flag(self, spelled: str, near: str = "") -> list[str]:
        """Shortest spellings of the commands that have this flag, those of the same group as
        ``near`` (``container stop`` -> other ``container`` commands) and common ones first."""
        group = near.split()[0] if near else ""
        found = []
        for path, command in self.commands.items():
            flag = command.flag(spelled)
            if flag is None or flag is HELP_FLAG or flag.hidden:
                continue
            shortest = min(command.aliases, key=lambda a: (len(a.split()), a))
            rank = (path.split()[0] != group, len(shortest.split()), shortest)
            found.append((rank, shortest))
        return [name for _, name in sorted(found)]


@lru_cache(maxsize=4)
def _load(path: str) -> Snapshot:
    return Snapshot(json.loads(Path(path).read_text(encoding="utf-8")))


# -- parsing --------------------------------------------------------------------------------
@dataclass
class Issue:
    kind: str        # unknown-command, unknown-flag, missing-value, syntax, not-docker,
                     # plugin, hidden-flag, deprecated-flag, other-program-flag
    text: str        # the offending text as typed
    message: str
    hint: str = ""


@dataclass
class UsedFlag:
    text: str                   # as typed: "-m", "--memory=64m", "-it" (for combined shorts)
    name: str                   # "--memory" or "-m"
    flag: Flag | None
    value: str | None = None


@dataclass
class Invocation:
    """One ``docker ...`` command of a shell line, parsed."""
    words: list[str]
    typed: str = ""                       # command as typed: "ps", "container ls"
    command: Command | None = None
    global_flags: list[UsedFlag] = field(default_factory=list)
    group_flags: list[UsedFlag] = field(default_factory=list)  # docker compose -p x (before up)
    flags: list[UsedFlag] = field(default_factory=list)
    args: list[str] = field(default_factory=list)          # docker's own arguments
    program: list[str] = field(default_factory=list)       # the container's program + args
    issues: list[Issue] = field(default_factory=list)
    prefix: str = "docker"                # the word typed instead of docker, if misspelt
    command_end: int = 0                  # index in words right after the command's name

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def positional(self) -> list[str]:
        """Every word that is not an option: docker's arguments, then the container's program
        (``run -d busybox sh -c x`` -> ``["busybox", "sh", "-c", "x"]``)."""
        return self.args + self.program

    def options(self) -> list[tuple[str, str | None]]:
        """The command's options in the order typed, as ``(long spelling, value)``:
        ``-dit -m64m --name=x`` -> ``("--detach", None), ("--interactive", None),
        ("--tty", None), ("--memory", "64m"), ("--name", "x")``. An option the command does not
        have keeps the spelling typed. Global options (before the command) are not included."""
        return [(f"--{used.flag.long}" if used.flag else used.name, used.value)
                for used in self.flags]


@dataclass
class ParsedLine:
    invocations: list[Invocation]
    issues: list[Issue]          # problems of the line as a whole (quoting)


def looks_like_misspelt_docker(word: str) -> bool:
    """``dcoker``, ``dokcer``, ``docekr``: a typo of docker, not another program."""
    lowered = word.lower()
    if lowered in NOT_MISSPELLINGS or not lowered.isalpha() or not 4 <= len(lowered) <= 8:
        return False
    if sorted(lowered) == sorted("docker"):
        return True
    return difflib.SequenceMatcher(None, lowered, "docker").ratio() >= 0.8 and \
        lowered[0] in "dk"


def _tokens(text: str) -> tuple[list[str], dict[str, str], str | None]:
    """Shell words of a line; ``<placeholder>`` words are protected from being redirections."""
    placeholders: dict[str, str] = {}

    def protect(match: re.Match) -> str:
        key = f"__placeholder{len(placeholders)}__"
        placeholders[key] = match.group(0)
        return key

    prepared = PLACEHOLDER_RE.sub(protect, text)
    lexer = shlex.shlex(prepared, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError as error:
        return [], placeholders, str(error)
    return words, placeholders, None


def split_commands(text: str) -> tuple[list[list[str]], str | None]:
    """Simple commands of a shell line (separators and redirections removed)."""
    words, placeholders, error = _tokens(text)
    if error:
        return [], error
    commands: list[list[str]] = [[]]
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word and set(word) <= SEPARATOR_CHARS | set("<>"):
            if "<" in word or ">" in word:
                skip_next = not word.endswith("(")
                if commands[-1] and commands[-1][-1].isdigit():
                    commands[-1].pop()          # the "2" of "2>&1"
            else:
                commands.append([])
            continue
        if word == "$" or word.endswith("$"):   # "$(" command substitution
            word = word[:-1]
            if not word:
                continue
        for key, original in placeholders.items():
            word = word.replace(key, original)
        commands[-1].append(word)
    return [command for command in commands if command], None


def strip_prefix(words: list[str]) -> list[str]:
    """The words of a simple command from the program it runs on: ``sudo``, ``env``,
    ``timeout 5`` (with their options) and ``VAR=value`` in front are removed."""
    index = 0
    while index < len(words):
        word = words[index]
        if word in PREFIX_COMMANDS:
            index += 1
            while index < len(words) and words[index].startswith("-"):
                index += 1
        elif word == "timeout":
            index += 1
            while index < len(words) and words[index].startswith("-"):
                index += 2 if words[index] in TIMEOUT_VALUE_OPTIONS else 1
            index += 1                                  # the duration
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            index += 1
        else:
            break
    return words[index:]


def parse_line(text: str, snapshot: Snapshot | None = None,
               other_programs: dict[str, str] | None = None) -> ParsedLine:
    """Every docker command of a shell line, parsed; never raises.

    ``other_programs`` maps option spellings of non-docker programs documented on the site
    (``--vm`` -> ``stress``) so that their misuse as docker options gets a precise hint.
    """
    snapshot = snapshot or Snapshot.load()
    commands, error = split_commands(text)
    if error:
        return ParsedLine([], [Issue("syntax", text, f"cannot split the line into shell words "
                                     f"({error})", "close the quote or escape it")])
    invocations = []
    for words in commands:
        words = strip_prefix(words)
        if not words:
            continue
        if is_docker(words[0]):
            invocations.append(parse_invocation(words, snapshot, other_programs))
        elif looks_like_misspelt_docker(words[0]):
            invocation = parse_invocation(["docker", *words[1:]], snapshot, other_programs)
            invocation.words = list(words)
            invocation.prefix = words[0]
            meant = " ".join(["docker", *([invocation.typed] if invocation.command else [])])
            invocation.issues.insert(0, Issue("not-docker", words[0],
                                              f"`{words[0]}` is not a command",
                                              f"did you mean `{meant}`?"))
            invocations.append(invocation)
    return ParsedLine(invocations, [])


def is_docker(word: str) -> bool:
    """``docker`` or a path to it (``/usr/local/bin/docker``)."""
    return word == "docker" or word.endswith("/docker")


def docker_invocations(text: str, snapshot: Snapshot | None = None) -> list[Invocation]:
    """The docker commands a shell line really runs, parsed (a misspelt ``dcoker`` runs no
    docker and is left out); [] when the line cannot be split into shell words."""
    return [invocation for invocation in parse_line(text, snapshot).invocations
            if invocation.prefix == "docker"]


def unknown_flag_issue(name: str, command: Command, shown: str, snapshot: Snapshot,
                  other_programs: dict[str, str] | None = None) -> tuple[Issue, Flag | None]:
    """The issue for an unknown option, and the flag it is probably a misspelling of."""
    typed_as = f"`{shown}`"
    hints = []
    guess = None
    owner = (other_programs or {}).get(name)
    if owner:
        hints.append(f"`{name}` is an option of `{owner}`: it goes after the image name, "
                     "as an argument of the container's program")
    if name.startswith("--"):
        names = [f"--{flag.long}" for flag in command.visible_flags()] + ["--help"]
        match = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        if match:
            hints.append(f"{'or ' if owner else ''}did you mean `{match[0]}`?")
            guess = command.flag(match[0])
    if not hints:
        current = {command.path, *command.aliases}
        others = [c for c in snapshot.commands_with_flag(name, command.path)
                  if c not in current]
        if others:
            listed = ", ".join(f"`docker {c}`" for c in others[:3])
            hints.append(f"`{name}` is an option of {listed}, not of {typed_as}")
        else:
            hints.append(f"see `{shown} --help` for its options")
    kind = "other-program-flag" if owner else "unknown-flag"
    return Issue(kind, name, f"{typed_as} has no option `{name}`", "; ".join(hints)), guess


def _parse_flags(words: list[str], start: int, command: Command, shown: str,
                 snapshot: Snapshot, invocation: Invocation, flags_out: list[UsedFlag],
                 stop_at_positional: bool, other_programs: dict[str, str] | None) -> int:
    """Read options of ``command`` from ``words[start:]`` into ``flags_out``.

    With ``stop_at_positional`` (global options, run/create/exec) the first positional stops
    the reading and its index is returned; otherwise positionals go to ``invocation.args``.
    """
    index = start
    while index < len(words):
        word = words[index]
        if word == "--":          # end of options: the rest are arguments
            if stop_at_positional:
                return index + 1
            invocation.args.extend(words[index + 1:])
            return len(words)
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            flag = command.long(name)
            if flag is None:
                issue, guess = unknown_flag_issue(f"--{name}", command, shown, snapshot,
                                             other_programs)
                invocation.issues.append(issue)
                if not eq and guess is not None and guess.takes_value and \
                        index + 1 < len(words):
                    value, eq = words[index + 1], "="     # a typo of a value-taking option
                    index += 1
                flags_out.append(UsedFlag(word, f"--{name}", None, value if eq else None))
                index += 1
                continue
            if not eq and flag.takes_value:
                if index + 1 >= len(words):
                    invocation.issues.append(Issue("missing-value", word,
                                                   f"`--{name}` needs a value",
                                                   f"write `--{name} VALUE` or `--{name}=VALUE`"))
                    value = None
                else:
                    value = words[index + 1]
                    index += 1
            flags_out.append(UsedFlag(word, f"--{name}", flag, value if (eq or flag.takes_value)
                                      else None))
            index += 1
            continue
        if word.startswith("-") and len(word) > 1:
            chars = word[1:]
            position = 0
            while position < len(chars):
                char = chars[position]
                flag = command.short(char)
                rest = chars[position + 1:]
                if flag is None:
                    issue, _ = unknown_flag_issue(f"-{char}", command, shown, snapshot,
                                             other_programs)
                    if len(chars) > 1:
                        issue.text = word
                        issue.message += f" (in `{word}`)"
                    invocation.issues.append(issue)
                    flags_out.append(UsedFlag(word, f"-{char}", None))
                    if rest.startswith("="):
                        break
                    position += 1
                    continue
                if rest.startswith("="):
                    flags_out.append(UsedFlag(word, f"-{char}", flag, rest[1:]))
                    break
                if flag.takes_value:
                    if rest:
                        value = rest
                    elif index + 1 < len(words):
                        value = words[index + 1]
                        index += 1
                    else:
                        value = None
                        invocation.issues.append(Issue("missing-value", word,
                                                       f"`-{char}` needs a value",
                                                       f"write `-{char} VALUE`"))
                    flags_out.append(UsedFlag(word, f"-{char}", flag, value))
                    break
                flags_out.append(UsedFlag(word, f"-{char}", flag))
                position += 1
            index += 1
            continue
        if stop_at_positional:
            return index
        invocation.args.append(word)
        index += 1
    return index


def parse_invocation(words: list[str], snapshot: Snapshot,
                     other_programs: dict[str, str] | None = None) -> Invocation:
    """Parse ``docker [global options] COMMAND [SUBCOMMAND] [options] [args]``.

    ``other_programs`` maps option spellings of non-docker programs documented on the site
    (``--vm`` -> ``stress``) so that their misuse as docker options gets a precise hint.
    """
    invocation = Invocation(list(words))
    index = _parse_flags(words, 1, snapshot.global_command, "docker", snapshot, invocation,
                         invocation.global_flags, True, other_programs)
    if index >= len(words):
        return invocation
    path = ""
    while index < len(words):
        word = words[index]
        if COMMAND_PLACEHOLDER_RE.match(word):     # `docker <command> --help`, `docker COMMAND`
            invocation.typed = f"{path} {word}".strip()
            return invocation
        candidate = f"{path} {word}".strip()
        if candidate in snapshot.aliases or candidate in snapshot.commands or \
                (not path and word == "help"):
            path = candidate
            index += 1
            if word == "help" or not snapshot.is_group(path):
                break
            continue
        if not path and word in KNOWN_PLUGINS | set(snapshot.plugins):
            invocation.typed = word
            invocation.issues.append(Issue(
                "plugin", f"docker {word}",
                f"`docker {word}` is a CLI plugin that the snapshot (client "
                f"{snapshot.client_version}) does not describe; its options are not checked",
                "install the plugin and extend kb snapshot to record it"))
            return invocation
        if word.startswith("-") and path:
            group = snapshot.command(path)
            if group is None or set(group.flags) <= {"help"}:
                break                 # options of a management command (docker network --help)
            # a group with options of its own before the subcommand (docker compose -p x up)
            before = index
            index = _parse_flags(words, index, group, f"docker {path}", snapshot, invocation,
                                 invocation.group_flags, True, other_programs)
            if index == before or any(u.name in ("--help", "-h") for u in invocation.group_flags):
                break
            continue
        parent = f"docker {path}".strip()
        suggestion = snapshot.suggest_command(path, word)
        hint = (f"did you mean `{parent} {suggestion}`?" if suggestion
                else f"see `{parent} --help` for the commands")
        message = (f"`{word}` is not a docker command" if not path
                   else f"`{parent}` has no subcommand `{word}`")
        invocation.typed = f"{path} {word}".strip()
        invocation.issues.append(Issue("unknown-command", f"{parent} {word}", message, hint))
        return invocation
    invocation.typed = path
    invocation.command_end = index
    if path == "help":
        return invocation
    command = snapshot.command(path)
    if command is None:        # a snapshot without this alias target; reported as unknown
        invocation.issues.append(Issue("unknown-command", f"docker {path}",
                                       f"`docker {path}` is not in the CLI snapshot",
                                       "re-run kb snapshot"))
        return invocation
    invocation.command = command
    stops = command.stop_after is not None
    index = _parse_flags(words, index, command, f"docker {path}", snapshot, invocation,
                         invocation.flags, stops, other_programs)
    if stops and index < len(words):
        invocation.args.append(words[index])
        invocation.program = list(words[index + 1:])
    for used in invocation.flags + invocation.global_flags + invocation.group_flags:
        flag = used.flag
        if flag is not None and flag.hidden:
            better = f"`--{flag.replaced_by}`" if flag.replaced_by else "a documented option"
            invocation.issues.append(Issue("hidden-flag", used.name,
                                           f"`{used.name}` is an old spelling the CLI no "
                                           f"longer lists in `--help`", f"write {better}"))
        elif flag is not None and flag.deprecated:
            invocation.issues.append(Issue("deprecated-flag", used.name,
                                           f"`{used.name}` is deprecated: {flag.description}",
                                           "use the replacement the CLI names"))
    return invocation
