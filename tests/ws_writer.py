"""A scenario editor in its own process (tests and bench/bench_workspace.py): saves N versions of one scenario.

    python -m tests.ws_writer WHO SCENARIO_ID N [--drawn K] [--barrier DIR]

The workspace comes from the environment like the app's (PUTUO_DATABASE_URL or PUTUO_WORKSPACE). Each save
starts from the version this editor saved last; when someone saved since (ConflictError) it saves over after
"review" (``overwrite_from`` = the version it was shown), until it succeeds — so every save lands exactly once.
Prints one JSON line: the save latencies (s, first attempt to success) and the number of conflicts met.
N = 0 saves forever (for the kill -9 test). Exit 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import shapely

from gis.errors import ConflictError
from store import open_workspace


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("who")
    p.add_argument("scenario_id")
    p.add_argument("n", type=int)
    p.add_argument("--drawn", type=int, default=1)
    p.add_argument("--barrier", help="folder: write WHO.ready there, then wait for a file 'go' (a common start)")
    args = p.parse_args()
    ws = open_workspace()
    scenario, base = ws.scenarios.load(args.scenario_id)
    if args.barrier:
        (Path(args.barrier) / f"{args.who}.ready").touch()
        while not (Path(args.barrier) / "go").exists():
            time.sleep(0.005)
    latencies, conflicts, i = [], 0, 0
    while args.n == 0 or i < args.n:
        edited = scenario.with_parcel(f"{args.who}-{i}", included=True)
        for k in range(args.drawn):
            edited = edited.with_drawn(
                f"{args.who}-{k}",
                "区" * 100,
                shapely.box(121.39, 31.25, 121.3901 + (i * args.drawn + k) * 1e-7, 31.2501),
            )
        t0 = time.perf_counter()
        overwrite = None
        while True:
            try:
                saved = ws.scenarios.save(edited, actor=args.who, base_version=base, overwrite_from=overwrite)
                break
            except ConflictError as exc:
                conflicts += 1
                overwrite = exc.latest_version
        latencies.append(time.perf_counter() - t0)
        scenario, base, i = saved.scenario, saved.version, i + 1
    print(json.dumps({"who": args.who, "latencies": latencies, "conflicts": conflicts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
