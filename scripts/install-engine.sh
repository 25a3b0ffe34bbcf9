#!/usr/bin/env bash
# Install the Docker Engine the pages are verified on, from Debian's own packages:
#   docker.io 26.1 (engine), docker-cli 26.1 (the project's client), docker-buildx 0.13 (BuildKit,
#   `docker build`) and docker-compose 2.26 (Compose v2, `docker compose`).
#
#   Debian 13 (trixie): they are trixie's own packages; a plain `apt-get install`.
#   Debian 12 (bookworm): its docker.io is 20.10 (end of life, no BuildKit/Compose v2), so the
#     trixie archive is added as a deb822 source pinned at priority 100 (never chosen by itself)
#     and ONLY these four packages are taken from it with the `package/trixie` syntax. Their
#     dependencies come from bookworm. `apt-get install -t trixie ...` is NOT used: it makes trixie
#     the target release for every dependency and upgrades libc, systemd and ~190 more packages.
#
# Before installing, the plan is simulated (apt-get -s) and refused unless it installs these
# packages from trixie and nothing else from there, and upgrades nothing.
# Idempotent: with the four packages at the wanted versions it changes nothing (no apt-get run).
# It never starts, stops or restarts dockerd (scripts/start-engine.sh starts one when none answers).
#
# Usage: scripts/install-engine.sh              install (root, Debian 12 or 13)
#        scripts/install-engine.sh --simulate   write the source + pin, apt-get update, print the
#                                               simulated plan and check it; installs nothing
set -euo pipefail

PACKAGES=(docker.io docker-cli docker-buildx docker-compose)
WANT_VERSION_PREFIX="26.1."                       # docker.io / docker-cli
SOURCES_FILE=/etc/apt/sources.list.d/kb-trixie.sources
PIN_FILE=/etc/apt/preferences.d/kb-trixie-docker
MIRROR="${KB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LOG="${KB_INSTALL_LOG:-/tmp/kb-install-engine.log}"
export DEBIAN_FRONTEND=noninteractive

say() { echo "install-engine: $*" >&2; }
fail() { say "$*"; exit 1; }

simulate=""
case "${1:-}" in
  --simulate) simulate=1 ;;
  "") ;;
  -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
  *) fail "unknown argument '$1' (use --simulate or nothing)" ;;
esac

installed_version() { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null \
                        | sed -n 's/^install ok installed //p'; }

already_installed() {
  local package
  for package in "${PACKAGES[@]}"; do
    [ -n "$(installed_version "$package")" ] || return 1
  done
  case "$(installed_version docker.io)" in "$WANT_VERSION_PREFIX"*) ;; *) return 1 ;; esac
  case "$(installed_version docker-cli)" in "$WANT_VERSION_PREFIX"*) ;; *) return 1 ;; esac
}

if [ -z "$simulate" ] && already_installed; then
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "run as root (apt-get install ${PACKAGES[*]}), or install them yourself"
if [ ! -r /etc/os-release ] || ! command -v apt-get >/dev/null 2>&1; then
  fail "not a Debian system with apt-get: install Docker Engine 26.1 with buildx and compose yourself"
fi
codename="$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release | tr -d '"')"

targets=()
case "$codename" in
  trixie)
    targets=("${PACKAGES[@]}")
    ;;
  bookworm)
    # deb822 source for trixie (main only) and a pin that keeps it below bookworm (500).
    want_sources="Types: deb
URIs: $MIRROR
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    want_pin="Package: *
Pin: release n=trixie
Pin-Priority: 100"
    if [ "$(cat "$SOURCES_FILE" 2>/dev/null)" != "$want_sources" ]; then
      say "adding the trixie archive ($SOURCES_FILE)"
      printf '%s\n' "$want_sources" > "$SOURCES_FILE"
    fi
    if [ "$(cat "$PIN_FILE" 2>/dev/null)" != "$want_pin" ]; then
      say "pinning trixie at priority 100 ($PIN_FILE)"
      printf '%s\n' "$want_pin" > "$PIN_FILE"
    fi
    for package in "${PACKAGES[@]}"; do targets+=("$package/trixie"); done
    # apt takes a NEW dependency from the release its dependant was selected from when it can:
    # without this it installs trixie's containerd 1.7 although bookworm's 1.6 satisfies
    # docker.io (containerd >= 1.4). Naming bookworm keeps every dependency on Debian 12.
    targets+=(containerd/bookworm)
    ;;
  *)
    fail "Debian '$codename' is not supported: use Debian 12 (bookworm) or 13 (trixie)"
    ;;
esac

say "apt-get update (log: $LOG)"
apt-get update >>"$LOG" 2>&1 || fail "apt-get update failed; see $LOG"

# The plan, simulated: which packages would be installed from where, and what upgraded.
plan="$(apt-get -s -o Debug::NoLocking=1 install "${targets[@]}" 2>&1)" \
  || fail "apt-get cannot install ${targets[*]}: $(echo "$plan" | tail -n 3 | tr '\n' ' ')"
echo "$plan" >>"$LOG"
# "Inst NAME (VERSION RELEASE [ARCH])" for a new package, "Inst NAME [OLD] (NEW ...)" for an upgrade
new="$(echo "$plan" | awk '/^Inst / && $3 ~ /^\(/ {print $2}')"
upgraded="$(echo "$plan" | awk '/^Inst / && $3 ~ /^\[/ {print $2}')"
# taken from trixie: an origin of Debian 13 only (a package identical in both lists both)
from_trixie="$(echo "$plan" | awk '/^Inst / && /Debian:13/ && !/Debian:12/ {print $2}' | sort)"
say "plan: $(echo "$new" | grep -c . || true) new package(s), $(echo "$upgraded" | grep -c . || true) upgraded"
if [ -n "$simulate" ]; then
  echo "$plan" | awk '/^Inst /' >&2
fi
if [ -n "$upgraded" ]; then
  fail "refusing: the plan would upgrade $(echo "$upgraded" | tr '\n' ' ')(see $LOG)"
fi
if [ "$codename" = bookworm ]; then
  unexpected=""
  for package in $from_trixie; do
    case " ${PACKAGES[*]} " in *" $package "*) ;; *) unexpected="$unexpected $package" ;; esac
  done
  [ -z "$unexpected" ] || fail "refusing: the plan takes$unexpected from trixie (see $LOG)"
  say "from trixie: $(echo "$from_trixie" | tr '\n' ' ')"
fi
[ -n "$simulate" ] && exit 0

say "apt-get install ${targets[*]}"
apt-get install -y "${targets[@]}" >>"$LOG" 2>&1 \
  || fail "apt-get install failed; see $LOG"
already_installed || fail "installed, but docker.io/docker-cli are not ${WANT_VERSION_PREFIX}x; see $LOG"
say "installed: docker.io $(installed_version docker.io), docker-buildx $(installed_version docker-buildx), docker-compose $(installed_version docker-compose)"
