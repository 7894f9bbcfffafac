"""Rerun time of every page (Streamlit AppTest, bundled data): reruns with the server's caches warm vs. cleared.

    .venv/bin/python bench/bench_rerun.py [--runs 11]

For each page of the navigation (single-user mode, so the admin pages too): its first run in a new session
(server caches warm from the pages before), plain reruns, a language switch zh<->en, and, as the reference
measured in the same run, reruns after every cache of the process was cleared (planner's bounded caches, the
data folder's layers and what was derived from them, Streamlit's caches): what a rerun would cost without them.
Medians; the goal is a rerun under 300 ms with warm caches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import tests.apptest_util  # noqa: E402,F401  (app.py's pages/ folder run as st.navigation's, as the server does)

GOAL_MS = 300.0
COLD_RUNS = 5
#: (script, label) of each page, home first; the admin and audit pages are shown to admins (single-user mode).
PAGES = (
    ("pages/explorer.py", "home"),
    ("pages/parcels.py", "parcels"),
    ("pages/scenarios.py", "scenarios"),
    ("pages/data_import.py", "import"),
    ("pages/export.py", "export"),
    ("pages/indicators.py", "indicators"),
    ("pages/data_sources.py", "data sources"),
    ("pages/admin.py", "admin"),
    ("pages/audit.py", "audit"),
)


def subpark_ids() -> list[str]:
    """Sub-park ids of the bundled data (read as plain JSON so nothing is cached by reading them)."""
    features = json.loads((ROOT / "data/boundaries/subparks.geojson").read_text(encoding="utf-8"))["features"]
    return [str(f["properties"]["id"]) for f in features]


def timed_ms(action: Callable[[], AppTest]) -> float:
    """Run one AppTest action, fail on an exception in the page, return elapsed ms."""
    t0 = time.perf_counter()
    at = action()
    elapsed = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise RuntimeError(f"page raised: {at.exception[0].value}")
    return elapsed


def clear_caches() -> None:
    """Every cache of the process: the bounded caches (tiles.cache), the folder data sets (and all derived from them:
    scores, measured parcels, tile engines) and Streamlit's own."""
    import streamlit as st

    from planner import data
    from server.allocator import trim_memory
    from tiles import cache

    for bounded in list(cache._ALL):
        bounded.clear()
    with data._lock:
        data._folders.clear()
        data._published.clear()
    st.cache_resource.clear()
    st.cache_data.clear()
    trim_memory()


def stats(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):7.1f} ms  min {min(times):7.1f} ms  max {max(times):7.1f} ms"
        f"  (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="reruns per measurement (default 11)")
    runs = parser.parse_args().runs
    os.chdir(ROOT)
    ids = subpark_ids()
    print(
        f"Rerun time per page via AppTest (bundled data, single-user mode; medians; goal: a rerun with warm caches "
        f"< {GOAL_MS:.0f} ms; reference: caches cleared before each rerun, n={COLD_RUNS})"
    )
    worst = 0.0
    first_of_process = None
    for script, label in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        if script == PAGES[0][0]:
            first = timed_ms(at.run)
            first_of_process = first
        else:
            at.run()
            first = timed_ms(lambda a=at, s=script: a.switch_page(s).run())
        plain = [timed_ms(at.run) for _ in range(runs)]
        lang = [
            timed_ms(lambda i=i, a=at: a.radio(key="lang").set_value("en" if i % 2 == 0 else "zh").run())
            for i in range(runs)
        ]
        if at.radio(key="lang").value != "zh":
            at.radio(key="lang").set_value("zh").run()
        extra = None
        if label == "home":

            def pick(i: int, a: AppTest = at) -> AppTest:
                return a.selectbox(key="home_subpark@zh").select(ids[i % len(ids)]).run()

            extra = [timed_ms(lambda i=i: pick(i)) for i in range(runs)]
        cold = []
        for _ in range(COLD_RUNS):
            clear_caches()
            cold.append(timed_ms(at.run))
        med = statistics.median(plain)
        worst = max(worst, med)
        print(f"  {label}")
        print(
            f"    first run in a new session            {first:7.1f} ms"
            + (" (the process's first: data loaded, nothing cached)" if script == PAGES[0][0] else "")
        )
        verdict = "met" if med < GOAL_MS else "NOT met"
        print(f"    plain rerun                           {stats(plain)}  goal: {verdict}")
        print(f"    switch language zh<->en               {stats(lang)}")
        if extra is not None:
            print(f"    select a sub-park                     {stats(extra)}")
        print(
            f"    rerun, caches cleared (reference)     {stats(cold)}  -> caches save "
            f"{statistics.median(cold) - med:,.0f} ms per rerun"
        )
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(
        f"  slowest page's median rerun {worst:.1f} ms: goal < {GOAL_MS:.0f} ms {verdict}"
        f" (the process's first run {first_of_process:,.0f} ms)"
    )


if __name__ == "__main__":
    main()
