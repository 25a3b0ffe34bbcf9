#!/usr/bin/env bash
# Set-up shared by scripts/serve and scripts/test: creates .venv with the locked Python packages
# (requirements/*.txt) and the kbtools package and, on Debian as root, installs the system
# packages a task needs.
# Usage:  scripts/bootstrap.sh site                  -> the site set only (scripts/serve)
#         scripts/bootstrap.sh test                  -> the dev set (fast checks: no apt at all)
#         scripts/bootstrap.sh test engine browser   -> + Docker Engine 26.1 (install-engine.sh),
#             busybox-static, the local registry, shellcheck / + chromium and a CJK font
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-site}"
extras=" ${*:2} "   # "engine", "browser": system packages for those test groups
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
# Fast path for a fresh clone: when the host Python has pip, the venv is created without its own
# copy (ensurepip costs ~4 s of CPU) and the host's pip installs into it (--python). Lock files
# are complete, so pip resolves nothing (--no-deps) and compiles nothing ahead (--no-compile).
if [ ! -x .venv/bin/python ]; then
  if "$PYTHON" -m pip --version >/dev/null 2>&1; then
    "$PYTHON" -m venv --without-pip .venv
  else
    "$PYTHON" -m venv .venv
  fi
fi
pip_install() {
  local pip=(.venv/bin/python -m pip)
  .venv/bin/python -m pip --version >/dev/null 2>&1 || pip=("$PYTHON" -m pip --python .venv/bin/python)
  "${pip[@]}" install -q --disable-pip-version-check --no-compile --no-deps "$@"
}
for set in $sets; do
  stamp=".venv/.kb-$set.sha256"
  want="$(cat "requirements/$set.txt" requirements/site.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && continue
  echo "bootstrap: installing Python packages into .venv ($lock)" >&2
  pip_install --require-hashes -r "$lock"   # hashed lock files (issue 14)
  pip_install --no-build-isolation -e .
  for done_set in $sets; do
    cat "requirements/$done_set.txt" requirements/site.txt pyproject.toml | sha256sum \
      | cut -d' ' -f1 > ".venv/.kb-$done_set.sha256"
  done
  break
done

if [[ $extras == *" engine "* ]]; then
  [ "$(id -u)" != 0 ] || scripts/install-engine.sh   # Docker Engine 26.1 + buildx + compose (Debian)
  apt_install /bin/busybox busybox-static
  apt_install shellcheck shellcheck                   # lints the shell scripts (tests/unit)
fi
if [[ $extras == *" browser "* ]]; then
  apt_install chromium chromium
  apt_install /usr/share/fonts/truetype/wqy/wqy-microhei.ttc fonts-wqy-microhei
fi

if [[ $extras == *" engine "* ]]; then
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
