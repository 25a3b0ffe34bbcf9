"""Which Docker client the project runs: Debian's ``docker-cli`` (``/usr/bin/docker``).

Machines of this project's kind also carry a newer static client in /usr/local/bin, first on
PATH. The project does not use it: its set-up installs the engine, the client and the buildx and
compose plugins from Debian's packages (scripts/install-engine.sh), so client and engine have the
same version and every fresh Debian 12 or 13 machine gets exactly the client the CLI snapshot and
the recorded outputs were made with (CONTRIBUTING.md, "Which Docker client").

``KB_DOCKER`` names another client (a path), e.g. to try the pages with a newer one.
``use_project_client()`` puts the chosen client first on PATH for this process and its children
(a folder holding only a ``docker`` link), so that every ``docker`` a test or script starts is it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Debian's client (package docker-cli), installed with docker.io.
DEBIAN_CLIENT = Path("/usr/bin/docker")
_LINK_DIR: str | None = None


def client() -> str:
    """Path of the client the project runs (falls back to ``docker`` on PATH)."""
    chosen = os.environ.get("KB_DOCKER")
    if chosen:
        return chosen
    if DEBIAN_CLIENT.exists():
        return str(DEBIAN_CLIENT)
    return shutil.which("docker") or "docker"


def use_project_client() -> str:
    """Make ``docker`` on PATH the project's client for this process and its children."""
    global _LINK_DIR
    chosen = client()
    if not Path(chosen).is_absolute() or not Path(chosen).exists():
        return chosen
    if shutil.which("docker") and Path(shutil.which("docker")).resolve() == Path(chosen).resolve():
        return chosen
    if _LINK_DIR is None:
        _LINK_DIR = tempfile.mkdtemp(prefix="kb-docker-client-")
        os.symlink(chosen, os.path.join(_LINK_DIR, "docker"))
    os.environ["PATH"] = _LINK_DIR + os.pathsep + os.environ.get("PATH", "")
    return chosen


def plugin_versions(docker: str = "docker") -> dict[str, str]:
    """{"buildx_version": "0.13.1", "compose_version": "2.26.1"} of the client's plugins
    (the Debian revision after "+" or "-" is left out); a missing plugin is left out."""
    found = {}
    for key, args in (("buildx_version", ["buildx", "version"]),
                      ("compose_version", ["compose", "version", "--short"])):
        result = subprocess.run([docker, *args], capture_output=True, text=True)
        match = re.search(r"v?(\d+\.\d+\.\d+)", result.stdout) if result.returncode == 0 else None
        if match:
            found[key] = match.group(1)
    return found
