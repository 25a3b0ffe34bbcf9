"""Hosting (issue 6): the Dockerfile builds the site and serves it as a non-root user. On the real
engine: build local stand-ins for the base images (no registry), build the site image, run it on
127.0.0.1, fetch both languages, and remove everything this test created — also on failure."""
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import require

REPO = Path(__file__).resolve().parents[2]
LABEL = f"org.docker-basics-kb.test=hosting-{uuid.uuid4().hex[:8]}"


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def engine_answers() -> bool:
    try:
        return docker("info", check=False).returncode == 0
    except FileNotFoundError:
        return False


@pytest.fixture(scope="module")
def site_container():
    require(engine_answers(), "a Docker Engine", "run scripts/start-engine.sh as root "
            "(or scripts/test, which starts it)")
    from kbtools.examples.images import ensure_images

    ensure_images(["busybox:latest"])
    suffix = LABEL.rsplit("-", 1)[1]
    python_tag = f"kb-test-python:{suffix}"
    site_tag = f"kb-test-site:{suffix}"
    container = f"kb-test-site-{suffix}"
    try:
        built = subprocess.run([sys.executable, "-m", "kbtools", "python-image",
                                python_tag, "--label", LABEL], capture_output=True, text=True)
        assert built.returncode == 0, built.stderr[-3000:]
        build = docker("build", "-q", "--label", LABEL, "-t", site_tag,
                       "--build-arg", f"PYTHON_IMAGE={python_tag}", str(REPO), check=False)
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
        docker("run", "-d", "--name", container, "--label", LABEL, "-p", "127.0.0.1::8080",
               site_tag)
        port = docker("port", container, "8080/tcp").stdout.split(":")[-1].strip()
        yield container, f"http://127.0.0.1:{port}"
    finally:
        docker("rm", "-f", "-v", container, check=False)
        for tag in (site_tag, python_tag):
            docker("image", "rm", "-f", tag, check=False)
        # intermediate build images of this test carry its label too
        leftovers = docker("images", "-q", "--filter", f"label={LABEL}", check=False).stdout.split()
        if leftovers:
            docker("image", "rm", "-f", *leftovers, check=False)
        remaining = (docker("ps", "-aq", "--filter", f"label={LABEL}", check=False).stdout
                     + docker("images", "-q", "--filter", f"label={LABEL}", check=False).stdout)
        assert not remaining.strip(), f"hosting test left objects behind: {remaining.split()}"


def fetch(url: str) -> str:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.engine
def test_image_serves_both_languages(site_container):
    _, base = site_container
    zh = fetch(f"{base}/docker-basics/")
    en = fetch(f"{base}/docker-basics/en/")
    assert '<html lang="zh"' in zh and "Docker 基础" in zh
    assert '<html lang="en"' in en
    assert "refresh" in fetch(f"{base}/")          # the root redirects to the site's path
    assert '"languages"' in fetch(f"{base}/docker-basics/pagefind/pagefind-entry.json")  # search


@pytest.mark.engine
def test_server_runs_as_non_root(site_container):
    container, _ = site_container
    assert docker("inspect", "--format", "{{.Config.User}}", container).stdout.strip() == "65534:65534"
    # docker top needs the PID column; -o pid,uid,comm prints numeric uids
    top = docker("top", container, "-o", "pid,uid,comm").stdout.splitlines()[1:]
    assert any(line.split()[1] == "65534" and line.split()[2].startswith("python3")
               for line in top), top


@pytest.mark.engine
def test_server_sends_the_security_headers(site_container):
    """The same Content-Security-Policy as the pages' <meta>, plus nosniff and a referrer
    policy, on pages and on other files; folders are not listed."""
    from kbtools.csp import EXTRA_HEADERS, policy

    _, base = site_container
    fetch(f"{base}/docker-basics/")
    for path in ("/docker-basics/", "/docker-basics/en/containers/run/",
                 "/docker-basics/pagefind/pagefind-entry.json"):
        with urllib.request.urlopen(base + path, timeout=5) as response:
            assert response.headers["Content-Security-Policy"] == policy(), path
            for name, value in EXTRA_HEADERS.items():
                assert response.headers[name] == value, (path, name)
    with pytest.raises(urllib.error.HTTPError) as listing:
        urllib.request.urlopen(base + "/docker-basics/assets/", timeout=5)
    assert listing.value.code == 404

