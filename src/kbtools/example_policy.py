"""What a runnable example may do: the example policy, checked by the lint before anything runs
and enforced again at run time (kbtools/engine_guard.py).

Examples run next to a real Docker Engine as the user running the tests (root in CI), so a page
from a pull request must not be able to reach the host through them. Every ``$`` line of an
``<!-- example -->`` block that runs (not ``skip=``) must be:

* one ``docker ...`` command and nothing else: no pipes, ``;``, ``&&``, ``$( )``, backticks,
  variables, redirections, ``VAR=value``/``env``/``sudo`` prefixes or a path to docker
  (policy key ``shell``);
* a docker call that cannot reach the host: no ``--privileged``, ``--cap-add``, unconfined
  ``--security-opt``, host namespaces (``--pid``/``--ipc``/``--uts``/``--userns``/``--cgroupns``
  ``host``, ``--network host``), ``--device``, bind mounts of absolute paths or the Docker
  socket, host paths for files (``-o /x``), ``-H``/``--context``/``--config``, ports published
  on all interfaces, engine-wide commands (swarm, plugins, contexts, prune);
* registry traffic only to the project's local test registry ``localhost:5000``;
* ``kill``/``stop``/``exec``/``cp``/``rm``/... only of objects the page's examples created.

A page that truly needs one of these lists it with the policy key and a reason in
``data/example-policy-allow.yml`` (owned by the maintainers: see .github/CODEOWNERS).
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import DATA_DIR
from .problems import Problem

if TYPE_CHECKING:
    from .dockercli import Invocation
    from .pages import CodeBlock, Page

ALLOW_FILE = DATA_DIR / "example-policy-allow.yml"
LOCAL_REGISTRY = "localhost:5000"


#: What each policy key means (the keys of the allow-list file).
KEYS = {
    "shell": "the line is not a single docker command",
    "privileged": "--privileged",
    "cap-add": "--cap-add",
    "security-opt": "--security-opt that loosens confinement",
    "host-namespace": "--pid/--ipc/--uts/--userns/--cgroupns host",
    "host-network": "--network host",
    "device": "--device, --device-cgroup-rule, --gpus",
    "host-path": "an absolute host path (bind mount, -o/-i/-f file, build context)",
    "docker-socket": "the Docker socket",
    "publish-all-interfaces": "a port published on every interface instead of 127.0.0.1",
    "engine-address": "-H/--host, --context, --config",
    "engine-wide": "swarm, service, node, stack, secret, config, plugin, context, prune",
    "registry": "registry traffic outside localhost:5000",
    "foreign-object": "an object the page did not create",
    "unbounded": "(run time only) the page's containers keep the engine's default memory and "
                 "CPU limits instead of the runner's bounds (the pids limit stays)",
}

#: Commands that act on an existing object, and the kind of object (canonical dockercli paths).
TARGETED = {
    "container rm": "container", "container kill": "container", "container stop": "container",
    "container start": "container", "container restart": "container",
    "container pause": "container", "container unpause": "container",
    "container exec": "container", "container cp": "container", "container attach": "container",
    "container update": "container", "container rename": "container",
    "container export": "container", "container commit": "container",
    "container logs": "container", "container top": "container", "container diff": "container",
    "container wait": "container", "container port": "container",
    "image rm": "image", "image push": "image", "image save": "image",
    "volume rm": "volume", "network rm": "network", "network connect": "network",
    "network disconnect": "network",
}
LABEL_PRUNABLE = ("container prune", "image prune", "network prune", "volume prune")
#: subcommands of the engine-wide groups that only read (docker context ls, service ls)
READ_ONLY_SUBCOMMANDS = ("ls", "inspect", "ps", "show", "logs", "version")
BUILD_KINDS = ("image build", "buildx build", "builder build")
#: buildx commands that only build or read; the others change the engine's builders
BUILDX_READ_ONLY = ("buildx build", "buildx ls", "buildx du", "buildx version", "buildx inspect")
ENGINE_WIDE = ("swarm", "service", "node", "stack", "secret", "config", "plugin", "context",
               "trust", "manifest")
REGISTRY_COMMANDS = ("image pull", "image push", "login", "logout", "search")
HOST_NAMESPACE_FLAGS = ("--pid", "--ipc", "--uts", "--userns", "--cgroupns")
FILE_FLAGS = {"--output", "--input", "--file", "--env-file", "--label-file", "--cidfile",
              "--iidfile", "--metadata-file", "--secret", "--ssh", "--cache-from", "--cache-to",
              "--project-directory", "--env-file"}
SAFE_GLOBAL_FLAGS = {"--help", "--version", "--debug", "--log-level"}
SAFE_SECURITY_OPTS = re.compile(r"^no-new-privileges(?:[:=]true)?$")


@dataclass(frozen=True)
class Violation:
    key: str          # policy key (see KEYS), the name used in the allow-list file
    rule: str
    message: str
    hint: str


# --------------------------------------------------------------------------------------------
# The line must be one plain docker command
# --------------------------------------------------------------------------------------------

def shell_problem(text: str) -> str | None:
    """Why ``text`` is not one plain command (None when it is): scanned the way bash reads it,
    so that quoted text (``sh -c 'a; b'``, ``--format '{{.Names}}'``) stays allowed."""
    quote = None
    index = 0
    while index < len(text):
        char = text[index]
        if quote == "'":
            if char == "'":
                quote = None
        elif char == "\\":
            index += 1
        elif char == "`":
            return "a backtick command substitution"
        elif char == "$" and index + 1 < len(text) and (text[index + 1] in "({[" or
                                                        re.match(r"[\w@*#?!$-]", text[index + 1])):
            return f"a shell expansion '{text[index:index + 2]}…'" if text[index + 1] != "(" \
                else "a $( ) command substitution"
        elif quote == '"':
            if char == '"':
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "|;&<>()\n":
            return f"the shell operator '{char}'"
        elif char == "~" and (index == 0 or text[index - 1] in " =:"):
            return "a home-folder path '~'"
        index += 1
    if quote:
        return "an unclosed quote"
    return None


def split_words(text: str) -> list[str] | None:
    try:
        return shlex.split(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# The docker call
# --------------------------------------------------------------------------------------------

def is_host_path(value: str) -> bool:
    return value.startswith(("/", "~")) or value.startswith("..") or "docker.sock" in value


def _mount_source(flag: str, value: str) -> tuple[str, str]:
    """(type, source) of a -v/--volume or --mount value."""
    if flag == "--mount":
        parts = dict(p.partition("=")[::2] for p in value.split(","))
        return parts.get("type", "volume"), parts.get("source") or parts.get("src") or ""
    if ":" not in value:
        return "volume", ""             # anonymous volume (-v /data)
    source = value.split(":")[0]
    return ("bind" if source.startswith((".", "/", "~")) else "volume"), source


def _image_registry(reference: str) -> str | None:
    """The registry host an image reference names (None: Docker Hub)."""
    first, slash, _ = reference.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


def call_violations(call: "Invocation") -> list[Violation]:
    """Policy violations of one parsed docker call (names of targets are checked separately)."""
    found: list[Violation] = []

    def add(key: str, rule: str, message: str, hint: str) -> None:
        found.append(Violation(key, rule, message, hint))

    for used in call.global_flags:
        name = f"--{used.flag.long}" if used.flag else used.name
        if name not in SAFE_GLOBAL_FLAGS:
            add("engine-address", "KB812", f"the global option {used.text} points docker "
                "elsewhere", "examples talk to the engine the runner gives them; drop it")
    kind = call.command.path if call.command else (call.typed or "")
    top = kind.split()[0] if kind else ""
    read_only = kind.split()[-1] in READ_ONLY_SUBCOMMANDS if kind else False
    # a prune limited by a label filter runs: the runner adds the run's own label to the filter
    # (filters are ANDed), so only objects this run created can go (kbtools.examples)
    labelled_prune = kind in LABEL_PRUNABLE and any(
        flag == "--filter" and (value or "").startswith("label=") for flag, value in call.options())
    if (top in ENGINE_WIDE and not read_only) or (kind.endswith("prune") and not labelled_prune):
        add("engine-wide", "KB812", f"'docker {call.typed}' changes or reads the engine as a "
            "whole", "show it in a skip=\"...\" example instead")
        return found
    if top == "buildx" and call.command and kind not in BUILDX_READ_ONLY:
        add("engine-wide", "KB812", f"'docker {call.typed}' changes the engine's builders",
            "use docker build")
        return found
    if top in {"buildx", "compose"} and not call.command:
        words = call.words[2:]
        if top == "buildx" and words[:1] not in (["build"], ["ls"], ["version"], ["du"]):
            add("engine-wide", "KB812", f"'docker buildx {' '.join(words[:1])}' changes the "
                "engine's builders", "use docker build")
        for word in words:
            if word.startswith(("-H", "--host", "--context", "--config")):
                add("engine-address", "KB812", f"{word} points docker elsewhere", "drop it")
            if word.startswith("/") or word.startswith("--file=/"):
                add("host-path", "KB811", f"the host path {word}", "use a file of the example "
                    "(file= block) with a relative path")
        return found
    options = call.options()
    positional = call.positional
    if kind in REGISTRY_COMMANDS:
        target = positional[0] if positional else ""
        registry = target if kind in ("login", "logout") else _image_registry(target)
        if kind == "search" or registry != LOCAL_REGISTRY:
            add("registry", "KB813", f"'docker {call.typed} {target}' talks to "
                f"{registry or 'Docker Hub'}", f"only the local test registry {LOCAL_REGISTRY} "
                f"is reachable: tag the image {LOCAL_REGISTRY}/<name>")
    for flag, value in options:
        value = value or ""
        if flag == "--privileged":
            add("privileged", "KB811", "--privileged gives the container the whole host",
                "drop it; show it in a skip=\"...\" example if the page explains it")
        elif flag in ("--cap-add",):
            add("cap-add", "KB811", f"--cap-add {value} adds a capability",
                "examples keep the default capabilities (--cap-drop is fine)")
        elif flag == "--security-opt" and not SAFE_SECURITY_OPTS.match(value):
            add("security-opt", "KB811", f"--security-opt {value} loosens confinement",
                "only --security-opt no-new-privileges is allowed")
        elif flag in HOST_NAMESPACE_FLAGS and value == "host":
            add("host-namespace", "KB811", f"{flag} host shares the host's namespace",
                "use the default (private) namespace")
        elif flag in ("--network", "--net") and value == "host":
            add("host-network", "KB811", "--network host puts the container on the host's "
                "network", "publish a port on 127.0.0.1 instead (-p 127.0.0.1:8080:80)")
        elif flag in ("--device", "--device-cgroup-rule", "--gpus"):
            add("device", "KB811", f"{flag} {value} gives the container a host device",
                "examples use no devices")
        elif flag in ("--volume", "--mount"):
            kind_, source = _mount_source(flag, value)
            if "docker.sock" in value:
                add("docker-socket", "KB811", "the Docker socket is mounted into a container",
                    "a container with the socket controls the engine: never in an example")
            elif kind_ == "bind" and is_host_path(source):
                add("host-path", "KB811", f"bind mount of the host path {source}",
                    "bind-mount a folder of the example with a relative path (./data:/data)")
        elif flag in FILE_FLAGS and value and is_host_path(value.split(",")[-1].split("=")[-1]):
            add("host-path", "KB811", f"{flag} {value} reads or writes a host path",
                "use a file name relative to the example's folder")
        elif flag in ("--publish",) and value:
            host_part = value.rsplit(":", 1)[0] if value.count(":") >= 1 else ""
            if not host_part.startswith(("127.0.0.1:", "[::1]:")):
                add("publish-all-interfaces", "KB811", f"-p {value} publishes the port on every "
                    "interface of the host", f"bind it to the loopback: -p 127.0.0.1:{value}")
        elif flag == "--publish-all":
            add("publish-all-interfaces", "KB811", "-P publishes ports on every interface",
                "publish each port on 127.0.0.1 with -p 127.0.0.1:HOST:CONTAINER")
        elif flag == "--pull" and value in ("always", "missing", "newer"):
            image = positional[0] if positional else ""
            if _image_registry(image) != LOCAL_REGISTRY:
                add("registry", "KB813", f"--pull {value} may fetch {image} from a registry",
                    "images come from the local engine (kb images)")
        elif kind in BUILD_KINDS and flag == "--pull":
            add("registry", "KB813", "docker build --pull fetches base images from a registry",
                "base images come from the local engine")
        elif kind in BUILD_KINDS and flag == "--allow":
            add("privileged", "KB811", f"--allow {value} grants the build extra privileges",
                "drop it")
        elif kind in BUILD_KINDS and flag == "--network" and value == "host":
            add("host-network", "KB811", "the build runs on the host's network", "drop it")
        elif flag == "--cgroup-parent" or flag == "--runtime":
            add("security-opt", "KB811", f"{flag} {value} changes how the container is confined",
                "drop it")
    if kind in BUILD_KINDS and positional:
        context = positional[-1]
        if re.match(r"^[a-z]+://|^git@", context) or is_host_path(context):
            add("host-path", "KB811", f"the build context {context} is outside the example",
                "build from the example's folder: docker build -t NAME .")
    if kind in ("image load", "image import", "container export", "image save") or \
            kind == "container cp":
        for word in positional:
            if kind == "container cp" and ":" in word:
                continue
            if re.match(r"^[a-z]+://", word) or (word.startswith("/") and kind != "image import"):
                add("host-path", "KB811", f"the host path {word}",
                    "use a file name relative to the example's folder")
    return found


# --------------------------------------------------------------------------------------------
# Objects a page creates and uses
# --------------------------------------------------------------------------------------------

def created_names(call: "Invocation") -> list[tuple[str, str]]:
    """(kind, name) of the objects a call creates by name."""
    kind = call.command.path if call.command else ""
    options = call.options()
    positional = call.positional
    made: list[tuple[str, str]] = []
    if kind in ("container run", "container create"):
        made += [("container", v) for f, v in options if f == "--name" and v]
        for flag, value in options:
            if flag in ("--volume", "--mount") and value:
                mount, source = _mount_source(flag, value)
                if mount == "volume" and source:
                    made.append(("volume", source))
    elif kind in ("network create", "volume create") and positional:
        made.append((kind.split()[0], positional[-1]))
    elif kind in BUILD_KINDS:
        made += [("image", v) for f, v in options if f == "--tag" and v]
    elif kind in ("image tag",) and len(positional) > 1:
        made.append(("image", positional[1]))
    elif kind in ("container commit", "image import") and len(positional) > 1:
        made.append(("image", positional[1]))
    elif kind == "image pull" and positional:
        made.append(("image", positional[0]))
    elif kind == "container rename" and len(positional) > 1:
        made.append(("container", positional[1]))
    return made


def _name_forms(kind: str, name: str) -> set[str]:
    if kind != "image":
        return {name}
    base = name.split("@")[0]
    last = base.rsplit("/", 1)[-1]
    return {base if ":" in last else base + ":latest"}


def targets(call: "Invocation") -> list[tuple[str, str]]:
    """(kind, name) of the existing objects a call acts on."""
    kind = call.command.path if call.command else ""
    if kind in ("container run", "container create"):
        # joining another container's volumes or namespaces acts on that container
        joined = [value.split(":")[0] for flag, value in call.options()
                  if flag == "--volumes-from" and value]
        joined += [value.split(":", 1)[1] for flag, value in call.options()
                   if flag in ("--network", "--net", *HOST_NAMESPACE_FLAGS) and value
                   and value.startswith("container:")]
        return [("container", name) for name in joined]
    object_kind = TARGETED.get(kind)
    if not object_kind:
        return []
    positional = call.positional
    if kind == "container cp":
        names = [w.split(":", 1)[0] for w in positional if ":" in w and not w.startswith(("/", "."))]
    elif kind in ("container exec", "container commit", "container rename",
                  "container port", "image push"):
        names = positional[:1]
    elif kind in ("network connect", "network disconnect"):
        return [("network", positional[0])] + ([("container", positional[1])]
                                               if len(positional) > 1 else []) \
            if positional else []
    elif kind == "container update":
        names = positional
    else:
        names = call.args if call.command and call.command.stop_after else positional
    return [(object_kind, name) for name in names if name]


# --------------------------------------------------------------------------------------------
# The allow-list and the page check
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Allowance:
    page: str              # page key: "network/default-networks"
    key: str               # policy key
    reason: str
    line: int
    command: str | None    # only this exact $ line (None: every line of the page)


#: keys whose exceptions must name the exact command (the run-time guard cannot see inside a
#: shell line or a call to another engine address)
COMMAND_REQUIRED = ("shell", "engine-address")


def load_allowances(path: Path = ALLOW_FILE) -> tuple[list[Allowance], list[Problem]]:
    from .datafiles import DataFileError, LineLoader, key_line, load_yaml
    from .problems import display_path

    if not path.exists():
        return [], []
    try:
        data = load_yaml(path, LineLoader, "KB815")
    except DataFileError as error:
        return [], [error.problem]
    shown = display_path(path)
    allowances, problems = [], []
    if not isinstance(data, list):
        return [], [Problem(shown, 1, "KB815", "the file must be a YAML list of exceptions",
                            "write '- page: ...', 'allow: ...', 'reason: ...'")]
    for entry in data:
        if not isinstance(entry, dict):
            problems.append(Problem(shown, 1, "KB815", "an entry must be a mapping",
                                    "write '- page: ...', 'allow: ...', 'reason: ...'"))
            continue
        line = entry.get("__line__", 1)
        page, key, reason = entry.get("page"), entry.get("allow"), entry.get("reason")
        command = entry.get("command")
        if not isinstance(page, str) or not page:
            problems.append(Problem(shown, line, "KB815", "the entry names no page",
                                    "page: the page's path under docs/ without .md"))
        elif key not in KEYS:
            problems.append(Problem(shown, key_line(entry, "allow"), "KB815",
                                    f"unknown policy key {key!r}", f"one of {', '.join(KEYS)}"))
        elif not isinstance(reason, str) or len(reason.split()) < 4:
            problems.append(Problem(shown, key_line(entry, "reason"), "KB815",
                                    f"the exception for {page} ({key}) has no reason",
                                    "say in a sentence why the page needs it"))
        elif key in COMMAND_REQUIRED and not isinstance(command, str):
            problems.append(Problem(shown, line, "KB815", f"a '{key}' exception must name its "
                                    "command", "add command: with the exact $ line"))
        else:
            allowances.append(Allowance(page.removesuffix(".md"), key, reason, line,
                                        command if isinstance(command, str) else None))
    return allowances, problems


@lru_cache(maxsize=None)
def _allowances(path: Path = ALLOW_FILE) -> tuple[Allowance, ...]:
    return tuple(load_allowances(path)[0])


def is_allowed(page_key: str, key: str, command: str, path: Path = ALLOW_FILE) -> bool:
    """Whether the allow-list lets ``page_key`` break the policy ``key`` on this command line."""
    return any(a.page == page_key and a.key == key and a.command in (None, command)
               for a in _allowances(path))


def runs(block: "CodeBlock") -> bool:
    """Whether the example runner runs the block's commands (not skipped, not a file)."""
    options = block.marker.options if block.marker else {}
    return block.is_example and "skip" not in options and "file" not in options


def check_page(page: "Page", allow_file: Path = ALLOW_FILE) -> list[Problem]:
    """Every policy violation of the page's runnable examples, with the line."""
    from .dockercli import Snapshot, parse_invocation
    from .pages import block_commands

    problems: list[Problem] = []
    snapshot = Snapshot.load()
    made: set[tuple[str, str]] = set()

    def report(line: int, violation: Violation, command: str = "") -> None:
        if is_allowed(page.key, violation.key, command, allow_file):
            return
        problems.append(Problem(page.display, line, violation.rule, violation.message,
                                f"{violation.hint}; exceptions: data/example-policy-allow.yml, "
                                f"key '{violation.key}'"))

    for block in page.code_blocks:
        if block.is_example and block.marker.options.get("file"):
            for line, violation in file_violations(block):
                report(line, violation)
            continue
        if not runs(block):
            continue
        for command in block_commands(block):
            text = command.text
            reason = shell_problem(text)
            words = split_words(text) if reason is None else None
            if reason is None and (not words or words[0] != "docker"):
                reason = f"it runs '{words[0]}', not docker" if words else "it is empty"
            if reason:
                report(command.line, Violation("shell", "KB810", f"the line is not one docker "
                                                                 f"command: {reason}",
                                               "write one plain docker command per $ line; "
                                               "put files in file= blocks"), text)
                continue
            call = parse_invocation(words, snapshot)
            for violation in call_violations(call):
                report(command.line, violation, text)
            for kind, name in targets(call):
                if not (_name_forms(kind, name) & {n for k, m in made if k == kind
                                                   for n in _name_forms(k, m)}):
                    report(command.line, Violation(
                        "foreign-object", "KB814", f"the {kind} '{name}' is not created by "
                        "an earlier example of this page", "create it first (e.g. docker run "
                        f"--name {page.key.rsplit('/', 1)[-1]}-demo ...) and use that name"), text)
            made.update(created_names(call))
    return problems


def file_violations(block: "CodeBlock") -> list[tuple[int, Violation]]:
    """Dockerfiles and Compose files written by ``file=`` blocks."""
    name = block.marker.options.get("file", "")
    found: list[tuple[int, Violation]] = []
    lowered = name.lower()
    if "dockerfile" in lowered:
        for offset, line in enumerate(block.lines):
            number = block.first_content_line + offset
            match = re.match(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", line, re.I)
            if match and _image_registry(match.group(1)) not in (None, LOCAL_REGISTRY):
                found.append((number, Violation("registry", "KB813", f"FROM {match.group(1)} "
                                                "names another registry", "use a local image")))
            if re.match(r"^\s*ADD\s+(?:--\S+\s+)*[a-z]+://", line, re.I):
                found.append((number, Violation("registry", "KB813", "ADD of a URL downloads "
                                                "during the build", "COPY a file of the example")))
            if re.match(r"^\s*RUN\s+--(?:security|network)=(?:insecure|host)", line, re.I):
                found.append((number, Violation("privileged", "KB811", "RUN with extra "
                                                "privileges or the host network", "drop it")))
    elif lowered.endswith((".yml", ".yaml")):     # any of them can be given to compose -f
        from .compose_policy import compose_violations

        found.extend(compose_violations(block.lines, block.first_content_line))
    return found
