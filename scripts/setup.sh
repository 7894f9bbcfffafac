#!/usr/bin/env bash
# Set up a fresh machine: Python venv with the pinned packages, and the Leaflet assets from npm.
#   bash scripts/setup.sh          # what the app needs
#   bash scripts/setup.sh --dev    # plus test tools, Debian chromium, a CJK font, PostgreSQL+PostGIS (root/apt)
#   bash scripts/setup.sh --bench  # --dev plus the benchmarks' references (requirements-bench.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0
reqs=requirements-dev.txt
[ "${1:-}" = "--dev" ] && dev=1
[ "${1:-}" = "--bench" ] && dev=1 && reqs=requirements-bench.txt

apt_install() {  # install Debian packages that are missing
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

command -v npm >/dev/null 2>&1 || apt_install nodejs npm
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ $dev -eq 1 ]; then
  .venv/bin/python -m pip install -q -r "$reqs"
  # PostgreSQL + PostGIS: the tests start a throw-away cluster for the team-workspace engine (tests/pg.py);
  # poppler (pdftoppm) and gdal-bin (gdalinfo) read back the print products in the tests
  apt_install chromium fonts-noto-cjk poppler-utils gdal-bin postgresql postgresql-15-postgis-3
else
  .venv/bin/python -m pip install -q -r requirements.txt
  # print maps need a Chinese font (without it every character is an empty box)
  fc-list 2>/dev/null | grep -q "Noto Sans CJK" || apt_install fonts-noto-cjk || \
    echo "warning: install fonts-noto-cjk for Chinese text in print maps" >&2
fi
bash scripts/fetch_assets.sh
