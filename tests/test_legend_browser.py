"""The map's furniture in a real browser at 1440 × 900 (Playwright + Debian chromium, no network): every legend
entry is seen, an entry follows its layer's checkbox, and the scenario page's map is in the first screen.

Every wait is on a condition (the map's ``data-ready``/``data-pending``, Streamlit's script state, a retrying
``expect``); never a fixed sleep.
"""

import pytest
from playwright.sync_api import expect

from tests.conftest import save_failure_screenshot
from tests.test_browser import click_feature, idle, map_ready, wait_still

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1440, 900

#: The legend entries that are not fully seen: cut by the legend's own box, the map's or the window's.
_CLIPPED_JS = """(key) => {
  const host = document.querySelector(`.pp-map[data-map-key='${key}']`);
  const legend = host.querySelector('.pp-legend'), body = legend.querySelector('.pp-body');
  const inside = (r, b) => r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5 && r.left >= b.left - 0.5
    && r.right <= b.right + 0.5;
  const view = {top: 0, left: 0, bottom: window.innerHeight, right: window.innerWidth};
  const boxes = [body.getBoundingClientRect(), host.getBoundingClientRect(), view];
  const rows = [...body.children].filter((row) => getComputedStyle(row).display !== 'none');
  return {
    shown: rows.map((row) => row.textContent),
    clipped: rows.filter((row) => !boxes.every((b) => inside(row.getBoundingClientRect(), b)))
      .map((row) => row.textContent),
  };
}"""


#: The proposals whose drawn outline (screen box) is under the open legend or not wholly inside the map.
_UNDER_LEGEND_JS = """(key) => {
  const m = window.__plannerMaps[key], host = document.querySelector(`.pp-map[data-map-key='${key}']`);
  const legend = host.querySelector('.pp-legend').getBoundingClientRect(), map = host.getBoundingClientRect();
  const meets = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return Object.entries(m.layers.proposals.items).filter(([id, item]) => {
    const b = item.lyr.getBounds(), sw = m.map.latLngToContainerPoint(b.getSouthWest());
    const ne = m.map.latLngToContainerPoint(b.getNorthEast());
    const box = {left: map.left + sw.x, right: map.left + ne.x, top: map.top + ne.y, bottom: map.top + sw.y};
    const inside = box.left >= map.left && box.right <= map.right && box.top >= map.top && box.bottom <= map.bottom;
    return !inside || meets(box, legend);
  }).map(([id]) => id);
}"""


@pytest.fixture
def page(browser, app_url, request):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith((app_url, "data:", "blob:", "about:")) else route.abort()
        ),
    )
    pg = context.new_page()
    yield pg
    save_failure_screenshot(request, pg)
    context.close()


@pytest.mark.parametrize(
    "path,key,last",
    [("/parcels", "parcels", "未通过硬性规则"), ("/", "home", "地铁站"), ("/scenarios", "scenario", "手绘范围")],
)
def test_every_legend_entry_is_seen_whole(page, app_url, path, key, last):
    page.goto(f"{app_url}{path}")
    map_ready(page, key)
    idle(page)
    seen = page.locator(f".pp-map[data-map-key='{key}'] .pp-legend").evaluate(
        "(el) => el.closest('.pp-map').dataset.mapKey"
    )
    assert seen == key
    found = page.evaluate(_CLIPPED_JS, key)
    assert len(found["shown"]) >= 12 and last in found["shown"]
    assert found["clipped"] == [], f"legend entries not seen whole: {found['clipped']}"


def test_a_legend_entry_follows_its_layers_checkbox_and_stays_after_a_rerun(page, app_url):
    page.goto(app_url)
    map_ready(page, "home")
    entry = page.locator(".pp-map[data-map-key='home'] .pp-legend .pp-body > div").filter(has_text="地铁站")
    expect(entry).to_be_visible()
    page.locator(".leaflet-control-layers").hover()
    box = page.locator(".leaflet-control-layers-overlays label").filter(has_text="地铁站").locator("input")
    box.uncheck()
    expect(entry).to_be_hidden()
    expect(page.locator(".pp-map[data-map-key='home'] .pp-legend")).to_contain_text("普陀区界")  # the others stay
    page.mouse.move(10, 10)
    click_feature(page, "home", "subparks", "S01")  # the page runs again and sends the map its spec again
    expect(page.get_by_role("heading", name="长风生态商务区")).to_be_visible(timeout=30_000)
    idle(page)
    assert not page.evaluate(
        "() => window.__plannerMaps.home.map.hasLayer(window.__plannerMaps.home.layers.stations.group)"
    ), "a layer the user switched off came back after a rerun"
    expect(entry).to_be_hidden()
    page.locator(".leaflet-control-layers").hover()
    box.check()
    expect(entry).to_be_visible()


def test_a_layer_the_page_redraws_is_not_taken_for_one_the_user_switched_off(page, app_url):
    page.goto(app_url)
    map_ready(page, "home")
    page.evaluate(  # what a new document for the layer does (e.g. another CRS): the old one goes, the new one comes
        "() => { const pm = window.__plannerMaps.home, spec = pm.spec; pm.removeLayer('stations'); pm.update(spec); }"
    )
    map_ready(page, "home")
    assert page.evaluate(
        "() => window.__plannerMaps.home.map.hasLayer(window.__plannerMaps.home.layers.stations.group)"
    ), "the redrawn layer stayed off"
    entry = page.locator(".pp-map[data-map-key='home'] .pp-legend .pp-body > div").filter(has_text="地铁站")
    expect(entry).to_be_visible()


def test_the_scenario_pages_map_is_in_the_first_screen(page, app_url):
    page.goto(f"{app_url}/scenarios")
    map_ready(page, "scenario")
    idle(page)
    box = page.locator(".pp-map[data-map-key='scenario']").bounding_box()
    assert box is not None and box["height"] >= 400
    assert box["y"] < HEIGHT / 2, f"the map starts {box['y']:.0f} px down a {HEIGHT} px window"
    assert box["y"] + box["height"] <= HEIGHT, "the map runs past the first screen"
    for label in ("方案名称", "备注"):  # the scenario's controls beside it, in the same screen
        field = page.get_by_label(label).bounding_box()
        assert field is not None and field["y"] + field["height"] <= HEIGHT
    expect(page.get_by_role("button", name="保存新版本")).to_be_in_viewport()


def test_sites_are_fitted_beside_the_open_legend_not_under_it(page, app_url):
    """The review map zoomed to the example proposals with its 15-entry legend open: every site lies inside the map
    and clear of the legend (the open legend covered some before, and a user had to fold it first)."""
    page.goto(f"{app_url}/review")
    map_ready(page, "review")
    page.get_by_role("button", name="载入示例项目（虚构）").click()
    drawn = "() => Object.keys(window.__plannerMaps.review.layers.proposals?.items || {}).length"
    page.wait_for_function(f"() => ({drawn})() === 6", timeout=60_000)
    idle(page)
    legend = page.locator(".pp-map[data-map-key='review'] .pp-legend")
    expect(legend.locator(".pp-body")).to_be_visible()  # open
    wait_still(page, ".pp-map[data-map-key='review']")
    hidden = page.evaluate(_UNDER_LEGEND_JS, "review")
    assert hidden == [], f"sites under the legend or outside the map: {hidden}"
