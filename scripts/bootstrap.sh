#!/usr/bin/env bash
# Set-up shared by scripts/serve and scripts/test: creates .venv with the pinned Python packages
# (requirements.txt) and, on Debian as root, installs the system packages a task needs.
# Usage (sourced or run):  scripts/bootstrap.sh site   -> Python packages only
#                          scripts/bootstrap.sh test   -> + docker.io, busybox-static, chromium, CJK font
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-site}"
apt_updated=""

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {   # apt_install <command-or-file-to-check> <package...>
  local probe="$1"; shift
  if command -v "$probe" >/dev/null 2>&1 || [ -e "$probe" ]; then return 0; fi
  if ! as_root || ! command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: '$probe' is missing; install it with: sudo apt-get install -y $*" >&2
    return 0
  fi
  if [ -z "$apt_updated" ]; then
    echo "bootstrap: apt-get update" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  echo "bootstrap: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Python 3.11 with venv support (Debian bookworm's python3 is 3.11).
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt_install /usr/share/doc/python3-venv python3-venv
fi
apt_install git git

# The virtual environment, refreshed whenever requirements.txt changes.
stamp=".venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Python packages into .venv (requirements.txt)" >&2
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  echo "$want" > "$stamp"
fi

if [ "$mode" = test ]; then
  apt_install dockerd docker.io
  apt_install /bin/busybox busybox-static
  apt_install chromium chromium
  apt_install /usr/share/fonts/truetype/wqy/wqy-microhei.ttc fonts-wqy-microhei
fi

if [ "$mode" = test ]; then
  # The local test registry of the push/pull examples (kbtools/local_registry.py starts its own
  # instance on 127.0.0.1:5000). The package's own service listens on all interfaces and asks
  # for passwords: when we install the package here, we also keep that service off.
  if ! command -v docker-registry >/dev/null 2>&1; then
    apt_install docker-registry docker-registry
    if command -v docker-registry >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemctl disable --now docker-registry >/dev/null 2>&1 || true
    fi
  fi
fi
