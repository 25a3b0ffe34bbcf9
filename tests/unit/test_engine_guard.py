"""The example policy at run time (src/kbtools/engine_guard.py, src/kbtools/examples/sandbox.py):
what reaches the engine is checked whatever sent it, lines run with a clean environment, bounded
in time and output, and nothing they start outlives them."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from kbtools.engine_guard import (DEFAULT_MEMORY, DEFAULT_PIDS, RUN_LABEL, EngineGuard, Refused)
from kbtools.examples import sandbox


def guard(tmp_path, allowed=()):
    g = EngineGuard("/nonexistent.sock", tmp_path / "g.sock", "kb-test-run")
    g.state.workdir = str(tmp_path)
    g.state.allowed = frozenset(allowed)
    g.state.images_before = {"busybox:latest", "0123456789abcdef0123"}
    g.state.volumes_before = {"someone-elses-volume"}
    g.state.networks_before = {"bridge", "someone-elses-net"}
    return g


def create(g, **host):
    body = json.dumps({"Image": "busybox", "HostConfig": host}).encode()
    return json.loads(g.check("POST", "/v1.45/containers/create?name=x", body))


@pytest.mark.parametrize("host", [
    {"Privileged": True}, {"CapAdd": ["SYS_ADMIN"]}, {"SecurityOpt": ["seccomp=unconfined"]},
    {"PidMode": "host"}, {"IpcMode": "host"}, {"UTSMode": "host"}, {"UsernsMode": "host"},
    {"NetworkMode": "host"}, {"Devices": [{"PathOnHost": "/dev/sda"}]},
    {"Binds": ["/:/host"]}, {"Binds": ["/var/run/docker.sock:/s"]},
    {"Mounts": [{"Type": "bind", "Source": "/etc", "Target": "/e"}]},
    {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
    {"PublishAllPorts": True}, {"CgroupParent": "/"},
], ids=lambda host: next(iter(host)))
def test_container_create_reaching_the_host_is_refused(tmp_path, host):
    with pytest.raises(Refused):
        create(guard(tmp_path), **host)


def test_allowed_page_may_use_its_exception(tmp_path):
    assert create(guard(tmp_path, {"host-network"}), NetworkMode="host")["HostConfig"][
        "NetworkMode"] == "host"


def test_every_container_is_labelled_and_bounded(tmp_path):
    config = create(guard(tmp_path), Binds=[f"{tmp_path}/data:/data"])
    host = config["HostConfig"]
    assert host["PidsLimit"] == DEFAULT_PIDS and host["Memory"] == DEFAULT_MEMORY
    assert host["NanoCpus"] > 0 and config["Labels"][RUN_LABEL] == "kb-test-run"
    # a page's own limits are kept; CPU quota pages get no NanoCpus (they conflict)
    host = create(guard(tmp_path), Memory=64 << 20, CpuQuota=50000, PidsLimit=5)["HostConfig"]
    assert (host["Memory"], host["PidsLimit"], host.get("NanoCpus")) == (64 << 20, 5, None)
    assert "Memory" not in create(guard(tmp_path, {"unbounded"}))["HostConfig"]


@pytest.mark.parametrize("method,target,body", [
    ("POST", "/v1.45/images/create?fromImage=evil.example%2Fx&tag=latest", None),
    ("POST", "/v1.45/images/create?fromImage=alpine&tag=latest", None),
    ("POST", "/v1.45/images/127.0.0.1:5001%2Fx/push", None),
    ("POST", "/v1.45/auth", b'{"serveraddress": "evil.example"}'),
    ("POST", "/v1.45/build?remote=https%3A%2F%2Fevil.example%2Fr.git", None),
    ("POST", "/v1.45/build?networkmode=host", None),
    ("POST", "/v1.45/swarm/init", b"{}"),
    ("POST", "/v1.45/plugins/pull?remote=evil", None),
    ("POST", "/v1.45/volumes/prune", None),
    ("POST", "/v1.45/containers/prune?filters=%7B%7D", None),
    ("DELETE", "/v1.45/images/busybox", None),
    ("DELETE", "/v1.45/images/0123456789abcdef", None),
    ("DELETE", "/v1.45/volumes/someone-elses-volume", None),
    ("DELETE", "/v1.45/networks/someone-elses-net", None),
    ("POST", "/v1.45/containers/create", None),
])
def test_engine_requests_outside_the_policy_are_refused(tmp_path, method, target, body):
    with pytest.raises(Refused):
        guard(tmp_path).check(method, target, body)


def test_label_filtered_prune_and_local_registry_pass(tmp_path):
    g = guard(tmp_path)
    label = json.dumps({"label": {f"{RUN_LABEL}=kb-test-run": True}})
    assert g.check("POST", f"/v1.45/volumes/prune?filters={label}", None) is None
    assert g.check("POST", "/v1.45/images/localhost:5000%2Fx/push", None) is None
    assert g.check("DELETE", "/v1.45/images/page-made:1.0", None) is None


# --- the sandbox of one line ---------------------------------------------------------------

def test_lines_run_with_a_clean_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    env = sandbox.clean_env(tmp_path / "bin", tmp_path / "home", "unix:///x.sock", {})
    out, stopped = sandbox.run_bounded(["env"], tmp_path, env, 10)
    assert stopped is None and b"ghp_secret" not in out and b"DOCKER_HOST=unix:///x.sock" in out


def test_plain_docker_lines_run_without_a_shell():
    assert sandbox.argv_for("docker run --rm busybox sh -c 'echo $HOME; id'") == [
        "docker", "run", "--rm", "busybox", "sh", "-c", "echo $HOME; id"]
    assert sandbox.argv_for("echo hi | docker run -i busybox cat")[:2] == ["bash", "--noprofile"]


def test_output_is_cut_at_the_limit_and_the_line_stopped(tmp_path):
    start = time.monotonic()
    out, stopped = sandbox.run_bounded(["yes"], tmp_path, {"PATH": "/usr/bin:/bin"}, 30,
                                       limit=1024 * 1024)
    assert len(out) == 1024 * 1024 and "more than 1024 KB" in stopped
    assert time.monotonic() - start < 10


def test_a_line_is_stopped_at_its_timeout(tmp_path):
    out, stopped = sandbox.run_bounded(["sleep", "30"], tmp_path, {"PATH": "/usr/bin:/bin"}, 1)
    assert "within 1 s" in stopped


def sleeping(seconds: str) -> list[str]:
    """Pids of processes running exactly ``sleep SECONDS``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes() == \
                    f"sleep\0{seconds}\0".encode():
                found.append(entry.name)
        except OSError:
            continue
    return found


def test_nothing_a_line_starts_outlives_it(tmp_path):
    """A background job, a double fork and a setsid escape from the line's process group: all
    gone when the line returns (process group kill + the runner as child subreaper)."""
    sandbox.become_subreaper()
    seconds = f"311.{os.getpid()}"
    script = f"sleep {seconds} & (sleep {seconds} &); setsid sleep {seconds} & echo started"
    out, stopped = sandbox.run_bounded(["bash", "-c", script], tmp_path,
                                       {"PATH": "/usr/bin:/bin"}, 10)
    assert out.strip() == b"started" and stopped is None
    time.sleep(0.3)
    assert sleeping(seconds) == []


@pytest.mark.parametrize("host", [{"VolumesFrom": ["someone-elses-db:ro"]},
                                  {"NetworkMode": "container:someone-elses-db"},
                                  {"PidMode": "container:someone-elses-db"}],
                         ids=["volumes-from", "network", "pid"])
def test_joining_a_foreign_container_is_refused(tmp_path, monkeypatch, host):
    import kbtools.engine_guard as engine_guard

    labels = {"someone-elses-db": {}, "page-own": {RUN_LABEL: "kb-test-run"}}
    monkeypatch.setattr(engine_guard, "_http", lambda _sock, _method, path, body=None: (
        200, json.dumps({"Config": {"Labels": labels[path.split("/")[2]]}}).encode()))
    with pytest.raises(Refused, match="not created by this example run"):
        create(guard(tmp_path), **host)
    own = {key: [v.replace("someone-elses-db", "page-own") for v in value]
           if isinstance(value, list) else value.replace("someone-elses-db", "page-own")
           for key, value in host.items()}
    create(guard(tmp_path), **own)


def test_inspecting_a_foreign_container_is_refused(tmp_path, monkeypatch):
    """Its environment and labels may hold another project's secrets; a name that is no
    container passes on (docker inspect then tries images, networks, volumes)."""
    import kbtools.engine_guard as engine_guard

    def fake(_sock, _method, path, body=None):
        name = path.split("/")[2]
        if name == "bridge":
            return 404, b'{"message": "No such container"}'
        return 200, json.dumps({"Config": {"Labels": {}}}).encode()

    monkeypatch.setattr(engine_guard, "_http", fake)
    with pytest.raises(Refused):
        guard(tmp_path).check("GET", "/v1.45/containers/someone-elses-db/json", None)
    assert guard(tmp_path).check("GET", "/v1.45/containers/bridge/json", None) is None
    assert guard(tmp_path).check("GET", "/v1.45/containers/json?all=1", None) is None
