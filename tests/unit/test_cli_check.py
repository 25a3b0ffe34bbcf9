"""The Docker CLI check: broken fixture pages are reported with the right file, line and rule;
command lines are parsed like the CLI parses them; every real page passes.

Fixtures: tests/fixtures/cli/<case>/docs, expectations in tests/fixtures/cli/expected.yml.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT
from kbtools.cli_check import check_pages
from kbtools.dockercli import (Snapshot, docker_invocations, parse_invocation, parse_line,
                               split_commands)
from kbtools.pages import load_pages, pair_pages, parse_page
from kbtools.parity import table_problems

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "cli"
EXPECTED = yaml.safe_load((FIXTURES / "expected.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return Snapshot.load()


def one(line: str, snapshot: Snapshot):
    parsed = parse_line(line, snapshot)
    assert not parsed.issues
    assert len(parsed.invocations) == 1, parsed.invocations
    return parsed.invocations[0]


# -- fixtures ----------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_fixture_case_reports_exactly_the_expected_problems(case, snapshot):
    docs = FIXTURES / case / "docs"
    pages = load_pages(docs)
    # flag tables of a zh/en pair are compared by the parity check (KB202), with the CLI check
    problems = check_pages(pages, snapshot) + [
        p for versions in pair_pages(pages).values() if len(versions) == 2
        for p in table_problems(versions["zh"], versions["en"])]
    got = {(Path(p.file).name, p.line, p.rule) for p in problems}
    want = {(e["file"], e["line"], e["rule"]) for e in EXPECTED[case]}
    shown = "\n".join(str(p) for p in problems)
    assert got == want, f"problems reported for {case}:\n{shown}"
    for expected in EXPECTED[case]:
        matching = [str(p) for p in problems if Path(p.file).name == expected["file"]
                    and p.line == expected["line"] and p.rule == expected["rule"]]
        assert any(expected["text"] in text for text in matching), (expected, matching)
    for problem in problems:           # file:line: rule: message (hint)
        assert re.match(r"^\S+:\d+: KB(3\d\d|202): .+ \(.+\)", str(problem)), str(problem)


def test_every_fixture_case_is_listed():
    cases = {path.name for path in FIXTURES.iterdir() if (path / "docs").is_dir()}
    assert cases == set(EXPECTED)


# -- parsing -----------------------------------------------------------------------------------
def test_combined_short_flags(snapshot):
    run = one("docker run -itd busybox", snapshot)
    assert [(f.name, f.flag.long) for f in run.flags] == [
        ("-i", "interactive"), ("-t", "tty"), ("-d", "detach")]
    assert run.args == ["busybox"] and run.program == []


def test_values_glued_equals_and_separate(snapshot):
    run = one("docker run --name=web -m 64m -p8080:80 --memory-swap 128m -e A=1 busybox",
              snapshot)
    assert [(f.name, f.value) for f in run.flags] == [
        ("--name", "web"), ("-m", "64m"), ("-p", "8080:80"), ("--memory-swap", "128m"),
        ("-e", "A=1")]
    assert run.args == ["busybox"]


def test_options_in_long_spelling_and_positional_words(snapshot):
    run = parse_invocation(["docker", "run", "-dit", "-m64m", "--name=x", "-p", "80:80",
                            "busybox", "sh", "-c", "echo -d"], snapshot)
    assert run.options() == [("--detach", None), ("--interactive", None), ("--tty", None),
                             ("--memory", "64m"), ("--name", "x"), ("--publish", "80:80")]
    assert run.positional == ["busybox", "sh", "-c", "echo -d"]
    assert run.words[run.command_end:][:1] == ["-dit"]
    ls = one("docker -H unix:///x container ls --nope -a", snapshot)
    assert ls.options() == [("--nope", None), ("--all", None)]       # unknown: as typed
    assert ls.words[:ls.command_end] == ["docker", "-H", "unix:///x", "container", "ls"]


def test_docker_invocations_of_a_line(snapshot):
    calls = docker_invocations("timeout 3 docker logs -f x | VAR=1 /usr/bin/docker ps -q; "
                               "timeout -s KILL 5 docker stop x && dcoker ps", snapshot)
    assert [c.words[1:] for c in calls] == [["logs", "-f", "x"], ["ps", "-q"], ["stop", "x"]]
    assert [c.command.path for c in calls] == ["container logs", "container ls",
                                               "container stop"]
    assert docker_invocations("echo 'unclosed", snapshot) == []


def test_bool_flags_do_not_take_the_next_word(snapshot):
    run = one("docker run --rm busybox true", snapshot)
    assert run.flags[0].value is None and run.args == ["busybox"] and run.program == ["true"]


def test_words_after_the_image_belong_to_the_program(snapshot):
    run = one("docker run --rm -m 64m progrium/stress --vm 1 --vm-bytes 280M -c 2", snapshot)
    assert run.args == ["progrium/stress"]
    assert run.program == ["--vm", "1", "--vm-bytes", "280M", "-c", "2"]
    assert not run.issues
    shell = one("docker run busybox sh -c 'echo --not-a-docker-flag'", snapshot)
    assert shell.program == ["sh", "-c", "echo --not-a-docker-flag"] and not shell.issues


def test_exec_stops_after_the_container(snapshot):
    exec_ = one("docker exec -it web ps -ef", snapshot)
    assert [f.name for f in exec_.flags] == ["-i", "-t"]
    assert exec_.args == ["web"] and exec_.program == ["ps", "-ef"] and not exec_.issues


def test_other_commands_accept_options_after_arguments(snapshot):
    stop = one("docker stop web -t 1", snapshot)
    assert stop.args == ["web"] and [(f.name, f.value) for f in stop.flags] == [("-t", "1")]


def test_management_commands_aliases_and_global_options(snapshot):
    ls = one("docker -H unix:///var/run/docker.sock --debug container list -aq", snapshot)
    assert ls.command is snapshot.command("ps")
    assert [f.name for f in ls.global_flags] == ["-H", "--debug"]
    assert [f.name for f in ls.flags] == ["-a", "-q"]
    assert one("docker network ls --no-trunc", snapshot).command.path == "network ls"
    assert one("docker image rm busybox", snapshot).command is snapshot.command("rmi")


def test_a_line_with_several_commands(snapshot):
    parsed = parse_line("docker ps -a | grep web && sudo docker rm -f $(docker ps -aq) "
                        "2>/dev/null; echo done", snapshot)
    assert [i.typed for i in parsed.invocations] == ["ps", "rm", "ps"]
    assert all(not i.issues for i in parsed.invocations)


def test_placeholders_and_double_dash(snapshot):
    exec_ = one("docker exec -it <container> /bin/bash", snapshot)
    assert exec_.args == ["<container>"] and exec_.program == ["/bin/bash"]
    run = one("docker run --rm busybox -- ls -la", snapshot)
    assert run.program == ["--", "ls", "-la"] and not run.issues


def test_misspellings_get_suggestions(snapshot):
    [flag] = parse_line("docker run --device-wirte-bps /dev/sda:1mb busybox", snapshot).invocations
    assert flag.issues[0].hint == "did you mean `--device-write-bps`?"
    assert flag.args == ["busybox"]      # the typo's value was not taken for the image
    [cmd] = parse_line("docker uppause web", snapshot).invocations
    assert cmd.issues[0].kind == "unknown-command"
    assert cmd.issues[0].hint == "did you mean `docker unpause`?"
    [typo] = parse_line("dcoker logs web", snapshot).invocations
    assert [i.kind for i in typo.issues] == ["not-docker"] and typo.typed == "logs"
    assert typo.issues[0].hint == "did you mean `docker logs`?"
    assert parse_line("dockerd --debug", snapshot).invocations == []


@pytest.mark.parametrize("line", [
    "", "   ", "|", "&&", "docker", "docker -", "docker --", "docker -=", "docker --=x",
    "docker run -", "docker run --", "docker 'unclosed", 'docker run "a', "docker $(", ")",
    "docker run -m", "docker network", "docker network nope --x", "docker -H", "docker help",
    "docker run -p=", "docker ps -=", "docker ps -a=", "\\", "docker run ===", "docker 容器 ls",
    "docker run <", "docker >", "docker run -- --", "docker ps -h", "docker compose up -d",
])
def test_odd_input_never_raises(line, snapshot):
    parsed = parse_line(line, snapshot)
    assert isinstance(parsed.invocations, list)
    split_commands(line)


def test_odd_pages_never_raise(tmp_path, snapshot):
    page = tmp_path / "odd.md"
    page.write_text("---\ntitle: x\n---\n\n<!-- flags: -->\n| a |\n| --- |\n|  |\n\n"
                    "<!-- flags: docker run -->\n| x | y |\n| --- | --- |\n| `` | |\n| |\n"
                    "<!-- flags: docker -->\n| - | d |\n| --- | --- |\n| `--` | `` |\n\n"
                    "`docker run \"`  `dcoker`  `docker`\n\n<!-- cli-check: ignore=\"x\" -->\n",
                    encoding="utf-8")
    problems = check_pages([parse_page(page, tmp_path)], snapshot)
    assert all(p.rule != "KB300" for p in problems), [str(p) for p in problems]


def test_missing_snapshot_is_one_clean_problem(tmp_path):
    page = FIXTURES / "good" / "docs" / "sample.md"
    problems = check_pages([parse_page(page, page.parent)], None, tmp_path / "none.json")
    assert [p.rule for p in problems] == ["KB300"]
    assert "kb snapshot" in problems[0].hint


# -- rules and real pages ----------------------------------------------------------------------
def test_all_pages_pass_the_cli_check(snapshot):
    problems = [p for p in check_pages(load_pages(), snapshot) if p.severity == "error"]
    assert not problems, "\n" + "\n".join(str(p) for p in problems)
