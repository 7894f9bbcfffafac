#!/usr/bin/env bash
# Run the seven benchmarks (map payload, scoring, scenarios, print maps, import, rerun time, cold start) and save the output to bench/results/latest.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p bench/results
{
  echo "# bench $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD 2>/dev/null || echo no-git)"
  "$PY" bench/bench_map_payload.py
  "$PY" bench/bench_scoring.py
  "$PY" bench/bench_scenarios.py
  "$PY" bench/bench_print.py
  "$PY" bench/bench_import.py
  "$PY" bench/bench_rerun.py
  "$PY" bench/bench_cold_start.py
} | tee bench/results/latest.txt
