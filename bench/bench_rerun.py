"""Rerun time of the home page after a widget change (Streamlit AppTest), cached vs. caches cleared."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
N = 15
GOAL_MS = 300.0


def subpark_ids() -> list[str]:
    """Sub-park ids of the bundled data (read as plain JSON so the cold run stays cold)."""
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


def report(label: str, times: list[float], goal: bool = True) -> None:
    med = statistics.median(times)
    verdict = f"  goal < {GOAL_MS:.0f} ms: {'met' if med < GOAL_MS else 'NOT met'}" if goal else ""
    print(f"  {label:34s} median {med:7.1f} ms  min {min(times):7.1f} ms  max {max(times):7.1f} ms"
          f"  (n={len(times)}){verdict}")


def main() -> None:
    os.chdir(ROOT)
    ids = subpark_ids()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    first = timed_ms(at.run)

    select = [timed_ms(lambda i=i: at.selectbox(key="selected_subpark@zh").select(ids[i % len(ids)]).run())
              for i in range(N)]
    lang = [timed_ms(lambda i=i: at.radio(key="lang").set_value("en" if i % 2 == 0 else "zh").run())
            for i in range(N)]
    plain = [timed_ms(at.run) for _ in range(N)]

    import streamlit as st

    def uncached_run() -> AppTest:
        st.cache_resource.clear()
        st.cache_data.clear()
        return at.run()

    uncached = [timed_ms(uncached_run) for _ in range(N)]

    print(f"Rerun time, home page via AppTest (bundled data; goal: median < {GOAL_MS:.0f} ms with cached data)")
    print(f"  {'first run (cold, uncached)':34s} {first:7.1f} ms")
    report("select a sub-park (cached)", select)
    report("switch language zh<->en (cached)", lang)
    report("plain rerun (cached)", plain)
    report("plain rerun, caches cleared (ref.)", uncached, goal=False)


if __name__ == "__main__":
    main()
