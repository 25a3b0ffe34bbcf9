"""How one ``$`` line runs: clean environment, no shell, bounded time and output, no leftovers.

* the environment holds only what a docker command needs (PATH with the wrapper first, a HOME
  and DOCKER_CONFIG inside the run's folder, the locale, DOCKER_HOST = the engine guard): no
  token, no secret, no variable of the machine reaches an example;
* a line that is one plain docker command (all lines, except those the maintainers'
  allow-list names with ``shell``) is executed directly from its words, without bash;
* each line gets ``timeout`` seconds and ``MAX_OUTPUT`` bytes of output; past either, its
  whole process group is killed and the line fails;
* processes a line leaves behind are killed when it ends: its process group, and, as the runner
  is a child subreaper, anything that escaped with setsid/daemonising and was re-parented to it.
"""
from __future__ import annotations

import ctypes
import os
import select
import signal
import subprocess
import time
from pathlib import Path

from kbtools.example_policy import shell_problem, split_words

MAX_OUTPUT = 1024 * 1024            # bytes of output one line may print
PAGE_TIMEOUT = 600.0                # seconds all the examples of one page may take
PR_SET_CHILD_SUBREAPER = 36


def clean_env(shim_dir: Path, home: Path, docker_host: str, extra: dict[str, str]) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": f"{shim_dir}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
        "DOCKER_HOST": docker_host,
        "DOCKER_CONFIG": str(home / ".docker"),
    }
    env.update(extra)
    return env


def argv_for(command: str) -> list[str]:
    """The line's words when it is one plain docker command; else bash -c (only allow-listed
    lines get here: the runner checks the policy before running a page)."""
    if shell_problem(command) is None:
        words = split_words(command)
        if words and words[0] == "docker":
            return words
    return ["bash", "--noprofile", "--norc", "-c", command]


def become_subreaper() -> bool:
    """Orphaned descendants of the runner are re-parented to it (Linux), so they can be found."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def children() -> set[int]:
    """Pids of the runner's direct child processes."""
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if len(fields) > 1 and fields[1] == me:
                found.add(int(entry.name))
    return found


def reap_orphans(before: set[int]) -> list[int]:
    """Kill and collect the runner's children that appeared while a line ran and are not the
    line itself: background processes that escaped its process group (setsid, daemons) and
    were re-parented to the runner (a child subreaper)."""
    killed = []
    for pid in children() - before:
        try:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        except ProcessLookupError:
            pass
    for pid in killed:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    return killed


def run_bounded(argv: list[str], cwd: Path, env: dict, timeout: float,
                limit: int = MAX_OUTPUT) -> tuple[bytes, str | None]:
    """Run, stdout and stderr together; (output, why it was stopped or None)."""
    before = children()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    assert process.stdout is not None
    output = bytearray()
    stopped = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                stopped = f"did not finish within {timeout:g} s"
                break
            ready, _, _ = select.select([process.stdout], [], [], min(left, 0.5))
            if not ready:
                if process.poll() is not None:
                    break
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            output += chunk
            if len(output) > limit:
                del output[limit:]
                stopped = f"printed more than {limit // 1024} KB"
                break
    finally:
        kill_group(process.pid)          # also whatever the line left running in the background
        process.stdout.close()
        process.wait()
        reap_orphans(before)
    return bytes(output), stopped
