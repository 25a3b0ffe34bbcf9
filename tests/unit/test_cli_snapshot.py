"""The committed Docker CLI snapshot (data/docker-cli.json) and the help parser that writes it.

* regenerate-and-diff: when the project's client (Debian's docker-cli, kbtools.dockerclient) and
  the buildx/compose plugins have the snapshot's versions, a fresh snapshot must equal the
  committed one (the set-up installs exactly those packages, so it runs in CI);
* the help parser on real help text saved under tests/fixtures/cli/help/;
* the facts the site relies on are in the snapshot (commands, aliases, flag pairs, defaults).
"""
from __future__ import annotations

import json
import subprocess

import pytest

from kbtools import snapshot as cli_snapshot
from conftest import REPO_ROOT, require
from kbtools import dockerclient
from kbtools.dockercli import Snapshot

SNAPSHOT = REPO_ROOT / "data" / "docker-cli.json"
HELP = REPO_ROOT / "tests" / "fixtures" / "cli" / "help"

SITE_COMMANDS = [
    "run", "create", "start", "stop", "restart", "ps", "container ls", "attach", "exec", "logs",
    "kill", "pause", "unpause", "rm", "rmi", "image rm", "images", "image ls", "history",
    "image history", "build", "commit", "pull", "inspect", "network ls", "network inspect",
    "network create", "network rm", "info", "version", "wait", "top", "stats", "port",
    "volume ls", "volume create", "volume rm", "system df",
    # CLI plugins (Debian's docker-buildx and docker-compose)
    "buildx build", "buildx ls", "buildx du", "builder prune", "compose up", "compose down",
    "compose ps", "compose logs", "compose exec", "compose run", "compose build", "compose config",
]


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def installed_version() -> str | None:
    try:
        result = subprocess.run([dockerclient.client(), "--version"], capture_output=True,
                                text=True, stdin=subprocess.DEVNULL)
    except OSError:
        return None
    return result.stdout.split()[2].rstrip(",") if result.returncode == 0 else None


def test_regenerated_snapshot_equals_committed(committed):
    version = installed_version()
    require(version is not None, "the Docker CLI client",
            "run scripts/install-engine.sh as root (Debian's docker-cli "
            + committed["client_version"] + ")")
    if version != committed["client_version"]:
        pytest.skip(f"installed client is {version}, the snapshot is from "
                    f"{committed['client_version']}: regenerate-and-diff needs the same version")
    try:
        fresh = cli_snapshot.render(cli_snapshot.take_snapshot())
    except cli_snapshot.SnapshotError as error:     # a plugin is missing
        require(False, "the buildx and compose CLI plugins", str(error))
    plugins = json.loads(fresh)["plugins"]
    if plugins != committed["plugins"]:
        pytest.skip(f"installed plugins are {plugins}, the snapshot is from "
                    f"{committed['plugins']}: regenerate-and-diff needs the same versions")
    current = SNAPSHOT.read_text(encoding="utf-8")
    assert fresh == current, ("data/docker-cli.json is out of date with the installed client; "
                              "run: kb snapshot")


def test_snapshot_is_sorted_and_deterministic(committed):
    assert SNAPSHOT.read_text(encoding="utf-8") == cli_snapshot.render(committed)


def test_help_parser_reads_wrapped_flags_and_defaults():
    text = (HELP / "container-run.txt").read_text(encoding="utf-8")
    usage, description, sections = cli_snapshot.split_sections(text)
    assert usage == ["docker container run [OPTIONS] IMAGE [COMMAND] [ARG...]"]
    assert description == "Create and run a new container from an image"
    assert cli_snapshot.parse_aliases(sections["Aliases"]) == ["container run", "run"]
    assert cli_snapshot.usage_stops_at_command(usage) == "image"
    flags = cli_snapshot.parse_flags(sections["Options"], "/nonexistent")
    attach = flags["attach"]
    assert (attach["short"], attach["type"], attach["takes_value"]) == ("a", "list", True)
    weight = flags["blkio-weight"]
    # "Block IO (relative weight),\n between 10 and 1000, or 0 to\n disable (default 0)"
    assert weight["description"] == "Block IO (relative weight), between 10 and 1000, or 0 to disable"
    assert weight["default"] == "0" and weight["type"] == "uint16"
    # "(default)" inside a description is prose, not a default value
    assert flags["cgroupns"]["default"] is None
    assert flags["cgroupns"]["description"].endswith("option on the daemon (default)")
    assert flags["detach"]["type"] == "bool" and not flags["detach"]["takes_value"]


def test_help_parser_keeps_prose_defaults_of_bool_flags():
    text = (HELP / "container-ls.txt").read_text(encoding="utf-8")
    _, _, sections = cli_snapshot.split_sections(text)
    flags = cli_snapshot.parse_flags(sections["Options"], "/nonexistent")
    assert flags["all"]["default"] is None           # "(default shows just running)" is prose
    assert flags["all"]["description"] == "Show all containers (default shows just running)"
    assert flags["last"]["default"] == "-1"
    assert cli_snapshot.parse_aliases(sections["Aliases"]) == [
        "container ls", "container list", "container ps", "ps"]


def test_help_parser_optional_value_and_quoted_default():
    lines = ['      --pull string     Pull image ("always", "missing", "never")',
             '                        (default "missing")',
             '      --progress[=auto] string   Set type of progress output',
             '  -q, --quiet           Suppress output (default true)']
    flags = cli_snapshot.parse_flags(lines, "/x")
    assert flags["pull"]["default"] == "missing"
    assert flags["progress"]["optional_value"] == "auto" and not flags["progress"]["takes_value"]
    assert flags["quiet"]["default"] == "true" and flags["quiet"]["short"] == "q"


def test_help_parser_compose_wrapping_and_backquoted_bool_names():
    """compose's help wraps an option name to the start of a description line, and a bool
    flag's usage with backquotes shows a several-word "type"."""
    lines = ['      --always-recreate-deps      Recreate dependent containers.',
             '                                  Incompatible with --no-recreate.',
             '      --attach-dependencies       Automatically attach to log output',
             '                                  --attach-dependencies.',
             '  -T, --no-TTY docker compose exec   Disable pseudo-TTY allocation. By',
             '                                     default docker compose exec',
             '                                     allocates a TTY. (default true)',
             '  -u, --user string                  Run the command as this user']
    flags = cli_snapshot.parse_flags(lines, "/x")
    assert sorted(flags) == ["always-recreate-deps", "attach-dependencies", "no-TTY", "user"]
    assert flags["no-TTY"]["short"] == "T" and flags["no-TTY"]["type"] == "bool"
    assert not flags["no-TTY"]["takes_value"] and flags["no-TTY"]["default"] == "true"
    assert flags["user"]["takes_value"]


def test_site_commands_and_aliases_are_in_the_snapshot(committed):
    snapshot = Snapshot(committed)
    missing = [name for name in SITE_COMMANDS if snapshot.command(name) is None]
    assert not missing, f"not in the snapshot: {missing}"
    ls = snapshot.command("container ls")
    for alias in ("ps", "container list", "container ps"):
        assert snapshot.command(alias) is ls
    assert snapshot.command("rmi") is snapshot.command("image rm")
    assert snapshot.command("pss") is None and snapshot.command("uppause") is None
    assert "unpause" in committed["top_level"] and "network" in committed["top_level"]


def test_flag_facts_the_pages_rely_on(committed):
    snapshot = Snapshot(committed)
    run = snapshot.command("run")
    memory = run.flag("-m")
    assert memory is run.flag("--memory") and memory.type == "bytes" and memory.takes_value
    assert run.flag("-c").long == "cpu-shares"
    assert run.flag("--memory-swappiness").default == "-1"
    assert run.flag("--restart").default == "no"
    assert run.flag("--device-write-bps") is not None
    assert run.flag("--vm") is None and run.flag("--device-wirte-bps") is None
    assert run.stop_after == "image" and snapshot.command("exec").stop_after == "container"
    net = run.flag("--net")
    assert net.hidden and net.replaced_by == "network"
    assert snapshot.command("stop").flag("-t").long == "time"        # client 26.1: --time
    # the root help's closing "Run 'docker COMMAND --help'..." is not part of --version's text
    assert snapshot.global_command.flag("-v").description == "Print version information and quit"
    assert snapshot.global_command.flag("--host").short == "H"
    # the plugins' command trees: `docker build` is BuildKit's (buildx), compose v2 is there
    assert set(committed["plugins"]) == {"buildx", "compose"}
    assert snapshot.command("build") is snapshot.command("buildx build")
    assert snapshot.command("build").flag("--progress") is not None
    up = snapshot.command("compose up")
    assert up.flag("-d").long == "detach" and up.flag("--wait") is not None
    assert snapshot.command("compose run").stop_after == "service"
    assert snapshot.command("compose").flag("-f").long == "file"


def test_help_parser_reads_plugin_help_with_a_leading_description():
    lines = ["  bake        Build from a file", "  build       Start a build", "",
             "Run 'docker buildx COMMAND --help' for more information on a command."]
    commands = cli_snapshot.parse_commands(lines)
    assert commands["build"]["summary"] == "Start a build"      # closing note not glued on
    assert cli_snapshot.usage_stops_at_command(
        ["docker compose exec [OPTIONS] SERVICE COMMAND [ARGS...]"]) == "service"


def test_check_mode_reports_a_stale_snapshot(tmp_path, monkeypatch, committed):
    # The comparison logic of --check, with the committed snapshot standing in for the client.
    monkeypatch.setattr(cli_snapshot, "take_snapshot", lambda: committed)
    target = tmp_path / "docker-cli.json"
    target.write_text("{}\n", encoding="utf-8")
    assert cli_snapshot.main(["--check", "--output", str(target)]) == 1
    assert cli_snapshot.main(["--output", str(target)]) == 0
    assert cli_snapshot.main(["--check", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == SNAPSHOT.read_text(encoding="utf-8")


def test_missing_client_is_a_clean_error(monkeypatch, capsys):
    monkeypatch.setenv("KB_DOCKER", "/nonexistent/docker")
    assert cli_snapshot.main(["--check"]) == 2
    assert "not installed" in capsys.readouterr().err
