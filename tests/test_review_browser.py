"""The 合规审查 page in a real browser: the examples drawn by verdict, a click opens a proposal's checks, the 审查意见
PDF downloads and renders, removing the proposals takes them off the map (what the map draws equals the data)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.test_browser import click_feature, download, idle, map_ready, page  # noqa: F401 (the page fixture)

pytestmark = pytest.mark.browser

DRAWN_CATS = "() => Object.values(window.__plannerMaps.review.layers.proposals?.items || {}).map(i => i.cat).join()"


def test_review_examples_click_a_site_download_its_review_and_clear(page, app_url, tmp_path):  # noqa: F811
    page.goto(f"{app_url}/review")
    map_ready(page, "review")
    assert page.evaluate("() => Object.keys(window.__plannerMaps.review.layers.konggui.items).length") == 93
    page.get_by_role("button", name="载入示例项目（虚构）").click()
    page.wait_for_function(f"() => ({DRAWN_CATS})() === 'pass,pass,fail,fail,fail,no_data'", timeout=60_000)
    expect(page.get_by_text("共 6 个项目：符合 2，不符合 3，缺少数据 1。")).to_be_visible()

    page.locator(".pp-map[data-map-key='review'] .pp-legend button").click()  # the whole legend covers sites
    click_feature(page, "review", "proposals", "3")  # 数字经济产业楼: 容积率 over
    checks = page.locator("[data-testid='stDataFrame']").filter(has_text="如何符合")
    expect(checks).to_be_visible(timeout=30_000)
    expect(page.get_by_text("数字经济产业楼 — 不符合")).to_be_visible()

    pdf = download(page, page.get_by_role("button", name="下载审查意见（PDF）"), tmp_path)
    assert pdf.name == "putuo_review_3.pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftoppm"), "poppler-utils is missing: run `bash scripts/setup.sh --dev`"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "sheet")], check=True)
    assert sorted(p.name for p in tmp_path.glob("sheet-*.png")) == ["sheet-1.png", "sheet-2.png"]

    page.get_by_role("button", name="载入示例项目（虚构）").click()  # the same layer, new content: redrawn
    page.wait_for_function(f"() => ({DRAWN_CATS})().split(',').length === 12", timeout=60_000)

    page.get_by_role("button", name="清空待审项目").click()
    page.wait_for_function("() => !window.__plannerMaps.review.layers.proposals", timeout=60_000)
    idle(page)
    expect(page.get_by_text("还没有待审项目", exact=False)).to_be_visible()
    assert page.external_requests == []
