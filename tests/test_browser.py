"""Real-browser end-to-end (Playwright + Debian chromium, no network): maps, clicks, edits, uploads, downloads.

Every wait is on a condition: Streamlit's script state (``data-test-script-state``), the map's own state
(``data-ready``/``data-pending`` on ``.pp-map``) or a retrying ``expect``; never a fixed sleep.
"""

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import save_failure_screenshot
from tests.live_app import wait_still

pytestmark = pytest.mark.browser

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@pytest.fixture
def page(browser, app_url, request):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    external = []

    def guard(route):  # belt and braces beside --host-resolver-rules: nothing leaves the machine
        url = route.request.url
        if url.startswith((app_url, "data:", "blob:", "about:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.external_requests = external
    yield pg
    save_failure_screenshot(request, pg)
    context.close()


def idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script."""
    page.locator(IDLE).wait_for(timeout=timeout_ms)


def map_ready(page, key: str, timeout_ms: int = 60_000) -> None:
    """Wait until the map ``key`` exists and has loaded every layer it asked for."""
    page.locator(f".pp-map[data-map-key='{key}'][data-ready='1'][data-pending='0']").wait_for(timeout=timeout_ms)
    page.wait_for_function(
        f"() => window.__plannerMaps && window.__plannerMaps['{key}']"
        f" && Object.values(window.__plannerMaps['{key}'].layers).every(l => l.ready)",
        timeout=timeout_ms,
    )


def click_feature(page, key: str, layer: str, fid: str) -> None:
    """Click the feature as a user would: at a point where that feature (not one above it) gets the click."""
    wait_still(page, f".pp-map[data-map-key='{key}']")
    xy = page.evaluate(f"() => window.__plannerMaps['{key}'].clickPoint('{layer}', '{fid}')")
    assert xy is not None, f"no clickable point of {layer} {fid} in view"
    page.mouse.click(xy["x"], xy["y"])


def test_leaflet_and_the_map_script_are_served_locally(app_url):
    for path, marker in (
        ("/app/static/vendor/leaflet/leaflet.js", b"Leaflet"),
        ("/app/static/js/planner_map.js", b"PlannerMap"),
    ):
        with urllib.request.urlopen(f"{app_url}{path}", timeout=10) as r:
            assert r.status == 200 and "javascript" in r.headers["Content-Type"]
            assert marker in r.read(4000)


def test_home_map_draws_offline_click_opens_facts_hover_shows_tooltip(page, app_url, tmp_path):
    page.goto(app_url)
    map_ready(page, "home")
    assert page.evaluate("L.version") == "1.9.4"
    paths = page.locator(".pp-map path.leaflet-interactive")
    assert paths.count() > 14 + 3 + 40  # sub-parks, zones, parcels (and the district outline)
    expect(page.locator(".pp-map .pp-label").first).to_be_visible()  # sub-park labels
    expect(page.locator(".leaflet-control-layers")).not_to_have_class("leaflet-control-layers-expanded")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("© OpenStreetMap 贡献者")  # ODbL asks for it
    click_feature(page, "home", "subparks", "S01")
    expect(page.get_by_role("heading", name="长风生态商务区")).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="km²").first).to_contain_text("3.060")
    expect(page.locator(".leaflet-popup")).to_have_count(0)  # a click selects; no popup on top of the tooltip
    xy = page.evaluate("() => window.__plannerMaps.home.clickPoint('subparks', 'N04')")
    page.mouse.move(xy["x"], xy["y"])
    expect(page.locator(".leaflet-tooltip")).to_contain_text("真如铁三角科技园")
    page.locator(".pp-legend button").click()  # the legend folds away
    expect(page.locator(".pp-legend button")).to_have_attribute("aria-expanded", "false")
    page.screenshot(path=str(tmp_path / "explorer_clicked.png"))
    assert page.external_requests == [], f"requests left the machine: {page.external_requests}"


def test_search_zooms_to_the_subpark_and_deep_link_opens_it(page, app_url):
    page.goto(f"{app_url}/?subpark=S03")
    map_ready(page, "home")
    expect(page.get_by_role("heading", name="华东师范大学国家大学科技园")).to_be_visible(timeout=30_000)
    page.wait_for_function("() => window.__plannerMaps.home.map.getZoom() >= 15")  # zoomed to it
    page.goto(f"{app_url}/map")  # the page's own path works too
    map_ready(page, "home")
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_english_switch_relabels_the_map(page, app_url):
    page.goto(app_url)
    map_ready(page, "home")
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Putuo Park Planner")).to_be_visible(timeout=30_000)
    map_ready(page, "home")
    page.locator(".leaflet-control-layers").hover()
    expect(page.locator(".leaflet-control-layers-overlays")).to_contain_text("14 sub-parks")
    expect(page.locator(".pp-legend")).to_contain_text("Metro stations")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Zoom in")
    assert page.external_requests == []


def test_parcels_page_upload_a_parcel_and_see_it_ranked(page, app_url, tmp_path):
    import geopandas as gpd
    import shapely

    upload = tmp_path / "my_parcel.geojson"
    gpd.GeoDataFrame(
        {"name": ["上传测试地块"], "intended_use": ["life_health"]},
        geometry=[shapely.box(121.3990, 31.2480, 121.4030, 31.2510)],
        crs="EPSG:4326",
    ).to_file(upload)
    page.goto(f"{app_url}/parcels")
    map_ready(page, "parcels")
    expect(page.locator(".leaflet-draw-draw-polygon")).to_have_attribute("title", "绘制多边形")
    page.get_by_role("tab", name="添加地块").click()
    idle(page)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.get_by_role("button", name="添加上传的地块").click()
    grids = page.locator("[data-testid='stDataFrame']")
    grids.filter(has_text="上传测试地块").first.wait_for(state="attached", timeout=30_000)  # "my parcels"
    page.get_by_role("tab", name="地图与排名").click()
    expect(page.get_by_role("heading", name="上传测试地块")).to_be_visible(timeout=30_000)  # its card is open
    rank = page.locator("[data-testid='stMetric']").filter(has_text="排名")
    expect(rank).to_contain_text(re.compile(r"排名\s*\d+"))  # ranked among the eligible parcels
    expect(page.get_by_text("拟引入产业：生命健康")).to_be_visible()  # the file's own intended use was kept
    assert page.external_requests == []


def test_parcels_page_draw_a_parcel_and_read_its_card(page, app_url):
    page.goto(f"{app_url}/parcels")
    map_ready(page, "parcels")
    page.locator(".leaflet-draw-draw-rectangle").click()
    box = page.locator(".pp-map").bounding_box()
    x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.move(x + 60, y + 45, steps=5)
    page.mouse.up()
    idle(page)
    page.get_by_role("tab", name="添加地块").click()
    page.get_by_label("地块名称").fill("画的地块")
    add = page.get_by_role("button", name="添加绘制的地块")
    expect(add).to_be_enabled(timeout=30_000)  # the drawing reached the app
    add.click()
    # the parcel is added before the tab changes (a tab click that overtakes the run closes the button's tab first)
    expect(page.get_by_role("button", name="移除我添加的地块")).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="地图与排名").click()
    expect(page.get_by_role("heading", name="画的地块")).to_be_visible(timeout=30_000)
    page.locator("[data-testid='stDataFrame']").filter(has_text="邻近园区").first.wait_for(state="attached")
    assert page.external_requests == []


def test_weight_change_recolours_parcels_without_refetching(page, app_url):
    page.goto(f"{app_url}/parcels")
    map_ready(page, "parcels")
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/api/layer/" in r.url else None)
    before = page.evaluate(
        "() => Object.values(window.__plannerMaps.parcels.layers.scored_parcels.items).map(i => i.cat).join()"
    )
    slider = page.locator("[data-testid='stSlider']").filter(has_text="轨交可达").get_by_role("slider")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(b) => Object.values(window.__plannerMaps.parcels.layers.scored_parcels.items).map(i => i.cat).join() !== b",
        arg=before,
        timeout=30_000,
    )
    assert fetched == []  # restyled in place: no geometry fetched again


def test_scenario_edits_typed_quickly_are_all_saved_and_reopened(page, app_url):
    page.goto(f"{app_url}/scenarios")
    map_ready(page, "scenario")
    added = page.locator("[data-testid='stMetric']").filter(has_text="新增面积")
    expect(added).to_contain_text("0.000 km²")
    click_feature(page, "scenario", "scenario_parcels", "P060")
    expect(added).not_to_contain_text("0.000 km²", timeout=30_000)  # the parcel joined the scenario
    value = added.inner_text().split("\n")[-1]
    name = page.get_by_label("方案名称")
    name.click()
    name.fill("北拓方案")
    page.keyboard.press("Tab")  # straight on to the notes, while the name's rerun is still running
    page.keyboard.type("区规划局讨论稿")
    page.keyboard.press("Tab")
    idle(page)
    expect(page.get_by_label("方案名称")).to_have_value("北拓方案")
    expect(page.get_by_label("备注")).to_have_value("区规划局讨论稿")
    page.get_by_role("button", name="保存新版本").click()
    expect(page.get_by_text("已保存：第 1 版")).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="比较").click()  # another tab after saving stays open
    idle(page)
    expect(page.get_by_role("tab", name="比较")).to_have_attribute("aria-selected", "true")
    page.reload()  # a new session: nothing in memory
    map_ready(page, "scenario")
    expect(added).to_contain_text("0.000 km²")
    page.locator("[data-testid='stSelectbox']").filter(has_text="打开已保存方案").click()
    page.get_by_role("option").filter(has_text="北拓方案").click()
    page.get_by_role("button", name="打开", exact=True).click()
    expect(added).to_contain_text(value, timeout=30_000)
    expect(page.get_by_label("方案名称")).to_have_value("北拓方案")
    expect(page.get_by_label("备注")).to_have_value("区规划局讨论稿")
    history = page.locator("[data-testid='stDataFrame']").filter(has_text="保存人")
    history.first.wait_for(state="attached", timeout=30_000)
    assert page.external_requests == []


def download(page, button, target_dir):
    """Click a download button once the app is idle and save the file."""
    idle(page)
    expect(button).to_be_enabled()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = target_dir / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_export_page_downloads_open(page, app_url, tmp_path, browser):
    import geopandas as gpd
    from PIL import Image

    page.goto(f"{app_url}/export")
    button = page.get_by_role("button", name="下载 putuo_subparks_wgs84.geojson")
    button.wait_for(timeout=60_000)
    layer = gpd.read_file(download(page, button, tmp_path))
    assert len(layer) == 14 and layer.crs.to_epsg() == 4326 and "长风生态商务区" in set(layer["name_zh"])

    page.get_by_role("tab", name="打印地图").click()
    img = Image.open(download(page, page.get_by_role("button", name="下载 (PNG, A4)"), tmp_path))
    assert img.info["dpi"] == pytest.approx((300, 300), abs=0.5) and abs(img.size[0] - 3508) <= 2

    page.get_by_role("tab", name="交互地图 HTML").click()
    html = download(page, page.get_by_role("button", name="下载离线可用的交互地图（HTML）"), tmp_path)
    offline = browser.new_context()
    offline.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )  # no server, no network: the file stands alone
    standalone = offline.new_page()
    standalone.goto(html.as_uri())
    standalone.locator("path.leaflet-interactive").first.wait_for(timeout=30_000)
    assert standalone.locator("path.leaflet-interactive").count() > 50
    offline.close()
    assert page.external_requests == []


def test_import_gbk_shapefile_in_cgcs2000_gk_lands_in_place(page, app_url, tmp_path, data):
    import zipfile

    renamed = data.subparks.copy()
    renamed.loc[renamed["id"] == "S01", "name_zh"] = "导入测试子园"
    folder = tmp_path / "shp"
    folder.mkdir()
    renamed.to_crs("EPSG:4549").to_file(folder / "subparks.shp", engine="pyogrio", encoding="GBK")
    upload = tmp_path / "official_subparks.zip"
    with zipfile.ZipFile(upload, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    page.goto(f"{app_url}/import")
    idle(page)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    detected = page.locator("[data-testid='stMetric']").filter(has_text="源坐标系")
    expect(detected).to_contain_text("EPSG:4549", timeout=60_000)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="属性编码")).to_contain_text("GBK")
    page.get_by_text("替换当前图层").click()  # appending is the default: replacing is chosen
    idle(page)
    page.get_by_text(re.compile("我已核对：应用后将移除 0 个、更新 1 个")).click()  # S01 renamed: asked first
    page.get_by_role("button", name="应用到本次会话").click()
    expect(page.get_by_text("已应用")).to_be_visible(timeout=30_000)
    page.get_by_role("link", name="园区地图").click()  # the sidebar navigation keeps the session
    map_ready(page, "home")
    click_feature(page, "home", "subparks", "S01")  # the imported polygon, where 长风生态商务区 was
    expect(page.get_by_role("heading", name="导入测试子园")).to_be_visible(timeout=30_000)
    assert page.external_requests == []


def test_import_keeps_the_upload_warns_on_gcj02_and_asks_before_removing(page, app_url, tmp_path, data):
    import geopandas as gpd

    from gis.crs import wgs84_to_gcj02

    # the real stations, shifted to GCJ-02 as an AMap export would be, in a GeoJSON that says nothing of it
    stations = data.stations.copy()
    x, y = wgs84_to_gcj02(stations.geometry.x.to_numpy(), stations.geometry.y.to_numpy())
    gcj = gpd.GeoDataFrame(
        stations[["name_zh"]].rename(columns={"name_zh": "名称"}), geometry=gpd.points_from_xy(x, y), crs="EPSG:4326"
    )
    upload = tmp_path / "amap_stations.geojson"
    gcj.to_file(upload)
    page.goto(f"{app_url}/import")
    idle(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="导入到哪个图层").click()
    page.get_by_role("option", name="重点载体").click()
    idle(page)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.locator("[data-testid='stSelectbox']").filter(has_text="导入到哪个图层").click()  # a rerun right away
    page.get_by_role("option", name="重点载体").click()
    expect(page.get_by_text("当前文件：amap_stations.geojson")).to_be_visible(timeout=60_000)  # the upload stayed
    warning = page.locator("[data-testid='stAlert']").filter(has_text="GCJ-02")
    expect(warning.first).to_be_visible(timeout=60_000)
    page.get_by_role("button", name=re.compile("按 GCJ-02")).click()
    expect(page.locator("[data-testid='stMetric']").filter(has_text="源坐标系")).to_contain_text(
        "GCJ-02", timeout=60_000
    )
    apply = page.get_by_role("button", name="应用到本次会话")
    expect(apply).to_be_enabled()  # appending (the default) removes nothing: no question
    page.get_by_text("替换当前图层").click()  # replacing the 24 carriers with the stations removes them: asked first
    idle(page)
    expect(apply).to_be_disabled()
    page.get_by_text(re.compile("我已核对：应用后将移除 24 个")).click()
    expect(apply).to_be_enabled()
    page.get_by_text("追加到当前图层").click()
    idle(page)
    expect(apply).to_be_enabled()
    apply.click()
    expect(page.get_by_text("已应用")).to_be_visible(timeout=30_000)
    assert page.external_requests == []
