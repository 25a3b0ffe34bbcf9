"""The engine guard against the real engine (src/kbtools/engine_guard.py); its rules and the
sandbox of one line are tested without an engine in tests/unit/test_engine_guard.py."""
from __future__ import annotations

import subprocess

import pytest

from kbtools.engine_guard import DEFAULT_PIDS, EngineGuard, upstream_socket


@pytest.mark.engine
def test_guard_in_front_of_the_engine(tmp_path):
    """The docker CLI through the guard: a normal run works and is bounded; a privileged run,
    a root bind mount and a pull from another registry are refused by the engine's answer."""
    from conftest import require
    from kbtools.examples import engine_answers

    require(engine_answers(), "a Docker Engine", "run scripts/start-engine.sh as root")
    with EngineGuard(upstream_socket(), tmp_path / "g.sock", "kb-guard-test") as g:
        g.state.workdir = str(tmp_path)
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCKER_HOST": g.docker_host}

        def docker(*args):
            return subprocess.run(["docker", *args], env=env, capture_output=True, text=True,
                                  timeout=60)

        ok = docker("run", "--rm", "busybox", "cat", "/sys/fs/cgroup/pids/pids.max")
        assert ok.returncode == 0 and ok.stdout.strip() == str(DEFAULT_PIDS), ok.stderr
        for args in (["run", "--rm", "--privileged", "busybox", "true"],
                     ["run", "--rm", "-v", "/:/host", "busybox", "true"],
                     ["pull", "evil.example/x"]):
            result = docker(*args)
            assert result.returncode != 0 and "kb-guard: refused" in result.stderr, result


