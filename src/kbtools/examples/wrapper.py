"""The ``docker`` wrapper that every example command finds first on its PATH
(:func:`shim_main`): it plans each call, refuses what would touch objects of others and
records what the run created, for the cleanup."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from kbtools import compose_projects
from kbtools.examples.common import ENV_DOCKER, ENV_RUN_ID, ENV_STATE, RUN_LABEL
from kbtools.examples.plan import (
    DockerPlan,
    canonical_image,
    cli_snapshot_error,
    plan_docker_call,
)


def _record(state: str, **entry: str) -> None:
    with open(state, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def read_state(state: Path) -> list[dict]:
    if not state.exists():
        return []
    entries = []
    for line in state.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def _docker_out(docker: str, *args: str) -> tuple[int, str]:
    result = subprocess.run([docker, *args], capture_output=True, text=True)
    return result.returncode, result.stdout.strip()


def _labels(text: str) -> dict:
    """Labels printed by ``docker inspect --format '{{json ...Labels}}'`` ({} when none)."""
    try:
        return json.loads(text) or {}
    except json.JSONDecodeError:
        return {}


def _owned_image(docker: str, run_id: str, state: list[dict], tag: str) -> bool | None:
    """None when the tag does not exist; else whether this run made what it points to."""
    code, out = _docker_out(docker, "image", "inspect", "--format",
                            "{{.Id}} {{json .Config.Labels}}", tag)
    if code != 0:
        return None
    image_id, _, labels = out.partition(" ")
    if _labels(labels).get(RUN_LABEL) == run_id:
        return True
    recorded_tags = {canonical_image(e["tag"]) for e in state if "tag" in e}
    recorded_images = {e["image"] for e in state if "image" in e}
    short = image_id.removeprefix("sha256:")
    return canonical_image(tag) in recorded_tags or \
        any(short.startswith(image) for image in recorded_images)


def _owned_object(docker: str, run_id: str, state: list[dict], kind: str,
                  name: str) -> bool | None:
    """None when the object does not exist; else whether this run created it."""
    if kind == "image":
        return _owned_image(docker, run_id, state, name)
    code, out = _docker_out(docker, kind, "inspect", "--format", "{{json .Labels}}"
                            if kind != "container" else "{{json .Config.Labels}}", name)
    if code != 0:
        return None
    if _labels(out).get(RUN_LABEL) == run_id:
        return True
    return kind == "volume" and any(e.get("volume") == name for e in state)


def _record_anonymous_volumes(docker: str, container: str, state: str) -> None:
    """Record the anonymous volumes of a container that is removed without ``-v``."""
    code, out = _docker_out(docker, "container", "inspect", "--format", "{{json .Mounts}}",
                            container)
    if code != 0:
        return
    for mount in json.loads(out) or []:
        anonymous = re.fullmatch(r"[0-9a-f]{64}", mount.get("Name", ""))
        if mount.get("Type") == "volume" and anonymous:
            _record(state, volume=mount["Name"])


def shim_main(argv: list[str]) -> int:
    """Entry point of the ``docker`` wrapper put first on the PATH of example commands."""
    docker = os.environ[ENV_DOCKER]
    run_id = os.environ[ENV_RUN_ID]
    state = os.environ[ENV_STATE]
    iidfile = f"{state}.iid-{os.getpid()}"
    unreadable = cli_snapshot_error()
    if unreadable:
        print(f"kb-examples: {unreadable}", file=sys.stderr)
        return 125
    plan = plan_docker_call(argv, run_id, iidfile)
    if plan.refusal:
        print(f"kb-examples: refused: {plan.refusal}", file=sys.stderr)
        return 125
    entries = read_state(Path(state))
    projects = {e["compose_project"] for e in entries if "compose_project" in e}
    project, refusal = compose_projects.check_call(docker, argv, projects)
    if refusal:
        print(f"kb-examples: refused: {refusal}", file=sys.stderr)
        return 125
    if project and project not in projects:
        _record(state, compose_project=project)
    for tag in plan.target_tags:
        owned = _owned_image(docker, run_id, entries, tag)
        if owned is False:
            print(f"kb-examples: refused: the image tag '{tag}' already exists and was not made "
                  f"by this example run; remove it first (docker rmi {tag}) or use another name",
                  file=sys.stderr)
            return 125
        if owned is None:
            _record(state, tag=tag)
    for volume in plan.named_volumes:
        if _docker_out(docker, "volume", "inspect", volume)[0] != 0:
            _docker_out(docker, "volume", "create", "--label", f"{RUN_LABEL}={run_id}", volume)
    for kind, name in plan.removes:
        if _owned_object(docker, run_id, entries, kind, name) is False:
            print(f"kb-examples: refused: {kind} '{name}' was not created by this example run; "
                  "examples only remove what they created themselves", file=sys.stderr)
            return 1
    if plan.keeps_volumes:
        for _, container in plan.removes:
            _record_anonymous_volumes(docker, container, state)
    if plan.kind == "image build":
        return _run_build(docker, plan, state)
    os.execv(docker, [docker, *plan.args])
    return 127  # not reached


def _run_build(docker: str, plan: DockerPlan, state: str) -> int:
    """Run ``docker build``, relaying its output, and record what it created."""
    _, before_text = _docker_out(docker, "images", "-aq", "--no-trunc")
    before = {line.removeprefix("sha256:") for line in before_text.split()}
    process = subprocess.Popen([docker, *plan.args], stdout=subprocess.PIPE)
    buffer = b""
    assert process.stdout is not None
    while True:
        chunk = process.stdout.read1(65536)
        if not chunk:
            break
        sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        buffer += chunk
    code = process.wait()
    text = buffer.decode("utf-8", "replace")
    for short in re.findall(r"^ ---> ([0-9a-f]{12})\s*$", text, re.M):
        if not any(full.startswith(short) for full in before):
            _record(state, image=short)
    for container in re.findall(r"Running in ([0-9a-f]{12})", text):
        _record(state, container=container)
    if plan.iidfile and os.path.exists(plan.iidfile):
        image = Path(plan.iidfile).read_text().strip().removeprefix("sha256:")
        if image and image not in before:
            _record(state, image=image)
        if plan.iidfile.startswith(state):
            os.unlink(plan.iidfile)
    return code
