"""Docker command lines: which calls the wrapper changes (labels, ``--pull never``), which it
refuses, and which images a command runs, makes or builds from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kbtools.dockercli import Invocation, Snapshot, docker_invocations, parse_invocation
from kbtools.examples.common import RUN_LABEL
from kbtools.paths import CLI_SNAPSHOT, REPO_ROOT


# Command lines are read by the parser the lint uses (kbtools/dockercli.py, over the CLI snapshot
# data/docker-cli.json): commands, aliases, value-taking options and where the image starts are
# those of the recorded client. The wrapper loads the snapshot once per docker call.

#: canonical commands (dockercli paths) whose calls the wrapper changes or watches
_RUN_LIKE = ("container run", "container create")
_LABELLED = ("network create", "volume create")
_REMOVING = ("container rm", "image rm", "volume rm", "network rm")


def cli_snapshot_error() -> str | None:
    """Why the CLI snapshot cannot be read (the runner needs it to read command lines), or None."""
    try:
        Snapshot.load()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return (f"cannot read the CLI snapshot {CLI_SNAPSHOT.relative_to(REPO_ROOT)} "
                f"({type(error).__name__}: {error}); run kb snapshot")
    return None


@dataclass
class DockerPlan:
    """What the wrapper does with one ``docker`` call."""
    kind: str | None                                      # canonical command ("container run")
    args: list[str]                                       # arguments for the real client
    target_tags: list[str] = field(default_factory=list)  # image tags the call (re)points
    named_volumes: list[str] = field(default_factory=list)  # volumes a run/create may create
    removes: list[tuple[str, str]] = field(default_factory=list)  # (object kind, name) removed
    keeps_volumes: bool = False                           # rm without -v
    iidfile: str | None = None                            # build: where the image id goes
    refusal: str | None = None


def _named_volumes(options: list[tuple[str, str | None]]) -> list[str]:
    names: list[str] = []
    for flag, value in options:
        if not value:
            continue
        if flag == "--volume":
            source = value.split(":")[0] if ":" in value else ""
        elif flag == "--mount":
            parts = dict(p.partition("=")[::2] for p in value.split(","))
            if parts.get("type", "volume") != "volume":
                continue
            source = parts.get("source") or parts.get("src") or ""
        else:
            continue
        if source and not source.startswith(("/", ".", "~", "$")) and "/" not in source:
            names.append(source)
    return names


#: With the buildx plugin, `docker build` is `docker buildx build` (BuildKit): still a build.
_SAME_KIND = {"buildx build": "image build", "builder build": "image build"}


def plan_docker_call(args: list[str], run_id: str, iidfile: str | None = None) -> DockerPlan:
    """Decide how to pass ``docker <args>`` to the real client (pure: runs nothing).

    The run label goes right after the subcommand: ``docker run X`` becomes
    ``docker run --label org.docker-basics-kb.run=<id> --pull never X``.
    """
    return _plan(parse_invocation(["docker", *args], Snapshot.load()), run_id, iidfile)


def _plan(call: Invocation, run_id: str, iidfile: str | None = None) -> DockerPlan:
    args = call.words[1:]
    kind = call.command.path if call.command else None
    kind = _SAME_KIND.get(kind, kind)
    plan = DockerPlan(kind, list(args))
    if kind is None:
        return plan
    options = call.options()
    if kind.split()[-1] == "prune":
        return _plan_prune(call, plan, options, run_id)
    flags = {flag for flag, _ in options}
    if "--help" in flags:
        return plan
    after = call.command_end - 1                 # in args, right after the command's name
    head, rest = list(args[:after]), list(args[after:])
    positional = call.positional
    label = f"{RUN_LABEL}={run_id}"
    if kind in _RUN_LIKE:
        extra = ["--label", label]
        if "--pull" not in flags:
            extra += ["--pull", "never"]
        plan.args = head + extra + rest
        plan.named_volumes = _named_volumes(options)
    elif kind in _LABELLED:
        plan.args = head + ["--label", label] + rest
    elif kind == "container commit":
        plan.args = head + ["--change", f"LABEL {label}"] + rest
        plan.target_tags = positional[1:2]
    elif kind == "image import":                 # docker import FILE [REPOSITORY[:TAG]]
        plan.args = head + ["--change", f"LABEL {label}"] + rest
        plan.target_tags = positional[1:2]
    elif kind == "image tag":
        plan.target_tags = positional[1:2]
    elif kind == "image build":
        plan.target_tags = [value for flag, value in options if flag == "--tag" and value]
        given = [value for flag, value in options if flag == "--iidfile" and value]
        if given:
            plan.iidfile = given[0]
        elif iidfile:
            plan.iidfile = iidfile
            plan.args = head + ["--iidfile", iidfile] + rest
    elif kind == "image pull":
        plan.target_tags = positional[:1]
    elif kind in _REMOVING:
        plan.removes = [(kind.split()[0], name) for name in positional]
        plan.keeps_volumes = kind == "container rm" and "--volumes" not in flags
    return plan


#: prune commands that may run when the page gives a label filter (the run's own label is added)
_LABEL_PRUNABLE = ("container prune", "image prune", "network prune", "volume prune")


def _plan_prune(call: Invocation, plan: DockerPlan, options: list[tuple[str, str | None]],
                run_id: str) -> DockerPlan:
    """``prune`` with a ``--filter label=...`` of the page runs with the run's label filter added
    (filters are ANDed: only objects this run labelled can go); any other prune is refused."""
    labels = [value for flag, value in options
              if flag == "--filter" and value and value.startswith("label=")]
    if plan.kind in _LABEL_PRUNABLE and labels:
        after = call.command_end - 1
        plan.args = plan.args[:after] + ["--filter", f"label={RUN_LABEL}={run_id}"] \
            + plan.args[after:]
        return plan
    if plan.kind in _LABEL_PRUNABLE:
        plan.refusal = (f"'docker {call.typed}' without --filter label=... would remove objects "
                        "this example run did not create; label the page's objects and prune "
                        "with --filter label=<the page's label>")
    else:
        plan.refusal = (f"'docker {call.typed}' would remove objects this example run did not "
                        "create; examples must not run it on a shared engine (mark the example "
                        "skip=\"...\" and explain)")
    return plan


#: a docker image reference (placeholders such as ``IMAGE``, ``<image>`` or ``...`` do not match)
IMAGE_REF_RE = re.compile(r"^(?:[a-z0-9.-]+(?::\d+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
                          r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                          r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$")


def canonical_image(name: str) -> str:
    """``busybox`` -> ``busybox:latest``; digests and explicit tags are kept."""
    if "@" in name:
        return name
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else name + ":latest"


def images_run(command: str) -> list[str]:
    """Images that the ``docker run``/``docker create`` calls of a shell line start from."""
    return [call.args[0] for call in docker_invocations(command)
            if call.command is not None and call.command.path in _RUN_LIKE and call.args
            and IMAGE_REF_RE.match(call.args[0])]


def images_made(command: str) -> list[str]:
    """Image tags that the build/tag/commit/import calls of a shell line create."""
    made = []
    for call in docker_invocations(command):
        plan = _plan(call, "x")
        if plan.kind in ("image build", "image tag", "container commit", "image import"):
            made.extend(plan.target_tags)
    return made


def dockerfile_bases(text: str) -> list[str]:
    """Images named by ``FROM`` lines of a Dockerfile (``scratch`` and build stages excluded)."""
    bases, stages = [], set()
    for line in text.splitlines():
        match = re.match(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)(?:\s+AS\s+(?P<stage>\S+))?",
                         line, re.I)
        if not match:
            continue
        image = match["image"]
        if image.lower() != "scratch" and image not in stages and "$" not in image:
            bases.append(image)
        if match["stage"]:
            stages.add(match["stage"])
    return bases
