"""Runnable examples: every ``<!-- example -->`` of every page runs on a real Docker Engine and
its output matches the page (tests marked ``engine``), plus fast unit tests of the runner's
parts (normaliser, ``...`` matching, label injection, zh/en equality, terminal rendering,
--update) on small fixture pages.

    pytest tests/engine/test_examples.py -m "not engine"     # unit tests only
    pytest tests/engine/test_examples.py -m engine -s        # the real run (needs scripts/start-engine.sh)
"""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import IN_CI, require
from kbtools import examples as ex
from kbtools.examples import output as ex_output
from kbtools.examples import (ExampleOutcome, ExampleRunner, PageRun, StepResult, align,
                              engine_answers, images_made, images_run,
                              merged_output, normalise_line, output_diff, outputs_match,
                              parse_keys, plan_docker_call, render_terminal, update_pages)
from kbtools.local_registry import RegistryError, local_registry, pages_need_registry
from kbtools.parity import block_problems
from kbtools.pages import console_steps, load_pages, parse_page
from kbtools.paths import VERIFIED_ENGINE

from kbtools.examples import images as build_images

LABEL = f"{ex.RUN_LABEL}=r1"


def write_page(folder: Path, rel: str, body: str, title: str = "t") -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndescription: d\ntags: []\n---\n\n"
                    + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------------- normaliser


@pytest.mark.parametrize("page_line, engine_line", [
    ("4e3532f73600c85cfd65c912a5145beb5bd0c1b9422210991d8d7926967c8d67",
     "590f3312b19f5235bf10f69afe1bcea65c5e863ee17237f609edbeb945434c63"),
    ("sha256:8c9c965d7f3b4abc4d6859b586d92c176c2f549437ef0498d1a750a5961267f3",
     "sha256:0f2b4bd6b0a4d2f1ff52a2a9b8d2c8b1c5be7b3e3ac7e8e61c9f8bd9c4f01a6e"),
    ("abc123def456   busybox   \"sleep 300\"   5 seconds ago    Up 4 seconds            mem",
     "0123456789ab   busybox   \"sleep 300\"   About a minute ago   Up About a minute   mem"),
    ("Exited (137) Less than a second ago", "Exited (137) 12 minutes ago"),
    ("busybox      latest    10fed9d85ed6   5 minutes ago   1.99MB",
     "busybox      latest    44c536a39dcf   2 hours ago     4.2MB"),
    ("2026-11-28T19:49:14.232213314Z", "2027-01-02T03:04:05.000000001Z"),
    ("2026-11-28 19:49:14 +0000 UTC", "2027-01-02 03:04:05 +0000 UTC"),
    ("Sat Nov 28 19:58:16 UTC 2026", "Mon Jan  4 03:04:05 UTC 2027"),
    ("    inet 172.17.0.2/16 brd 172.17.255.255 scope global eth0",
     "    inet 172.17.0.7/16 brd 172.17.255.255 scope global eth0"),
    ("45: eth0@if46: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue",
     "113: eth0@if114: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue"),
    ("172.18.0.0/16", "172.21.0.0/16"),
    ("    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff",
     "    link/ether 02:42:ac:11:00:05 brd ff:ff:ff:ff:ff:ff"),
    ("a  b\tc   ", "a b c"),
    # BuildKit's plain progress: step numbers, RUN output timestamps, durations
    ("#7 DONE 0.1s", "#9 DONE 2.4s"),
    ("#8 0.697 installing dependencies", "#6 0.172 installing dependencies"),
    ("#10 naming to docker.io/library/x done", "#9 naming to docker.io/library/x 0.0s done"),
    ("validating /tmp/kb-examples-run-k2j3x9_a/kb-example-8s7dq1wz/compose.yaml: services",
     "validating /var/tmp/kb-examples-run-0abcdefg/kb-example-zzzzzzzz/compose.yaml: services"),
])
def test_normaliser_hides_what_changes_between_runs(page_line, engine_line):
    assert normalise_line(page_line) == normalise_line(engine_line)


@pytest.mark.parametrize("page_line, engine_line", [
    ("67108864 134217728", "67108864 268435456"),        # memory limits in bytes are claims
    ("true 137", "false 0"),                             # OOMKilled and exit code
    ("    inet 172.17.0.1/16", "    inet 172.18.0.1/16"),  # the default bridge's gateway
    ("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536", "2: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"),
    ("mem-limited", "mem-limitless"),
    ("Up 3 seconds", "Exited (0) 3 seconds ago"),
    ("#8 [4/5] RUN a", "#8 [3/5] RUN a"),                 # the instruction's position
    ("real\t0m 5.05s", "real\t0m 0.00s"),                # time(1) outside BuildKit output
])
def test_normaliser_keeps_what_the_page_claims(page_line, engine_line):
    assert normalise_line(page_line) != normalise_line(engine_line)


# ------------------------------------------------------------------------- matching


def test_ellipsis_stands_for_any_number_of_lines():
    assert outputs_match(["a", "...", "z"], ["a", "z"])
    assert outputs_match(["a", "...", "z"], ["a", "b", "c", "z"])
    assert outputs_match(["...", "z"], ["x", "y", "z"])
    assert outputs_match(["a", "..."], ["a", "b", "c"])
    assert not outputs_match(["a", "...", "z"], ["a", "b", "c"])
    assert not outputs_match(["a", "...", "z"], ["b", "z"])
    assert not outputs_match(["a"], ["a", "b"])
    assert not outputs_match(["a", "b"], ["a"])


def test_long_outputs_are_matched_without_the_quadratic_alignment(monkeypatch):
    monkeypatch.setattr(ex_output, "_ALIGN_LIMIT", 4)
    assert outputs_match(["a", "...", "z"], ["a", "b", "c", "z"])
    assert not outputs_match(["a", "...", "z"], ["a", "b", "c"])
    assert not outputs_match(["a.b", "c", "d"], ["axb", "c", "d"])
    assert merged_output(["a", "b", "c"], ["a", "x", "c"]) == ["a", "x", "c"]


def test_trailing_blank_lines_and_spaces_do_not_count():
    assert outputs_match(["a", "b  ", ""], ["a", "b"])
    assert not outputs_match(["a", "", "b"], ["a", "b"])


def test_update_keeps_ellipsis_and_still_matching_lines():
    shown = ["IMAGE  CREATED BY", "aaaaaaaaaaaa  old step", "...", "last"]
    engine = ["IMAGE          CREATED BY", "bbbbbbbbbbbb  new step", "x", "y", "last"]
    merged = merged_output(shown, engine)
    assert merged == ["IMAGE  CREATED BY", "bbbbbbbbbbbb  new step", "...", "last"]
    assert outputs_match(merged, engine)


def test_diff_marks_only_real_differences():
    diff = output_diff(["0123456789ab  Up 2 seconds", "hello"],
                       ["ba9876543210  Up 3 minutes", "hullo"], "docs/x.md:12")
    lines = diff.splitlines()
    assert lines[0] == "--- page docs/x.md:12" and lines[1] == "+++ engine"
    assert " 0123456789ab  Up 2 seconds" in lines
    assert "-hello" in lines and "+hullo" in lines
    assert not any(line.startswith(("-0123", "+ba98")) for line in lines)


def test_alignment_is_cheapest():
    assert [op for op, _, _ in align(["a", "b", "c"], ["a", "x", "c"])] == \
        ["equal", "replace", "equal"]
    assert [op for op, _, _ in align(["a", "b"], ["b", "c"])] == ["delete", "equal", "insert"]


# ------------------------------------------------------------------------- docker command lines


def test_label_goes_right_after_the_subcommand():
    plan = plan_docker_call(["run", "-d", "--name", "x", "busybox", "sleep", "9"], "r1")
    assert plan.args == ["run", "--label", LABEL, "--pull", "never", "-d", "--name", "x",
                         "busybox", "sleep", "9"]
    plan = plan_docker_call(["-H", "unix:///run/docker.sock", "container", "create", "busybox"],
                            "r1")
    assert plan.args[:6] == ["-H", "unix:///run/docker.sock", "container", "create", "--label",
                             LABEL]
    assert plan_docker_call(["network", "create", "n1"], "r1").args == \
        ["network", "create", "--label", LABEL, "n1"]
    assert plan_docker_call(["volume", "create", "v1"], "r1").args == \
        ["volume", "create", "--label", LABEL, "v1"]
    commit = plan_docker_call(["commit", "c1", "img:1"], "r1")
    assert commit.args == ["commit", "--change", f"LABEL {LABEL}", "c1", "img:1"]
    assert commit.target_tags == ["img:1"]
    imported = plan_docker_call(["import", "-m", "msg", "fs.tar", "img:2"], "r1")
    assert imported.args == ["import", "--change", f"LABEL {LABEL}", "-m", "msg", "fs.tar", "img:2"]
    assert imported.target_tags == ["img:2"]


def test_explicit_pull_is_kept():
    plan = plan_docker_call(["run", "--pull=always", "busybox"], "r1")
    assert plan.args == ["run", "--label", LABEL, "--pull=always", "busybox"]


def test_commands_that_create_nothing_are_passed_unchanged():
    for args in (["ps", "-a"], ["inspect", "x"], ["container", "ls"], ["run", "--help"],
                 ["logs", "-f", "x"], ["network", "ls"]):
        assert plan_docker_call(args, "r1").args == args


def test_build_is_not_labelled_but_tracked():
    plan = plan_docker_call(["build", "-t", "demo:1", "--tag=demo:2", "."], "r1", "/tmp/iid")
    assert plan.args == ["build", "--iidfile", "/tmp/iid", "-t", "demo:1", "--tag=demo:2", "."]
    assert plan.target_tags == ["demo:1", "demo:2"]
    assert not any(ex.RUN_LABEL in arg for arg in plan.args)


def test_prune_is_refused_and_tags_and_volumes_are_found():
    for args in (["system", "prune", "-f"], ["container", "prune"], ["image", "prune", "-a"]):
        assert plan_docker_call(args, "r1").refusal
    assert plan_docker_call(["tag", "busybox", "copy:1"], "r1").target_tags == ["copy:1"]
    plan = plan_docker_call(["run", "-v", "data:/data", "-v", "/anon", "-v", "./here:/x",
                             "--mount", "type=volume,source=m1,target=/m", "--mount",
                             "type=bind,src=/etc,dst=/e", "busybox"], "r1")
    assert plan.named_volumes == ["data", "m1"]
    plan = plan_docker_call(["rm", "-f", "a", "b"], "r1")
    assert plan.removes == [("container", "a"), ("container", "b")] and plan.keeps_volumes
    assert not plan_docker_call(["container", "rm", "-fv", "a"], "r1").keeps_volumes
    assert plan_docker_call(["image", "rm", "x:1"], "r1").removes == [("image", "x:1")]
    assert plan_docker_call(["volume", "rm", "-f", "v"], "r1").removes == [("volume", "v")]
    assert plan_docker_call(["network", "rm", "n"], "r1").removes == [("network", "n")]


def test_aliases_and_value_flags_come_from_the_cli_snapshot():
    # `-h` of run is --hostname (a value), not --help: the call is labelled, "busybox" is the image
    plan = plan_docker_call(["container", "run", "-h", "box", "--health-cmd", "true",
                             "busybox"], "r1")
    assert plan.args == ["container", "run", "--label", LABEL, "--pull", "never", "-h", "box",
                         "--health-cmd", "true", "busybox"]
    assert plan.kind == "container run"
    assert plan_docker_call(["rm", "-h"], "r1").args == ["rm", "-h"]      # rm's -h is --help
    build = plan_docker_call(["builder", "build", "--tag", "demo:3", "."], "r1", "/tmp/iid")
    assert build.args == ["builder", "build", "--iidfile", "/tmp/iid", "--tag", "demo:3", "."]
    assert build.target_tags == ["demo:3"]
    given = plan_docker_call(["image", "build", "--iidfile=/tmp/mine", "."], "r1", "/tmp/iid")
    assert given.iidfile == "/tmp/mine" and "/tmp/iid" not in given.args
    assert plan_docker_call(["container", "remove", "--volumes", "a"], "r1").removes == \
        [("container", "a")]
    assert plan_docker_call(["builder", "prune"], "r1").refusal
    assert plan_docker_call(["uppause", "x"], "r1").args == ["uppause", "x"]


def test_images_are_found_like_the_cli_finds_them():
    assert images_run("docker inspect $(docker create --name x busybox:1.35) && echo ok") == \
        ["busybox:1.35"]
    assert images_run("echo hi | docker run -i --rm -e A=1 busybox cat") == ["busybox"]
    assert images_run("docker run ... progrium/stress --vm 1") == []
    assert images_run("docker run [OPTIONS] IMAGE") == []
    assert images_made("docker build -t demo . && docker tag demo demo:2") == ["demo", "demo:2"]
    assert images_run("timeout 5 docker run --rm -e X=1 busybox:1.36 true") == ["busybox:1.36"]
    assert images_run("dcoker run --rm busybox true") == []     # a typo runs no docker
    assert images_made("docker commit -m 'msg' c1 kept:1 > /dev/null") == ["kept:1"]


def test_dockerfile_bases():
    text = "FROM busybox AS base\nRUN true\nFROM base\nFROM scratch\nFROM --platform=x alpine:3\n"
    assert ex.dockerfile_bases(text) == ["busybox", "alpine:3"]


# ------------------------------------------------------------------------- terminal, keys


def test_terminal_shows_what_a_screen_would():
    raw = b"\r\n/ # \x1b[6nexit\r\n\r/ # \x1b[Jread escape sequence\r\n"
    assert render_terminal(raw) == ["", "/ # exit", "/ # read escape sequence"]
    assert render_terminal("50%\r100%\nab\bc\n") == ["100%", "ac"]


def test_keys_are_parsed():
    assert parse_keys("ctrl-p ctrl-q") == [b"\x10", b"\x11"]
    assert parse_keys("'echo hi' enter ctrl-d") == [b"echo hi", b"\r", b"\x04"]


# ------------------------------------------------------------------------- zh / en pages

ZH_BODY = """
## 例子 {#ex}

<!-- example -->
```console
$ docker run --rm busybox echo hi
hi
```

<!-- example: skip="这里不能运行" -->
```console
$ docker run --rm --blkio-weight 300 busybox true
```
"""


def test_identical_examples_pass(tmp_path):
    zh = parse_page(write_page(tmp_path, "a/p.md", ZH_BODY), tmp_path)
    en_body = ZH_BODY.replace("## 例子 {#ex}", "## Example {#ex}").replace("这里不能运行",
                                                                          "cannot run here")
    en = parse_page(write_page(tmp_path, "a/p.en.md", en_body), tmp_path)
    assert block_problems(zh, en, examples_only=True) == []


def test_different_examples_name_both_files_and_lines(tmp_path):
    zh = parse_page(write_page(tmp_path, "a/p.md", ZH_BODY), tmp_path)
    en_text = "\n\n" + ZH_BODY.replace("hi\n```", "hello\n```")
    en = parse_page(write_page(tmp_path, "a/p.en.md", en_text), tmp_path)
    problems = block_problems(zh, en, examples_only=True)
    assert len(problems) == 1
    text = str(problems[0])
    zh_line = zh.lines.index("hi") + 1
    en_line = en.lines.index("hello") + 1
    assert text.startswith(f"{en.display}:{en_line}: KB203:")
    assert f"{zh.display}:{zh_line}" in text and "'hello'" in text


def test_missing_example_in_one_language_is_reported(tmp_path):
    zh = parse_page(write_page(tmp_path, "a/p.md", ZH_BODY), tmp_path)
    en = parse_page(write_page(tmp_path, "a/p.en.md", ZH_BODY.split("<!-- example: skip")[0]),
                    tmp_path)
    problems = block_problems(zh, en, examples_only=True)
    assert [p.rule for p in problems] == ["KB203"]
    assert problems[0].file == zh.display and problems[0].line == zh.examples[1].line


def test_update_rewrites_both_languages(tmp_path):
    body = """
    !!! note "n"
        <!-- example -->
        ```console
        $ docker run -d --name demo busybox sleep 9
        4e3532f73600c85cfd65c912a5145beb5bd0c1b9422210991d8d7926967c8d67
        $ docker ps --format '{{.Names}} {{.Status}}' \\
            --filter name=demo
        demo Exited
        ...
        ```
    """
    zh = parse_page(write_page(tmp_path, "a/p.md", body), tmp_path)
    en = parse_page(write_page(tmp_path, "a/p.en.md", body), tmp_path)
    block = zh.examples[0]
    (run_cmd, run_shown), (ps_cmd, ps_shown) = console_steps(block)
    run = PageRun("a/p", zh, en, outcomes=[ExampleOutcome(block, "ran", steps=[
        StepResult(run_cmd, run_shown, ["0123456789abcdef" * 4], 0.1),
        StepResult(ps_cmd, ps_shown, ["demo Up 2 seconds", "other line"], 0.1)])])
    changed = update_pages(run)
    assert changed == [zh.path, en.path]
    for path in changed:
        text = path.read_text(encoding="utf-8")
        assert "    4e3532f73600c85cfd65c912a5145beb5bd0c1b9422210991d8d7926967c8d67\n" in text
        assert "    demo Up 2 seconds\n    ...\n    ```" in text
        assert "demo Exited" not in text
        again = parse_page(path, tmp_path)
        assert [s[1] for s in console_steps(again.examples[0])][1] == ["demo Up 2 seconds", "..."]


# ------------------------------------------------------------------------- images


def test_pages_only_use_images_that_can_be_built():
    problems = build_images.unknown_image_problems(build_images.image_uses(load_pages()))
    errors = [str(p) for p in problems if p.severity == "error"]
    assert not errors, "\n".join(errors)


def test_unknown_image_in_an_example_is_an_error(tmp_path):
    page = parse_page(write_page(tmp_path, "a/p.md", """
    <!-- example -->
    ```console
    $ docker run --rm nginx:1.25 true
    ```

    <!-- example: file=Dockerfile -->
    ```dockerfile
    FROM alpine:3.19
    ```

    <!-- example -->
    ```console
    $ docker build -t own-image . && docker run --rm own-image
    ```
    """), tmp_path)
    problems = build_images.unknown_image_problems(build_images.image_uses([page]))
    assert [(p.line, p.severity) for p in problems] == [(9, "error"), (13, "error")]
    assert "nginx:1.25" in str(problems[0]) and "alpine:3.19" in str(problems[1])


def test_dockerfile_from_an_image_the_page_builds_is_not_unknown(tmp_path):
    page = parse_page(write_page(tmp_path, "a/p.md", """
    <!-- example: file=Dockerfile.base -->
    ```dockerfile
    FROM busybox
    ```

    <!-- example -->
    ```console
    $ docker build -t p-base -f Dockerfile.base .
    ```

    <!-- example: file=Dockerfile -->
    ```dockerfile
    FROM p-base
    ```
    """), tmp_path)
    assert build_images.unknown_image_problems(build_images.image_uses([page])) == []


def test_static_binary_check():
    import sys
    assert not build_images.is_static_elf(Path(sys.executable).resolve())
    if Path("/bin/busybox").exists():
        static = subprocess.run(["file", "-L", "/bin/busybox"], capture_output=True, text=True)
        if static.returncode == 0:
            assert build_images.is_static_elf(Path("/bin/busybox")) == \
                ("statically linked" in static.stdout or "static-pie" in static.stdout)



def test_requires_skips_on_another_engine_and_rejects_unknown_values(tmp_path):
    page = parse_page(write_page(tmp_path, "t/page.md", """
        <!-- example: requires=cgroup-v2 -->
        ```console
        $ docker run --rm busybox cat /sys/fs/cgroup/memory.max
        max
        ```

        <!-- example: requires=cgroup-v9 -->
        ```console
        $ docker info
        ```
        """), tmp_path)
    runner = ExampleRunner()
    try:
        runner.engine_info = {"CgroupVersion": "1"}    # what docker info reports on a v1 host
        problems = []
        first = runner._run_block(page, page.examples[0], tmp_path, problems)
        second = runner._run_block(page, page.examples[1], tmp_path, problems)
        assert runner.missing_images(page) == []       # a skipped example needs no image
    finally:
        shutil.rmtree(runner.home, ignore_errors=True)
    assert (first.status, first.reason) == ("skipped", "needs a cgroup-v2 engine; this engine "
                                                       "has CgroupVersion 1")
    assert second.status == "not run"
    assert [(p.rule, p.line) for p in problems] == [("KB511", 13)]   # the second marker

# ------------------------------------------------------------------------- on the engine


class _ExamplesSummary:
    """Prints the counts of the real run at the end of the pytest output."""

    def __init__(self, report):
        self.report = report

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("runnable examples")
        for line in self.report.summary().splitlines():
            terminalreporter.write_line(line)


def _need_engine():
    require(engine_answers(), "a Docker Engine", "run scripts/start-engine.sh as root")


@pytest.fixture(scope="session")
def engine_images():
    _need_engine()
    return build_images.ensure_images()


@pytest.fixture(scope="session")
def examples_run(engine_images, request):
    """Every example of every page, run once; yields (runner, report)."""
    recorded = yaml.safe_load(VERIFIED_ENGINE.read_text(encoding="utf-8")) or {}
    client = ex.engine_versions()["client_version"]
    if client != recorded.get("client_version") and not IN_CI:
        pytest.skip(f"the pages' output was recorded with Docker client "
                    f"{recorded.get('client_version')}, this machine has {client}; install that "
                    "client to run the examples (CI has it)")
    pages = load_pages()
    with ExampleRunner() as runner:
        # the registry runs only while the pages run (not while later tests use the report)
        with contextlib.ExitStack() as registry:
            if pages_need_registry("\n".join(page.lines) for page in pages):
                try:
                    registry.enter_context(local_registry())
                except RegistryError as error:
                    pytest.fail(f"the pages push to the local test registry: {error}")
            report = runner.run_pages(pages)
        if not request.config.pluginmanager.has_plugin("kb-examples-summary"):
            request.config.pluginmanager.register(_ExamplesSummary(report), "kb-examples-summary")
        print("\n" + report.summary())
        yield runner, report


def _versions_note() -> str:
    """Which engine/client ran, and which ones the pages' output was taken from."""
    now = ex.engine_versions()
    try:
        recorded = yaml.safe_load(VERIFIED_ENGINE.read_text(encoding="utf-8")) or {}
    except OSError:
        recorded = {}
    note = (f"this run: engine {now['engine_version']}, client {now['client_version']}; pages "
            f"verified on engine {recorded.get('engine_version')}, client "
            f"{recorded.get('client_version')} ({VERIFIED_ENGINE.name})")
    if recorded and recorded.get("client_version") != now["client_version"]:
        note += " -- a different client prints some messages differently"
    return note


@pytest.mark.engine
def test_every_example_matches_the_engine(examples_run):
    _, report = examples_run
    problems = [p for p in report.all_problems if p.rule != "KB508"]
    assert not problems, (f"{len(problems)} problems ({_versions_note()}):\n"
                          + "\n".join(map(str, problems)))


@pytest.mark.engine
def test_enough_examples_run(examples_run):
    _, report = examples_run
    assert report.ran >= 30, f"issue 5 asks for at least 30 run examples; {report.summary()}"


@pytest.mark.engine
def test_nothing_created_by_the_run_is_left(examples_run):
    runner, _ = examples_run
    assert runner.leftovers() == []


def _run_fixture(tmp_path, body, timeout=60.0):
    path = write_page(tmp_path, "t/page.md", body)
    page = parse_page(path, tmp_path)
    with ExampleRunner(timeout=timeout) as runner:
        result = runner.run_page(page.key, page, None)
        left = runner.leftovers()
    return page, result, left


def _exists(kind, name):
    return subprocess.run(["docker", kind, "inspect", name], capture_output=True).returncode == 0


@pytest.mark.engine
def test_the_busybox_recipe_gives_the_history_pages_show(engine_images):
    """busybox:latest on this engine and one built from the recipe (as in CI) print the same
    `docker history`, which pages show under the layers of images built FROM busybox."""
    probe = "kbt-busybox-recipe:probe"
    assert not _exists("image", probe)
    try:
        assert build_images.build_image("busybox:latest", as_tag=probe) == f"{probe}: built"
        history = {}
        for image in ("busybox:latest", probe):
            history[image] = subprocess.run(
                ["docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Size}}", image],
                capture_output=True, text=True, check=True).stdout.splitlines()
        assert history[probe] == history["busybox:latest"] and len(history[probe]) == 1
    finally:
        subprocess.run(["docker", "rmi", probe], capture_output=True)
    assert not _exists("image", probe)


@pytest.mark.engine
def test_a_wrong_output_names_page_line_command_and_difference(engine_images, tmp_path):
    page, result, left = _run_fixture(tmp_path, """
    <!-- example -->
    ```console
    $ docker run --rm busybox echo hello
    hallo
    ```
    """)
    assert left == []
    [problem] = result.problems
    assert (problem.file, problem.line, problem.rule) == (page.display, 9, "KB501")
    assert "`docker run --rm busybox echo hello`" in problem.message
    assert "-hallo" in problem.message and "+hello" in problem.message


@pytest.mark.engine
def test_everything_a_page_creates_is_removed_even_after_a_failure(engine_images, tmp_path):
    names = ["kbt-clean-c", "kbt-clean-vol", "kbt-clean-named", "kbt-clean-net"]
    images = ["kbt-clean-built", "kbt-clean-copy", "kbt-clean-committed"]
    busybox_id = subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}}", "busybox"],
                                capture_output=True, text=True).stdout
    page, result, left = _run_fixture(tmp_path, """
    <!-- example: file=Dockerfile -->
    ```dockerfile
    FROM busybox
    RUN echo built > /built.txt
    ```

    <!-- example -->
    ```console
    $ docker build -q -t kbt-clean-built .
    ...
    $ docker volume create kbt-clean-vol
    kbt-clean-vol
    $ docker network create kbt-clean-net
    ...
    $ docker run -d --name kbt-clean-c -v kbt-clean-named:/data -v /anon kbt-clean-built sleep 300
    ...
    $ docker commit kbt-clean-c kbt-clean-committed
    ...
    $ docker tag busybox kbt-clean-copy
    $ docker tag kbt-clean-copy busybox:latest
    $ docker run --rm busybox echo fails on purpose
    something else
    $ docker rmi busybox
    ```
    """)
    assert left == []
    for name in names[:1]:
        assert not _exists("container", name)
    for name in names[1:3]:
        assert not _exists("volume", name)
    assert not _exists("network", names[3])
    for image in images:
        assert not _exists("image", image)
    assert subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}}", "busybox"],
                          capture_output=True, text=True).stdout == busybox_id
    messages = {p.line: p.message for p in result.problems}
    # (engine-wide commands such as `docker system prune`, and objects the page never names as its
    # own, are refused earlier, by the example policy: tests/unit/test_hostile.py)
    assert "refused" in messages[26] and "busybox:latest" in messages[26]
    assert "+fails on purpose" in messages[27]
    assert "refused" in messages[29] and "busybox" in messages[29]
    assert set(messages) == {26, 27, 29}


@pytest.mark.engine
def test_missing_image_is_a_clear_problem_not_a_pull(engine_images, tmp_path):
    page, result, left = _run_fixture(tmp_path, """
    <!-- example -->
    ```console
    $ docker run --rm kbt-no-such-image:1 true
    ```
    """)
    assert [(p.line, p.rule) for p in result.problems] == [(9, "KB504")]
    assert "kbt-no-such-image:1" in result.problems[0].message


@pytest.mark.engine
def test_tty_example_detaches_with_keys(engine_images, tmp_path):
    page, result, left = _run_fixture(tmp_path, """
    <!-- example: tty keys="ctrl-p ctrl-q" wait=2 -->
    ```console
    $ docker run -it --name kbt-tty busybox sh
    ...
    / #
    $ docker attach kbt-tty
    / # read escape sequence
    $ docker inspect --format '{{.State.Status}}' kbt-tty
    running
    ```
    """)
    assert result.problems == [] and left == []
    assert not _exists("container", "kbt-tty")


@pytest.mark.engine
def test_a_command_that_never_ends_times_out(engine_images, tmp_path):
    page, result, left = _run_fixture(tmp_path, """
    <!-- example -->
    ```console
    $ docker run --name kbt-forever busybox sleep 300
    ```
    """, timeout=3)
    [problem] = result.problems
    assert problem.line == 9 and "did not finish within 3 s" in problem.message
    assert left == [] and not _exists("container", "kbt-forever")
