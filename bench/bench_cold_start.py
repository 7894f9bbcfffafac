"""Cold start: a fresh server (`streamlit run app.py`) until the home map's polygons are visible in headless chromium.

The map is the app's Leaflet component (no iframe); its layers come from the app's signed routes. Every request the
page makes to a host other than the local server is counted (expected: none).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, Request, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app

RUNS = 3
TIMEOUT_S = 60.0
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def one_run(browser: Browser) -> tuple[float, float, int, list[str]]:
    """(start -> healthy s, navigation -> polygons visible s, external request count, external URLs)."""
    t0 = time.perf_counter()
    with running_app(timeout_s=TIMEOUT_S) as app_url:
        healthy_s = time.perf_counter() - t0
        context = browser.new_context()
        external: list[str] = []

        def on_request(req: Request) -> None:
            url = urlparse(req.url)
            if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
                external.append(req.url)

        context.on("request", on_request)
        try:
            page = context.new_page()
            t1 = time.perf_counter()
            page.goto(app_url, wait_until="commit", timeout=TIMEOUT_S * 1000)
            polygons = page.locator(".pp-map path.leaflet-interactive").first
            polygons.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
            visible_s = time.perf_counter() - t1
        finally:
            context.close()
    return healthy_s, visible_s, len(external), external


def main() -> None:
    healthy, visible, totals, external = [], [], [], []
    urls_seen: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(RUNS):
                h, v, n, urls = one_run(browser)
                healthy.append(h)
                visible.append(v)
                totals.append(h + v)
                external.append(n)
                urls_seen.update(urls)
        finally:
            browser.close()
    print(f"Cold start to polygons visible, headless chromium (medians over {RUNS} runs, fresh server each)")
    print(
        f"  server start -> healthy          {statistics.median(healthy):6.2f} s  "
        f"(runs: {', '.join(f'{x:.2f}' for x in healthy)})"
    )
    print(
        f"  navigation -> polygons visible   {statistics.median(visible):6.2f} s  "
        f"(runs: {', '.join(f'{x:.2f}' for x in visible)})"
    )
    print(
        f"  total                            {statistics.median(totals):6.2f} s  "
        f"(runs: {', '.join(f'{x:.2f}' for x in totals)})"
    )
    print(
        f"  requests to non-local hosts      {statistics.median(external):6.0f}    "
        f"(runs: {', '.join(str(x) for x in external)}; expected 0)"
    )
    for url in sorted(urls_seen):
        print(f"    non-local: {url}")


if __name__ == "__main__":
    main()
