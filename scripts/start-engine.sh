#!/usr/bin/env bash
# Make sure a Docker Engine answers, for the runnable examples (tests marked "engine").
#
# Idempotent: when `docker info` already answers it does nothing (it never stops or restarts a
# running dockerd). Otherwise, as root:
#   - installs the engine when dockerd is missing (scripts/install-engine.sh: Debian's docker.io
#     26.1, docker-cli, docker-buildx, docker-compose) and busybox-static (the static busybox
#     that kb images puts in images);
#   - starts dockerd in the background (log: $KB_DOCKERD_LOG, default /tmp/kb-dockerd.log);
#   - waits up to 60 s ($KB_ENGINE_WAIT) for `docker info`, and stops waiting if dockerd exits.
# On failure it prints one line saying what to do and exits non-zero.
set -u

LOG="${KB_DOCKERD_LOG:-/tmp/kb-dockerd.log}"
WAIT_SECONDS="${KB_ENGINE_WAIT:-60}"

fail() {
    echo "start-engine: $*" >&2
    exit 1
}

# The project's client (Debian's docker-cli, see CONTRIBUTING "Which Docker client").
DOCKER="${KB_DOCKER:-/usr/bin/docker}"
[ -x "$DOCKER" ] || DOCKER=docker

engine_answers() {
    command -v "$DOCKER" >/dev/null 2>&1 && "$DOCKER" info >/dev/null 2>&1
}

engine_answers && exit 0

[ "$(id -u)" = 0 ] || fail "no Docker Engine answers and this is not root: run this script as root, or start dockerd yourself"

command -v dockerd >/dev/null 2>&1 || "$(dirname "$0")/install-engine.sh" \
    || fail "installing the engine failed (scripts/install-engine.sh)"
if ! dpkg -s busybox-static >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y busybox-static >>"$LOG" 2>&1 \
            || fail "apt-get install busybox-static failed; see $LOG"
    else
        fail "missing busybox-static and this is not Debian with apt-get: install a static busybox yourself"
    fi
fi
command -v dockerd >/dev/null 2>&1 || fail "dockerd is still not installed after apt-get; see $LOG"

echo "start-engine: starting dockerd (log: $LOG)" >&2
setsid dockerd >>"$LOG" 2>&1 < /dev/null &
dockerd_pid=$!

for _ in $(seq "$WAIT_SECONDS"); do
    engine_answers && exit 0
    if ! kill -0 "$dockerd_pid" 2>/dev/null; then
        sleep 1
        engine_answers && exit 0
        fail "dockerd exited; last log lines: $(tail -n 3 "$LOG" | tr '\n' ' ')"
    fi
    sleep 1
done
fail "dockerd did not answer 'docker info' within ${WAIT_SECONDS} s; last log lines: $(tail -n 3 "$LOG" | tr '\n' ' ')"
