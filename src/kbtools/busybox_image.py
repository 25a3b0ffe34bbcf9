"""The local ``busybox:latest``: the official image's file layout around Debian's static busybox.

``data/busybox-layout.yml`` lists the official image's directories, account files and links
(modes and owners included). ``write_rootfs(busybox, out)`` writes a root filesystem tar with
exactly those entries, the static busybox of Debian's ``busybox-static`` in /bin with one hard
link per applet (as the official ``busybox --install /bin`` makes them), and the account files.
``import_image()`` turns it into an image with ``docker import`` and the official config
(``CMD ["sh"]``, ``PATH``): one layer and one history row, like the official image.

``layout_of_tar(fileobj)`` reads any root filesystem tar back into layout entries, so the same
comparison (``compare_layout``) checks the tar written here and the layer of the image in the
engine (tests/engine/test_busybox_image.py).
"""
from __future__ import annotations

import fnmatch
import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .paths import DATA_DIR

LAYOUT_FILE = DATA_DIR / "busybox-layout.yml"
ZONEINFO_UTC = Path("/usr/share/zoneinfo/UTC")
NSSWITCH = Path("/etc/nsswitch.conf")
#: Shown as the only history row's comment (the official row names its BusyBox and Debian).
IMPORT_MESSAGE = "BusyBox from Debian's busybox-static, official busybox layout"


@dataclass(frozen=True)
class Entry:
    path: str
    type: str           # dir | file | link | hardlink
    mode: str           # "0755"
    owner: str          # "uid:gid"
    target: str | None = None

    def __str__(self) -> str:
        text = f"{self.path} {self.type} {self.mode} {self.owner}"
        return f"{text} -> {self.target}" if self.target else text


def load_layout(path: Path = LAYOUT_FILE) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = []
    for line in data["entries"]:
        words = line.split()
        target = words[5] if len(words) > 5 and words[4] == "->" else None
        entries.append(Entry(words[0], words[1], words[2], words[3], target))
    data["entries"] = entries
    return data


def applets(busybox: Path) -> list[str]:
    """The applet names of a busybox binary (``busybox --list``)."""
    result = subprocess.run([str(busybox), "--list"], capture_output=True, text=True, check=True)
    return sorted(name for name in result.stdout.split() if name and "/" not in name)


def _info(entry: Entry, size: int = 0, mtime: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(entry.path)
    uid, gid = (int(part) for part in entry.owner.split(":"))
    info.uid, info.gid, info.mode = uid, gid, int(entry.mode, 8)
    info.mtime = mtime
    info.type = {"dir": tarfile.DIRTYPE, "file": tarfile.REGTYPE, "link": tarfile.SYMTYPE,
                 "hardlink": tarfile.LNKTYPE}[entry.type]
    if entry.target:
        info.linkname = entry.target
    info.size = size
    return info


def file_contents(layout: dict, busybox: Path) -> dict[str, bytes]:
    """What each regular file of the layout holds, on this machine."""
    missing = [str(p) for p in (busybox, ZONEINFO_UTC) if not p.exists()]
    if missing:
        raise FileNotFoundError(f"missing {', '.join(missing)}: apt-get install -y "
                                "busybox-static tzdata")
    nsswitch = NSSWITCH.read_bytes() if NSSWITCH.exists() else \
        b"passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n"
    return {
        "bin/busybox": busybox.read_bytes(),
        "etc/passwd": layout["passwd"].encode(),
        "etc/group": layout["group"].encode(),
        "etc/shadow": layout["shadow"].encode(),
        "etc/localtime": ZONEINFO_UTC.resolve().read_bytes(),
        "etc/nsswitch.conf": nsswitch,
    }


def write_rootfs(busybox: Path, out, layout: dict | None = None) -> None:
    """Write the root filesystem tar of the local busybox image to the binary file ``out``."""
    layout = layout or load_layout()
    contents = file_contents(layout, busybox)
    listed = {entry.path for entry in layout["entries"]}
    # every time stamp is the busybox binary's: the same package gives the same layer
    mtime = int(busybox.stat().st_mtime)
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for entry in layout["entries"]:
            if entry.type == "file":
                data = contents[entry.path]
                tar.addfile(_info(entry, len(data), mtime), io.BytesIO(data))
            else:
                tar.addfile(_info(entry, 0, mtime))
        for name in applets(busybox):                  # every other applet: a hard link
            path = f"bin/{name}"
            if path not in listed:
                tar.addfile(_info(Entry(path, "hardlink", "0755", "0:0", "bin/busybox"), 0,
                                  mtime))


def layout_of_tar(fileobj) -> list[Entry]:
    """The entries of a root filesystem tar (paths without a leading ``./`` or ``/``)."""
    entries = []
    with tarfile.open(fileobj=fileobj, mode="r:*") as tar:
        for member in tar:
            path = member.name.lstrip("./").rstrip("/")
            if not path:
                continue
            kind = ("dir" if member.isdir() else "link" if member.issym() else
                    "hardlink" if member.islnk() else "file")
            mode = f"{member.mode & 0o7777:04o}" if kind != "link" else "0777"
            target = member.linkname.lstrip("/") if kind == "hardlink" else \
                member.linkname if kind == "link" else None
            entries.append(Entry(path, kind, mode, f"{member.uid}:{member.gid}", target))
    return _busybox_first(entries)


def _busybox_first(entries: list[Entry]) -> list[Entry]:
    """A tar names one file of a hard-link group as the file and links the others to it; the
    engine's layer may pick another applet (``bin/[``). Make ``bin/busybox`` the file."""
    by_path = {entry.path: entry for entry in entries}
    busybox = by_path.get("bin/busybox")
    if busybox is None or busybox.type != "hardlink" or busybox.target not in by_path:
        return entries
    root = by_path[busybox.target]
    renamed = []
    for entry in entries:
        if entry.path == "bin/busybox":
            entry = Entry(entry.path, "file", root.mode, root.owner)
        elif entry.path == root.path or (entry.type == "hardlink" and entry.target == root.path):
            entry = Entry(entry.path, "hardlink", entry.mode, entry.owner, "bin/busybox")
        renamed.append(entry)
    return renamed


def compare_layout(found: list[Entry], layout: dict | None = None) -> list[str]:
    """Differences between a tar's entries and the official layout ([] when they match).
    Extra hard links of busybox in /bin are applets and allowed; ``only_official`` paths are
    neither required nor allowed."""
    layout = layout or load_layout()
    wanted = {entry.path: entry for entry in layout["entries"]}
    have = {entry.path: entry for entry in found}
    problems = []
    for path, entry in wanted.items():
        if path not in have:
            problems.append(f"missing: {entry}")
        elif have[path] != entry:
            problems.append(f"differs: {have[path]} (official: {entry})")
    for path, entry in have.items():
        if path in wanted:
            continue
        if any(fnmatch.fnmatch(path, pattern) for pattern in layout.get("only_official", [])):
            problems.append(f"only in the official image, but found: {entry}")
        elif not (entry.type == "hardlink" and entry.target == "bin/busybox"
                  and path.startswith("bin/") and path.count("/") == 1):
            problems.append(f"not in the official layout: {entry}")
    return problems


def import_image(tar_path: Path, tag: str, docker: str = "docker") -> None:
    """``docker import`` the tar as ``tag`` with the official image's config."""
    layout = load_layout()
    changes = []
    for env in layout["config"]["Env"]:
        changes += ["--change", f"ENV {env}"]
    cmd = " ".join(f'"{word}"' for word in layout["config"]["Cmd"])
    changes += ["--change", f"CMD [{cmd}]"]
    result = subprocess.run([docker, "import", *changes, "--message", IMPORT_MESSAGE,
                             str(tar_path), tag], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{tag}: docker import failed: {result.stderr.strip()}")
