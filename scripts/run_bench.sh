#!/usr/bin/env bash
# Run every benchmark of bench/ one after the other and save what they print to bench/results/latest.txt
# (set up with `bash scripts/setup.sh --bench`: the references need requirements-bench.txt).
#   scripts/run_bench.sh            all of them (about an hour on a 2-core machine; the 10^6-feature modes too)
#   QUICK=1 scripts/run_bench.sh    skip the 10^6-feature modes (--million) and the browser comparison
# Each benchmark prints its numbers beside a reference measured in the same run. A benchmark that fails is
# reported ("FAILED: ...") and the others still run; the script exits non-zero if any failed.
# bench_workspace.py starts a throw-away PostgreSQL/PostGIS cluster itself (tests/pg.py; Debian
# postgresql-15-postgis-3); bench_cold_start/login/browser drive headless chromium (/usr/bin/chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=bench/results/latest.txt
mkdir -p bench/results
failed=()

run() {
  echo
  echo "## $*"
  local t0=$SECONDS
  if ! "$PY" "$@"; then
    failed+=("$*")
    echo "FAILED: $*"
  fi
  echo "(took $((SECONDS - t0)) s)"
}

{
  echo "# bench $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git rev-parse --short HEAD 2>/dev/null || echo no-git)," \
       "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  run bench/bench_map_payload.py
  run bench/bench_rerun.py
  run bench/bench_cold_start.py
  run bench/bench_login.py
  run bench/bench_import.py
  run bench/bench_hostile.py
  run bench/bench_scoring.py
  run bench/bench_scenarios.py
  run bench/bench_review.py
  run bench/bench_performance.py
  run bench/bench_print.py
  run bench/bench_tiles.py
  run bench/bench_workspace.py
  run bench/bench_memory.py
  if [ -z "${QUICK:-}" ]; then
    run bench/bench_import.py --million
    run bench/bench_scoring.py --million
    run bench/bench_browser.py
  fi
  if [ ${#failed[@]} -gt 0 ]; then
    echo
    echo "FAILED benchmarks: ${failed[*]}"
  fi
} 2>&1 | grep --line-buffered -v -e "No runtime found, using MemoryCacheStorageManager" \
              -e "missing ScriptRunContext" | tee "$OUT"
grep -q "^FAILED benchmarks:" "$OUT" && exit 1
exit 0
