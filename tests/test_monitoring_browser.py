"""实施监测 in a real browser: the standing of the indicators, an edit saved with its author, the 终期评估 PDF
downloaded and rendered."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from tests.test_browser import download, idle, page  # noqa: F401 (the page fixture)

pytestmark = pytest.mark.browser


def test_monitoring_page_shows_the_standing_and_downloads_the_final_evaluation(page, app_url, tmp_path):  # noqa: F811
    page.goto(f"{app_url}/indicators")
    status = page.locator("[data-testid='stDataFrame']").first
    expect(status).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible(timeout=30_000)  # the chart drew
    page.get_by_role("tab", name="终期评估报告").click()
    idle(page)
    pdf = download(page, page.get_by_role("button", name="下载终期评估报告（PDF）"), tmp_path)
    assert pdf.name == "putuo_final_evaluation.pdf" and pdf.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftoppm"), "poppler-utils is missing: run `bash scripts/setup.sh --dev`"
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "report")], check=True)
    assert len(list(tmp_path.glob("report-*.png"))) == 3
    assert page.external_requests == []
