"""Real-browser end-to-end: the map draws with no network at all, and clicking a sub-park fills the panel."""

import time
import urllib.request

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FRAME = "iframe[title='streamlit_folium.st_folium']"

# Finds a point inside the largest south-cluster polygon (长风生态商务区) where that polygon, not a marker
# on top of it, receives the click. Returns iframe-relative coordinates.
FIND_POINT = """() => {
  const paths = [...document.querySelectorAll('path.leaflet-interactive')]
      .filter(p => p.getAttribute('fill') === '#c53030');
  let best = null, area = 0;
  for (const p of paths) { const r = p.getBoundingClientRect();
    if (r.width * r.height > area) { area = r.width * r.height; best = p; } }
  const r = best.getBoundingClientRect();
  for (let fy = 0.5; fy < 0.95; fy += 0.05) for (let fx = 0.2; fx < 0.8; fx += 0.05) {
    const x = r.left + r.width * fx, y = r.top + r.height * fy;
    if (document.elementFromPoint(x, y) === best) return [x, y]; }
  return null; }"""


@pytest.fixture
def page(browser, app_url):
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
    context.close()


def _wait_for_polygons(pg, app_url):
    t0 = time.time()
    pg.goto(app_url)
    polygons = pg.frame_locator(FRAME).locator("path.leaflet-interactive")
    polygons.first.wait_for(timeout=60_000)
    return polygons, time.time() - t0


def test_leaflet_is_served_locally_as_javascript(app_url):
    with urllib.request.urlopen(f"{app_url}/app/static/vendor/leaflet/leaflet.js", timeout=10) as r:
        assert r.status == 200 and "javascript" in r.headers["Content-Type"]
        assert b"Leaflet" in r.read(2000)


def test_map_draws_offline_and_click_shows_subpark(page, app_url, tmp_path):
    polygons, seconds = _wait_for_polygons(page, app_url)
    # district + 3 zones + 14 sub-parks + parcels (+ circle markers): every layer drew
    assert polygons.count() > 14 + 3 + 1 + 40
    frame = next(f for f in page.frames if f.url.startswith(app_url) and "component" in f.url)
    assert frame.evaluate("typeof L !== 'undefined' && L.version") == "1.9.4"
    xy = frame.evaluate(FIND_POINT)
    assert xy is not None, "no clickable point found inside the sub-park polygon"
    box = page.locator(FRAME).bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    heading = page.get_by_role("heading", name="长风生态商务区")
    heading.wait_for(timeout=30_000)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="km²").first).to_contain_text("3.060")
    page.wait_for_timeout(800)
    shot = tmp_path / "explorer_clicked.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000
    # The popup of the clicked feature is built from text nodes: the name is there as text.
    expect(page.frame_locator(FRAME).locator(".leaflet-popup-content").get_by_text("长风生态商务区")).to_have_count(1)
    assert page.external_requests == [], f"requests left the machine: {page.external_requests}"
    print(f"polygons visible after {seconds:.2f} s; screenshot {shot}")


def test_english_switch_relabels_map(page, app_url):
    _wait_for_polygons(page, app_url)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Putuo Park Planner").wait_for(timeout=30_000)
    assert page.get_by_role("radio", name="English").is_checked()
    # The map is rebuilt with English labels (Streamlit may briefly keep the old frame beside it).
    deadline = time.time() + 30
    while True:
        labels = []
        for f in page.frames:
            if "streamlit_folium" not in f.url:
                continue
            try:
                labels.append(f.evaluate("() => [...document.querySelectorAll('.leaflet-control-layers span')]"
                                         ".map(s => s.textContent.trim())"))
            except PlaywrightError:  # the old frame went away while we looked
                continue
        if any("14 sub-parks" in ls and "Metro stations" in ls for ls in labels):
            break
        assert time.time() < deadline, f"layer control never showed English labels: {labels}"
        page.wait_for_timeout(250)
    assert page.external_requests == []


def test_parcels_page_upload_a_parcel_and_see_it_ranked(page, app_url, tmp_path):
    import geopandas as gpd
    import shapely

    upload = tmp_path / "my_parcel.geojson"
    gpd.GeoDataFrame({"name": ["上传测试地块"], "intended_use": ["life_health"]},
                     geometry=[shapely.box(121.3990, 31.2480, 121.4030, 31.2510)], crs="EPSG:4326").to_file(upload)
    page.goto(f"{app_url}/parcels")
    frame = page.frame_locator(FRAME)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    expect(frame.locator(".leaflet-draw-draw-polygon")).to_have_count(1)  # Leaflet.draw served locally
    page.get_by_role("tab", name="添加地块").click()
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.get_by_role("button", name="添加上传的地块").click()
    grids = page.locator("[data-testid='stDataFrame']")
    grids.filter(has_text="上传测试地块").first.wait_for(state="attached", timeout=30_000)  # "my parcels"
    page.get_by_role("tab", name="地图与排名").click()
    page.get_by_role("heading", name="上传测试地块").wait_for(timeout=30_000)  # its score card is open
    ranking = grids.filter(has_text="U001").filter(has_text="形状紧凑度")  # in the ranking, with contributions
    ranking.first.wait_for(state="attached", timeout=30_000)
    page.screenshot(path=str(tmp_path / "parcels_uploaded.png"), full_page=True)
    assert page.external_requests == []


def test_parcels_page_draw_a_parcel_and_read_its_card(page, app_url):
    page.goto(f"{app_url}/parcels")
    frame = page.frame_locator(FRAME)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    frame.locator(".leaflet-draw-draw-rectangle").click()
    box = page.locator(FRAME).bounding_box()
    x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=5)
    page.mouse.move(x + 60, y + 45, steps=5)
    page.mouse.up()
    page.get_by_role("tab", name="添加地块").click()
    page.get_by_label("地块名称").fill("画的地块")
    add = page.get_by_role("button", name="添加绘制的地块")
    expect(add).to_be_enabled(timeout=30_000)  # the drawing reached the app
    add.click()
    page.get_by_role("tab", name="地图与排名").click()
    page.get_by_role("heading", name="画的地块").wait_for(timeout=30_000)
    card = page.locator("[data-testid='stDataFrame']").filter(has_text="邻近园区")
    card.first.wait_for(state="attached", timeout=30_000)
    assert page.external_requests == []


# Index of the largest path drawn with this fill colour.
LARGEST_PATH = """(fill) => {
  const paths = [...document.querySelectorAll('path.leaflet-interactive')].filter(p => p.getAttribute('fill') === fill);
  let best = -1, area = 0;
  paths.forEach((p, i) => { const r = p.getBoundingClientRect(); if (r.width * r.height > area) { area = r.width * r.height; best = i; } });
  return best; }"""


def click_largest(page, fill):
    """Click, as a user would (Playwright checks the polygon itself receives the click at its centre),
    the largest polygon drawn with this fill colour on the st_folium map; parcels are convex."""
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    index = frame.evaluate(LARGEST_PATH, fill)
    assert index >= 0, f"no polygon filled {fill}"
    page.frame_locator(FRAME).locator(f'path.leaflet-interactive[fill="{fill}"]').nth(index).click()


def test_scenario_click_parcel_save_reload_still_there(page, app_url):
    page.goto(f"{app_url}/scenarios")
    frame_loc = page.frame_locator(FRAME)
    frame_loc.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    added = page.locator("[data-testid='stMetric']").filter(has_text="新增面积")
    expect(added).to_contain_text("0.000 km²")
    click_largest(page, "#e9d8fd")  # the largest parcel not yet in the scenario
    expect(added).not_to_contain_text("0.000 km²", timeout=30_000)  # the parcel joined the scenario
    value = added.inner_text().split("\n")[-1]
    page.get_by_role("button", name="保存新版本").click()
    page.get_by_text("已保存：第 1 版").wait_for(timeout=30_000)
    page.reload()  # a new session: nothing in memory
    frame_loc.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    expect(added).to_contain_text("0.000 km²")
    page.locator("[data-testid='stSelectbox']").filter(has_text="打开已保存方案").click()
    page.get_by_role("option").first.click()
    page.get_by_role("button", name="打开", exact=True).click()
    expect(added).to_contain_text(value, timeout=30_000)
    assert page.external_requests == []


def wait_idle(page, *, timeout_s: float = 60.0) -> None:
    """Wait until Streamlit has finished running the script (its status widget is gone for 0.5 s)."""
    deadline, quiet_since = time.time() + timeout_s, None
    while time.time() < deadline:
        busy = page.locator("[data-testid='stStatusWidget']").count() > 0
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 0.5:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the app kept running")


def download(page, button, target_dir):
    """Click a download button once the app is idle and save the file; one retry if a rerun ate the click."""
    for attempt in range(2):
        wait_idle(page)
        try:
            with page.expect_download(timeout=45_000) as info:
                button.click()
            path = target_dir / info.value.suggested_filename
            info.value.save_as(path)
            return path
        except PlaywrightError:
            if attempt:
                raise
    raise AssertionError("unreachable")


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
    offline.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())  # no server, no network: the file stands alone
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
    page.locator("input[type=file]").first.set_input_files(str(upload))
    detected = page.locator("[data-testid='stMetric']").filter(has_text="源坐标系")
    expect(detected).to_contain_text("EPSG:4549", timeout=60_000)
    expect(page.locator("[data-testid='stMetric']").filter(has_text="属性编码")).to_contain_text("GBK")
    page.get_by_role("button", name="应用到本次会话").click()
    page.get_by_text("已应用").wait_for(timeout=30_000)
    page.get_by_role("link", name="园区地图").click()  # the sidebar navigation keeps the session
    page.frame_locator(FRAME).locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
    click_largest(page, "#c53030")  # where 长风生态商务区 was: the imported polygon is in the same place
    page.get_by_role("heading", name="导入测试子园").wait_for(timeout=30_000)
    assert page.external_requests == []
