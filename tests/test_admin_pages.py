"""AppTest of issue 11's pages: the sign-in gate (local, single sign-on, proxy), the user box, the admin page
(accounts, shared layers, archived scenarios) and the audit page; role checks (a viewer neither sees nor uses them)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from gis.errors import PermissionDeniedError
from gis.scenario import Scenario
from pages import state
from planner import auth
from planner import workspace as pw
from store import accounts as acct
from store import open_workspace
from tests.apptest_util import open_app, open_tab, texts
from tests.live_app import ROOT
from text.clock import BEIJING, beijing_days_utc
from text.messages import t

PASSWORD = "correct horse 1"


@pytest.fixture
def ws_path(tmp_path, monkeypatch):
    path = tmp_path / "ws.gpkg"
    monkeypatch.setenv("PUTUO_WORKSPACE", str(path))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    monkeypatch.setenv("PUTUO_AUTH", "local")
    for name in ("PUTUO_DATABASE_URL", "PUTUO_LOCKOUT_ATTEMPTS", "PUTUO_PROXY_HEADER", "PUTUO_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def ws(ws_path):
    return open_workspace(path=ws_path)


def add(ws, name: str, role: str, *, password: str | None = PASSWORD, **kw):
    return acct.add_account(ws, name, role, actor="cli:test", password=password, **kw)


def signed_in(ws, name: str, page: str | None = None, *, lang: str = "zh") -> AppTest:
    """The app with ``name`` signed in (its session token in the session, as the sign-in page keeps it)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state[state.TOKEN] = auth.sign_in(ws, auth.AuthConfig(mode="local"), name, PASSWORD).token
    if lang != "zh":
        app.session_state[state.LANG] = lang
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown(app: AppTest) -> str:
    return " ".join(texts(app) + [x.value for x in app.text] + [x.value for x in app.code])


def login(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="login_name").input(name)
    app.text_input(key="login_password").input(password)
    app.button[0].click().run()  # the form's submit button (the only button of the sign-in page)
    assert not app.exception, [e.value for e in app.exception]
    return app


# --- the gate -----------------------------------------------------------------------------------------------
def test_no_account_yet_says_how_to_make_the_first_admin_and_shows_nothing_else(ws_path):
    app = open_app()
    assert app.title[0].value == t("login_title", "zh")
    assert app.info[0].value == t("login_setup", "zh")
    assert app.code[0].value == "python -m gis users add 名称 --role admin"
    assert not app.text_input  # no form to fill while nobody can sign in
    with pytest.raises(ValueError):  # the pages are not even registered
        app.switch_page("pages/scenarios.py")


def test_sign_in_shows_the_first_page_and_the_user_box_then_sign_out(ws):
    add(ws, "wang", "editor")
    app = open_app()
    assert app.title[0].value == t("login_title", "zh") and not app.sidebar.button
    login(app, "wang", "wrong password")
    assert app.error[0].value == t("err_title_auth", "zh") and t("auth_failed", "zh") in shown(app)
    assert app.session_state["login_password"] == ""  # a password is never kept in the session
    login(app, "Wang ", PASSWORD)  # names are trimmed and lower-cased
    assert app.title[0].value == t("app_title", "zh")  # the home page, in the same run
    box = " ".join(m.value for m in app.sidebar.markdown)
    assert "wang（编辑者）" in box and t("via_local", "zh") in box
    app.switch_page("pages/scenarios.py").run()
    assert app.button(key="scen_save").disabled is False
    app.session_state["weights_chosen"] = {"size": 99.0}  # work in progress of wang's
    app.sidebar.button(key="user_logout").click().run()
    assert app.title[0].value == t("login_title", "zh") and app.info[0].value == t("login_signed_out", "zh")
    assert "weights_chosen" not in app.session_state and "scenario_history" not in app.session_state
    assert [e.action for e in ws.audit.entries(actor="wang", newest_first=False)] == [
        "auth.login_failed",
        "auth.login",
        "auth.logout",
    ]


def test_the_back_off_is_said_with_the_seconds_to_wait(ws, monkeypatch):
    monkeypatch.setenv("PUTUO_LOCKOUT_ATTEMPTS", "2")
    add(ws, "li", "viewer")
    ws.accounts.throttle = acct.SignInThrottle(clock=lambda: 1000.0)  # time stands still: no run comes too late
    app = open_app()
    login(app, "li", "nope nope 1")
    login(app, "li", "nope nope 2")
    assert "账号名或密码错误" in shown(app)
    login(app, "li", PASSWORD)  # the next try from this browser comes too soon, even with the right password
    assert app.title[0].value == t("login_title", "zh") and "请等 1 秒后再试" in shown(app)
    assert "锁定" not in shown(app) and ws.accounts.get("li").locked_until is None


def test_an_expired_or_revoked_session_asks_to_sign_in_again(ws):
    add(ws, "wang", "editor")
    app = signed_in(ws, "wang")
    pw.update_account(ws, auth.single_user(), "wang", disabled=True)  # an admin disables the account meanwhile
    app.run()
    assert app.title[0].value == t("login_title", "zh") and state.TOKEN not in app.session_state


def test_single_sign_on_signs_in_the_linked_account(ws, monkeypatch):
    monkeypatch.setenv("PUTUO_AUTH", "oidc")
    add(ws, "li.wei@bureau.example", "editor", password=None)
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.user = {"is_logged_in": True, "email": "Li.Wei@bureau.example", "sub": "abc", "name": "Li Wei"}
    app.run()
    assert not app.exception and app.title[0].value == t("app_title", "zh")
    assert "li.wei@bureau.example" in " ".join(m.value for m in app.sidebar.markdown).replace("\\", "")
    stranger = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    stranger.user = {"is_logged_in": True, "email": "zhao@bureau.example", "sub": "zzz"}
    stranger.run()
    assert stranger.title[0].value == t("login_title", "zh")
    assert "zhao@bureau.example" in shown(stranger) and "--sso" in shown(stranger)  # ask an admin to add it


def test_single_sign_on_not_configured_says_so(ws, monkeypatch):
    monkeypatch.setenv("PUTUO_AUTH", "oidc")
    add(ws, "admin", "admin")
    for person in ({"is_logged_in": False}, {}):  # {}: st.user without an [auth] section
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        app.user = person
        app.run()
        assert not app.exception and not app.error
        app.button(key="login_oidc").click().run()
        assert not app.exception and app.error[0].value == t("login_oidc_missing", "zh")


def test_proxy_header_from_an_untrusted_peer_is_not_a_sign_in(ws, monkeypatch):
    monkeypatch.setenv("PUTUO_AUTH", "proxy")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")  # as scripts/run_app.sh starts the app
    monkeypatch.setenv("PUTUO_PROXY_HEADER", "X-Remote-User")
    monkeypatch.setenv("PUTUO_TRUSTED_PROXIES", "10.0.0.5")
    add(ws, "wang", "editor", password=None)
    app = open_app()  # AppTest has no proxy in front: no trusted peer, no header
    assert app.title[0].value == t("login_title", "zh")
    assert app.warning[0].value == t("login_proxy_none", "zh", header="X\\-Remote\\-User")


# --- roles --------------------------------------------------------------------------------------------------
def test_a_viewer_has_no_admin_pages_and_is_refused_if_it_runs_them_anyway(ws):
    add(ws, "boss", "admin")
    add(ws, "kan", "viewer")
    admin = signed_in(ws, "boss")
    admin.switch_page("pages/admin.py").run()  # registered for an admin
    assert admin.title[0].value == t("admin_title", "zh")
    viewer = signed_in(ws, "kan", "pages/scenarios.py")
    assert viewer.button(key="scen_save").disabled is True
    for page in ("pages/admin.py", "pages/audit.py"):
        with pytest.raises(ValueError):  # not in a viewer's navigation
            viewer.switch_page(page)
    for page in ("pages/admin.py", "pages/audit.py"):  # the page script run directly: refused in planner/
        direct = AppTest.from_file(str(ROOT / page), default_timeout=60)
        direct.session_state[state.TOKEN] = viewer.session_state[state.TOKEN]
        direct.run()
        assert not direct.exception
        message = " ".join(x.value for x in direct.text)
        assert "kan（查看者）无权" in message and "需要的角色：管理员" in message
        assert not direct.dataframe
    kan = auth.User("kan", "viewer", "local")
    for call in (
        lambda: pw.list_accounts(ws, kan),
        lambda: pw.audit_entries(ws, kan),
        lambda: pw.verify_audit(ws, kan),
        lambda: pw.add_account(ws, kan, "x", "admin", password=PASSWORD),
        lambda: pw.save_scenario(ws, kan, Scenario(name="看看"), base_version=None),
    ):
        with pytest.raises(PermissionDeniedError):
            call()


def test_an_editor_has_no_admin_pages(ws):
    add(ws, "wang", "editor")
    app = signed_in(ws, "wang")
    with pytest.raises(ValueError):
        app.switch_page("pages/admin.py")


# --- admin page: accounts -----------------------------------------------------------------------------------
def test_admin_adds_an_account_changes_its_role_disables_and_resets_its_password(ws):
    add(ws, "boss", "admin")
    app = signed_in(ws, "boss", "pages/admin.py")
    form = dict(acc_new_name="zhang", acc_new_pw=PASSWORD, acc_new_pw2=PASSWORD + "x")
    for key, value in form.items():
        app.text_input(key=key).input(value)
    app.selectbox(key="acc_new_role@zh").select("editor")
    app.button(key="FormSubmitter:acc_add_form-添加账号").click().run()
    assert t("acct_password_mismatch", "zh") in shown(app) and ws.accounts.get("zhang") is None
    app.text_input(key="acc_new_pw").input("short")
    app.text_input(key="acc_new_pw2").input("short")
    app.button(key="FormSubmitter:acc_add_form-添加账号").click().run()
    assert "密码太短" in shown(app) and ws.accounts.get("zhang") is None
    app.text_input(key="acc_new_name").input("zhang")
    app.text_input(key="acc_new_pw").input(PASSWORD)
    app.text_input(key="acc_new_pw2").input(PASSWORD)
    app.button(key="FormSubmitter:acc_add_form-添加账号").click().run()
    assert app.success[0].value == t("acc_added", "zh", name="zhang", role="编辑者")
    assert ws.accounts.get("zhang").role == "editor" and app.session_state["acc_new_pw"] == ""
    table = app.dataframe[0].value
    assert table.set_index("账号名").loc["zhang", "角色"] == "编辑者"

    app.selectbox(key="acc_pick").select("zhang").run()
    app.selectbox(key="acc_role_of_zhang@zh").select("admin").run()
    app.button(key="acc_set_role").click().run()
    assert ws.accounts.get("zhang").role == "admin" and "管理员" in app.success[0].value
    app.button(key="acc_toggle").click().run()
    assert ws.accounts.get("zhang").disabled and app.button(key="acc_toggle").label == t("acc_enable", "zh")
    assert app.dataframe[0].value.set_index("账号名").loc["zhang", "状态"] == "已停用"
    app.button(key="acc_toggle").click().run()
    assert not ws.accounts.get("zhang").disabled
    app.text_input(key="acc_reset_pw").input("a new password 2")
    app.text_input(key="acc_reset_pw2").input("a new password 2")
    app.button(key="acc_reset").click().run()
    assert app.success[0].value.startswith("已重设账号 zhang 的密码")
    assert auth.sign_in(ws, auth.AuthConfig(mode="local"), "zhang", "a new password 2").user.role == "admin"

    app.selectbox(key="acc_pick").select("boss").run()  # demote the last other admin? zhang is an admin now …
    app.button(key="acc_toggle").click().run()  # … so boss may be disabled; enable it again through planner
    assert ws.accounts.get("boss").disabled
    pw.update_account(ws, auth.User("zhang", "admin", "local"), "boss", disabled=False)


def test_the_last_admin_cannot_demote_itself(ws):
    add(ws, "boss", "admin")
    app = signed_in(ws, "boss", "pages/admin.py")
    app.selectbox(key="acc_pick").select("boss").run()
    app.selectbox(key="acc_role_of_boss@zh").select("viewer").run()
    app.button(key="acc_set_role").click().run()
    assert not app.exception and "最后一个启用的管理员" in shown(app)
    assert ws.accounts.get("boss").role == "admin"


# --- admin page: shared layers and archived scenarios -------------------------------------------------------
def _layer(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [f"S{i:02d}" for i in range(n)], "name_zh": ["园"] * n},
        geometry=[shapely.box(121.40 + i * 0.01, 31.25, 121.405 + i * 0.01, 31.255) for i in range(n)],
        crs="EPSG:4326",
    )


def test_admin_lists_layer_versions_and_restores_an_old_one(ws):
    add(ws, "boss", "admin")
    boss = auth.User("boss", "admin", "local")
    pw.publish_layer(ws, boss, "subparks", _layer(2), note="局里的第一版")
    pw.publish_layer(ws, boss, "subparks", _layer(3), note="第二版")
    app = signed_in(ws, "boss", "pages/admin.py")
    open_tab(app, "admin_tab", "tab_layers")
    table = app.dataframe[0].value
    assert table["版本"].tolist() == [2, 1] and table["要素数"].tolist() == [3, 2]
    assert table["当前"].tolist() == [t("lay_current_mark", "zh"), ""] and table["发布人"].tolist() == ["boss"] * 2
    assert table["说明"].tolist() == ["第二版", "局里的第一版"]
    app.button(key="lay_restore").click().run()  # version 1 is the only older one
    assert app.success[0].value.endswith("第 1 版重新发布为第 3 版。")
    current = ws.layers.versions("subparks")[0]
    assert (current.version, current.restored_from, current.n_features) == (3, 1, 2)
    assert ws.audit.entries(action_prefix="layer.restore")[0].actor == "boss"


def test_admin_archives_with_a_reason_and_brings_back(ws):
    add(ws, "boss", "admin")
    add(ws, "wang", "editor")
    saved = pw.save_scenario(ws, auth.User("wang", "editor", "local"), Scenario(name="北拓"), base_version=None)
    app = signed_in(ws, "boss", "pages/admin.py")
    open_tab(app, "admin_tab", "tab_archive")
    assert app.button(key="arc_button").disabled  # a reason is required
    app.text_input(key="arc_reason").input("与二期规划重复").run()
    app.button(key="arc_button").click().run()
    assert app.success[0].value == t("arc_done", "zh", name="北拓")
    head = ws.scenarios.head(saved.scenario.id)
    assert head.archived and head.archive_reason == "与二期规划重复" and head.archived_by == "boss"
    assert app.dataframe[0].value["原因"].tolist() == ["与二期规划重复"]
    assert pw.list_scenarios(ws, auth.User("wang", "editor", "local")) == ()  # gone from normal lists
    app.button(key="arc_restore").click().run()
    assert not ws.scenarios.head(saved.scenario.id).archived and app.success[0].value.startswith("已恢复方案")


def test_admin_sets_the_bureau_basemap_service_which_every_map_then_offers_and_clears_it(ws):
    from planner import basemaps

    add(ws, "boss", "admin")
    app = signed_in(ws, "boss", "pages/admin.py")
    open_tab(app, "admin_tab", "tab_basemap")
    assert app.info[0].value == t("bm_none", "zh") and app.button(key="bm_save").disabled
    app.text_input(key="bm_url").input("file:///etc/passwd").run()
    app.button(key="bm_save").click().run()
    assert "file:///etc/passwd" in shown(app) and basemaps.service(ws) is None  # refused, said in place
    app.text_input(key="bm_url").input("http://10.1.2.3/tdt/{z}/{x}/{y}.png").run()
    app.selectbox(key="bm_datum@zh").set_value("gcj02").run()
    app.text_input(key="bm_attribution").input("普陀区规划资源局").run()
    app.button(key="bm_save").click().run()
    assert app.success[0].value == t("bm_saved", "zh")
    bureau = basemaps.service(ws)
    assert bureau is not None and bureau.tiles == ("http://10.1.2.3/tdt/{z}/{x}/{y}.png",) and bureau.datum == "gcj02"
    assert "bureau" in [b.id for b in basemaps.basemap_choices(ws)]
    change = next(e for e in ws.audit.entries(action_prefix="setting") if e.object_id == "basemap_datum")
    assert change.actor == "boss"
    assert change.summary.text("zh") == "将“单位底图坐标基准”由“（无）”改为“GCJ-02（高德、腾讯坐标）”"
    audit = signed_in(ws, "boss", "pages/audit.py")
    table = audit.dataframe[0].value
    assert "单位底图服务地址" in table["对象"].tolist() and not table["内容"].str.contains("basemap_").any()
    assert "系统" in table["用户"].tolist()  # the workspace's own upgrade entry
    app.button(key="bm_clear").click().run()
    assert app.success[0].value == t("bm_cleared", "zh") and basemaps.service(ws) is None


# --- audit page ---------------------------------------------------------------------------------------------
def test_beijing_days_become_utc_bounds():
    assert beijing_days_utc(date(2026, 11, 1), date(2026, 11, 30)) == (
        "2026-10-31T16:00:00.000000Z",
        "2026-11-30T16:00:00.000000Z",
    )
    assert beijing_days_utc(None, None) == (None, None)


def test_audit_page_filters_translates_verifies_and_detects_an_edit(ws, ws_path):
    add(ws, "boss", "admin")
    add(ws, "wang", "editor")
    wang = auth.User("wang", "editor", "local")
    saved = pw.save_scenario(ws, wang, Scenario(name="北拓"), base_version=None)
    app = signed_in(ws, "boss", "pages/audit.py")
    table = app.dataframe[0].value
    assert table["序号"].tolist() == sorted(table["序号"], reverse=True)  # newest first
    row = table[table["操作"] == "保存方案"].iloc[0]
    assert row["用户"] == "wang" and row["对象类型"] == "方案" and row["内容"].startswith("保存方案“北拓”第 1 版")
    assert "scenario.save" not in table["操作"].tolist()
    app.selectbox(key="audit_actor").select("wang").run()
    assert set(app.dataframe[0].value["用户"]) == {"wang"}
    app.selectbox(key="audit_type@zh").select("scenario").run()
    assert app.dataframe[0].value["对象"].tolist() == [saved.scenario.id]
    today = datetime.now(BEIJING).date()
    app.date_input(key="audit_since").set_value(today).run()
    assert len(app.dataframe) == 1
    app.date_input(key="audit_until").set_value(today - timedelta(days=1)).run()
    assert app.warning[0].value == t("audit_bad_dates", "zh") and not app.dataframe
    app.date_input(key="audit_since").set_value(today - timedelta(days=3)).run()
    assert app.info[0].value == t("audit_none", "zh")  # nothing the days before today
    app.date_input(key="audit_until").set_value(None).run()
    app.button(key="audit_verify").click().run()
    assert app.success[0].value.startswith("审计记录完整")
    seq = ws.audit.entries(action_prefix="scenario.save")[0].seq
    with sqlite3.connect(ws_path) as con:  # an edit behind the app's back
        con.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (seq,))
    app.button(key="audit_verify").click().run()
    assert f"第 {seq} 条" in app.error[0].value.replace("\\", "")
    english = signed_in(ws, "boss", "pages/audit.py", lang="en")
    english.button(key="audit_verify").click().run()
    assert f"entry {seq}" in english.error[0].value and "Time (Beijing)" in english.dataframe[0].value.columns


def test_audit_export_has_the_filtered_entries_in_the_users_language(ws):
    add(ws, "boss", "admin")
    add(ws, "wang", "editor")
    pw.save_scenario(ws, auth.User("wang", "editor", "local"), Scenario(name="=HYPERLINK(1)"), base_version=None)
    boss = auth.User("boss", "admin", "local")
    data = pw.export_audit(ws, boss, fmt="csv", lang="en", actor="wang", object_type="scenario").decode("utf-8-sig")
    lines = data.strip().splitlines()
    assert len(lines) == 2 and "saved scenario '=HYPERLINK(1)' version 1" in lines[1]
    assert pw.export_audit(ws, boss, fmt="xlsx", actor="wang")[:2] == b"PK"


def test_a_read_only_workspace_is_announced_above_every_page(ws_path, monkeypatch):
    import os

    from store import forget_open_workspaces

    add(open_workspace(path=ws_path), "boss", "admin")
    forget_open_workspaces()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    notice = open_workspace(path=ws_path).readonly_message()
    assert notice is not None
    monkeypatch.setenv("PUTUO_AUTH", "none")
    for page in (None, "pages/indicators.py", "pages/admin.py"):
        app = open_app(page)
        assert app.warning[0].value == notice.text("zh")  # once, above the page
        assert [w.value for w in app.warning].count(notice.text("zh")) == 1
    monkeypatch.setenv("PUTUO_AUTH", "local")  # signing in writes a session: it says why it cannot
    app = open_app()
    assert app.warning[0].value == auth.notice_before_sign_in(notice).text("zh")  # not where the file is
    assert str(ws_path.parent) not in app.warning[0].value and "只读" in app.warning[0].value
    login(app, "boss", PASSWORD)
    assert app.title[0].value == t("login_title", "zh") and app.error[0].value == t("err_title_workspace", "zh")
    assert app.text[0].value.startswith("无法登录：工作空间") and "只读" in app.text[0].value
    forget_open_workspaces()
