#!/usr/bin/env bash
# Make sure a Docker Engine answers, for the runnable examples (tests marked "engine").
#
# Idempotent: when `docker info` already answers it does nothing. Otherwise, as root:
#   - on Debian, installs docker.io and busybox-static with apt-get when they are missing
#     (busybox-static provides the static busybox that scripts/build_images.py puts in images);
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

engine_answers() {
    command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

engine_answers && exit 0

[ "$(id -u)" = 0 ] || fail "no Docker Engine answers and this is not root: run this script as root, or start dockerd yourself"

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y "${missing[@]}" >>"$LOG" 2>&1; then
            apt-get update >>"$LOG" 2>&1 && apt-get install -y "${missing[@]}" >>"$LOG" 2>&1 \
                || fail "apt-get install ${missing[*]} failed; see $LOG"
        fi
    else
        fail "missing ${missing[*]} and this is not Debian with apt-get: install a Docker Engine and a static busybox yourself"
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
