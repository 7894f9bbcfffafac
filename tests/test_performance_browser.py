"""The 亩均效益 page in a real browser: the parcels drawn by class, a click opens a parcel's card with its formula,
the table downloads as an XLSX that opens with the rows the page shows."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.test_browser import click_feature, download, idle, map_ready, page  # noqa: F401 (the page fixture)

pytestmark = pytest.mark.browser

DRAWN = "() => Object.values(window.__plannerMaps.performance.layers.performance.items).map(i => i.cat)"


def test_performance_map_click_a_parcel_read_its_card_and_download_the_table(page, app_url, tmp_path):  # noqa: F811
    page.goto(f"{app_url}/performance")
    map_ready(page, "performance")
    expect(page.get_by_text("当前使用的是虚构演示数据", exact=False)).to_be_visible()
    cats = page.evaluate(DRAWN)
    assert len(cats) == 71 and cats.count("none") == 71 - 38  # the parcels without statistics in grey
    assert {c for c in cats if c != "none"} == {"A", "B", "C", "D"}

    click_feature(page, "performance", "performance", "P009")
    expect(page.get_by_text("得分 = 100 × (0.4×min(20.3/30,1.5)", exact=False)).to_be_visible(timeout=30_000)
    expect(
        page.get_by_role("heading", name="候选地块 P009（长征镇）")
    ).to_be_visible()  # the card (the table has it too)
    idle(page)

    xlsx = download(page, page.get_by_role("button", name="下载评价表（XLSX）"), tmp_path)
    assert xlsx.name == "putuo_land_performance_2025_demo.xlsx"
    sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("地块编号", "名称", "年份", "等级") and len(rows) == 1 + 38
    assert {r[3] for r in rows[1:]} == {"A", "B", "C", "D"} and all(type(r[4]) in (int, float) for r in rows[1:])
    assert page.external_requests == []
