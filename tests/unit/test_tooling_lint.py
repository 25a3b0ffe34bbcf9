"""The tooling lints clean, like the pages do: ruff over the package and the tests (settings in
pyproject.toml, ruff pinned in the [test] extra) and shellcheck over the shell entry points
(Debian's package, installed by scripts/test)."""
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, require

SHELL_SCRIPTS = sorted([*(REPO_ROOT / "scripts").glob("*.sh"), REPO_ROOT / "scripts" / "serve",
                        REPO_ROOT / "scripts" / "test", REPO_ROOT / ".ci" / "run"])


def test_python_tooling_passes_ruff():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "src", "tests"], cwd=REPO_ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_shell_scripts_pass_shellcheck():
    require(shutil.which("shellcheck") is not None, "shellcheck",
            "apt-get install -y shellcheck (scripts/test installs it)")
    assert len(SHELL_SCRIPTS) >= 5
    result = subprocess.run(["shellcheck", "--severity=warning", *map(str, SHELL_SCRIPTS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
