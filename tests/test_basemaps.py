"""Basemaps for an intranet: a local tile package or GeoTIFF served by the app, a bureau's tile service set by
an admin, offered first; and in chromium, the local tiles draw from the app's own server with no request out."""

import io
import sqlite3

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.errors import PlannerError, TileError
from planner import basemaps
from server import routes as http
from tests.conftest import save_failure_screenshot
from tests.live_app import running_app
from tiles.sources import GeoTiffTiles
from tiles.vector import tile_of

COLOUR = (250, 128, 114)


def _png(colour=COLOUR) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(buf, format="PNG")
    return buf.getvalue()


def make_mbtiles(path, *, zooms=range(10, 15)) -> None:
    """A small MBTiles over Putuo: one colour, every tile of the district's box at these zooms."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    con.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", "测试底图"),
            ("format", "png"),
            ("bounds", "121.30,31.19,121.48,31.33"),
            ("minzoom", str(min(zooms))),
            ("maxzoom", str(max(zooms))),
            ("attribution", "测试底图 © 本单位"),
        ],
    )
    tile = _png()
    for z in zooms:
        x0, y0 = tile_of(121.30, 31.33, z)
        x1, y1 = tile_of(121.48, 31.19, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, tile))
    con.commit()
    con.close()


@pytest.fixture
def mbtiles(tmp_path, monkeypatch):
    path = tmp_path / "local.mbtiles"
    make_mbtiles(path)
    monkeypatch.setenv(basemaps.LOCAL_ENV, str(path))
    return path


def test_the_local_package_is_offered_first_and_served_by_the_app(mbtiles):
    assert basemaps.basemap_choices()[0].id == "local" and basemaps.default_basemap() == "local"
    spec, datum, note = basemaps.basemap_for("local")
    assert datum == "wgs84" and note == "basemap_local_note"
    template = spec["tiles"][0]["url"]
    assert template.startswith("/api/basemap/{z}/{x}/{y}?exp=") and "&sig=" in template
    assert spec["tiles"][0]["attribution"] == "测试底图 © 本单位"
    client = TestClient(Starlette(routes=http.routes()))
    x, y = tile_of(121.40, 31.25, 12)
    r = client.get(template.replace("{z}", "12").replace("{x}", str(x)).replace("{y}", str(y)))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).getpixel((5, 5))[:3] == COLOUR
    assert client.get(template.replace("{z}", "3").replace("{x}", "0").replace("{y}", "0")).status_code == 204
    outside = template.replace("{z}", "../../etc").replace("{x}", "0").replace("{y}", "0")
    assert client.get(outside).status_code in (400, 404)
    assert client.get(template.replace("{z}", "1e3").replace("{x}", "0").replace("{y}", "0")).status_code == 400
    assert client.get("/api/basemap/12/1/1?sig=" + "0" * 24).status_code == 403


def test_a_geotiff_is_cut_into_web_mercator_tiles(tmp_path):
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "ortho.tif"
    data = np.zeros((3, 200, 200), dtype=np.uint8)
    data[0], data[1], data[2] = 200, 100, 50
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=200,
        height=200,
        count=3,
        dtype="uint8",
        crs="EPSG:4549",
        transform=from_origin(630_000, 3_460_000, 10, 10),
    ) as dst:  # 2 km square in Putuo
        dst.write(data)
    src = GeoTiffTiles.open(path)
    w, s, e, n = src.metadata.bounds
    assert 121.3 < w < e < 121.5 and 31.2 < s < n < 31.3
    x, y = tile_of((w + e) / 2, (s + n) / 2, 15)
    png = Image.open(io.BytesIO(src.tile(15, x, y)))
    assert png.getpixel((128, 128)) == (200, 100, 50, 255)
    far_x, far_y = tile_of(121.0, 31.0, 15)
    assert src.tile(15, far_x, far_y) is None
    with pytest.raises(TileError):
        src.tile(15, 2**16, 0)


def test_a_bureau_service_is_set_by_an_admin_with_its_datum(tmp_path, monkeypatch):
    from planner.auth import single_user
    from planner.workspace import open_from_env

    monkeypatch.setenv("PUTUO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    monkeypatch.delenv(basemaps.LOCAL_ENV, raising=False)
    ws, _ = open_from_env()
    with pytest.raises(PlannerError):
        basemaps.set_service(ws, single_user(), url="file:///etc/passwd", datum="wgs84", attribution="x")
    basemaps.set_service(
        ws, single_user(), url="http://10.1.2.3/tdt/{z}/{x}/{y}.png", datum="gcj02", attribution="区测绘院"
    )
    choices = basemaps.basemap_choices(ws)
    assert choices[0].id == "bureau" and choices[0].datum == "gcj02"
    spec, datum, _ = basemaps.basemap_for("bureau", ws=ws)
    assert datum == "gcj02" and spec["tiles"][0]["url"] == "http://10.1.2.3/tdt/{z}/{x}/{y}.png"


@pytest.mark.browser
def test_local_tiles_draw_from_the_app_and_nothing_leaves_the_machine(browser, tmp_path, request):
    path = tmp_path / "local.mbtiles"
    make_mbtiles(path)
    with running_app(extra_env={basemaps.LOCAL_ENV: str(path)}) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        external = []
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith((url, "data:", "blob:"))
                else (external.append(route.request.url), route.abort())
            ),
        )
        page = context.new_page()
        basemap_responses = []
        page.on("response", lambda r: basemap_responses.append(r.status) if "/api/basemap/" in r.url else None)
        page.goto(url)
        try:
            page.locator(".pp-map[data-ready='1'][data-pending='0']").wait_for(timeout=60_000)
            tiles = page.locator(".pp-map img.leaflet-tile-loaded")
            expect(tiles.first).to_be_attached(timeout=30_000)
            assert (
                page.evaluate(
                    "() => [...document.querySelectorAll('.pp-map img.leaflet-tile-loaded')]"
                    ".filter(i => i.naturalWidth === 256 && i.src.includes('/api/basemap/')).length"
                )
                > 4
            )
            assert basemap_responses.count(200) > 4
            expect(page.locator(".leaflet-control-attribution")).to_contain_text("测试底图 © 本单位")
            assert external == []
        finally:
            save_failure_screenshot(request, page)
            context.close()


@pytest.mark.browser
def test_a_bureau_attribution_with_markup_is_shown_as_text_and_runs_nothing(browser, tmp_path, request, monkeypatch):
    """An admin-set attribution is the service's words: Leaflet would insert it as HTML, the map inserts text."""
    from planner.auth import single_user
    from planner.workspace import open_from_env
    from text.messages import t

    ws_path = tmp_path / "ws.gpkg"
    monkeypatch.setenv("PUTUO_WORKSPACE", str(ws_path))
    monkeypatch.delenv(basemaps.LOCAL_ENV, raising=False)
    hostile = '<img src=x onerror="window.__xss=1">区测绘院'
    basemaps.set_service(
        open_from_env()[0], single_user(), url="http://127.0.0.1:9/{z}/{x}/{y}.png", datum="wgs84", attribution=hostile
    )
    with running_app(workspace=ws_path) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith((url, "data:", "blob:")) else route.abort(),
        )
        page = context.new_page()
        page.goto(url)
        try:
            page.locator(".pp-map[data-ready='1'][data-pending='0']").wait_for(timeout=60_000)
            page.get_by_test_id("stSelectbox").filter(has_text=t("basemap", "zh")).click()
            page.get_by_role("option", name=t("basemap_bureau", "zh")).click()
            attribution = page.locator(".leaflet-control-attribution")
            expect(attribution).to_contain_text(hostile, timeout=30_000)
            assert attribution.locator("img").count() == 0
            assert page.evaluate("() => window.__xss === undefined")
        finally:
            save_failure_screenshot(request, page)
            context.close()
