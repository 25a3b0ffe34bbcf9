"""Questions to the engine: does it answer, is an image present, which versions run."""
from __future__ import annotations

import subprocess


def engine_answers(docker: str = "docker") -> bool:
    """True when ``docker info`` gets an answer from an engine."""
    try:
        return subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def image_present(name: str, docker: str = "docker") -> bool:
    return subprocess.run([docker, "image", "inspect", name], capture_output=True).returncode == 0


def engine_versions(docker: str = "docker") -> dict[str, str]:
    """Server and client versions as the CLI reports them."""
    def version(part: str) -> str:
        result = subprocess.run([docker, "version", "--format", f"{{{{.{part}.Version}}}}"],
                                capture_output=True, text=True)
        return result.stdout.strip()
    return {"engine_version": version("Server"), "client_version": version("Client")}
