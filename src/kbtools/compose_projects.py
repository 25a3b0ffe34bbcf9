"""Docker Compose in the example runner: which project a ``docker compose ...`` call acts on,
whether this run may act on it, and how to remove what the project created.

Compose cannot put the runner's label on what it creates, but it labels every container, network
and volume with ``com.docker.compose.project=<name>``. So the docker wrapper (kbtools/examples/wrapper.py)
asks Compose for the project's name before any call that can change something, refuses the call
when objects of that project already exist and this run did not start the project (someone
else's project on a shared engine), and otherwise records the project; the runner's cleanup then
removes exactly the objects carrying a recorded project's label.
"""
from __future__ import annotations

import json
import subprocess

PROJECT_LABEL = "com.docker.compose.project"
#: ``docker compose`` options before the subcommand that take a value (compose 2.26)
VALUE_OPTIONS = {"-f", "--file", "-p", "--project-name", "--profile", "--env-file",
                 "--project-directory", "--ansi", "--progress", "--parallel"}
#: subcommands that only read: they need no project record and are never refused
READ_ONLY = {"config", "convert", "ps", "ls", "logs", "images", "top", "version", "events",
             "port", "help", "--help", "-h"}
KINDS = ("container", "network", "volume")


def split_call(args: list[str]) -> tuple[list[str], str | None] | None:
    """For ``compose <options> <subcommand> ...`` (args after ``docker``): the options before
    the subcommand and the subcommand; None when the call is not a compose call."""
    if not args or args[0] != "compose":
        return None
    options: list[str] = []
    index = 1
    while index < len(args):
        word = args[index]
        if not word.startswith("-") or word in ("-h", "--help"):
            return options, word
        options.append(word)
        if word in VALUE_OPTIONS:
            if index + 1 < len(args):
                options.append(args[index + 1])
            index += 1
        index += 1
    return options, None


def project_name(docker: str, options: list[str]) -> str | None:
    """The project a compose call with these options acts on, as Compose itself resolves it
    (``-p``, ``COMPOSE_PROJECT_NAME``, ``name:`` of the file, the folder name); None when
    Compose cannot load the project (then the call fails by itself)."""
    result = subprocess.run([docker, "compose", *options, "config", "--format", "json"],
                            capture_output=True, text=True)
    if result.returncode == 0:
        try:
            return json.loads(result.stdout).get("name") or None
        except (json.JSONDecodeError, AttributeError):
            pass
    for flag, value in zip(options, options[1:]):
        if flag in ("-p", "--project-name"):
            return value
    for word in options:
        if word.startswith("--project-name="):
            return word.split("=", 1)[1]
    return None


def project_objects(docker: str, name: str) -> dict[str, list[str]]:
    """IDs/names of the containers, networks and volumes labelled with the project."""
    flt = f"label={PROJECT_LABEL}={name}"
    commands = {"container": ["ps", "-aq", "--no-trunc"], "network": ["network", "ls", "-q"],
                "volume": ["volume", "ls", "-q"]}
    found: dict[str, list[str]] = {}
    for kind, command in commands.items():
        result = subprocess.run([docker, *command, "--filter", flt], capture_output=True,
                                text=True)
        found[kind] = result.stdout.split() if result.returncode == 0 else []
    return found


def check_call(docker: str, args: list[str], recorded: set[str]) -> tuple[str | None, str | None]:
    """(project to record, refusal message) for a docker call; (None, None) when the call is not
    a compose call that can change something."""
    split = split_call(args)
    if split is None:
        return None, None
    options, subcommand = split
    if subcommand is None or subcommand in READ_ONLY:
        return None, None
    name = project_name(docker, options)
    if name is None or name in recorded:
        return name, None
    if any(project_objects(docker, name).values()):
        return None, (f"the Compose project '{name}' already has containers, networks or volumes "
                      "that this example run did not create; give the page's project a name "
                      "starting with the page's slug (top-level name: in the compose file, or -p)")
    return name, None


def remove_project(docker: str, name: str) -> list[str]:
    """Remove every container, network and volume of the project; returns what failed."""
    failures = []
    removals = {"container": ["rm", "-f", "-v"], "network": ["network", "rm"],
                "volume": ["volume", "rm", "-f"]}
    found = project_objects(docker, name)
    for kind in KINDS:
        for item in found[kind]:
            result = subprocess.run([docker, *removals[kind], item], capture_output=True,
                                    text=True)
            if result.returncode != 0 and "No such" not in result.stderr \
                    and "not found" not in result.stderr:
                failures.append(f"{kind} {item[:12]} of Compose project {name}: "
                                f"{result.stderr.strip()}")
    return failures
