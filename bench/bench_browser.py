"""Felt speed in a real browser and the server's CPU per user flow, this app beside the app before the rewrite.

    python bench/bench_browser.py [--before PATH_TO_OLD_CHECKOUT] [--reference PATH] [--static-off]
                                  [--only first_visit,drag_settle,...] [--runs 7]

Measured with Playwright in headless Debian chromium on the bundled data (medians):
- first visit: a new browser (empty cache) opens the home page -> its map drawn with every layer;
- 20-step slider drag: a weight slider stepped 20 times (arrow key every 50 ms, one commit each) -> seconds from
  the last step until nothing changes any more (no script run, the map's colours final);
- map click -> the facts panel shows the clicked sub-park (home page);
- weight slider moved -> the parcels on the map recoloured;
- page navigation (sidebar link) -> the page's title and its map drawn;
- compare of 3 saved scenarios -> the comparison table shown;
- one user's flow (open home, open parcels, move a slider, open scenarios, click a parcel): CPU seconds the
  server process spent on it (utime + stime of the process, /proc) — for a returning user (a new tab, so a new
  session, with the browser's cache of Streamlit's immutable assets) and for a first visit (an empty browser:
  Streamlit serves its 4.6 MB of JavaScript and fonts uncompressed, about 0.15 CPU-s of the flow).
``--before`` runs the same steps against a checkout of the app before the application layer (folium maps in
iframes), as the reference measured in the same run; ``--reference`` against another checkout of this app (say
the main branch); ``--static-off`` against this app with its static-file compression switched off
(server/static_assets.py). Variants run one after another: on a shared machine compare them only with the load
average printed, or run first visits interleaved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from server.static_assets import SWITCH_ENV  # noqa: E402
from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app, wait_still  # noqa: E402

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SUBPARKS = [
    ("S01", "长风生态商务区"),
    ("N04", "真如铁三角科技园"),
    ("S03", "华东师范大学国家大学科技园"),
    ("N02", "未来岛高新技术产业园"),
    ("S05", "新曹杨高新技术产业园"),
    ("N06", "麦腾创业天地"),
    ("S07", "武宁科技园"),
    ("N03", "新金环高新技术产业园"),
]


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed_scenarios(workspace: Path, *, old: bool) -> None:
    """Three saved scenarios to compare (through each app's own store)."""
    if old:
        code = (
            "import sys; sys.path.insert(0, {root!r}); from gis.store import ScenarioStore; "
            "from gis.scenario import Scenario; s = ScenarioStore({ws!r}); "
            "[s.save(Scenario(name=n, parcels=p)) for n, p in "
            "(('甲', ('P060',)), ('乙', ('P060', 'P061')), ('丙', ('P062',)))]"
        )
        import subprocess

        subprocess.run(
            [sys.executable, "-c", code.format(root=str(OLD_ROOT), ws=str(workspace))], check=True, cwd=OLD_ROOT
        )
        return
    from gis.scenario import Scenario
    from planner.auth import single_user
    from planner.workspace import open_from_env, save_scenario

    ws, _ = open_from_env({"PUTUO_WORKSPACE": str(workspace)})
    for name, parcels in (("甲", ("P060",)), ("乙", ("P060", "P061")), ("丙", ("P062",))):
        save_scenario(ws, single_user(), Scenario(name=name, parcels=parcels), base_version=None)


#: In the page: the time of the last key press and of the last change of what a user sees settle (the script
#: running or not, the map's pending flag, the parcels' colour classes), checked every animation frame.
SETTLE_WATCH = """() => {
  const key = () => {
    const app = document.querySelector("[data-testid='stApp']");
    const map = document.querySelector(".pp-map[data-map-key='parcels']");
    const layer = window.__plannerMaps && window.__plannerMaps.parcels
      && window.__plannerMaps.parcels.layers.scored_parcels;
    return [app && app.dataset.testScriptState, map && map.dataset.pending,
            layer ? Object.values(layer.items).map(i => i.cat).join() : ''].join('|');
  };
  const w = window.__settle = {last: performance.now(), lastKey: performance.now(), now: key(),
    idle: () => w.now.startsWith('notRunning|0|')};
  document.addEventListener('keydown', (e) => { w.lastKey = performance.now(); w.last = w.lastKey; }, true);
  const tick = () => { const k = key(); if (k !== w.now) { w.now = k; w.last = performance.now(); }
                       requestAnimationFrame(tick); };
  tick();
}"""


class NewApp:
    """The steps on this app (the components map)."""

    old = False

    def __init__(self, page):
        self.page = page

    def ready(self, key: str) -> None:
        self.page.locator(IDLE).wait_for(timeout=60_000)
        self.page.locator(f".pp-map[data-map-key='{key}'][data-ready='1'][data-pending='0']").wait_for(timeout=60_000)
        self.page.wait_for_function(
            f"() => window.__plannerMaps && window.__plannerMaps['{key}'] && "
            f"Object.values(window.__plannerMaps['{key}'].layers).every(l => l.ready)"
        )

    def click_subpark(self, sid: str, name: str) -> float:
        wait_still(self.page, ".pp-map[data-map-key='home']")
        xy = self.page.evaluate(f"() => window.__plannerMaps.home.clickPoint('subparks', '{sid}')")
        t0 = time.perf_counter()
        self.page.mouse.click(xy["x"], xy["y"])
        self.page.get_by_role("heading", name=name).wait_for(timeout=30_000)
        return time.perf_counter() - t0

    def _colours(self) -> str:
        return self.page.evaluate(
            "() => Object.values(window.__plannerMaps.parcels.layers.scored_parcels.items).map(i => i.cat).join()"
        )

    def drag(self, name: str, to: float) -> float:
        """Drag a slider's thumb to ``to`` (0-1 of its track) and let go: one rerun; the time of the release."""
        widget = self.page.locator("[data-testid='stSlider']").filter(has_text=name)
        widget.scroll_into_view_if_needed()
        track_loc = widget.locator("[role='group'] > div").first
        track = track_loc.bounding_box()
        box = track_loc.locator("div[style*='left']").first.bounding_box()  # the thumb
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.down()
        self.page.mouse.move(track["x"] + track["width"] * to, box["y"] + box["height"] / 2, steps=4)
        t0 = time.perf_counter()
        self.page.mouse.up()
        return t0

    def move_slider(self, name: str, to: float) -> float:
        before = self._colours()
        t0 = self.drag(name, to)
        self.page.wait_for_function(
            "(b) => Object.values(window.__plannerMaps.parcels.layers.scored_parcels.items)"
            ".map(i => i.cat).join() !== b",
            arg=before,
            timeout=30_000,
        )
        return time.perf_counter() - t0

    def drag_settle(self, name: str, *, steps: int = 20, gap_ms: int = 50, right: bool = True) -> float:
        """Move a weight slider by ``steps`` steps, one commit each (the thumb focused, an arrow key pressed every
        ``gap_ms``: a held key, or a user nudging the thumb) and wait until nothing changes any more; the time
        from the last step to the last change (a script run ending, the map's colours redrawn), seconds."""
        widget = self.page.locator("[data-testid='stSlider']").filter(has_text=name)
        widget.scroll_into_view_if_needed()
        thumb = widget.locator("input[type='range']").first
        start = int(thumb.input_value())
        thumb.focus()
        self.page.evaluate(SETTLE_WATCH)
        for _ in range(steps):
            self.page.keyboard.press("ArrowRight" if right else "ArrowLeft")
            self.page.wait_for_timeout(gap_ms)
        # quiet: no script run, nothing pending on the map and no change for a second (in the page's own clock)
        try:
            self.page.wait_for_function(
                "() => { const w = window.__settle; return w.idle() && performance.now() - w.last > 1000; }",
                timeout=60_000,
                polling=100,
            )
        except Exception as exc:
            seen = self.page.evaluate("() => window.__settle.now.slice(0, 80)")
            raise RuntimeError(f"the page did not settle within 60 s; it shows {seen!r}") from exc
        end = int(thumb.input_value())
        if end != start + (steps if right else -steps):
            raise RuntimeError(f"the slider went from {start} to {end}, not {steps} steps")
        return self.page.evaluate("() => (window.__settle.last - window.__settle.lastKey) / 1000")

    def click_parcel(self, pid: str) -> None:
        wait_still(self.page, ".pp-map[data-map-key='scenario']")
        xy = self.page.evaluate(f"() => window.__plannerMaps.scenario.clickPoint('scenario_parcels', '{pid}')")
        self.page.mouse.click(xy["x"], xy["y"])
        self.page.locator("[data-testid='stMetric']").filter(has_text="新增面积").filter(
            has_not_text="0.000 km²"
        ).wait_for(timeout=30_000)

    def map_key(self, page_name: str) -> str:
        return {"": "home", "parcels": "parcels", "scenarios": "scenario"}[page_name]

    def open_compare(self) -> None:
        self.page.get_by_role("tab", name="比较").click()
        self.page.locator(IDLE).wait_for()


class OldApp(NewApp):
    """The same steps on the app before the rewrite (folium maps in an iframe)."""

    old = True
    FRAME = "iframe[title='streamlit_folium.st_folium']"

    def ready(self, key: str) -> None:
        self.page.locator(IDLE).wait_for(timeout=60_000)
        self.page.frame_locator(self.FRAME).first.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)

    def _frame(self):
        return next(f for f in self.page.frames if "streamlit_folium" in f.url)

    clicks = 0

    def click_subpark(self, sid: str, name: str) -> float:
        # the n-th sub-park polygon (cluster colours, largest first), at a point where it gets the click
        if OldApp.clicks:  # the old map zooms to the choice and leaves its popup open: start each click afresh
            self.page.reload()
            self.ready("home")
        frame = self._frame()
        OldApp.clicks += 1
        xy = frame.evaluate(
            """(n) => {
          const ps = [...document.querySelectorAll('path.leaflet-interactive')]
            .filter(p => ['#2b6cb0', '#c53030'].includes(p.getAttribute('fill')))
            .sort((a, b) => { const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
                              return rb.width * rb.height - ra.width * ra.height; });
          for (let k = 0; k < ps.length; k++) {
            const p = ps[(n + k) % ps.length], r = p.getBoundingClientRect();
            for (let fy = 0.3; fy < 0.8; fy += 0.1) for (let fx = 0.3; fx < 0.8; fx += 0.1) {
              const x = r.left + r.width * fx, y = r.top + r.height * fy;
              if (x > 0 && y > 0 && x < innerWidth && y < innerHeight && document.elementFromPoint(x, y) === p)
                return [x, y]; } }
          return null; }""",
            OldApp.clicks,
        )
        box = self.page.locator(self.FRAME).bounding_box()
        heading = self.page.get_by_role("heading", level=3)
        before = heading.first.inner_text() if heading.count() else ""
        t0 = time.perf_counter()
        self.page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        self.page.wait_for_function(
            "(b) => { const h = document.querySelector('[data-testid=stMain] h3'); return h && h.innerText !== b; }",
            arg=before,
            timeout=30_000,
        )
        return time.perf_counter() - t0

    def move_slider(self, name: str, to: float) -> float:
        # the old map swaps the scored parcels in place: wait for the script run and the redrawn paths
        t0 = self.drag(name, to)
        self.page.locator("[data-testid='stApp'][data-test-script-state='running']").wait_for(timeout=10_000)
        self.page.locator(IDLE).wait_for()
        self._frame().locator("path.leaflet-interactive").first.wait_for()
        return time.perf_counter() - t0

    def click_parcel(self, pid: str) -> None:
        frame = self._frame()
        index = frame.evaluate("""() => { const ps = [...document.querySelectorAll('path.leaflet-interactive')]
            .filter(p => p.getAttribute('fill') === '#e9d8fd'); let b = -1, a = 0;
            ps.forEach((p, i) => { const r = p.getBoundingClientRect();
                                   if (r.width * r.height > a) { a = r.width * r.height; b = i; } });
            return b; }""")
        self.page.frame_locator(self.FRAME).first.locator('path.leaflet-interactive[fill="#e9d8fd"]').nth(index).click()
        self.page.locator("[data-testid='stMetric']").filter(has_text="新增面积").filter(
            has_not_text="0.000 km²"
        ).wait_for(timeout=30_000)


def first_visit(app_cls, url, browser) -> float:
    """A new browser (empty cache) opens the home page: seconds until its map is drawn with every layer."""
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    app_cls(page).ready("home")
    elapsed = time.perf_counter() - t0
    ctx.close()
    return elapsed


def measure(app_cls, url, browser, runs: int, only: set[str] | None = None) -> dict[str, list[float]]:
    only = set(KEYS) if only is None else only
    out: dict[str, list[float]] = {key: [] for key in KEYS}
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page = ctx.new_page()
    app = app_cls(page)
    page.goto(url)  # the server's first session (data loaded, pages compiled): not timed
    app.ready("home")
    if "first_visit" in only:
        for _ in range(runs):
            out["first_visit"].append(first_visit(app_cls, url, browser))
    if "click" in only:
        for sid, name in (SUBPARKS * 2)[:runs]:
            out["click"].append(app.click_subpark(sid, name))
    page.goto(f"{url}/parcels")
    app.ready("parcels")
    if "slider" in only:
        for i in range(runs):  # transit weight dragged high, then low: each changes some parcels' classes
            out["slider"].append(app.move_slider("轨交可达", 0.8 if i % 2 == 0 else 0.1))
    if "drag_settle" in only and not app_cls.old:
        app.move_slider("轨交可达", 0.3)
        for i in range(runs):  # 20 steps up, then 20 down
            out["drag_settle"].append(app.drag_settle("轨交可达", right=i % 2 == 0))
    for i in range(runs if "nav" in only else 0):
        name, label = [("", "园区地图"), ("parcels", "候选地块评估"), ("scenarios", "扩区方案")][i % 3]
        t0 = time.perf_counter()
        page.get_by_role("link", name=label).click()
        app.ready(app.map_key(name))
        out["nav"].append(time.perf_counter() - t0)
    if "compare" not in only:
        ctx.close()
        return _flows(app_cls, url, browser, runs, only, out)
    page.goto(f"{url}/scenarios")
    app.ready("scenario")
    app.open_compare()
    for _ in range(runs):
        box = page.locator("[data-testid='stMultiSelect']").first
        box.click()
        for name in ("甲", "乙"):
            page.get_by_role("option").filter(has_text=name).first.click()
            page.locator(IDLE).wait_for()
        t0 = time.perf_counter()  # the third pick: three scenarios compared
        page.get_by_role("option").filter(has_text="丙").first.click()
        page.locator("[data-testid='stDataFrame']").filter(has_text="丙").first.wait_for(timeout=30_000)
        page.locator(IDLE).wait_for()
        out["compare"].append(time.perf_counter() - t0)
        page.reload()  # a new session: nothing picked
        app.ready("scenario")
        app.open_compare()
    ctx.close()
    return _flows(app_cls, url, browser, runs, only, out)


def _flows(app_cls, url, browser, runs: int, only: set[str], out: dict[str, list[float]]) -> dict[str, list[float]]:
    """The server's CPU seconds per user flow, first visit and returning user (when asked)."""

    def flow(page) -> float:
        app = app_cls(page)
        c0 = cpu_s(url.pid)
        page.goto(url)
        app.ready("home")
        page.get_by_role("link", name="候选地块评估").click()
        app.ready("parcels")
        app.move_slider("轨交可达", 0.8)
        page.get_by_role("link", name="扩区方案").click()
        app.ready("scenario")
        app.click_parcel("P060")
        page.locator(IDLE).wait_for()
        return cpu_s(url.pid) - c0

    if "flow_cpu" not in only and "flow_cpu_first" not in only:
        return out
    for _ in range(max(3, runs // 2)):  # a first visit: a new browser, nothing cached
        ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
        out["flow_cpu_first"].append(flow(ctx.new_page()))
        ctx.close()
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    for i in range(max(3, runs // 2) + 1):  # a returning user: a new tab (a new session), the browser's cache kept
        page = ctx.new_page()
        cpu = flow(page)
        page.close()
        if i:  # the first visit filled the cache
            out["flow_cpu"].append(cpu)
    ctx.close()
    return out


GOALS = {
    "first_visit": 1.0,
    "click": 0.4,
    "slider": 0.4,
    "drag_settle": 1.0,
    "nav": 0.8,
    "compare": 0.8,
    "flow_cpu": 0.5,
    "flow_cpu_first": 0.5,
}
LABELS = {
    "first_visit": "first visit, new browser -> map drawn (s)",
    "click": "map click -> facts panel (s)",
    "slider": "weight change -> map recoloured (s)",
    "drag_settle": "20-step slider drag -> settled after (s)",
    "nav": "page navigation (s)",
    "compare": "compare 3 scenarios (s)",
    "flow_cpu": "server CPU per user flow (CPU s)",
    "flow_cpu_first": "  the same, first visit (CPU s)",
}
KEYS = tuple(LABELS)
OLD_ROOT = Path("/nonexistent")


def main() -> None:
    global OLD_ROOT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, default=None, help="a checkout of the app before the rewrite")
    parser.add_argument(
        "--reference", type=Path, default=None, help="a checkout of this app to compare with (e.g. the main branch)"
    )
    parser.add_argument(
        "--static-off",
        action="store_true",
        help=f"also measure this app with {SWITCH_ENV}=off (static files left to Streamlit, uncompressed)",
    )
    parser.add_argument("--only", default=",".join(KEYS), help="comma-separated measurements: " + ",".join(KEYS))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    only = {k.strip() for k in args.only.split(",") if k.strip()}
    if only - set(KEYS):
        parser.error(f"unknown measurement(s) {sorted(only - set(KEYS))}; expected some of {', '.join(KEYS)}")
    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        variants: list[tuple[str, type[NewApp], Path, dict[str, str]]] = [("now", NewApp, ROOT, {})]
        if args.static_off:
            variants.append(("static off", NewApp, ROOT, {SWITCH_ENV: "off"}))
        if args.reference:
            variants.append(("reference", NewApp, args.reference.resolve(), {}))
        if args.before:
            OLD_ROOT = args.before.resolve()
            variants.append(("before", OldApp, OLD_ROOT, {}))
        for label, cls, root, env in variants:
            with tempfile.TemporaryDirectory() as tmp:
                ws = Path(tmp) / "ws.gpkg"
                seed_scenarios(ws, old=cls.old)
                with running_app(workspace=ws, root=root, timeout_s=120, extra_env=env) as url:
                    try:
                        results[label] = measure(cls, url, browser, args.runs, only)
                    except Exception as exc:
                        if label == "now":
                            raise
                        print(f"# the '{label}' app failed: {type(exc).__name__}: {str(exc)[:200]}", file=sys.stderr)
        browser.close()
    load = os.getloadavg()
    print(
        f"# browser timings, headless chromium, bundled data, {args.runs} runs each (medians); "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    for key, label in LABELS.items():
        if not results["now"][key]:
            continue
        now = statistics.median(results["now"][key])
        line = f"{label:<42} now {now:7.3f}"
        for other, values in results.items():
            if other != "now" and values.get(key):
                line += f"   {other} {statistics.median(values[key]):7.3f}"
        line += f"   goal <= {GOALS[key]}  {'met' if now <= GOALS[key] else 'NOT met'}"
        print(line)


if __name__ == "__main__":
    main()
