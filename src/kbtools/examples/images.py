"""Build the local images the pages' examples use, without any registry.

``busybox:latest`` is built like the official image (docker-library/busybox): one layer with the
official image's file layout and account files (data/busybox-layout.yml), here around the static
busybox of Debian's ``busybox-static`` package, imported with the official config (``CMD
["sh"]``, ``PATH``), so that ``ls /``, ``id``, the ``ps`` USER column and ``docker history`` (one
row) look like the official image's (kbtools/busybox_image.py; what may still differ is listed
on the home page). An image whose tag exists is left alone when it is the current recipe's
(its comment says so); a busybox:latest made by an older recipe is replaced (the tag moves; the
old image is not removed). The script removes nothing.

The script also reads every page (kbtools.pages) and lists the images that ``docker run`` /
``docker create`` and Dockerfile ``FROM`` lines use: an image an example needs that has no recipe
here, and that no example of the page builds itself, is reported as a problem.

    kb images            # build what is missing, report unknown images
    kb images --list     # only show which images the pages use
"""
from __future__ import annotations

import argparse
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kbtools import busybox_image, dockerclient
from kbtools.examples import (canonical_image, cli_snapshot_error,
                              dockerfile_bases, engine_answers, images_made,
                              images_run)
from kbtools.pages import Page, block_commands, load_pages
from kbtools.problems import Problem

BUSYBOX_STATIC = Path("/bin/busybox")

#: image tag -> how it is built: "busybox-rootfs" (busybox_image: layout tar + docker import)
RECIPES: dict[str, str] = {
    "busybox:latest": "busybox-rootfs",
}


@dataclass
class ImageUse:
    image: str          # as written on the page
    page: Page
    line: int
    runs: bool          # used by an example that is run (not skipped, not just prose)


def is_static_elf(path: Path) -> bool:
    """True for an ELF executable without a program interpreter (statically linked)."""
    with path.open("rb") as handle:
        header = handle.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2:      # 64-bit ELF only
            return False
        order = "<" if header[5] == 1 else ">"
        phoff, = struct.unpack_from(order + "Q", header, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", header, 0x36)
        for index in range(phnum):
            handle.seek(phoff + index * phentsize)
            p_type, = struct.unpack(order + "I", handle.read(4))
            if p_type == 3:                                  # PT_INTERP
                return False
    return True


def image_uses(pages: list[Page]) -> list[ImageUse]:
    """Every image a page starts a container from or builds FROM, with where it is used.
    Images the same page builds, tags or commits in an example are not listed."""
    uses: list[ImageUse] = []
    for page in pages:
        made: set[str] = set()
        for block in page.examples:
            for command in block_commands(block) if block.lang == "console" else []:
                made.update(canonical_image(t) for t in images_made(command.text))
        example_lines = set()
        for block in page.examples:
            options = block.marker.options
            runs = "skip" not in options
            if options.get("file"):
                for image in dockerfile_bases(block.text):
                    if canonical_image(image) not in made:   # FROM an image the page builds
                        uses.append(ImageUse(image, page, block.line, runs))
                continue
            for command in block_commands(block):
                example_lines.add(command.line)
                for image in images_run(command.text):
                    if canonical_image(image) not in made:
                        uses.append(ImageUse(image, page, command.line, runs))
        for command in page.command_lines():
            if command.line in example_lines:
                continue
            for image in images_run(command.text):
                if canonical_image(image) not in made:
                    uses.append(ImageUse(image, page, command.line, False))
    return uses


def unknown_image_problems(uses: list[ImageUse]) -> list[Problem]:
    """Run examples that need an image without a recipe (errors); images only named in prose
    or skipped examples that have no recipe are warnings."""
    problems = []
    for use in uses:
        if canonical_image(use.image) in RECIPES:
            continue
        known = ", ".join(sorted(RECIPES))
        if use.runs:
            problems.append(Problem(use.page.display, use.line, "KB510",
                                    f"the example needs image '{use.image}', which cannot be "
                                    f"pulled here and has no recipe (known: {known})",
                                    "use busybox, build the image in an earlier example, or add "
                                    "a recipe to kb images"))
        else:
            problems.append(Problem(use.page.display, use.line, "KB512",
                                    f"image '{use.image}' is not built locally (known: {known}); "
                                    "fine for a command that is not run"))
    return problems


def image_comment(name: str, docker: str = "docker") -> str | None:
    result = subprocess.run([docker, "image", "inspect", "-f", "{{.Comment}}", name],
                            capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def build_image(tag: str, docker: str = "docker", as_tag: str | None = None) -> str:
    """Build the recipe of ``tag`` (tagged ``as_tag`` when given); returns a one-line result.
    An existing tag made by the current recipe is left alone."""
    target = as_tag or tag
    comment = image_comment(target, docker)
    if comment == busybox_image.IMPORT_MESSAGE:
        return f"{target}: exists, left alone"
    if not BUSYBOX_STATIC.exists() or not is_static_elf(BUSYBOX_STATIC):
        raise RuntimeError(f"{tag}: {BUSYBOX_STATIC} is missing or not statically linked; "
                           "install it with: apt-get install -y busybox-static")
    with tempfile.TemporaryDirectory(prefix="kb-image-") as folder:
        rootfs = Path(folder) / "rootfs.tar"
        try:
            with rootfs.open("wb") as out:
                busybox_image.write_rootfs(BUSYBOX_STATIC, out)
            busybox_image.import_image(rootfs, target, docker)
        except (OSError, subprocess.CalledProcessError) as error:
            raise RuntimeError(f"{target}: {error}") from error
    return f"{target}: {'replaced (older recipe)' if comment is not None else 'built'}"


def ensure_images(tags: list[str] | None = None, docker: str = "docker") -> list[str]:
    """Build every recipe image (or the given tags) that is not on the engine yet."""
    return [build_image(tag, docker) for tag in (tags or sorted(RECIPES))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb images", description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true",
                        help="only list the images the pages use, build nothing")
    args = parser.parse_args(argv)
    dockerclient.use_project_client()

    unreadable = cli_snapshot_error()
    if unreadable:
        print(f"build_images: {unreadable}")
        return 2
    uses = image_uses(load_pages())
    for image in sorted({canonical_image(u.image) for u in uses}):
        where = [u for u in uses if canonical_image(u.image) == image]
        state = "recipe" if image in RECIPES else "NO RECIPE"
        print(f"{image} ({state}): used {len(where)} times, first at "
              f"{where[0].page.display}:{where[0].line}")
    problems = unknown_image_problems(uses)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    if args.list:
        return 1 if errors else 0
    if not engine_answers(docker="docker"):
        print("build_images: no Docker Engine answers; run scripts/start-engine.sh as root")
        return 2
    try:
        for line in ensure_images():
            print(line)
    except RuntimeError as error:
        print(f"build_images: {error}")
        return 1
    return 1 if errors else 0

