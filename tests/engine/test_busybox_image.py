"""The local busybox:latest has the official image's file layout (data/busybox-layout.yml).

* the root filesystem tar that `kb images` imports matches the committed layout
  (fast: no engine; needs Debian's busybox-static);
* the comparison catches a wrong mode, owner, a missing entry and a file the official image
  does not have;
* on the engine: the layer of busybox:latest matches the layout, the image has the official
  config (CMD ["sh"], PATH) and one history row, and `id`/`ls /` print what the official
  image prints.
"""
from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from kbtools.examples import images as build_images
from conftest import require
from kbtools import busybox_image
from kbtools.examples import engine_answers

BUSYBOX = Path("/bin/busybox")


@pytest.fixture(scope="module")
def rootfs_entries() -> list:
    require(BUSYBOX.exists(), "Debian's static busybox", "apt-get install -y busybox-static")
    buffer = io.BytesIO()
    busybox_image.write_rootfs(BUSYBOX, buffer)
    buffer.seek(0)
    return busybox_image.layout_of_tar(buffer)


def test_the_rootfs_tar_has_the_official_layout(rootfs_entries):
    assert busybox_image.compare_layout(rootfs_entries) == []
    paths = {entry.path for entry in rootfs_entries}
    assert {"bin/sh", "bin/id", "bin/ps", "usr/bin/env", "lib64", "etc/passwd"} <= paths


def test_the_comparison_names_every_kind_of_difference(rootfs_entries):
    changed = []
    for entry in rootfs_entries:
        if entry.path == "tmp":
            entry = busybox_image.Entry("tmp", "dir", "0755", "0:0")       # lost the sticky bit
        elif entry.path == "home":
            entry = busybox_image.Entry("home", "dir", "0755", "0:0")      # wrong owner
        elif entry.path == "etc/shadow":
            continue                                                       # missing
        changed.append(entry)
    changed.append(busybox_image.Entry("lib/libc.so.6", "file", "0755", "0:0"))
    changed.append(busybox_image.Entry("bin/extra", "file", "0755", "0:0"))
    problems = busybox_image.compare_layout(changed)
    assert sorted(problem.split(":")[0] for problem in problems) == [
        "differs", "differs", "missing", "not in the official layout",
        "only in the official image, but found"]
    assert any("tmp dir 0755 0:0 (official: tmp dir 1777 0:0)" in p for p in problems)


def test_account_files_are_the_official_ones():
    layout = busybox_image.load_layout()
    users = [line.split(":") for line in layout["passwd"].splitlines()]
    assert users[0][:7] == ["root", "x", "0", "0", "root", "/root", "/bin/sh"]
    assert ["nobody", "65534"] == users[-1][:3:2] and "nogroup:x:65534:" in layout["group"]
    assert layout["shadow"].startswith("root:*:")          # locked root password (CVE-2019-5021)
    homes = {user[5] for user in users}
    dirs = {f"/{entry.path}" for entry in layout["entries"] if entry.type in ("dir", "link")}
    assert homes <= dirs | {"/bin", "/dev"}, "every account's home exists"


@pytest.fixture(scope="module")
def engine_images():
    require(engine_answers(), "a Docker Engine", "run scripts/start-engine.sh as root")
    return build_images.ensure_images()


def _image_layer(image: str) -> list:
    """Entries of the one layer of ``image``, read with `docker save` (reads, creates nothing)."""
    saved = subprocess.run(["docker", "save", image], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(saved)) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        [layer] = manifest[0]["Layers"]
        return busybox_image.layout_of_tar(io.BytesIO(archive.extractfile(layer).read()))


@pytest.mark.engine
def test_the_engines_busybox_has_the_official_layout_and_config(engine_images):
    assert busybox_image.compare_layout(_image_layer("busybox:latest")) == []
    config = json.loads(subprocess.run(
        ["docker", "image", "inspect", "-f", "{{json .Config}}", "busybox:latest"],
        capture_output=True, text=True, check=True).stdout)
    layout = busybox_image.load_layout()
    assert config["Cmd"] == layout["config"]["Cmd"] and config["Env"] == layout["config"]["Env"]
    history = subprocess.run(["docker", "history", "-q", "busybox:latest"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert len(history) == 1


@pytest.mark.engine
def test_accounts_and_root_folder_look_like_the_official_image(engine_images):
    def run(*command: str) -> str:
        return subprocess.run(["docker", "run", "--rm", "--pull", "never", "busybox:latest",
                               *command], capture_output=True, text=True, check=True).stdout
    assert run("id").strip() == "uid=0(root) gid=0(root) groups=0(root),10(wheel)"
    assert run("id", "nobody").strip() == "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
    assert run("ls", "/").split() == ["bin", "dev", "etc", "home", "lib", "lib64", "proc",
                                      "root", "sys", "tmp", "usr", "var"]
