"""Issue 11 "Done means" in a real browser: two editors sign in (two browser contexts), the second saves over a
stale version and gets the conflict choice; a viewer cannot save; `audit verify` passes, then fails naming the
entry a test edited with sqlite3. Also the admin and audit pages as an admin sees them.

Accounts are made with `python -m gis users add` (password on stdin); the app runs with PUTUO_AUTH=local on a
temporary workspace. Every wait is on a condition (Streamlit's script state, a retrying ``expect``).
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gis.errors import PermissionDeniedError
from tests.conftest import save_failure_screenshot
from tests.live_app import ROOT, running_app
from text.messages import t

pytestmark = pytest.mark.browser

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PASSWORD = "team work 2026"
TEAM = (("boss", "admin"), ("alice", "editor"), ("bob", "editor"), ("victor", "viewer"))
SLOW = 60_000  # ms: a page's first run on a loaded 2-core machine


def gis_cli(ws: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``python -m gis ARGS`` on the workspace ``ws`` (messages in English)."""
    env = {**os.environ, "PUTUO_WORKSPACE": str(ws), "PUTUO_LANG": "en"}
    env.pop("PUTUO_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "gis", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        capture_output=True,
        timeout=120,
    )


def add_accounts(ws: Path, accounts=TEAM) -> None:
    """Make the accounts with `python -m gis users add NAME --role ROLE`, the password on stdin; the first alone
    (it creates the workspace), the others at the same time."""
    first, *rest = accounts
    done = gis_cli(ws, "users", "add", first[0], "--role", first[1], stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    env = {**os.environ, "PUTUO_WORKSPACE": str(ws), "PUTUO_LANG": "en"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gis", "users", "add", name, "--role", role],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, role in rest
    ]
    for proc in procs:
        out, err = proc.communicate(PASSWORD + "\n", timeout=120)
        assert proc.returncode == 0, err
    listing = gis_cli(ws, "users", "list").stdout
    assert all(name in listing for name, _ in accounts), listing


@pytest.fixture
def team(tmp_path):
    """(URL of the app requiring a sign-in, its workspace file) with the TEAM accounts."""
    ws = tmp_path / "ws.gpkg"
    add_accounts(ws)
    with running_app(log_path=tmp_path / "streamlit.log", workspace=ws, extra_env={"PUTUO_AUTH": "local"}) as url:
        yield url, ws


def new_page(browser, url: str):
    """A page in a new browser context (its own cookies and Streamlit session); nothing leaves the machine."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    external: list[str] = []

    def guard(route):
        if route.request.url.startswith((url, "data:", "blob:", "about:")):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.external_requests = external
    return page


@pytest.fixture
def pages(browser, request):
    """Opens pages in new contexts; closes them (a screenshot of each under test-artifacts/ when the test failed)."""
    opened = []

    def open_(url: str):
        opened.append(new_page(browser, url))
        return opened[-1]

    yield open_
    for i, page in enumerate(opened):
        save_failure_screenshot(request, page, suffix=f"-{i}")
        page.context.close()


def idle(page, timeout_ms: int = SLOW) -> None:
    page.locator(IDLE).wait_for(timeout=timeout_ms)


def sign_in(page, url: str, name: str, *, path: str = "", password: str = PASSWORD) -> None:
    """Open ``url/path`` (the sign-in page in a new session) and sign in as ``name``."""
    page.goto(f"{url}/{path}")
    expect(page.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
    idle(page)
    page.get_by_label(t("login_name", "zh")).fill(name)
    page.get_by_label(t("login_password", "zh"), exact=True).fill(password)
    page.get_by_role("button", name=t("login_submit", "zh"), exact=True).click()


def open_scenarios_as(pages, url: str, name: str):
    page = pages(url)
    sign_in(page, url, name, path="scenarios")  # a deep link: the sign-in, then that very page
    expect(page.get_by_role("heading", name=t("scen_title", "zh"))).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(name)
    idle(page)
    return page


def type_into(page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(text)
    page.keyboard.press("Tab")
    idle(page)
    expect(box).to_have_value(text)


def save(page) -> None:
    idle(page)
    page.get_by_role("button", name=t("scen_save", "zh")).click()


def test_a_deep_link_opened_first_on_a_fresh_server_asks_for_the_sign_in(team, pages):
    """The pages live in pages/, the folder Streamlit's old multipage mode would run page by page: the first
    session of a fresh server opened at /data_sources (a page file's own name) must still get app.py's sign-in gate."""
    url, _ = team
    page = pages(url)
    page.goto(f"{url}/data_sources")
    expect(page.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
    idle(page)
    expect(page.get_by_role("heading", name=t("data_title", "zh"))).to_have_count(0)


def test_two_editors_conflict_a_viewer_cannot_save_and_an_edited_audit_row_is_detected(team, pages):
    from gis.scenario import Scenario
    from planner import auth
    from planner import workspace as pw
    from store import open_workspace

    url, ws_path = team
    alice = open_scenarios_as(pages, url, "alice")
    expect(alice.get_by_test_id("stSidebar")).to_contain_text("alice（编辑者）")
    type_into(alice, t("scen_name", "zh"), "北拓协同")
    save(alice)
    expect(alice.get_by_text(t("scen_saved", "zh", version=1))).to_be_visible(timeout=SLOW)

    bob = open_scenarios_as(pages, url, "bob")  # a second browser context: another person
    bob.locator("[data-testid='stSelectbox']").filter(has_text=t("scen_open", "zh")).click()
    bob.get_by_role("option").filter(has_text="北拓协同").click()
    idle(bob)
    bob.get_by_role("button", name=t("scen_load", "zh"), exact=True).click()
    expect(bob.get_by_label(t("scen_name", "zh"), exact=True)).to_have_value("北拓协同", timeout=SLOW)
    expect(bob.get_by_text(t("scen_from_version", "zh", version=1))).to_be_visible()

    type_into(alice, t("scen_notes", "zh"), "甲的第二稿")  # alice saves again: bob's version 1 is stale now
    save(alice)
    expect(alice.get_by_text(t("scen_saved", "zh", version=2))).to_be_visible(timeout=SLOW)

    type_into(bob, t("scen_notes", "zh"), "乙的意见")
    save(bob)
    expect(bob.get_by_text(t("err_title_conflict", "zh"))).to_be_visible(timeout=SLOW)  # nothing saved silently
    expect(bob.get_by_test_id("stText").filter(has_text="alice")).to_contain_text("第 2 版")  # who saved what
    branch = bob.get_by_role("button", name=t("conflict_branch", "zh"))
    over = bob.get_by_role("button", name=t("conflict_overwrite", "zh", version=2))
    cancel = bob.get_by_role("button", name=t("conflict_cancel", "zh"))
    for button in (branch, over, cancel):
        expect(button).to_be_visible()
    ws = open_workspace(path=ws_path, cached=False)
    sid = ws.scenarios.heads()[0].id
    assert [v.version for v in ws.scenarios.history(sid)] == [1, 2]  # the stale save wrote nothing
    over.click()  # reviewed: save over version 2
    expect(bob.get_by_text(t("scen_saved", "zh", version=3))).to_be_visible(timeout=SLOW)
    history = ws.scenarios.history(sid)
    assert [(v.version, v.author, v.kind) for v in history] == [
        (1, "alice", "save"),
        (2, "alice", "save"),
        (3, "bob", "overwrite"),
    ]

    victor = open_scenarios_as(pages, url, "victor")
    expect(victor.get_by_test_id("stSidebar")).to_contain_text("victor（查看者）")
    expect(victor.get_by_role("button", name=t("scen_save", "zh"))).to_be_disabled()
    expect(victor.get_by_text(t("scen_viewer_note", "zh"))).to_be_visible()
    nav = victor.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text(t("page_scenarios", "zh"))
    expect(nav).not_to_contain_text(t("page_admin", "zh"))
    viewer = auth.sign_in(ws, auth.AuthConfig(mode="local"), "victor", PASSWORD).user
    with pytest.raises(PermissionDeniedError):  # the planner refuses, whatever the page shows
        pw.save_scenario(ws, viewer, Scenario(id=sid, name="北拓协同"), base_version=3)
    assert len(ws.scenarios.history(sid)) == 3

    intact = gis_cli(ws_path, "audit", "verify")
    assert intact.returncode == 0 and "intact" in intact.stdout, intact.stderr
    target = next(e.seq for e in ws.audit.entries(action_prefix="scenario.save", newest_first=False))
    with sqlite3.connect(ws_path) as con:  # behind the app's back: the append-only trigger dropped, a row edited
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        assert con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (target,)).rowcount == 1
    broken = gis_cli(ws_path, "audit", "verify")
    assert broken.returncode == 1
    assert f"altered at entry {target}:" in broken.stderr and "edited" in broken.stderr, broken.stderr
    for page in (alice, bob, victor):
        assert page.external_requests == []


def test_admin_manages_accounts_and_reads_the_audit_trail(team, pages, tmp_path):
    url, ws_path = team
    boss = pages(url)
    sign_in(boss, url, "boss")
    expect(boss.get_by_role("heading", name=t("app_title", "zh"))).to_be_visible(timeout=SLOW)
    nav = boss.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text(t("page_admin", "zh"))
    nav.get_by_text(t("page_admin", "zh"), exact=True).click()
    expect(boss.get_by_role("heading", name=t("admin_title", "zh"))).to_be_visible(timeout=SLOW)
    idle(boss)
    accounts = boss.get_by_test_id("stDataFrame").first
    expect(accounts).to_contain_text("victor")
    form = boss.get_by_test_id("stForm")
    form.get_by_label(t("acc_col_name", "zh"), exact=True).fill("zhou")
    form.get_by_label(t("acc_password", "zh", min=8), exact=True).fill("zhou zhou 1")
    form.get_by_label(t("acc_password_again", "zh"), exact=True).fill("zhou zhou 1")
    form.get_by_role("button", name=t("acc_add_submit", "zh")).click()
    expect(boss.get_by_text(t("acc_added", "zh", name="zhou", role="查看者"))).to_be_visible(timeout=SLOW)
    idle(boss)
    boss.screenshot(path=str(tmp_path / "admin.png"), full_page=True)

    nav.get_by_text(t("page_audit", "zh"), exact=True).click()
    expect(boss.get_by_role("heading", name=t("audit_title", "zh"))).to_be_visible(timeout=SLOW)
    idle(boss)
    table = boss.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    boss.get_by_role("button", name=t("audit_verify", "zh")).click()
    expect(boss.get_by_text("审计记录完整")).to_be_visible(timeout=SLOW)
    boss.locator("[data-testid='stSelectbox']").filter(has_text=t("audit_user", "zh")).click()
    boss.get_by_role("option", name="boss", exact=True).click()
    from store import open_workspace

    by_boss = len(open_workspace(path=ws_path, cached=False).audit.entries(actor="boss"))
    expect(boss.get_by_text(t("audit_count", "zh", n=by_boss))).to_be_visible(timeout=SLOW)  # filtered
    idle(boss)
    button = boss.get_by_role("button", name=t("audit_export_csv", "zh"))
    expect(button).to_be_enabled()
    with boss.expect_download(timeout=SLOW) as info:
        button.click()
    path = tmp_path / "audit.csv"
    info.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["seq", "time_beijing", "time_utc", "actor"] and len(rows) >= 3
    assert {r[3] for r in rows[1:]} == {"boss"}  # the filter applies to the export
    assert any("添加账号 zhou" in r[7] for r in rows[1:])  # in the user's language
    boss.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    assert boss.external_requests == []


def test_trusted_proxy_header_signs_in_and_a_request_without_it_does_not(browser, tmp_path):
    """PUTUO_AUTH=proxy with the proxy on this machine (127.0.0.1 trusted): the header names the account."""
    ws = tmp_path / "ws.gpkg"
    done = gis_cli(ws, "users", "add", "wang", "--role", "editor", "--sso")
    assert done.returncode == 0, done.stderr
    env = {"PUTUO_AUTH": "proxy", "PUTUO_PROXY_HEADER": "X-Remote-User", "PUTUO_TRUSTED_PROXIES": "127.0.0.1"}
    with running_app(log_path=tmp_path / "streamlit.log", workspace=ws, extra_env=env) as url:
        contexts = []
        try:
            for header in ({"X-Remote-User": "wang"}, {}):
                contexts.append(browser.new_context(viewport={"width": 1400, "height": 900}, extra_http_headers=header))
            signed, anonymous = (c.new_page() for c in contexts)
            signed.goto(f"{url}/scenarios")
            expect(signed.get_by_role("heading", name=t("scen_title", "zh"))).to_be_visible(timeout=SLOW)
            expect(signed.get_by_test_id("stSidebar")).to_contain_text("wang（编辑者）")
            expect(signed.get_by_test_id("stSidebar")).to_contain_text(t("via_proxy", "zh"))
            idle(signed)
            signed.get_by_role("button", name=t("user_logout", "zh")).click()  # no silent sign-in after that
            expect(signed.get_by_role("button", name=t("login_again", "zh"))).to_be_visible(timeout=SLOW)
            signed.get_by_role("button", name=t("login_again", "zh")).click()
            expect(signed.get_by_test_id("stSidebar")).to_contain_text("wang（编辑者）", timeout=SLOW)
            anonymous.goto(url)
            expect(anonymous.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
            expect(anonymous.get_by_text("X-Remote-User")).to_be_visible()  # names the header it lacked
        finally:
            for context in contexts:
                context.close()
    from store import open_workspace

    logins = open_workspace(path=ws, cached=False).audit.entries(actor="wang", action_prefix="auth.")
    assert [e.action for e in logins][::-1] == ["auth.login", "auth.logout", "auth.login"]


@pytest.mark.parametrize(
    "trusted,forwarded,signed_in",
    [
        ("10.9.9.9", "10.9.9.9", False),  # a local process posing as the trusted proxy by X-Forwarded-For
        ("127.0.0.1", "203.0.113.5", True),  # the same-machine proxy adding the browser's address, as nginx does
    ],
)
def test_the_proxy_header_is_trusted_from_the_socket_peer_never_from_x_forwarded_for(
    browser, tmp_path, trusted, forwarded, signed_in
):
    ws = tmp_path / "ws.gpkg"
    done = gis_cli(ws, "users", "add", "boss", "--role", "admin", "--sso")
    assert done.returncode == 0, done.stderr
    env = {"PUTUO_AUTH": "proxy", "PUTUO_PROXY_HEADER": "X-Remote-User", "PUTUO_TRUSTED_PROXIES": trusted}
    with running_app(log_path=tmp_path / "streamlit.log", workspace=ws, extra_env=env) as url:
        context = browser.new_context(
            viewport={"width": 1400, "height": 900},
            extra_http_headers={"X-Remote-User": "boss", "X-Forwarded-For": forwarded},
        )
        try:
            page = context.new_page()
            page.goto(f"{url}/scenarios")
            if signed_in:
                expect(page.get_by_role("heading", name=t("scen_title", "zh"))).to_be_visible(timeout=SLOW)
                expect(page.get_by_test_id("stSidebar")).to_contain_text("boss（管理员）")
            else:
                expect(page.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
                idle(page)
                expect(page.get_by_test_id("stSidebar")).not_to_contain_text("boss")
        finally:
            context.close()
