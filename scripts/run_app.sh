#!/usr/bin/env bash
# Set up (if needed) and run the app on the bundled data: http://localhost:${PORT:-8501}
# Listens on 127.0.0.1 only; ADDRESS=0.0.0.0 (or the server's intranet address) exposes it to the network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# uvicorn rewrites the client address from X-Forwarded-For for loopback peers by default: nobody is trusted at
# that level, so the trusted-proxy sign-in judges the socket's own peer (planner/auth.py refuses to start otherwise)
export FORWARDED_ALLOW_IPS=""
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" --server.address "${ADDRESS:-127.0.0.1}" "$@"
