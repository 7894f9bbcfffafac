"""A city-sized parcel layer in the real app (100,000 generated parcels in a data folder, headless chromium):
deep links open a parcel's card, a click at a parcel's centroid at street zoom opens that parcel, and the
bytes one view costs (map data over HTTP and every websocket frame) stay under the limits."""

import contextlib
import random

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import expect

from tests.conftest import save_failure_screenshot
from tests.live_app import running_app, wait_still

pytestmark = pytest.mark.browser

N_PARCELS = 100_000
FIRST_VIEW_MB, ANY_VIEW_MB = 2.0, 5.0


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    from scripts.make_large_data import make

    folder = make(tmp_path_factory.mktemp("large") / "data", parcels=N_PARCELS, seed=11)
    parcels = gpd.read_file(folder / "parcels" / "parcels.geojson", engine="pyogrio")
    assert len(parcels) == N_PARCELS
    log = tmp_path_factory.mktemp("large_server") / "streamlit.log"
    with running_app(data_dir=folder, log_path=log, timeout_s=180) as url:
        yield url, parcels


class Meter:
    """Bytes the page receives: map data over HTTP (/api/…) and every websocket frame."""

    def __init__(self, page):
        self.http = self.ws = 0
        page.on("response", self._response)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _response(self, response):
        if "/api/" in response.url:
            with contextlib.suppress(Exception):  # a response the page navigated away from has no body
                self.http += len(response.body())

    def _frame(self, payload):
        self.ws += len(payload)

    def take(self) -> float:
        """MB received since the last call."""
        total, self.http, self.ws = self.http + self.ws, 0, 0
        return total / 1e6


@pytest.fixture
def page(browser, large, request):
    url, _ = large
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith((url, "data:", "blob:")) else route.abort(),
    )
    pg = context.new_page()
    pg.meter = Meter(pg)
    yield pg
    save_failure_screenshot(request, pg)
    context.close()


def settled(page) -> None:
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=120_000)
    page.locator(".pp-map[data-map-key='home'][data-ready='1'][data-pending='0']").wait_for(timeout=120_000)


def test_deep_links_open_random_parcels_with_their_cards(page, large):
    url, parcels = large
    for pid in random.Random(5).sample(list(parcels["id"]), 3):
        name = parcels.loc[parcels["id"] == pid, "name_zh"].iloc[0]
        page.goto(f"{url}/?parcel={pid}")
        settled(page)
        expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=60_000)
        expect(page.get_by_text(f"{pid} · 拟引入产业")).to_be_visible()
        page.wait_for_function("() => window.__plannerMaps.home.map.getZoom() >= 17")
        assert page.meter.take() < ANY_VIEW_MB


def test_a_click_at_a_parcels_centroid_opens_it(page, large):
    url, parcels = large
    rng = random.Random(9)
    start = rng.choice(list(parcels["id"]))
    page.goto(f"{url}/?parcel={start}")
    settled(page)
    page.wait_for_function("() => window.__plannerMaps.home.map.getZoom() >= 17")
    metric = parcels.to_crs("EPSG:4549")
    centre = metric.loc[metric["id"] == start].geometry.iloc[0].centroid
    near = parcels[(metric.geometry.centroid.distance(centre) < 60).to_numpy()]  # in the view at zoom 17
    near = near[near["id"] != start]
    target = near[[g.contains(g.centroid) for g in near.geometry]].iloc[rng.randrange(len(near) // 2)]
    c = target.geometry.centroid
    wait_still(page, ".pp-map[data-map-key='home']")
    xy = page.evaluate(f"() => window.__plannerMaps.home.pointOf({c.y}, {c.x})")
    page.mouse.click(xy["x"], xy["y"])
    expect(page.get_by_role("heading", name=target["name_zh"])).to_be_visible(timeout=60_000)
    assert shapely.Point(c.x, c.y).within(target.geometry)


def test_bytes_per_view_stay_under_the_limits(page, large):
    url, _ = large
    page.goto(url)
    settled(page)
    first = page.meter.take()
    assert first < FIRST_VIEW_MB, f"first view: {first:.2f} MB"
    for zoom in (14, 16, 17):  # each view's tiles are new: wait until the tile layer has loaded all of them
        page.evaluate(
            """(zoom) => new Promise((done) => {
            const m = window.__plannerMaps.home, tiles = m.layers.parcels.group;
            tiles.once('load', () => done(true));
            m.map.setView([31.245, 121.40], zoom, {animate: false});
        })""",
            zoom,
        )
        spent = page.meter.take()
        assert spent < ANY_VIEW_MB, f"zoom {zoom}: {spent:.2f} MB"
