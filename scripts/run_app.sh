#!/usr/bin/env bash
# Set up (if needed) and run the app on the bundled data: http://localhost:${PORT:-8501}
# Listens on 127.0.0.1 only; ADDRESS=0.0.0.0 (or the server's intranet address) exposes it to the network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" --server.address "${ADDRESS:-127.0.0.1}" "$@"
