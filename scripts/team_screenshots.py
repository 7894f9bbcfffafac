"""Screenshots of issue 11's pages for the documentation (headless chromium, PUTUO_AUTH=local, a throw-away
workspace): docs/screenshot-login.png, -conflict.png, -admin.png, -admin-layers.png, -audit.png.

    python scripts/team_screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright

from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.test_team_browser import (
    SLOW,
    add_accounts,
    idle,
    new_page,
    open_scenarios_as,
    save,
    sign_in,
    type_into,
)
from text.messages import t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    out = parser.parse_args().out
    import geopandas as gpd

    from planner import auth
    from planner import workspace as pw
    from store import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws_path = Path(tmp) / "ws.gpkg"
        add_accounts(ws_path)
        ws = open_workspace(path=ws_path, cached=False)
        boss = auth.User("boss", "admin", "local")
        outline = gpd.read_file(Path(__file__).resolve().parent.parent / "data/boundaries/subparks.geojson")
        pw.publish_layer(ws, boss, "subparks", outline.iloc[:13], note="初稿（13 个子园）")
        pw.publish_layer(ws, boss, "subparks", outline, note="区规划资源局 2026 年版")
        with running_app(workspace=ws_path, extra_env={"PUTUO_AUTH": "local"}) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            opened = []

            def pages(u: str):
                opened.append(new_page(browser, u))
                return opened[-1]

            try:
                login = pages(url)
                login.goto(url)
                expect(login.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
                idle(login)
                login.get_by_label(t("login_name", "zh")).fill("alice")
                login.get_by_label(t("login_password", "zh"), exact=True).click()
                login.screenshot(path=str(out / "screenshot-login.png"))

                alice = open_scenarios_as(pages, url, "alice")
                type_into(alice, t("scen_name", "zh"), "北拓协同方案")
                save(alice)
                expect(alice.get_by_text(t("scen_saved", "zh", version=1))).to_be_visible(timeout=SLOW)
                bob = open_scenarios_as(pages, url, "bob")
                bob.locator("[data-testid='stSelectbox']").filter(has_text=t("scen_open", "zh")).click()
                bob.get_by_role("option").filter(has_text="北拓协同方案").click()
                idle(bob)
                bob.get_by_role("button", name=t("scen_load", "zh"), exact=True).click()
                expect(bob.get_by_label(t("scen_name", "zh"), exact=True)).to_have_value("北拓协同方案", timeout=SLOW)
                type_into(alice, t("scen_notes", "zh"), "加入桃浦片区两块")
                save(alice)
                expect(alice.get_by_text(t("scen_saved", "zh", version=2))).to_be_visible(timeout=SLOW)
                type_into(bob, t("scen_notes", "zh"), "按局务会意见调整")
                save(bob)
                expect(bob.get_by_text(t("err_title_conflict", "zh"))).to_be_visible(timeout=SLOW)
                idle(bob)
                expect(bob.get_by_test_id("stText").filter(has_text="alice")).to_be_visible()
                bob.screenshot(path=str(out / "screenshot-conflict.png"))

                admin = pages(url)
                sign_in(admin, url, "boss", path="admin")
                expect(admin.get_by_role("heading", name=t("admin_title", "zh"))).to_be_visible(timeout=SLOW)
                idle(admin)
                expect(admin.get_by_test_id("stDataFrame").first).to_contain_text("victor", timeout=SLOW)
                expect(admin.get_by_role("combobox", name=t("acc_pick", "zh"))).to_be_visible()
                admin.screenshot(path=str(out / "screenshot-admin.png"))
                admin.get_by_role("tab", name=t("tab_layers", "zh")).click()
                idle(admin)
                expect(admin.get_by_text(t("lay_restore", "zh"))).to_be_visible(timeout=SLOW)
                expect(admin.get_by_test_id("stDataFrame").first).to_contain_text("2026", timeout=SLOW)
                admin.screenshot(path=str(out / "screenshot-admin-layers.png"))
                admin.get_by_test_id("stSidebarNav").get_by_text(t("page_audit", "zh"), exact=True).click()
                expect(admin.get_by_role("heading", name=t("audit_title", "zh"))).to_be_visible(timeout=SLOW)
                idle(admin)
                admin.get_by_role("button", name=t("audit_verify", "zh")).click()
                expect(admin.get_by_text("审计记录完整")).to_be_visible(timeout=SLOW)
                expect(admin.get_by_test_id("stDataFrame").first).to_contain_text("alice", timeout=SLOW)
                admin.screenshot(path=str(out / "screenshot-audit.png"))
            finally:
                for page in opened:
                    page.context.close()
                browser.close()
    print("written:", ", ".join(f"screenshot-{n}.png" for n in ("login", "conflict", "admin", "admin-layers", "audit")))


if __name__ == "__main__":
    main()
