"""The local test registry the examples push to and pull from: Debian's ``docker-registry``
(distribution 2.x, Registry v2 API) on 127.0.0.1:5000, storing into a temporary folder that is
removed when it stops. Docker treats ``localhost:5000`` as an insecure registry by default, so
``docker push localhost:5000/...`` needs no TLS and no daemon configuration.

    with local_registry():           # started only when a page needs it: see pages_need_registry
        ... run the examples ...

The registry never listens on another address and gets its own configuration file (not the
package's /etc/docker/registry/config.yml, which listens on all interfaces and asks for
passwords). Errors are ``RegistryError`` with a sentence saying what to do.
"""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable, Iterator

HOST, PORT = "127.0.0.1", 5000
#: how pages name the registry (``docker push localhost:5000/name:tag``)
REFERENCE = f"localhost:{PORT}"
PROGRAM = "docker-registry"
START_TIMEOUT = 15.0

CONFIG = """\
# written by kbtools/local_registry.py: the examples' throw-away registry
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: {host}:{port}
"""


class RegistryError(RuntimeError):
    """The test registry cannot be started (the message says why and what to do)."""


def pages_need_registry(texts: Iterable[str]) -> bool:
    """True when one of these page texts talks to the local registry."""
    return any(REFERENCE in text for text in texts)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (127.0.0.1 only)
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


@contextlib.contextmanager
def local_registry(program: str | None = None, host: str = HOST,
                   port: int = PORT) -> Iterator[str]:
    """Run a registry on host:port with temporary storage; yields its base URL. On exit it is
    stopped (SIGTERM, then SIGKILL) and its storage folder removed, also after an error."""
    binary = program or shutil.which(PROGRAM) or f"/usr/bin/{PROGRAM}"
    if not Path(binary).exists():
        raise RegistryError(f"{PROGRAM} is not installed; install Debian's package: "
                            f"apt-get install {PROGRAM} (scripts/bootstrap.sh test does it)")
    if _port_in_use(host, port):
        raise RegistryError(f"{host}:{port} is already in use (another example run, or a "
                            f"registry service: stop it, e.g. systemctl stop {PROGRAM})")
    folder = Path(tempfile.mkdtemp(prefix="kb-registry-"))
    (folder / "config.yml").write_text(CONFIG.format(root=folder / "data", host=host, port=port),
                                       encoding="utf-8")
    log = (folder / "registry.log").open("wb")
    process = subprocess.Popen([binary, "serve", str(folder / "config.yml")], stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"{url}/v2/"):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (folder / "registry.log").read_text(errors="replace")[-500:].strip()
                raise RegistryError(f"{PROGRAM} did not answer on {url}/v2/ "
                                    f"(exit code {process.poll()}): {tail or 'no output'}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
