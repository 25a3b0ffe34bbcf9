#!/usr/bin/env bash
# Set-up shared by scripts/serve and scripts/test: creates .venv with the locked Python packages
# (requirements/*.txt) and the kbtools package and, on Debian as root, installs the system
# packages a task needs.
# Usage (sourced or run):  scripts/bootstrap.sh site   -> Python packages only
#                          scripts/bootstrap.sh test   -> + Docker Engine (install-engine.sh), busybox-static, chromium, CJK font
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

# The virtual environment: the locked package set of the task (site: requirements/site.txt;
# test: requirements/dev.txt, which includes the site set), then this repository's package
# (src/kbtools, the `kb` command) installed editable. Refreshed when a lock file or
# pyproject.toml changes; a venv that has the dev set also satisfies the site set.
case "$mode" in
  site) lock=requirements/site.txt; sets="site" ;;
  *) lock=requirements/dev.txt; sets="site dev" ;;
esac
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
for set in $sets; do
  stamp=".venv/.kb-$set.sha256"
  want="$(cat "requirements/$set.txt" requirements/site.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && continue
  echo "bootstrap: installing Python packages into .venv ($lock)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$lock"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
    --no-build-isolation -e .
  for done_set in $sets; do
    cat "requirements/$done_set.txt" requirements/site.txt pyproject.toml | sha256sum \
      | cut -d' ' -f1 > ".venv/.kb-$done_set.sha256"
  done
  break
done

if [ "$mode" = test ]; then
  [ "$(id -u)" != 0 ] || scripts/install-engine.sh   # Docker Engine 26.1 + buildx + compose (Debian)
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
