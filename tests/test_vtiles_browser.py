"""Vector tiles in a real browser: Leaflet + static/js/vector_tiles.js against the test tile server.

200,000 generated parcels. Tiles draw where the parcels are, a new values version recolours them without a
single geometry request, a click at a parcel at zoom 17 finds that parcel on the server, and the bytes of
each view stay under the limits (5 MB, 2 MB for the first view).
"""

from __future__ import annotations

import io
import sys
import time

import numpy as np
import pytest
import shapely
from PIL import Image

from tests.live_app import ROOT
from tests.tiles_app import CLASS_COLOURS, Counters, make_app, serving
from tiles.vector import VectorTiles

sys.path.insert(0, str(ROOT / "bench"))
from benchutil import city_parcels

pytestmark = pytest.mark.browser

N = 200_000
CENTRE = (121.385, 31.255)  # lon, lat
MB = 2**20
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def parcels():
    return city_parcels(N, seed=13)


@pytest.fixture(scope="module")
def served(parcels):
    engine = VectorTiles(parcels)
    idx = np.arange(len(parcels))
    classes = {"v1": (idx % 5 + 1).astype(np.uint8), "v2": ((idx + 2) % 5 + 1).astype(np.uint8)}
    counters = Counters()
    with serving(make_app(engine, classes, counters)) as url:
        yield url, counters, classes


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 760}, device_scale_factor=1)
    pg = context.new_page()
    yield pg
    context.close()


def open_view(page, url: str, counters: Counters, lon: float, lat: float, z: int) -> tuple[dict, float]:
    """Load the test page at this view; wait until every tile of it is drawn. Bytes sent for it, seconds."""
    before = counters.snapshot()
    t0 = time.perf_counter()
    page.goto(f"{url}/?lon={lon}&lat={lat}&z={z}")
    page.wait_for_function("window.tilesLoaded >= 1", timeout=20_000)
    seconds = time.perf_counter() - t0
    after = counters.snapshot()
    return {k: {kind: after[k][kind] - before[k][kind] for kind in after[k]} for k in after}, seconds


def screenshot(page) -> np.ndarray:
    png = page.locator("#map").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def visible_interior_points(page, parcels, lon: float, lat: float, k: int) -> list[tuple[int, float, float]]:
    """Up to k parcels near the view centre, each with an interior pixel far from its edges (x, y in the map)."""
    near = parcels.cx[lon - 0.004 : lon + 0.004, lat - 0.002 : lat + 0.002]
    rng = np.random.default_rng(2)
    out = []
    for pos in rng.permutation(len(near))[: 4 * k]:
        geom = near.geometry.iloc[pos]
        p = shapely.ops.polylabel(geom, tolerance=1e-7)
        xy = page.evaluate(f"(() => {{ const q = map.latLngToContainerPoint([{p.y}, {p.x}]); return [q.x, q.y]; }})()")
        if 10 <= xy[0] <= 1270 and 10 <= xy[1] <= 710:
            out.append((int(parcels.index.get_loc(near.index[pos])), xy[0], xy[1]))
        if len(out) == k:
            break
    return out


def test_tiles_draw_restyle_without_geometry_and_clicks_find_the_parcel(page, served, parcels):
    url, counters, classes = served
    ARTIFACTS.mkdir(exist_ok=True)

    # First view: the district at zoom 13, as the app opens.
    sent, seconds = open_view(page, url, counters, *CENTRE, 13)
    first_view = sent["bytes"]["tile"] + sent["bytes"]["values"]
    print(f"\nfirst view z13: {sent['requests']['tile']} tiles {first_view / MB:.2f} MB, painted in {seconds:.2f} s")
    assert first_view <= 2 * MB
    assert seconds <= 3.0
    img = screenshot(page)
    Image.fromarray(img).save(ARTIFACTS / "vtiles_z13.png")
    assert (img != 255).any(axis=2).mean() > 0.2  # the district is covered by density cells

    # Street zoom 17: parcels in their v1 colours.
    lon, lat = CENTRE
    sent, _ = open_view(page, url, counters, lon, lat, 17)
    tiles_at_17 = sent["requests"]["tile"]
    assert tiles_at_17 >= 15 and sent["requests"]["values"] >= 1
    points = visible_interior_points(page, parcels, lon, lat, 12)
    assert len(points) >= 8
    img = screenshot(page)
    Image.fromarray(img).save(ARTIFACTS / "vtiles_z17_v1.png")
    painted = (img != 255).any(axis=2).mean()
    assert 0.2 < painted < 0.95, painted  # parcels with gaps between them
    for i, x, y in points:
        assert tuple(img[int(y), int(x)]) == rgb(CLASS_COLOURS[int(classes["v1"][i])]), (i, x, y)

    # Re-weighting: a new values version recolours every loaded tile; no geometry is fetched again.
    before = counters.snapshot()
    page.evaluate("vt.setValuesVersion('v2').then(() => new Promise(r => requestAnimationFrame(r)))")
    after = counters.snapshot()
    assert after["requests"]["tile"] == before["requests"]["tile"]
    assert after["requests"]["values"] - before["requests"]["values"] >= 15
    restyle_bytes = after["bytes"]["values"] - before["bytes"]["values"]
    print(
        f"restyle at z17: {after['requests']['values'] - before['requests']['values']} values requests, "
        f"{restyle_bytes / 1024:.1f} KB, 0 tile requests"
    )
    img = screenshot(page)
    Image.fromarray(img).save(ARTIFACTS / "vtiles_z17_v2.png")
    for i, x, y in points:
        assert tuple(img[int(y), int(x)]) == rgb(CLASS_COLOURS[int(classes["v2"][i])]), (i, x, y)
    assert page.evaluate("vt.stats.mismatches") == 0

    # A click at a parcel's interior point at zoom 17 is resolved by the server's point query.
    box = page.locator("#map").bounding_box()
    for i, x, y in points[:5]:
        page.evaluate("document.getElementById('clicked').textContent = ''")
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_function("document.getElementById('clicked').textContent !== ''", timeout=5_000)
        assert page.inner_text("#clicked") == parcels["id"].iloc[i]


def test_bytes_per_view_stay_under_the_limits(page, served):
    url, counters, _ = served
    lon, lat = CENTRE
    for z in (12, 14, 16, 17):
        sent, seconds = open_view(page, url, counters, lon, lat, z)
        total = sent["bytes"]["tile"] + sent["bytes"]["values"]
        print(
            f"\nview z{z}: {sent['requests']['tile']} tiles, {sent['bytes']['tile'] / MB:.2f} MB tiles + "
            f"{sent['bytes']['values'] / 1024:.1f} KB values, drawn in {seconds:.2f} s"
        )
        assert sent["requests"]["tile"] >= 1
        assert total <= 5 * MB


def test_bad_tile_paths_are_refused_with_400(served):
    import urllib.error
    import urllib.request

    url, counters, _ = served
    for path in (
        "/tiles/23/0/0.mvt",
        "/tiles/1/2/0.mvt",
        "/tiles/-1/0/0.mvt",
        "/tiles/01/0/0.mvt",
        "/tiles/1/%2e%2e/0.mvt",
        "/tiles/1/0/%C2%B9.mvt",
        "/values/v1/99/0/0.bin",
        "/tiles/1/0/1e3.mvt",
    ):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + path, timeout=5)
        assert err.value.code == 400, path
    with urllib.request.urlopen(url + "/tiles/0/0/0.mvt", timeout=5) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    with urllib.request.urlopen(url + "/tiles/10/0/0.mvt", timeout=5) as r:
        assert r.status == 200 and r.read() == b""  # empty tile
