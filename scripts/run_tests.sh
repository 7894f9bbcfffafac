#!/usr/bin/env bash
# Set up (if needed) and run every test: lint, data invariants, unit, AppTest pages and the real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
bash scripts/lint.sh
.venv/bin/python -m gis validate data/
exec .venv/bin/python -m pytest -q "$@"
