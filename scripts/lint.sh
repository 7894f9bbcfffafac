#!/usr/bin/env bash
# Lint: the formatter's check, ruff (the rules in pyproject.toml) on every Python file, mypy on everything but tests.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy
