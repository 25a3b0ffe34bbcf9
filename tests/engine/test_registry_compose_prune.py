"""The example runner's support for the registry, Compose and cleanup pages: label-filtered prune
(scoped to the run), pulls recorded like tags, Compose calls read and checked by project, and
the throw-away local registry (kbtools/local_registry.py).

    pytest tests/engine/test_registry_compose_prune.py -m "not engine"   # parsing only
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

from conftest import require
from kbtools import compose_projects as cp
from kbtools import examples as ex
from kbtools.examples import ExampleRunner, plan_docker_call
from kbtools.local_registry import (HOST, PORT, RegistryError, local_registry,
                                    pages_need_registry)
from kbtools.pages import parse_page

RUN = f"label={ex.RUN_LABEL}=r1"


def test_prune_with_a_label_filter_is_scoped_to_the_run():
    plan = plan_docker_call(["container", "prune", "-f", "--filter", "label=cleanup-demo"], "r1")
    assert plan.refusal is None
    assert plan.args == ["container", "prune", "--filter", RUN, "-f", "--filter",
                         "label=cleanup-demo"]
    plan = plan_docker_call(["volume", "prune", "-a", "--filter=label=x=1", "-f"], "r1")
    assert plan.refusal is None and plan.args[:4] == ["volume", "prune", "--filter", RUN]


@pytest.mark.parametrize("args", [
    ["container", "prune", "-f"],
    ["image", "prune", "-a", "--filter", "until=24h"],
    ["network", "prune", "--filter", "label!=keep"],
    ["system", "prune", "-f", "--filter", "label=x"],
    ["builder", "prune", "-f", "--filter", "label=x"],
])
def test_other_prunes_are_refused(args):
    assert plan_docker_call(args, "r1").refusal


def test_pull_is_recorded_like_a_tag():
    assert plan_docker_call(["pull", "localhost:5000/r-demo:1"], "r1").target_tags == \
        ["localhost:5000/r-demo:1"]
    assert plan_docker_call(["image", "pull", "-q", "a:1"], "r1").target_tags == ["a:1"]


def test_compose_calls_are_split_at_the_subcommand():
    assert cp.split_call(["compose", "up", "-d"]) == ([], "up")
    assert cp.split_call(["compose", "-p", "demo", "--profile", "debug", "run", "x"]) == \
        (["-p", "demo", "--profile", "debug"], "run")
    assert cp.split_call(["compose", "--dry-run", "down"]) == (["--dry-run"], "down")
    assert cp.split_call(["compose", "-f"]) == (["-f"], None)
    assert cp.split_call(["run", "busybox"]) is None


def test_read_only_compose_calls_need_no_project(monkeypatch):
    def boom(*_):
        raise AssertionError("no project look-up for a read-only call")
    monkeypatch.setattr(cp, "project_name", boom)
    for args in (["compose", "ps"], ["compose", "logs", "web"], ["compose", "config"],
                 ["compose", "--help"], ["ps"]):
        assert cp.check_call("docker", args, set()) == (None, None)


def test_compose_project_of_another_run_is_refused(monkeypatch):
    monkeypatch.setattr(cp, "project_name", lambda docker, options: "shop")
    monkeypatch.setattr(cp, "project_objects", lambda docker, name: {"container": ["c1"],
                                                                     "network": [], "volume": []})
    project, refusal = cp.check_call("docker", ["compose", "down"], set())
    assert project is None and "'shop'" in refusal
    assert cp.check_call("docker", ["compose", "down"], {"shop"}) == ("shop", None)
    monkeypatch.setattr(cp, "project_objects", lambda docker, name: {k: [] for k in cp.KINDS})
    assert cp.check_call("docker", ["compose", "up", "-d"], set()) == ("shop", None)


def test_pages_that_need_the_registry_are_found():
    assert pages_need_registry(["x", "$ docker push localhost:5000/registry-demo:1.0"])
    assert not pages_need_registry(["$ docker push registry.example.com/a:1"])


# ------------------------------------------------------------------------- real programs


def _free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) != 0


def _a_free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.mark.engine
def test_the_registry_runs_on_localhost_only_and_leaves_nothing():
    """Same code as the examples' registry on 127.0.0.1:5000, on a free port (5000 may be
    taken by an example run on the same machine)."""
    require(shutil.which("docker-registry") is not None, "Debian's docker-registry",
            "apt-get install docker-registry (scripts/bootstrap.sh test)")
    assert (HOST, PORT) == ("127.0.0.1", 5000)
    port = _a_free_port()
    before = set(Path("/tmp").glob("kb-registry-*"))
    with local_registry(port=port) as url:
        assert url == f"http://{HOST}:{port}"
        with urllib.request.urlopen(f"{url}/v2/", timeout=5) as response:
            assert response.status == 200
            assert response.headers["Docker-Distribution-Api-Version"] == "registry/2.0"
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True,
                                   text=True).stdout.split()
        assert f"{HOST}:{port}" in listening
        with pytest.raises(RegistryError, match="already in use"):
            with local_registry(port=port):
                pass
    assert _free(HOST, port)
    assert set(Path("/tmp").glob("kb-registry-*")) == before


@pytest.mark.engine
def test_compose_project_and_labelled_prune_clean_up(tmp_path):
    """A page that starts a Compose project and prunes by label runs and leaves nothing behind
    (a prune without a label filter is refused: test_other_prunes_are_refused)."""
    require(ex.engine_answers(), "a Docker Engine", "run scripts/start-engine.sh as root")
    page_path = tmp_path / "t" / "page.md"
    page_path.parent.mkdir()
    page_path.write_text("""---\ntitle: t\ndescription: d\ntags: []\n---

<!-- example: file=compose.yaml -->
```yaml
name: kbt-compose
services:
  app:
    image: busybox
    command: ["sleep", "300"]
    init: true
    volumes: [data:/data]
volumes:
  data:
```

<!-- example -->
```console
$ docker compose up -d
...
$ docker run --name kbt-prune-c --label kbt-prune=1 busybox true
$ docker container prune -f --filter label=kbt-prune=1
Deleted Containers:
...
$ docker compose ps --format '{{.Service}} {{.State}}'
app running
```
""", encoding="utf-8")
    page = parse_page(page_path, tmp_path)
    with ExampleRunner() as runner:
        result = runner.run_page(page.key, page, None)
        left = runner.leftovers()
    assert left == []
    assert cp.project_objects(runner.docker, "kbt-compose") == {k: [] for k in cp.KINDS}
    assert result.problems == [] and [o.status for o in result.outcomes] == ["file", "ran"]


def test_compose_options_before_the_subcommand_are_read():
    """`docker compose -p NAME up -d`: the group's own options come before the subcommand."""
    from kbtools.dockercli import Snapshot, parse_invocation
    snapshot = Snapshot.load()
    call = parse_invocation("docker compose --profile debug -f x.yaml up -d".split(), snapshot)
    assert call.command.path == "compose up" and call.issues == []
    assert [u.name for u in call.group_flags] == ["--profile", "-f"]
    assert ("--detach", None) in call.options()
    bogus = parse_invocation("docker compose --bogus up".split(), snapshot)
    assert [i.text for i in bogus.issues] == ["--bogus"]
    assert parse_invocation("docker network --help".split(), snapshot).command.path == "network"
