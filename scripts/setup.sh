#!/usr/bin/env bash
# Set up StitchSketch on a Debian/Ubuntu machine: system packages, the virtualenv at
# .venv/ and the project in it. Safe to run again: it skips what is already done.
#
#   scripts/setup.sh            what the box needs to run
#   scripts/setup.sh --tests    plus what the test suite needs (Chromium, poppler, buf)
#   scripts/setup.sh --bench    plus COLMAP's command line, the benchmark's reference
set -euo pipefail
cd "$(dirname "$0")/.."

tests=0
bench=0
for arg in "$@"; do
  case "$arg" in
    --tests) tests=1 ;;
    --bench) bench=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

# What each package is for: python3-* and gcc build the venv and systemd-python
# (libsystemd-dev, pkg-config); libusb/libgomp/libgl/libegl are what Open3D's wheel loads.
packages=(python3 python3-venv python3-dev gcc g++ make pkg-config libsystemd-dev
  libusb-1.0-0 libgomp1 libgl1 libegl1 libglib2.0-0 ca-certificates git)
if [ "$tests" = 1 ]; then
  # Chromium for the browser tests, pdftoppm to check printed PDFs, ip for the mDNS
  # network namespace, node/npm for buf (proto lint), a font for rendered pages,
  # the installer and unit checkers (shellcheck, systemd-analyze).
  packages+=(chromium poppler-utils iproute2 fonts-dejavu-core shellcheck systemd)
  # Any working npm will do: Debian's conflicts with a Node.js installed from elsewhere.
  if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
fi
if [ "$bench" = 1 ]; then
  packages+=(colmap)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> installing system packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($python --version)"
  $python -m venv .venv
fi

extras=""
if [ "$tests" = 1 ]; then extras="[dev]"; fi
stamp=".venv/.installed-$(sha256sum < pyproject.toml | cut -c1-16)$extras"
if [ ! -e "$stamp" ]; then
  echo "==> installing Python packages into .venv (first time: a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip setuptools wheel
  .venv/bin/python -m pip install -q -e ".$extras"
  touch "$stamp"
fi

if [ "$tests" = 1 ] && [ ! -x .tools/node_modules/.bin/buf ]; then
  echo "==> installing buf (proto lint) into .tools/"
  mkdir -p .tools
  npm install -s --no-audit --no-fund --prefix .tools @bufbuild/buf
fi
echo "==> setup done"
