"""Supply chain and CI hardening (issue 14): the workflow, the lock files and the Dockerfile,
read as data. A pull request that loosens any of these fails here (and needs the maintainers'
review: .github/CODEOWNERS)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
SHA_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
DIGEST_PINNED = re.compile(r"@sha256:[0-9a-f]{64}$")


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps():
    for name, job in workflow()["jobs"].items():
        for step in job.get("steps", []):
            yield name, job, step


def test_token_has_no_permission_by_default():
    assert workflow()["permissions"] == {}


def test_every_action_is_pinned_by_commit_sha():
    unpinned = [step["uses"] for _, _, step in steps()
                if "uses" in step and not SHA_PINNED.match(step["uses"])]
    assert not unpinned, f"actions not pinned by a 40-character commit SHA: {unpinned}"


def test_checkout_never_persists_the_token():
    loose = [name for name, _, step in steps() if step.get("uses", "").startswith(
        "actions/checkout@") and step.get("with", {}).get("persist-credentials") is not False]
    assert not loose, f"jobs whose checkout leaves the token in .git/config: {loose}"


def test_every_job_has_a_timeout_and_explicit_permissions():
    for name, job in workflow()["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        assert "permissions" in job, name


def test_examples_run_in_their_own_job_without_a_token():
    jobs = workflow()["jobs"]
    running = [name for name, job in jobs.items()
               if any("-m engine" in step.get("run", "") for step in job.get("steps", []))]
    assert running == ["examples"], running
    assert jobs["examples"]["permissions"] == {}
    others = [name for name, job in jobs.items() if name != "examples" and any(
        "scripts/test" in s.get("run", "") and "not engine" not in s.get("run", "")
        for s in job.get("steps", []))]
    assert not others, f"jobs that would run the examples with a token: {others}"


def test_no_download_without_a_checksum():
    for name, job, step in steps():
        command = step.get("run", "")
        assert not re.search(r"\b(curl|wget)\b", command), (name, command)
        if "pip install" in command:
            for line in command.splitlines():
                if "pip install" in line and " -r " in line:
                    assert "--require-hashes" in line, (name, line)
    for name, job in workflow()["jobs"].items():
        image = (job.get("container") or {}).get("image")
        if image:
            assert DIGEST_PINNED.search(image), (name, image)


def test_lock_files_pin_every_package_with_hashes():
    for lock in sorted((REPO / "requirements").glob("*.txt")):
        text = lock.read_text(encoding="utf-8").replace("\\\n", " ")
        requirements = [line for line in text.splitlines()
                        if line.strip() and not line.lstrip().startswith(("#", "-"))]
        assert requirements, lock
        bad = [line.split()[0] for line in requirements
               if "==" not in line or "--hash=sha256:" not in line]
        assert not bad, f"{lock.name}: not pinned with hashes: {bad}"


def test_installs_require_hashes():
    for path in (REPO / "scripts" / "bootstrap.sh", REPO / "Dockerfile"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"pip[ _]install", line) and " -r " in line:
                assert "--require-hashes" in line, (path.name, line)


def test_dockerfile_base_images_are_pinned_by_digest():
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    for image in re.findall(r"^FROM\s+(\S+)", text, re.M):
        resolved = defaults.get(image.strip("${}"), image)
        assert resolved == "scratch" or DIGEST_PINNED.search(resolved), image
