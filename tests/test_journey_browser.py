"""Journeys in a real browser: a Baidu station table without a CRS imported by accepting the guess (BD-09, with the
evidence), work in progress back after a reload (the draft, then discarded), and a Chinese interface without
Streamlit's own English on any page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from gis.crs import shift_points
from tests.live_app import running_app
from tests.test_browser import click_feature, download, idle, map_ready, page  # noqa: F401 (the page fixture)

pytestmark = pytest.mark.browser

#: Streamlit's own English texts that must not show in the Chinese interface.
STREAMLIT_ENGLISH = ("Upload", "per file", "Select all", "Press Enter", "Drag and drop", "Choose an option", "Browse")


DRAWN_PREVIEW = (
    "() => { const l = window.__plannerMaps.import.layers.import_preview; if (!l || !l.ready) return null;"
    " return Object.entries(l.items).map(([id, i]) => [id, i.lyr.getLatLng().lat, i.lyr.getLatLng().lng]); }"
)


def _drawn_off_m(pg, lons, lats) -> float:
    """The import preview draws every feature (#1…#n) and no other; how far (m, largest) from ``lons``/``lats``."""
    pg.wait_for_function(f"() => ({DRAWN_PREVIEW})() !== null", timeout=60_000)
    drawn = {fid: (y, x) for fid, y, x in pg.evaluate(DRAWN_PREVIEW)}
    assert sorted(drawn) == sorted(f"#{i + 1}" for i in range(len(lons)))  # every feature, no other
    got = [drawn[f"#{i + 1}"] for i in range(len(lons))]
    return max(max(abs(y - b), abs(x - a)) for (y, x), a, b in zip(got, lons, lats)) * 111_000


@pytest.fixture(scope="module")
def autosave_url(tmp_path_factory):
    """The app with drafts kept (the suite's other servers keep none)."""
    log = tmp_path_factory.mktemp("autosave") / "streamlit.log"
    with running_app(log_path=log, extra_env={"PUTUO_AUTOSAVE": "1"}) as url:
        yield url


@pytest.mark.parametrize(("datum", "label"), [("bd09", "BD-09"), ("gcj02", "GCJ-02")])
def test_a_station_table_without_a_crs_is_guessed_by_its_datum_and_lands_in_place(
    page,  # noqa: F811
    app_url,
    tmp_path,
    data,
    datum,
    label,
):
    """A Baidu (BD-09) or AMap (GCJ-02) table of stations without a CRS: the guess names the datum with its evidence,
    and accepting it draws every station where it is (it was guessed EPSG:4326 and landed 0.5–1.2 km off)."""
    st = data.stations
    true_lon, true_lat = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    lon, lat = shift_points(true_lon, true_lat, source="wgs84", target=datum)
    rows = [f"{n}站,{x:.7f},{y:.7f}" for n, x, y in zip(st["name_zh"], lon, lat)]
    upload = tmp_path / f"{datum}_stations.csv"
    upload.write_text("名称,经度,纬度\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{app_url}/import")
    idle(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="导入到哪个图层").click()
    page.get_by_role("option", name="重点载体").click()
    idle(page)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    source = page.locator("[data-testid='stMetric']").filter(has_text="源坐标系")
    expect(source).to_contain_text(label, timeout=90_000)
    expect(
        page.get_by_text(re.compile(rf"按 {label} 与 {len(st)} 个同名地铁站相差 0 米；按 WGS84 相差 \d")).first
    ).to_be_visible()
    map_ready(page, "import")
    assert _drawn_off_m(page, true_lon, true_lat) < 1.0  # where the stations are (the raw ones are 0.5–1.2 km off)
    apply = page.get_by_role("button", name="应用到本次会话")
    page.get_by_text(re.compile("确认坐标系")).click()
    idle(page)
    expect(apply).to_be_enabled(timeout=60_000)
    apply.click()
    expect(page.get_by_text("已应用")).to_be_visible(timeout=60_000)
    assert page.external_requests == []


def test_a_reload_brings_back_the_scenario_being_edited_until_it_is_discarded(browser, autosave_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(f"{autosave_url}/scenarios")
        map_ready(pg, "scenario")
        click_feature(pg, "scenario", "scenario_parcels", "P060")
        added = pg.locator("[data-testid='stMetric']").filter(has_text="新增面积")
        expect(added).not_to_contain_text("0.000", timeout=60_000)
        idle(pg)
        pg.reload()  # a new session: nothing in its state but what the workspace kept
        map_ready(pg, "scenario")
        expect(pg.get_by_text(re.compile("已恢复您上次未完成的方案"))).to_be_visible(timeout=60_000)
        expect(added).not_to_contain_text("0.000")
        pg.get_by_role("button", name="放弃草稿").click()
        expect(pg.get_by_text(re.compile("已恢复您上次未完成的方案"))).to_have_count(0, timeout=60_000)
        expect(added).to_contain_text("0.000", timeout=60_000)
        idle(pg)
        pg.reload()
        map_ready(pg, "scenario")
        idle(pg)
        expect(pg.get_by_text(re.compile("已恢复您上次未完成的方案"))).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["", "parcels", "scenarios", "review", "import", "export", "indicators", "performance", "data"]
)
def test_the_chinese_interface_shows_none_of_streamlits_english(page, app_url, path):  # noqa: F811
    page.goto(f"{app_url}/{path}")
    idle(page, timeout_ms=90_000)
    expect(page.locator("[data-testid='stSidebar']")).to_contain_text("中文")
    english = re.compile("|".join(re.escape(s) for s in STREAMLIT_ENGLISH))
    # retried: the style sheet that says them in Chinese is drawn by a chunk Streamlit may load a moment later
    expect(page.locator("[data-testid='stApp']")).not_to_contain_text(english, use_inner_text=True, timeout=30_000)
    found: list[str] = []
    multiselects = page.locator("[data-testid='stMultiSelect']")
    if multiselects.count():  # the open list of a multiselect (Streamlit adds "Select all" there)
        multiselects.first.click()
        listed = page.locator("[role='listbox']").first
        expect(listed).to_be_visible()
        found += [s for s in STREAMLIT_ENGLISH if s in listed.inner_text()]
        page.keyboard.press("Escape")
    assert not found, f"/{path} shows Streamlit's English: {found}"


def test_an_internet_basemap_that_cannot_load_is_said_once_on_the_map(page, app_url):  # noqa: F811
    page.goto(app_url)
    map_ready(page, "home")
    page.locator("[data-testid='stSelectbox']").filter(has_text="底图").click()
    page.get_by_role("option", name="OpenStreetMap").click()  # its tiles are refused here, as on an intranet
    failed = page.locator(".pp-map[data-map-key='home'][data-basemap-failed='1']")
    expect(failed).to_have_count(1, timeout=60_000)
    note = page.locator(".pp-basemap-failed")
    expect(note).to_have_count(1)  # once, however many tiles failed
    expect(note).to_have_text("底图无法加载（可能未连接互联网），图层数据不受影响。")


@pytest.fixture(scope="module")
def three_scenarios_url(tmp_path_factory):
    """The app on a workspace holding three saved scenarios (方案A, 方案B, 方案C), each adding other parcels."""
    from planner import scenario_edit as se
    from planner.auth import single_user
    from planner.workspace import save_scenario
    from store import open_workspace

    folder = tmp_path_factory.mktemp("three")
    ws = open_workspace(path=folder / "workspace.gpkg", cached=False)
    for name, parcels in (("方案A", ["P060"]), ("方案B", ["P014", "P061"]), ("方案C", ["P001"])):
        sc = se.set_parcels(se.History(se.blank_scenario(name=name, author="x")), parcels).current
        save_scenario(ws, single_user(), sc, base_version=None)
    with running_app(log_path=folder / "streamlit.log", workspace=folder / "workspace.gpkg") as url:
        url.workspace = folder / "workspace.gpkg"  # type: ignore[attr-defined]
        yield url


DRAWN_COMPARED = "() => Object.keys(window.__plannerMaps.compare.layers.scenario_added?.items || {}).sort().join()"


def _pick(pg, name: str) -> None:
    pg.locator("[data-testid='stMultiSelect']").filter(has_text="选择 2–4 个方案比较").click()
    pg.get_by_role("option", name=re.compile(name)).click()
    pg.keyboard.press("Escape")
    idle(pg)


def test_the_comparison_map_draws_exactly_the_scenarios_picked(browser, three_scenarios_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(f"{three_scenarios_url}/scenarios")
        idle(pg, timeout_ms=90_000)
        pg.get_by_role("tab", name="比较").click()
        idle(pg)
        _pick(pg, "方案A")
        _pick(pg, "方案B")
        map_ready(pg, "compare")
        pg.wait_for_function(f"() => ({DRAWN_COMPARED})() === 's0,s1'", timeout=60_000)
        _pick(pg, "方案C")  # a third scenario: drawn
        pg.wait_for_function(f"() => ({DRAWN_COMPARED})() === 's0,s1,s2'", timeout=60_000)
        legend = pg.locator(".pp-map[data-map-key='compare'] .pp-legend")
        expect(legend).to_contain_text("方案C")
        remove_b = pg.locator("[data-testid='stMultiSelect'] [aria-label^='Remove 方案B']")
        remove_b.click()  # 方案B removed: its parcels leave the map
        idle(pg)
        pg.wait_for_function(f"() => ({DRAWN_COMPARED})() === 's0,s1'", timeout=60_000)
        expect(legend).not_to_contain_text("方案B")
        drawn = pg.evaluate(
            "() => Object.values(window.__plannerMaps.compare.layers.scenario_added.items).map(i => i.props.join('|'))"
        )
        assert len(drawn) == 2 and "方案A" in drawn[0] and "方案C" in drawn[1] and "方案B" not in str(drawn)
    finally:
        context.close()


def test_the_import_preview_redraws_the_points_where_the_chosen_crs_puts_them(page, app_url, tmp_path, data):  # noqa: F811
    import geopandas as gpd

    st = data.stations
    lon, lat = shift_points(st.geometry.x.to_numpy(), st.geometry.y.to_numpy(), source="wgs84", target="gcj02")
    gcj = gpd.GeoDataFrame({"名称": st["name_zh"].to_numpy()}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    upload = tmp_path / "amap_stations.geojson"
    gcj.to_file(upload)
    page.goto(f"{app_url}/import")
    idle(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="导入到哪个图层").click()
    page.get_by_role("option", name="重点载体").click()
    idle(page)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    map_ready(page, "import")
    assert _drawn_off_m(page, lon, lat) < 1.0  # as declared (WGS84): the raw AMap coordinates, ~500 m off
    page.get_by_role("button", name=re.compile("按 GCJ-02")).click()
    expect(page.locator("[data-testid='stMetric']").filter(has_text="源坐标系")).to_contain_text(
        "GCJ-02", timeout=60_000
    )
    idle(page)
    true_lon, true_lat = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    page.wait_for_function(
        f"() => {{ const d = ({DRAWN_PREVIEW})(); return d && Math.abs(d[0][2] - {true_lon[0]}) < 1e-4; }}",
        timeout=60_000,
    )
    assert _drawn_off_m(page, true_lon, true_lat) < 1.0  # redrawn where the stations are


def test_a_scenario_file_imported_twice_gives_two_distinct_copies_listed_at_once(
    browser, three_scenarios_url, tmp_path
):
    from planner.auth import single_user
    from planner.workspace import export_scenarios, list_scenarios
    from store import open_workspace
    from text.clock import beijing_today

    ws = open_workspace(path=three_scenarios_url.workspace, cached=False)
    a = next(h for h in list_scenarios(ws, single_user()) if h.name == "方案A")
    file = tmp_path / "putuo_scenarios.gpkg"
    file.write_bytes(export_scenarios(ws, single_user(), [a.id]))
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    pg = context.new_page()
    try:
        pg.goto(f"{three_scenarios_url}/scenarios")
        idle(pg, timeout_ms=90_000)
        pg.get_by_role("tab", name="导入导出").click()
        idle(pg)
        today = beijing_today()
        for copy in (f"方案A（导入 {today}）", f"方案A（导入 {today}） (2)"):
            pg.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(file))
            pg.get_by_role("button", name="导入方案文件（GeoPackage）").click()
            expect(pg.get_by_text(f"已导入：{copy}", exact=True)).to_be_visible(timeout=60_000)
        pg.locator("[data-testid='stSelectbox']").filter(has_text="打开已保存方案").click()  # no reload needed
        listed = pg.get_by_role("option")
        expect(listed.filter(has_text=f"方案A（导入 {today}） (2) · v1")).to_have_count(1)
        expect(listed.filter(has_text=re.compile(rf"^方案A（导入 {today}） · v1$"))).to_have_count(1)
    finally:
        context.close()


#: Every page of the single-user app, in the sidebar's words, visited between choosing weights and the report.
EVERY_PAGE = (
    "page_explorer",
    "page_scenarios",
    "page_review",
    "page_import",
    "page_indicators",
    "page_performance",
    "page_data",
    "page_export",
)


def test_a_preset_chosen_on_the_parcels_page_is_what_every_page_and_the_report_use(page, app_url, tmp_path):  # noqa: F811
    """轨交优先 chosen on 候选地块评估, every other page visited through the sidebar, then the 方案报告: its weights are
    the preset's (they reset to 均衡 after another page before, and the report printed an analysis nobody did)."""
    import subprocess

    from planner import evaluate as ev_
    from planner.data import folder_dataset
    from planner.review import bundled_regulatory
    from text.messages import t

    page.goto(f"{app_url}/parcels")
    idle(page, timeout_ms=90_000)
    preset = page.locator("[data-testid='stSelectbox']").filter(has_text=t("preset", "zh"))
    preset.click()
    page.get_by_role("option", name=t("preset_transit_first", "zh"), exact=True).click()
    idle(page)
    nav = page.get_by_test_id("stSidebarNav")
    for key in EVERY_PAGE:
        nav.get_by_text(t(key, "zh"), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=90_000)
        idle(page, timeout_ms=90_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    page.get_by_role("tab", name=t("exp_tab_report", "zh")).click()
    page.get_by_role("button", name=t("report_make", "zh")).click()
    button = page.get_by_role("button", name=t("exp_download", "zh") + " PDF", exact=True)
    expect(button).to_be_visible(timeout=120_000)
    report = download(page, button, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True).stdout

    ev = ev_.evaluate(folder_dataset(), regulatory=bundled_regulatory())  # the criteria the pages evaluated
    chosen = ev_.preset_weights("transit_first", ev.criteria)
    assert chosen != ev_.preset_weights("balanced", ev.criteria)  # the test tells the preset from the default
    for criterion, share in ev_.percent_shares(chosen).items():  # whole percents adding up to 100, as printed
        assert re.search(rf"{re.escape(ev_.criterion_label(criterion, 'zh'))}\s+{share}%", text), (criterion, share)
    nav.get_by_text(t("page_parcels", "zh"), exact=True).click()
    idle(page, timeout_ms=90_000)
    expect(preset.get_by_role("combobox")).to_have_value(t("preset_transit_first", "zh"))  # where the user left it
