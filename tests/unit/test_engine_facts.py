"""Checks for facts an expert review found wrong on the pages (issue 12), where a machine can
catch a regression. Each test names the review item it guards.

1. live-restore: the daemon.json the architecture page shows is accepted by the engine's own
   validator (`dockerd --validate --config-file`, which never touches a running daemon) and turns
   live-restore on, in both languages.
4. `--ip` needs a user-defined network created with `--subnet`: every example that runs a
   container with `--ip` either uses such a network of the same page or shows the engine's error.
6. the glossary and the CPU page agree on the default of `--cpu-shares` (0 = not set).
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import require
from kbtools.dockercli import docker_invocations
from kbtools.pages import block_commands, load_pages

IP_ERROR = "user specified IP address is supported only when connecting to networks with user " \
           "configured subnets"
#: on the default bridge Engine 26.1 gives one or two reasons (the subnet one only when docker0
#: did not exist when dockerd started), so a page shows the first line of the refusal
BRIDGE_ERROR = "invalid config for network bridge: invalid endpoint settings"


def _section_blocks(page, heading_id: str, lang: str):
    """Code blocks of ``lang`` between the heading ``heading_id`` and the next heading."""
    headings = sorted(page.headings, key=lambda h: h.line)
    start = next(h for h in headings if h.id == heading_id)
    end = min((h.line for h in headings if h.line > start.line and h.level <= start.level),
              default=len(page.lines) + 1)
    return [b for b in page.code_blocks if start.line < b.line < end and b.lang == lang]


@pytest.fixture(scope="module")
def pages():
    return load_pages()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_live_restore_setting_is_shown_and_valid(pages, lang, tmp_path):
    page = next(p for p in pages if p.key == "basics/architecture" and p.lang == lang)
    [block] = _section_blocks(page, "live-restore", "json")
    config = json.loads("\n".join(block.lines))
    assert config == {"live-restore": True}
    require(shutil.which("dockerd") is not None, "dockerd",
            "run scripts/install-engine.sh as root (Debian's docker.io)")
    path = tmp_path / "daemon.json"
    path.write_text("\n".join(block.lines) + "\n", encoding="utf-8")
    result = subprocess.run(["dockerd", "--validate", "--config-file", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "configuration OK" in result.stdout + result.stderr
    # ...and the validator is a real check: a wrong value is refused
    path.write_text('{"live-restore": "yes"}\n', encoding="utf-8")
    assert subprocess.run(["dockerd", "--validate", "--config-file", str(path)],
                          capture_output=True).returncode != 0


def test_ip_is_only_used_on_networks_with_a_subnet(pages):
    checked = 0
    for page in pages:
        subnet_networks = set()
        for block in page.examples:
            for command in block_commands(block):
                for call in docker_invocations(command.text):
                    if call.command is None:
                        continue
                    flags = {name: value for name, value in call.options()}
                    if call.command.path == "network create" and "--subnet" in flags:
                        subnet_networks.update(call.positional[-1:])
                    if call.command.path in ("container run", "container create") \
                            and "--ip" in flags:
                        checked += 1
                        network = flags.get("--network") or flags.get("--net") or "bridge"
                        if network in subnet_networks:
                            continue
                        output = "\n".join(_output_after(block, command.line))
                        wanted = BRIDGE_ERROR if network == "bridge" else IP_ERROR
                        assert wanted in output, (
                            f"{page.display}:{command.line}: `--ip` on network '{network}', "
                            "which was not created with --subnet, must show the engine's error")
    assert checked >= 2


def _output_after(block, line: int) -> list[str]:
    lines = []
    for number, text in enumerate(block.lines, start=block.line + 1):
        if number <= line:
            continue
        if text.startswith("$ "):
            break
        lines.append(text)
    return lines


def test_glossary_and_cpu_page_agree_on_the_cpu_shares_default(pages):
    import yaml
    from kbtools.paths import GLOSSARY_FILE
    entry = next(t for t in yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
                 if t["id"] == "cpu-shares")
    assert "0" in entry["zh_definition"] and "默认 1024" not in entry["zh_definition"]
    assert "0" in entry["en_definition"] and "1024 by default" not in entry["en_definition"]
