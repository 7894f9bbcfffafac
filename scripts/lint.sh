#!/usr/bin/env bash
# Lint: ruff (the rule set in pyproject.toml) on every Python file, mypy on gis/ and planner/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
