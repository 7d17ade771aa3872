#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine: system libraries for Qt and the
# X tests (when run as root with apt-get), a Python 3.12+ virtual environment in .venv, and the
# project installed into it in editable mode (its default install includes the wizard) with its test
# and bundle extras.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(xvfb xdotool imagemagick fonts-dejavu-core libegl1 libgl1 libx11-6 libdbus-1-3
  libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0 xauth binutils
  default-jre-headless  # the JRE runs Bio-Formats, the tests' grouping oracle (tests/oracle/); the product needs no Java
  postgresql)  # the tests start their own server (tests/postgres.py); a facility's catalog server is its own

install_system_packages() {
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup: please install these system packages first: ${missing[*]}" >&2
    return 0
  fi
  echo "setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  # The bare python3.12 shim of pyenv can exist and still fail, so every candidate is really run.
  local candidates=("${PYTHON:-}" python3.14 python3.13 python3.12 python3)
  candidates+=(/root/.pyenv/versions/3.1[2-9]*/bin/python3 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3)
  for py in "${candidates[@]}"; do
    [ -n "$py" ] || continue
    if "$py" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      echo "$py"; return 0
    fi
  done
  echo "setup: no Python 3.12 or newer found; set PYTHON=/path/to/python3.12" >&2
  return 1
}

install_system_packages
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
  rm -rf .venv
  "$(find_python)" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test,guitest,bundle]'
  rm -f .venv/.installed-*; touch "$stamp"
fi
# Bio-Formats for the grouping oracle: fetched once into .cache/bioformats/ (the tests fetch it too when missing)
.venv/bin/python -m tests.oracle.bioformats >/dev/null || echo "setup: could not fetch Bio-Formats; the oracle test will say why" >&2
