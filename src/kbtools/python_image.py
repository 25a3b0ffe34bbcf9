"""Build a local stand-in for ``python:3.11-slim`` from this machine's Debian Python 3.11, with
the pinned requirements already installed, so the site's Dockerfile can be built where no image
registry is reachable (the hosting test does this).

The image is FROM scratch: the static busybox (for /bin/sh), /usr/bin/python3.11, its standard
library, pip from Debian, every shared library the interpreter and its extension modules load
(found with ldd), and the site set (requirements/site.txt) installed into
/usr/local/lib/python3.11/dist-packages.

    kb python-image TAG [--label KEY=VALUE]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kbtools.paths import SITE_REQUIREMENTS

PYTHON = Path("/usr/bin/python3.11")
STDLIB = Path("/usr/lib/python3.11")
DEBIAN_PACKAGES = Path("/usr/lib/python3/dist-packages")
BUSYBOX = Path("/bin/busybox")
CA_CERTIFICATES = Path("/etc/ssl/certs/ca-certificates.crt")


class MissingHostFile(RuntimeError):
    """A file the image needs is not on this machine (with the package that provides it)."""


def shared_libraries(binaries: list[Path]) -> set[Path]:
    libraries: set[Path] = set()
    for binary in binaries:
        result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
        for line in result.stdout.splitlines():
            parts = line.split()
            for part in parts:
                if part.startswith("/") and Path(part).exists():
                    libraries.add(Path(part))
    return libraries


def copy_into(context: Path, source: Path) -> None:
    target = context / "root" / source.relative_to("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "test", "tests", "idlelib"))
    else:
        shutil.copy2(source, target)


def prepare_context(context: Path) -> None:
    for path, package in ((PYTHON, "python3.11"), (STDLIB, "python3.11"),
                          (DEBIAN_PACKAGES / "pip", "python3-pip"), (BUSYBOX, "busybox-static")):
        if not path.exists():
            raise MissingHostFile(f"{path} is missing: apt-get install -y {package}")
    for source in (PYTHON, STDLIB, DEBIAN_PACKAGES / "pip"):
        copy_into(context, source)
    # The official image has CA certificates, and pip >= 25 loads them even when it needs no
    # network (everything is installed already).
    if CA_CERTIFICATES.exists():
        copy_into(context, CA_CERTIFICATES)
    # A stand-in for the official image: no Debian "externally managed" marker.
    (context / "root" / STDLIB.relative_to("/") / "EXTERNALLY-MANAGED").unlink(missing_ok=True)
    site = context / "root" / "usr/local/lib/python3.11/dist-packages"
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--no-compile",
                    "--break-system-packages", "--target", str(site), "-r",
                    str(SITE_REQUIREMENTS)], check=True)
    # the libraries of the interpreter's modules and of the site set's compiled extensions
    # (nh3 needs libgcc_s, for example)
    modules = list((STDLIB / "lib-dynload").glob("*.so")) + list(site.rglob("*.so"))
    for library in shared_libraries([PYTHON, *modules]):
        copy_into(context, library)
        copy_into(context, library.resolve())
    shutil.copy2(BUSYBOX, context / "busybox")
    (context / "Dockerfile").write_text(
        "FROM scratch\n"
        "COPY busybox /bin/busybox\n"
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
        "COPY root/ /\n"
        "RUN ln -s python3.11 /usr/bin/python3 && mkdir -p /tmp && chmod 1777 /tmp\n"
        "ENV PYTHONDONTWRITEBYTECODE=1\n"
        'CMD ["python3"]\n', encoding="utf-8")


def build(tag: str, labels: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="kb-python-image-") as tmp:
        context = Path(tmp)
        prepare_context(context)
        command = ["docker", "build", "-q", "-t", tag]
        for label in labels:
            command += ["--label", label]
        subprocess.run(command + [str(context)], check=True, capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb python-image", description=__doc__.splitlines()[0])
    parser.add_argument("tag")
    parser.add_argument("--label", action="append", default=[])
    args = parser.parse_args(argv)
    try:
        build(args.tag, args.label)
    except MissingHostFile as error:
        print(f"build_python_image: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"build_python_image: {' '.join(error.cmd[:4])} failed:\n{error.stderr or ''}",
              file=sys.stderr)
        return 1
    print(args.tag)
    return 0

