"""Running pages: the zh page of each pair runs on the engine, example by example, in one
temporary folder, behind the docker wrapper (wrapper.py); everything the run created is removed
after each page, also after a failure (:meth:`ExampleRunner.cleanup`)."""
from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from kbtools import compose_projects
from kbtools.examples.common import (
    DEFAULT_TIMEOUT,
    DEFAULT_TTY_WAIT,
    ENGINE_PROPERTIES,
    ENV_DOCKER,
    ENV_RUN_ID,
    ENV_STATE,
    KEY_PAUSE,
    RUN_LABEL,
    console_steps,
)
from kbtools.engine_guard import EngineGuard, upstream_socket
from kbtools.example_policy import check_page as check_example_policy
from kbtools.example_policy import load_allowances
from kbtools.examples import sandbox
from kbtools.examples.engine import image_present
from kbtools.examples.output import output_diff
from kbtools.parity import block_problems
from kbtools.examples.plan import canonical_image, images_made, images_run
from kbtools.examples.results import ExampleOutcome, PageRun, RunReport, StepResult
from kbtools.examples.terminal import parse_keys, render_terminal
from kbtools.examples.wrapper import _owned_image, read_state
from kbtools.problems import Problem

if TYPE_CHECKING:
    from kbtools.pages import CodeBlock, Page


def example_pages(pages: list[Page]) -> list[tuple[str, Page, Page | None]]:
    """(key, page to run, other-language page) for every page pair that has examples."""
    from kbtools.pages import pair_pages

    pairs = pair_pages(pages)
    chosen = []
    for key in sorted(pairs):
        by_lang = pairs[key]
        run = by_lang.get("zh") or next(iter(by_lang.values()))
        other = next((p for lang, p in by_lang.items() if p is not run), None)
        if run.examples or (other and other.examples):
            chosen.append((key, run, other))
    return chosen


class ExampleRunner:
    """Runs pages on the engine with one run id; use as a context manager so the wrapper folder
    is removed and everything labelled with the run id is cleaned up at the end."""

    def __init__(self, run_id: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 docker: str | None = None):
        self.run_id = run_id or f"kb-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self.timeout = timeout
        self.docker = docker or shutil.which("docker") or "/usr/bin/docker"
        self.home = Path(tempfile.mkdtemp(prefix="kb-examples-run-"))
        self.state = self.home / "created.jsonl"
        self.state.touch()
        shim_dir = self.home / "bin"
        shim_dir.mkdir()
        shim = shim_dir / "docker"
        # -I: the installed kbtools package only (no PYTHONPATH, no user site, no cwd).
        shim.write_text(f"#!{sys.executable} -I\n\"\"\"docker wrapper of the example runner "
                        f"(kbtools/examples/wrapper.py).\"\"\"\nimport sys\n"
                        f"from kbtools.examples.wrapper import shim_main\n"
                        f"sys.exit(shim_main(sys.argv[1:]))\n", encoding="utf-8")
        shim.chmod(0o755)
        # The example policy at run time: every docker call of the examples goes through the
        # engine guard (kbtools/engine_guard.py); lines run with a clean environment, bounded
        # (examples/sandbox.py).
        self.guard = EngineGuard(upstream_socket(), self.home / "engine.sock", self.run_id)
        self.guard.__enter__()
        sandbox.become_subreaper()
        self.env = sandbox.clean_env(shim_dir, self.home / "home", self.guard.docker_host, {
            ENV_RUN_ID: self.run_id, ENV_STATE: str(self.state), ENV_DOCKER: self.docker,
            # docker login in an example stores its credentials here, not in the user's config
            "DOCKER_CONFIG": str(self.home / "docker-config"),
        })
        self.page_deadline = float("inf")

    def __enter__(self) -> "ExampleRunner":
        return self

    def __exit__(self, *exc) -> None:
        self.cleanup()
        self.guard.__exit__(*exc)
        shutil.rmtree(self.home, ignore_errors=True)

    # -- running ------------------------------------------------------------------------

    def run_pages(self, pages: list[Page]) -> RunReport:
        report = RunReport()
        for key, page, other in example_pages(pages):
            report.runs.append(self.run_page(key, page, other))
        report.problems.extend(self.leftover_problems())
        return report

    def run_page(self, key: str, page: Page, other: Page | None) -> PageRun:
        """Run the examples of one page (and check the other language has the same ones);
        everything the page created is removed before this returns, also on failure."""
        run = PageRun(key, page, other)
        if other is not None:
            zh, en = (page, other) if page.lang == "zh" else (other, page)
            run.problems.extend(block_problems(zh, en, examples_only=True))
        refused = check_example_policy(page)      # the lint's policy: nothing runs if broken
        if refused:
            run.problems.extend(refused)
            run.outcomes = [ExampleOutcome(b, "not run", "example policy") for b in page.examples]
            return run
        missing = self.missing_images(page)
        if missing:
            run.problems.extend(missing)
            run.outcomes = [ExampleOutcome(b, "not run", "missing image") for b in page.examples]
            return run
        workdir = Path(tempfile.mkdtemp(prefix="kb-example-", dir=self.home))
        self.guard.state.page, self.guard.state.workdir = key, str(workdir)
        self.guard.state.allowed = frozenset(a.key for a in load_allowances()[0] if a.page == key)
        self.page_deadline = time.monotonic() + sandbox.PAGE_TIMEOUT
        try:
            for block in page.examples:
                run.outcomes.append(self._run_block(page, block, workdir, run.problems))
        except Exception as error:  # report, never a traceback for a contributor
            run.problems.append(Problem(page.display, 0, "KB509",
                                        f"the runner stopped on this page: {error!r}",
                                        "report this as a bug of src/kbtools/examples/runner.py"))
        finally:
            run.problems.extend(self.cleanup())
            shutil.rmtree(workdir, ignore_errors=True)
        return run

    @cached_property
    def engine_info(self) -> dict[str, str]:
        """The ``docker info`` fields that ``requires=`` may test."""
        fields = sorted({field for field, _ in ENGINE_PROPERTIES.values()})
        template = "\t".join(f"{{{{.{field}}}}}" for field in fields)
        result = subprocess.run([self.docker, "info", "--format", template],
                                capture_output=True, text=True)
        return dict(zip(fields, result.stdout.strip().split("\t")))

    def unmet_requirement(self, block: CodeBlock) -> str | None:
        """Why the engine cannot run this example (its ``requires=``), or None."""
        wanted = block.marker.options.get("requires")
        if not wanted or wanted not in ENGINE_PROPERTIES:
            return None
        field_name, value = ENGINE_PROPERTIES[wanted]
        have = self.engine_info.get(field_name, "?")
        if have == value:
            return None
        return f"needs a {wanted} engine; this engine has {field_name} {have}"

    def missing_images(self, page: Page) -> list[Problem]:
        """Problems for images a page runs that are neither on the engine nor built by the
        page itself (they could not be pulled: no registry)."""
        made: set[str] = set()
        problems: list[Problem] = []
        for block in page.examples:
            options = block.marker.options
            if "skip" in options or self.unmet_requirement(block):
                continue
            if options.get("file"):
                continue
            for command, _ in console_steps(block):
                for image in images_run(command.text):
                    if canonical_image(image) in made or image_present(image, self.docker):
                        continue
                    problems.append(Problem(
                        page.display, command.line, "KB504",
                        f"image '{image}' is not on this engine and no registry can be reached",
                        "build it with kb images (which knows the images pages may "
                        "use), or build and tag it in an earlier example of this page"))
                made.update(canonical_image(t) for t in images_made(command.text))
        return problems

    def _run_block(self, page: Page, block: CodeBlock, workdir: Path,
                   problems: list[Problem]) -> ExampleOutcome:
        options = block.marker.options
        if "skip" in options:
            return ExampleOutcome(block, "skipped", options["skip"])
        wanted = options.get("requires")
        if wanted and wanted not in ENGINE_PROPERTIES:
            problems.append(Problem(page.display, block.marker.line, "KB511",
                                    f"requires={wanted} is not an engine property the runner knows",
                                    f"use one of: {', '.join(sorted(ENGINE_PROPERTIES))}"))
            return ExampleOutcome(block, "not run", "unknown requirement")
        unmet = self.unmet_requirement(block)
        if unmet:
            return ExampleOutcome(block, "skipped", unmet)
        if options.get("file"):
            name = options["file"]
            target = (workdir / name).resolve()
            if PurePosixPath(name).is_absolute() or workdir.resolve() not in target.parents:
                problems.append(Problem(page.display, block.marker.line, "KB505",
                                        f"file={name} must be a relative path inside the "
                                        "working folder",
                                        "use a name like Dockerfile or app/run.sh"))
                return ExampleOutcome(block, "not run", "bad file name")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text + "\n", encoding="utf-8")
            return ExampleOutcome(block, "file", name)
        if block.lang != "console":
            problems.append(Problem(page.display, block.line, "KB506",
                                    f"an example must be a console block (this one is "
                                    f"'{block.lang or 'plain'}')",
                                    "use ```console with $ lines, or file=NAME for a file"))
            return ExampleOutcome(block, "not run", "not a console block")
        steps = console_steps(block)
        if not steps:
            problems.append(Problem(page.display, block.line, "KB506",
                                    "the example has no '$ ' command line",
                                    "start each command with '$ ' and put its output under it"))
            return ExampleOutcome(block, "not run", "no command")
        outcome = ExampleOutcome(block, "ran")
        tty = "tty" in options
        keys = parse_keys(options.get("keys", "")) if tty else []
        try:
            wait = float(options.get("wait", DEFAULT_TTY_WAIT))
        except ValueError:
            wait = DEFAULT_TTY_WAIT
            problems.append(Problem(page.display, block.marker.line, "KB506",
                                    f"wait={options['wait']} is not a number of seconds",
                                    "write wait=2"))
        for command, expected in steps:
            if time.monotonic() > self.page_deadline:
                problems.append(Problem(page.display, command.line, "KB501", "the page's "
                                        f"examples took more than {sandbox.PAGE_TIMEOUT:g} s; "
                                        "this and later lines were not run",
                                        "make the examples shorter (sleep less, wait less)"))
                break
            start = time.monotonic()
            if tty:
                actual, timed_out = self.run_in_terminal(command.text, workdir, keys, wait)
            else:
                actual, timed_out = self.run_command(command.text, workdir)
            step = StepResult(command, expected, actual, time.monotonic() - start, timed_out)
            outcome.steps.append(step)
            if not step.ok:
                problems.append(self._step_problem(page, step))
        return outcome

    def _step_problem(self, page: Page, step: StepResult) -> Problem:
        label = f"{page.display}:{step.command.line}"
        diff = output_diff(step.expected, step.actual, label)
        if step.timed_out:
            message = (f"`{step.command.text}` did not finish within {self.timeout:g} s; output "
                       f"so far:\n{diff}\n")
            hint = ("a command that does not end by itself (logs -f, attach, run -it) needs the "
                    "tty option with keys= to end it, e.g. <!-- example: tty keys=\"ctrl-c\" -->")
        else:
            message = f"the output of `{step.command.text}` differs from the page:\n{diff}\n"
            hint = ("if the engine is right, take its output with kb examples "
                    f"--update {page.display}; a '...' line stands for any number of lines")
            if any("No such image" in line for line in step.actual):
                hint = ("the image is missing (nothing is pulled here): build it with "
                        "kb images or in an earlier example; " + hint)
        return Problem(page.display, step.command.line, "KB501", message, hint)

    def run_command(self, command: str, workdir: Path) -> tuple[list[str], bool]:
        """Run one ``$`` line (its words, or bash for an allow-listed shell line); stdout and
        stderr together, bounded in time and size; (lines, stopped)."""
        out, stopped = sandbox.run_bounded(sandbox.argv_for(command), workdir, self.env,
                                           self.timeout)
        lines = render_terminal(out)
        if stopped:
            lines.append(f"[kb-examples: stopped: the line {stopped}]")
        return lines, bool(stopped)

    def run_in_terminal(self, command: str, workdir: Path, keys: list[bytes],
                        wait: float) -> tuple[list[str], bool]:
        """Run one ``$`` line in a pseudo-terminal (80x24). If it is still running after
        ``wait`` seconds, type ``keys``; return what the terminal shows."""
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                os.chdir(workdir)
                os.execvpe("bash", ["bash", "--noprofile", "--norc", "-c", command],
                           dict(self.env, TERM="xterm"))
            finally:
                os._exit(127)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        output = b""
        start = time.monotonic()
        sent = not keys
        timed_out = False
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], 0.1)
                if ready:
                    try:
                        data = os.read(fd, 65536)
                    except OSError:  # EIO: the terminal's last process ended
                        break
                    if not data:
                        break
                    output += data
                    if len(output) > sandbox.MAX_OUTPUT:     # bounded like run_command
                        timed_out = True
                        break
                elapsed = time.monotonic() - start
                if not sent and elapsed >= wait:
                    for key in keys:
                        os.write(fd, key)
                        time.sleep(KEY_PAUSE)
                    sent = True
                if elapsed > self.timeout:
                    timed_out = True
                    _kill_group(pid)
                    break
        finally:
            _kill_group(pid)                 # nothing of the line outlives it
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            os.close(fd)
        return render_terminal(output), timed_out

    # -- cleaning up --------------------------------------------------------------------

    def _docker(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.docker, *args], capture_output=True, text=True, timeout=120)

    def _ids(self, *args: str) -> list[str]:
        result = self._docker(*args)
        return list(dict.fromkeys(result.stdout.split())) if result.returncode == 0 else []

    def labelled(self) -> dict[str, list[str]]:
        """Objects on the engine that carry this run's label."""
        flt = f"label={RUN_LABEL}={self.run_id}"
        return {
            "containers": self._ids("ps", "-aq", "--no-trunc", "--filter", flt),
            "images": self._ids("images", "-aq", "--no-trunc", "--filter", flt),
            "networks": self._ids("network", "ls", "-q", "--filter", flt),
            "volumes": self._ids("volume", "ls", "-q", "--filter", flt),
        }

    def _exists(self, kind: str, name: str) -> bool:
        return self._docker(kind, "inspect", name).returncode == 0

    def cleanup(self) -> list[Problem]:
        """Remove every object labelled with this run id or recorded by the wrapper; returns a
        problem per object that could not be removed. Touches nothing else."""
        failures: list[str] = []

        def remove(what: str, *args: str) -> None:
            result = self._docker(*args)
            if result.returncode != 0 and "No such" not in result.stderr \
                    and "not found" not in result.stderr:
                failures.append(f"{what}: {result.stderr.strip()}")

        entries = read_state(self.state)
        for entry in entries:
            if "compose_project" in entry:
                failures += compose_projects.remove_project(self.docker, entry["compose_project"])
        found = self.labelled()
        containers = found["containers"] + [e["container"] for e in entries if "container" in e
                                            and self._exists("container", e["container"])]
        for container in dict.fromkeys(containers):
            remove(f"container {container[:12]}", "rm", "-f", "-v", container)
        for entry in reversed(entries):
            if "tag" in entry and self._exists("image", entry["tag"]):
                remove(f"image tag {entry['tag']}", "rmi", entry["tag"])
        for image in self.labelled()["images"]:
            remove(f"image {image[:19]}", "rmi", "-f", image)
        for entry in reversed(entries):
            image = entry.get("image")
            if image and self._exists("image", image):
                tags = self._docker("image", "inspect", "--format", "{{len .RepoTags}}", image)
                if tags.stdout.strip() == "0":
                    remove(f"image {image[:12]}", "rmi", image)
        for network in found["networks"]:
            remove(f"network {network}", "network", "rm", network)
        volumes = self.labelled()["volumes"] + [e["volume"] for e in entries if "volume" in e]
        for volume in dict.fromkeys(volumes):
            if self._exists("volume", volume):
                remove(f"volume {volume[:12]}", "volume", "rm", "-f", volume)
        # keep only what is still there, so a later cleanup never touches a reused name
        still = [e for e in entries if self._still_there(e)]
        self.state.write_text("".join(json.dumps(e) + "\n" for e in still), encoding="utf-8")
        return [Problem("(engine)", 0, "KB507", f"could not remove {failure}",
                        "remove it by hand; the runner only removes what it created")
                for failure in failures]

    def _still_there(self, entry: dict) -> bool:
        if "compose_project" in entry:
            found = compose_projects.project_objects(self.docker, entry["compose_project"])
            return any(found.values())
        if "container" in entry:
            return self._exists("container", entry["container"])
        if "tag" in entry:
            return self._exists("image", entry["tag"]) and \
                _owned_image(self.docker, self.run_id, [entry], entry["tag"]) is True
        if "image" in entry:
            result = self._docker("image", "inspect", "--format", "{{len .RepoTags}}",
                                  entry["image"])
            return result.returncode == 0 and result.stdout.strip() == "0"
        if "volume" in entry:
            return self._exists("volume", entry["volume"])
        return False

    def leftovers(self) -> list[str]:
        """Everything this run created that is still on the engine (should be empty)."""
        left = [f"{kind[:-1]} {name}" for kind, names in self.labelled().items() for name in names]
        left += [f"recorded {json.dumps(entry)}" for entry in read_state(self.state)
                 if self._still_there(entry)]
        return left

    def leftover_problems(self) -> list[Problem]:
        return [Problem("(engine)", 0, "KB508", f"left behind by run {self.run_id}: {item}",
                        "the runner's cleanup missed it: report a bug")
                for item in self.leftovers()]


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
