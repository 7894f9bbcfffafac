"""The team workspace on both engines (test ids [geopackage] / [postgis]): versions, conflicts, roles, sign-in,
audit chain, shared layers, scenario files, several processes, a writer killed mid-save."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gis.crs import to_metric
from gis.errors import (
    AccountNameError,
    AuthError,
    ConflictError,
    PermissionDeniedError,
    ScenarioFileError,
    StoreError,
    WorkspaceReadOnlyError,
)
from gis.scenario import Scenario
from planner import auth
from planner import workspace as pw
from planner.auth import AuthConfig, User
from store import open_workspace
from store.accounts import LoginPolicy, token_hash
from store.transfer import write_scenario_file
from tests.live_app import ROOT
from tests.pg import database_from_template, fresh_database, psql
from text.clock import beijing_today
from text.messages import CATALOGUE, placeholders

ALICE, BOB = User("alice", "editor", "local"), User("bob", "editor", "local")
VIEWER, ADMIN = User("vera", "viewer", "local"), User("ada", "admin", "local")


@pytest.fixture(params=["geopackage", "postgis"])
def location(request, tmp_path) -> dict:
    """Where an empty workspace lives: a GeoPackage file, or a fresh PostGIS database of the session cluster."""
    if request.param == "geopackage":
        return {"path": tmp_path / "ws.gpkg"}
    url = request.getfixturevalue("postgis_url")
    template = request.getfixturevalue("postgis_template")
    return {"url": database_from_template(url, template, "t_" + uuid.uuid4().hex[:12])}


@pytest.fixture
def ws(location):
    workspace = open_workspace(**location, cached=False)
    yield workspace
    workspace.close()


def env_for(location: dict) -> dict:
    """The environment pointing a subprocess (CLI, writer) at the same workspace."""
    env = {k: v for k, v in os.environ.items() if k not in ("PUTUO_DATABASE_URL", "PUTUO_WORKSPACE")}
    env["PUTUO_LANG"] = "en"
    if "url" in location:
        env["PUTUO_DATABASE_URL"] = location["url"]
    else:
        env["PUTUO_WORKSPACE"] = str(location["path"])
    return env


def cli(location: dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``python -m gis ARGS`` in a new process (the real entry point, stdin not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "gis", *args],
        cwd=ROOT,
        env=env_for(location),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli_here(location: dict, monkeypatch, capsys, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """The same command run in this process (faster); stdin is a pipe, not a terminal."""
    from gis.__main__ import main

    for key, value in env_for(location).items():
        monkeypatch.setenv(key, value)
    for key in ("PUTUO_DATABASE_URL", "PUTUO_WORKSPACE"):
        if key not in env_for(location):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse refusing an option
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out.out, out.err)


def scenario(name="甲方案", n_drawn=1, **kw) -> Scenario:
    s = Scenario(
        name=name,
        notes="备注",
        parcels=("P001", "P002"),
        weights={"transit": 0.4},
        assign={"P001": "subpark:S01"},
        **kw,
    )
    for i in range(n_drawn):
        s = s.with_drawn(f"D{i}", f"画{i}", shapely.box(121.39 + i * 1e-3, 31.25, 121.3905 + i * 1e-3, 31.2505))
    return s


def tamper(location: dict, sql: str, *, trigger_tables: tuple[str, ...] = ("audit_log",)) -> None:
    """Edit the workspace behind the app's back (as an attacker with file or database access would)."""
    if "url" in location:
        disable = "; ".join(f"ALTER TABLE {t} DISABLE TRIGGER ALL" for t in trigger_tables)
        psql(location["url"], f"{disable}; {sql}")
    else:
        con = sqlite3.connect(location["path"])
        for t in trigger_tables:
            con.execute(f"DROP TRIGGER IF EXISTS {t}_no_update")
            con.execute(f"DROP TRIGGER IF EXISTS {t}_no_delete")
        con.execute(sql)
        con.commit()
        con.close()


# --- versions and history ----------------------------------------------------------------------------------
def test_save_load_history_author_is_the_acting_user(ws):
    s = scenario(author="typed by hand")
    first = pw.save_scenario(ws, ALICE, s, base_version=None)
    assert first.version == 1 and first.scenario.author == "alice"
    loaded = pw.load_scenario(ws, BOB, s.id)
    second = pw.save_scenario(ws, BOB, loaded.scenario.with_parcel("P003", included=True), base_version=loaded.version)
    assert second.version == 2 and second.scenario.author == "bob"
    assert ws.scenarios.load(s.id) == (second.scenario, 2) and ws.scenarios.load(s.id, version=1)[0] == first.scenario
    hist = pw.scenario_history(ws, VIEWER, s.id)
    assert [(h.version, h.author) for h in hist] == [(1, "alice"), (2, "bob")]
    assert hist[1].changes.text("en") == "parcels added: P003" and hist[1].changes.text("zh") == "加入地块 P003"
    heads = pw.list_scenarios(ws, VIEWER)
    assert [(h.id, h.version, h.created_by, h.saved_by) for h in heads] == [(s.id, 2, "alice", "bob")]
    with pytest.raises(StoreError, match="No scenario with id nope"):
        ws.scenarios.load("nope")
    with pytest.raises(StoreError, match="has no version 7"):
        ws.scenarios.load(s.id, version=7)
    with pytest.raises(StoreError, match="already exists"):  # a "new" scenario reusing an existing id
        pw.save_scenario(ws, BOB, s, base_version=None)


def test_geometries_are_a_layer_gis_software_opens_with_srid_4326(ws, location):
    saved = pw.save_scenario(ws, ALICE, scenario(n_drawn=2), base_version=None)
    if "url" in location:
        out = psql(location["url"], "SELECT f_table_name || ' ' || srid FROM geometry_columns ORDER BY 1")
        assert out.split("\n")[:3] == ["layer_features 4326", "scenario_extents 4326", "scenario_geometries 4326"]
        from sqlalchemy import create_engine

        engine = create_engine(location["url"].replace("postgresql://", "postgresql+psycopg://"))
        layer = gpd.read_postgis("SELECT * FROM scenario_geometries", engine, geom_col="geom")
        engine.dispose()
    else:
        layer = gpd.read_file(location["path"], layer="scenario_geometries")
    assert layer.crs.to_epsg() == 4326 and set(layer["name"]) == {"画0", "画1"}
    geoms = ws.scenarios.drawn_geometries(saved.scenario.id, 1)
    assert geoms["D1"].equals(shapely.from_wkt(saved.scenario.drawn["D1"][1]))


# --- working together ---------------------------------------------------------------------------------------
def test_conflict_then_branch_or_save_over_after_review(ws):
    s = pw.save_scenario(ws, ALICE, scenario(), base_version=None).scenario
    bobs = pw.load_scenario(ws, BOB, s.id)  # Bob opens version 1
    pw.save_scenario(ws, ALICE, s.with_parcel("P009", included=True), base_version=1)  # Alice saves version 2
    with pytest.raises(ConflictError) as caught:
        pw.save_scenario(ws, BOB, bobs.scenario.with_parcel("P005", included=True), base_version=bobs.version)
    exc = caught.value
    assert (exc.latest_version, exc.saved_by, exc.base_version) == (2, "alice", 1)
    assert "P009" in exc.changes.text("en") and "alice" in exc.text("zh") and "P009" in exc.text("zh")
    assert [h.version for h in ws.scenarios.history(s.id)] == [1, 2]  # nothing superseded
    branch = pw.save_as_branch(
        ws, BOB, bobs.scenario.with_parcel("P005", included=True), parent_id=s.id, parent_version=bobs.version
    )
    assert branch.scenario.id != s.id and branch.version == 1 and branch.scenario.author == "bob"
    head = ws.scenarios.head(branch.scenario.id)
    assert (head.parent_id, head.parent_version) == (s.id, 1)
    over = pw.save_scenario(
        ws, BOB, bobs.scenario.with_parcel("P005", included=True), base_version=1, overwrite_from=exc.latest_version
    )
    assert over.version == 3 and ws.scenarios.history(s.id)[-1].kind == "overwrite"
    entry = ws.audit.entries(action_prefix="scenario.overwrite")[0]
    assert entry.actor == "bob" and "version 3 over version 2" in entry.summary.text("en")
    with pytest.raises(ConflictError):  # save over a version that is no longer the latest
        pw.save_scenario(ws, ALICE, s, base_version=2, overwrite_from=2)


def test_editors_limited_to_their_own_scenarios_when_configured(ws):
    s = pw.save_scenario(ws, ALICE, scenario(), base_version=None).scenario
    own_only = AuthConfig(editors_edit_others=False)
    with pytest.raises(PermissionDeniedError, match="created by alice"):
        pw.save_scenario(ws, BOB, s, base_version=1, config=own_only)
    assert pw.save_scenario(ws, ALICE, s, base_version=1, config=own_only).version == 2
    assert pw.save_scenario(ws, ADMIN, s, base_version=2, config=own_only).version == 3


# --- roles --------------------------------------------------------------------------------------------------
def test_a_viewer_cannot_save_import_publish_archive_or_read_the_audit(ws, tmp_path):
    s = pw.save_scenario(ws, ALICE, scenario(), base_version=None).scenario
    before = (ws.scenarios.history(s.id), ws.audit.verify().count)
    with pytest.raises(PermissionDeniedError) as caught:
        pw.save_scenario(ws, VIEWER, s, base_version=1)
    assert "vera" in caught.value.text("en") and "查看者" in caught.value.text("zh")
    assert caught.value.title_code == "err_title_permission"
    with pytest.raises(PermissionDeniedError):
        pw.save_as_branch(ws, VIEWER, s, parent_id=s.id, parent_version=1)
    with pytest.raises(PermissionDeniedError):
        pw.import_scenarios(ws, VIEWER, pw.export_scenarios(ws, VIEWER, [s.id]), filename="x.gpkg")
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(121.3, 31.2, 121.31, 31.21)], crs=4326)
    for call in (
        lambda: pw.publish_layer(ws, VIEWER, "parcels", gdf),
        lambda: pw.publish_layer(ws, ALICE, "parcels", gdf),
        lambda: pw.archive_scenario(ws, ALICE, s.id, reason="x"),
        lambda: pw.audit_entries(ws, ALICE),
        lambda: pw.list_accounts(ws, ALICE),
        lambda: pw.list_scenarios(ws, ALICE, include_archived=True),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    assert (ws.scenarios.history(s.id), ws.audit.verify().count) == before  # nothing written


def test_archive_hides_from_lists_but_not_from_admins(ws):
    s = pw.save_scenario(ws, ALICE, scenario(), base_version=None).scenario
    with pytest.raises(StoreError, match="needs a reason"):
        pw.archive_scenario(ws, ADMIN, s.id, reason="  ")
    head = pw.archive_scenario(ws, ADMIN, s.id, reason="方案已被否决")
    assert head.archived and head.archive_reason == "方案已被否决" and head.archived_by == "ada"
    assert pw.list_scenarios(ws, ALICE) == ()
    assert [h.id for h in pw.list_scenarios(ws, ADMIN, include_archived=True)] == [s.id]
    with pytest.raises(StoreError, match="No scenario with id"):
        pw.load_scenario(ws, ALICE, s.id)
    assert pw.load_scenario(ws, ADMIN, s.id).version == 1
    with pytest.raises(StoreError, match="archived by ada"):
        pw.save_scenario(ws, ADMIN, s, base_version=1)
    pw.unarchive_scenario(ws, ADMIN, s.id)
    assert [h.id for h in pw.list_scenarios(ws, ALICE)] == [s.id]
    assert [e.action for e in ws.audit.entries(object_id=s.id, newest_first=False)] == [
        "scenario.save",
        "scenario.archive",
        "scenario.unarchive",
    ]


# --- audit trail --------------------------------------------------------------------------------------------
def test_audit_verify_passes_then_fails_after_a_row_is_edited_directly(ws, location):
    s = pw.save_scenario(ws, ALICE, scenario(), base_version=None).scenario
    pw.save_scenario(ws, BOB, s, base_version=1)
    pw.archive_scenario(ws, ADMIN, s.id, reason="测试")
    ok = cli(location, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout, ok.stderr
    target = ws.audit.entries(action_prefix="scenario.save", newest_first=False)[1].seq
    if "url" not in location:  # the append-only triggers refuse an edit through SQL ...
        with sqlite3.connect(location["path"]) as con, pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (target,))
    tamper(location, f"UPDATE audit_log SET actor = 'mallory' WHERE seq = {target}")  # ... dropped by an attacker
    check = ws.audit.verify()
    assert not check.ok and check.broken_seq == target
    bad = cli(location, "audit", "verify")
    assert bad.returncode == 1 and f"altered at entry {target}" in bad.stderr and "edited" in bad.stderr


def test_audit_detects_a_removed_last_entry_and_an_inserted_one(ws, location):
    for i in range(3):
        pw.change_setting(ws, ADMIN, "default_weights", {"transit": i})
    count = ws.audit.verify().count
    tamper(location, f"DELETE FROM audit_log WHERE seq = {count}")
    check = ws.audit.verify()
    assert not check.ok and check.broken_seq == count and "chain head" in check.message.text("en")


def test_every_kind_of_change_is_audited_with_a_bilingual_summary(ws, tmp_path):
    pw.add_account(ws, ADMIN, "Bob", "editor", password="correct horse")
    pw.update_account(ws, ADMIN, "bob", role="viewer")
    pw.update_account(ws, ADMIN, "bob", disabled=True)
    config = AuthConfig(mode="local")
    with pytest.raises(AuthError):
        auth.sign_in(ws, config, "bob", "correct horse")  # disabled
    s = pw.save_scenario(ws, ALICE, scenario(), base_version=None).scenario
    pw.import_scenarios(ws, ALICE, pw.export_scenarios(ws, ALICE, [s.id]), filename="../../etc/方案.gpkg")
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(121.3, 31.2, 121.31, 31.21)], crs=4326)
    pw.publish_layer(ws, ADMIN, "parcels", gdf)
    pw.save_field_mapping(ws, ALICE, "sig", "parcels", {"id": "ID"})
    pw.change_setting(ws, ADMIN, "max_upload_mb", 50)
    actions = [e.action for e in pw.audit_entries(ws, ADMIN)][::-1]
    for expected in (
        "account.add",
        "account.role",
        "account.disable",
        "auth.login_failed",
        "scenario.save",
        "scenario.import",
        "layer.publish",
        "settings.mapping",
        "settings.change",
    ):
        assert expected in actions
    imported = ws.audit.entries(action_prefix="scenario.import")[0]
    assert "方案.gpkg" in imported.summary.text("zh") and "etc" not in imported.summary.text("en")
    setting = ws.audit.entries(action_prefix="settings.change")[0]
    assert "max_upload_mb" in setting.summary.text("zh") and "50" in setting.summary.text("en")
    for e in pw.audit_entries(ws, ADMIN):
        assert e.at_utc.endswith("Z") and e.summary.code in CATALOGUE
        assert e.summary.text("zh") and e.summary.text("en")
    assert ws.audit.verify().ok


def test_audit_export_cells_never_formulas(ws, location, tmp_path):
    with pytest.raises(AuthError):
        auth.sign_in(ws, AuthConfig(mode="local"), '=HYPERLINK("http://x")', "whatever1")
    with pytest.raises(AuthError):
        auth.sign_in(ws, AuthConfig(mode="local"), "@SUM(1)", "whatever1")
    data = pw.export_audit(ws, ADMIN, fmt="csv", lang="en").decode("utf-8-sig")
    import csv
    import io

    cells = [c for row in csv.reader(io.StringIO(data)) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert any(c.lower().startswith("'=hyperlink") for c in cells)
    xlsx = tmp_path / "audit.xlsx"
    out = cli(location, "audit", "export", "--xlsx", str(xlsx))
    assert out.returncode == 0, out.stderr
    from openpyxl import load_workbook

    values = [c for row in load_workbook(xlsx).active.iter_rows() for c in row]
    assert values and all(c.data_type == "s" for c in values)
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in values)


# --- accounts and sign-in -----------------------------------------------------------------------------------
def test_users_cli_and_local_sign_in_with_back_off(ws, location, monkeypatch, capsys):
    out = cli(location, "users", "add", "Alice", "--role", "editor", stdin="s3cret-words\n")
    assert out.returncode == 0, out.stderr
    short = cli_here(location, monkeypatch, capsys, "users", "add", "bob", "--role", "admin", stdin="short\n")
    assert short.returncode == 2 and "too short" in short.stderr and "Traceback" not in short.stderr
    assert (
        cli_here(
            location, monkeypatch, capsys, "users", "add", "bob", "--role", "boss", stdin="long-enough\n"
        ).returncode
        == 2
    )
    bad = cli_here(location, monkeypatch, capsys, "users", "add", "bob smith", "--role", "viewer", stdin="pass-word\n")
    assert bad.returncode == 2 and "bob smith received is not valid" in bad.stderr and "Fix:" in bad.stderr
    listing = cli_here(location, monkeypatch, capsys, "users", "list").stdout
    assert "alice" in listing and "editor" in listing and "s3cret" not in listing
    config = AuthConfig(mode="local", policy=LoginPolicy(max_failures=3))
    signed = auth.sign_in(ws, config, " ALICE ", "s3cret-words")
    assert signed.user == User("alice", "editor", "local")
    assert auth.current_user(ws, config, token=signed.token) == signed.user
    assert ws.accounts.session(token_hash(signed.token)) is not None
    assert ws.accounts.session(signed.token) is None  # stored hashed
    for _ in range(3):
        with pytest.raises(AuthError, match="Wrong account name or password"):
            auth.sign_in(ws, config, "alice", "wrong", client="10.0.0.66")
    with pytest.raises(AuthError, match="wait 1 s"):  # that client waits, even with the right password ...
        auth.sign_in(ws, config, "alice", "s3cret-words", client="10.0.0.66")
    assert auth.sign_in(ws, config, "alice", "s3cret-words", client="10.0.0.7").user.name == "alice"  # ... no one else
    with pytest.raises(AuthError, match="Wrong account name or password"):  # unknown name: the same message
        auth.sign_in(ws, config, "nobody", "s3cret-words")
    passwd = cli_here(location, monkeypatch, capsys, "users", "passwd", "alice", stdin="new-s3cret-words\n")
    assert passwd.returncode == 0, passwd.stderr
    token = auth.sign_in(ws, config, "alice", "new-s3cret-words").token
    auth.sign_out(ws, signed.user, token)
    with pytest.raises(AuthError, match="expired"):
        auth.current_user(ws, config, token=token)
    assert cli_here(location, monkeypatch, capsys, "users", "disable", "alice").returncode == 0
    with pytest.raises(AuthError, match="expired"):  # a disabled account's sessions end
        auth.current_user(ws, config, token=signed.token)
    actions = [e.action for e in ws.audit.entries(newest_first=False)]
    assert actions.count("auth.login") == 3 and actions.count("auth.login_failed") == 4
    assert "auth.locked" not in actions and "auth.logout" in actions and "account.password" in actions
    dump = json.dumps([e.summary.text("en") for e in ws.audit.entries()]) + listing
    assert "s3cret" not in dump and "wrong" not in dump


def test_sessions_expire(ws):
    pw.add_account(ws, ADMIN, "carol", "viewer", password="long password")
    expired = AuthConfig(mode="local", policy=LoginPolicy(session_ttl=timedelta(seconds=-1)))
    token = auth.sign_in(ws, expired, "carol", "long password").token
    with pytest.raises(AuthError, match="expired"):
        auth.current_user(ws, expired, token=token)
    assert auth.current_user(ws, expired, token=None) is None


def test_single_user_mode_and_postgis_always_requires_sign_in(ws):
    config = AuthConfig.from_env({}, engine_name="geopackage")
    user = auth.current_user(ws, config, token=None)
    assert not config.login_required and user.role == "admin" and user.name.startswith("local:")
    assert auth.setup_hint(ws, config) is None
    assert auth.setup_hint(ws, AuthConfig(mode="local")).code == "auth_no_accounts"
    assert AuthConfig.from_env({"PUTUO_AUTH": "none"}, engine_name="postgis").mode == "local"
    assert AuthConfig.from_env({"PUTUO_AUTH": "local"}).login_required
    with pytest.raises(AuthError, match="PUTUO_AUTH=magic"):
        AuthConfig.from_env({"PUTUO_AUTH": "magic"})
    with pytest.raises(AuthError, match="PUTUO_LOCKOUT_ATTEMPTS"):
        AuthConfig.from_env({"PUTUO_LOCKOUT_ATTEMPTS": "0"})


PROXY_ENV = {
    "PUTUO_AUTH": "proxy",
    "PUTUO_PROXY_HEADER": "X-Remote-User",
    "PUTUO_TRUSTED_PROXIES": "::1",
    "FORWARDED_ALLOW_IPS": "",
}


def test_trusted_proxy_header_only_from_trusted_peers(ws):
    pw.add_account(ws, ADMIN, "dora", "editor")
    config = AuthConfig.from_env(
        {
            "PUTUO_AUTH": "proxy",
            "PUTUO_PROXY_HEADER": "X-Remote-User",
            "PUTUO_TRUSTED_PROXIES": "10.0.0.0/24, ::1",
            "FORWARDED_ALLOW_IPS": "",
        }
    )
    headers = {"x-remote-user": "Dora"}
    signed = auth.sign_in_external(ws, config, peer="10.0.0.7", headers=headers)
    assert signed.user == User("dora", "editor", "proxy")
    assert auth.current_user(ws, config, token=signed.token) == signed.user
    assert auth.sign_in_external(ws, config, peer="192.168.1.9", headers=headers) is None  # untrusted: ignored
    assert auth.sign_in_external(ws, config, peer=None, headers=headers) is None
    assert auth.sign_in_external(ws, config, peer="::1", headers={}) is None
    with pytest.raises(AuthError, match="has no account"):
        auth.sign_in_external(ws, config, peer="::1", headers={"X-Remote-User": "eve"})
    with pytest.raises(AuthError, match="trusted-proxy"):
        AuthConfig.from_env({"PUTUO_AUTH": "proxy", "PUTUO_PROXY_HEADER": "X-Remote-User"})
    # uvicorn's own X-Forwarded-For handling left at its default (loopback trusted): refused, with the remedy
    for forwarded in (None, "127.0.0.1", "*"):
        env = {**PROXY_ENV} if forwarded is None else {**PROXY_ENV, "FORWARDED_ALLOW_IPS": forwarded}
        if forwarded is None:
            del env["FORWARDED_ALLOW_IPS"]
        with pytest.raises(AuthError) as refused:
            AuthConfig.from_env(env)
        assert refused.value.code == "auth_proxy_forwarded" and "FORWARDED_ALLOW_IPS" in refused.value.text("zh")


def test_oidc_user_mapped_to_an_account(ws):
    pw.add_account(ws, ADMIN, "li.wei@bureau.example", "viewer")
    pw.add_account(ws, ADMIN, "zhang", "editor", external_id="sub-123")
    config = AuthConfig(mode="oidc")
    by_email = auth.sign_in_external(
        ws, config, oidc_user={"is_logged_in": True, "email": "Li.Wei@bureau.example", "name": "李伟", "sub": "other"}
    )
    assert by_email.user == User("li.wei@bureau.example", "viewer", "oidc")
    by_sub = auth.sign_in_external(
        ws, config, oidc_user={"is_logged_in": True, "email": "z@x.example", "sub": "sub-123"}
    )
    assert by_sub.user.name == "zhang"
    with pytest.raises(AuthError, match="users add stranger@x.example"):
        auth.sign_in_external(ws, config, oidc_user={"is_logged_in": True, "email": "stranger@x.example"})
    assert auth.sign_in_external(ws, config, oidc_user={"is_logged_in": False}) is None


def test_a_store_fault_during_single_sign_on_is_not_taken_for_a_missing_account(ws, location):
    pw.add_account(ws, ADMIN, "li.wei@bureau.example", "viewer")
    tamper(location, "ALTER TABLE accounts RENAME TO accounts_gone", trigger_tables=())  # the workspace breaks
    oidc, proxy = (
        AuthConfig(mode="oidc"),
        AuthConfig.from_env(PROXY_ENV),
    )
    who = "li.wei@bureau.example"
    for call in (
        lambda: auth.sign_in_external(ws, oidc, oidc_user={"email": who}),
        lambda: auth.sign_in_external(ws, proxy, peer="::1", headers={"X-Remote-User": who}),
    ):
        with pytest.raises(StoreError) as caught:  # the store's own error, never "you have no account"
            call()
        assert "account" not in caught.value.code


def test_an_invalid_account_name_is_a_validation_error_that_says_how_to_fix_it(ws):
    with pytest.raises(AccountNameError) as caught:
        pw.add_account(ws, ADMIN, "Wang Wei!", "viewer")
    assert not isinstance(caught.value, StoreError) and caught.value.title_code == "err_title_account_name"
    en, zh = caught.value.text("en"), caught.value.text("zh")
    assert "wang wei!" in en and "1–64 characters" in en and "Fix: use a name like li.wei" in en
    assert "wang wei!" in zh and "请改用" in zh
    assert pw.list_accounts(ws, ADMIN) == ()
    proxy = AuthConfig.from_env(PROXY_ENV)
    with pytest.raises(AuthError, match="has no account"):  # a header that is no account name: no such account
        auth.sign_in_external(ws, proxy, peer="::1", headers={"X-Remote-User": "Wang Wei!"})


def test_last_admin_cannot_be_disabled(ws):
    pw.add_account(ws, ADMIN, "root2", "admin", password="long password")
    with pytest.raises(StoreError, match="last enabled admin"):
        pw.update_account(ws, ADMIN, "root2", disabled=True)


# --- shared layers ------------------------------------------------------------------------------------------
def test_publish_versions_restore_and_current_layers(ws):
    v1 = gpd.GeoDataFrame(
        {"id": ["a", "b"], "area_m2": [1.5, 2.0], "n": [1, 2]},
        geometry=[shapely.box(121.3, 31.2, 121.31, 31.21), shapely.Point(121.4, 31.3)],
        crs=4326,
    )
    v2 = v1.iloc[:1].copy()
    empty = pw.current_layers(ws)
    assert empty.layers == {} and empty.etag == "none"
    pw.publish_layer(ws, ADMIN, "parcels", v1, note="official 2026")
    pw.publish_layer(ws, ADMIN, "parcels", v2)
    assert [v.version for v in pw.layer_versions(ws, VIEWER, "parcels")] == [2, 1]
    current = pw.current_layers(ws)
    assert list(current.layers) == ["parcels"] and len(current.layers["parcels"]) == 1
    restored = pw.restore_layer(ws, ADMIN, "parcels", 1)
    assert (restored.version, restored.restored_from) == (3, 1)
    again = pw.current_layers(ws)
    assert again.etag != current.etag
    got = again.layers["parcels"]
    assert got.crs.to_epsg() == 4326 and list(got.columns) == ["id", "area_m2", "n", "geometry"]
    assert got["n"].dtype == "int64" and got["area_m2"].tolist() == [1.5, 2.0]
    assert got.geometry.geom_equals(v1.geometry).all()
    assert (
        ws.audit.entries(action_prefix="layer.restore")[0].summary.text("en")
        == "restored layer parcels: version 1 published again as version 3"
    )
    with pytest.raises(StoreError, match="EPSG:4326"):
        pw.publish_layer(ws, ADMIN, "parcels", v1.to_crs(4549))
    with pytest.raises(StoreError, match="layer id"):
        pw.publish_layer(ws, ADMIN, "../x", v1)
    with pytest.raises(StoreError, match="no version 9"):
        ws.layers.load("parcels", version=9)


# --- scenario files (issue 10, items 6 and 7) ---------------------------------------------------------------
def test_import_gives_new_ids_and_the_importer_as_author(ws, tmp_path):
    mine = pw.save_scenario(ws, ALICE, scenario("alice's"), base_version=None).scenario
    # a crafted file: "version 5" of Alice's scenario, author alice, no parcels
    crafted = Scenario(name="spoof", author="alice", id=mine.id)
    path = tmp_path / "crafted.gpkg"
    write_scenario_file(path, [crafted])
    con = sqlite3.connect(path)
    con.execute("UPDATE scenario_versions SET version = 5")
    con.commit()
    con.close()
    done = pw.import_scenarios(ws, BOB, path.read_bytes(), filename="crafted.gpkg")
    assert len(done) == 1 and done[0].source_id == mine.id and done[0].new_id != mine.id
    new = pw.load_scenario(ws, BOB, done[0].new_id)
    assert new.version == 1 and new.scenario.author == "bob" and new.head.created_by == "bob"
    assert [h.version for h in ws.scenarios.history(mine.id)] == [1]  # Alice's scenario untouched
    assert ws.scenarios.load(mine.id)[0] == mine
    # a round trip keeps every field except id, author and times
    exported = pw.export_scenarios(ws, ALICE, [mine.id])
    back = pw.load_scenario(ws, ALICE, pw.import_scenarios(ws, ALICE, exported, filename="x.gpkg")[0].new_id)
    for field in ("notes", "parcels", "drawn", "assign", "weights"):
        assert getattr(back.scenario, field) == getattr(mine, field)
    assert back.scenario.name == f"{mine.name}（导入 {beijing_today()}）"  # a copy, named as one


def test_imported_copies_get_distinct_names_in_the_users_language(ws):
    mine = pw.save_scenario(ws, ALICE, scenario("南区方案C"), base_version=None).scenario
    exported = pw.export_scenarios(ws, ALICE, [mine.id])
    names = [
        pw.import_scenarios(ws, ALICE, exported, filename="x.gpkg", lang=lang)[0].name for lang in ("zh", "zh", "en")
    ]
    today = beijing_today()
    assert names == [f"南区方案C（导入 {today}）", f"南区方案C（导入 {today}） (2)", f"南区方案C (imported {today})"]
    assert len({h.name for h in pw.list_scenarios(ws, ALICE)}) == 4


def _payload_file(path, payloads: list) -> None:
    write_scenario_file(path, [Scenario(name=f"s{i}") for i in range(len(payloads))])
    con = sqlite3.connect(path)
    for fid, payload in enumerate(payloads, start=1):
        con.execute("UPDATE scenario_versions SET payload = ? WHERE fid = ?", (payload, fid))
    con.commit()
    con.close()


GOOD = scenario().to_json()
MALFORMED = {
    "bad_json": ([GOOD, "{not json"], "Record 2", "not valid JSON"),
    "bad_wkt": ([GOOD.replace("POLYGON ((", "POLYGON ((nan ")], "Record 1", "not a valid polygon"),
    "point_not_polygon": (
        [json.dumps({**json.loads(GOOD), "drawn": {"D0": ["x", "POINT (121 31)"]}})],
        "Record 1",
        "Point",
    ),
    "not_an_object": ([json.dumps([1, 2])], "Record 1", "JSON object"),
    "extra_field": ([json.dumps({**json.loads(GOOD), "version": 5})], "Record 1", "no such field"),
    "bad_id": ([json.dumps({**json.loads(GOOD), "id": "../../x"})], "Record 1", "field id"),
    "weight_not_number": (
        [json.dumps({**json.loads(GOOD), "weights": {"transit": "1e999"}})],
        "Record 1",
        "finite number",
    ),
    "blob_payload": ([b"\x00\x01"], "Record 1", "not valid JSON"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_scenario_file_refused_whole_with_a_clear_message(ws, tmp_path, case):
    payloads, where, what = MALFORMED[case]
    path = tmp_path / "bad.gpkg"
    _payload_file(path, payloads)
    before = ws.audit.verify().count
    with pytest.raises(ScenarioFileError) as caught:
        pw.import_scenarios(ws, ALICE, path.read_bytes(), filename="坏文件.gpkg")
    text = caught.value.text("en")
    assert where in text and what in text and "坏文件.gpkg" in text and "/tmp" not in text
    assert caught.value.text("zh") != text
    assert pw.list_scenarios(ws, ALICE) == () and ws.audit.verify().count == before  # nothing imported


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 50, b"SQLite format 3\x00" + b"\xff" * 3000])
def test_not_a_scenario_geopackage(ws, content):
    with pytest.raises(ScenarioFileError, match="Cannot read the scenario file x.gpkg") as caught:
        pw.import_scenarios(ws, ALICE, content, filename="x.gpkg")
    zh = caught.value.text("zh")  # SQLite's own English stays out of the Chinese message
    assert "database" not in zh and any(r in zh for r in ("不是 GeoPackage 文件", "文件已损坏", "其中没有方案表")), zh


def test_geopackage_without_scenarios(ws, tmp_path):
    path = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(121, 31)], crs=4326).to_file(path, layer="pts")
    with pytest.raises(ScenarioFileError, match="it holds no table of scenarios") as caught:
        pw.import_scenarios(ws, ALICE, path.read_bytes(), filename="other.gpkg")
    assert "其中没有方案表" in caught.value.text("zh") and "scenario_versions" not in caught.value.text("zh")


# --- several processes --------------------------------------------------------------------------------------
def writers(location: dict, scenario_id: str, who: list[str], n: int, drawn: int = 1) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tests.ws_writer", w, scenario_id, str(n), "--drawn", str(drawn)],
            cwd=ROOT,
            env=env_for(location),
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in who
    ]


def test_several_processes_save_one_scenario_nothing_lost_or_duplicated(ws, location):
    s = pw.save_scenario(ws, ALICE, scenario("shared"), base_version=None).scenario
    procs = writers(location, s.id, ["w1", "w2", "w3", "w4"], 15)
    results = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    hist = ws.scenarios.history(s.id)
    assert [h.version for h in hist] == list(range(1, 62))  # 1 + 4 x 15, no gap, no duplicate
    assert {a: sum(h.author == a for h in hist) for a in ("w1", "w2", "w3", "w4")} == dict.fromkeys(
        ("w1", "w2", "w3", "w4"), 15
    )
    conflicts = sum(r["conflicts"] for r in results)
    assert sum(h.kind == "overwrite" for h in hist) <= conflicts  # every overwrite followed a conflict
    check = ws.audit.verify()
    assert check.ok and check.count == ws.audit.entries(limit=1)[0].seq


def test_a_writer_killed_mid_save_leaves_nothing_half_written(ws, location):
    s = pw.save_scenario(ws, ALICE, scenario("victim"), base_version=None).scenario
    kept = ws.scenarios.load(s.id)[0]
    for round_ in range(3):
        (proc,) = writers(location, s.id, [f"k{round_}"], 0, drawn=40)
        start = len(ws.scenarios.history(s.id))
        while len(ws.scenarios.history(s.id)) < start + 2 + round_:  # wait until it is saving (no fixed sleep)
            assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    if "path" in location:
        with sqlite3.connect(location["path"]) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fresh = open_workspace(**location, cached=False)
    try:
        hist = fresh.scenarios.history(s.id)
        assert [h.version for h in hist] == list(range(1, len(hist) + 1))
        assert fresh.scenarios.load(s.id, version=1)[0] == kept
        for h in hist[1:]:  # each version's row, its geometries and its audit entry were committed together
            version, _ = fresh.scenarios.load(s.id, version=h.version)
            assert len(version.drawn) == len(fresh.scenarios.drawn_geometries(s.id, h.version))
            assert (len(version.drawn) - len(kept.drawn)) % 40 == 0
        assert fresh.scenarios.head(s.id).version == len(hist)
        saves = fresh.audit.entries(object_id=s.id, limit=10_000)
        assert len(saves) == len(hist) and fresh.audit.verify().ok
        assert fresh.scenarios.save(kept, actor="alice", base_version=len(hist)).version == len(hist) + 1
    finally:
        fresh.close()


# --- messages -----------------------------------------------------------------------------------------------
def test_workspace_messages_have_the_same_placeholders_in_both_languages():
    codes = [
        c
        for c in CATALOGUE
        if c.startswith(("ws_", "acct_", "auth_", "aud_", "perm_", "act_", "via_", "role_", "err_title_"))
    ]
    assert len(codes) > 80
    for code in codes:
        assert placeholders(code)["zh"] == placeholders(code)["en"], code


def test_read_only_message_reaches_the_save(ws, location, monkeypatch):
    ws.backend.readonly, ws.backend.readonly_reason = True, __import__("text.messages").messages.msg("ws_ro_role")
    with pytest.raises(WorkspaceReadOnlyError, match="read-only"):
        pw.save_scenario(ws, ALICE, scenario(), base_version=None)
    assert pw.notice(ws).code == "ws_readonly"


def test_the_environment_selects_the_engine_and_the_sign_in(location):
    env = {k: v for k, v in env_for(location).items() if k.startswith("PUTUO_")}
    ws, config = pw.open_from_env(env)
    try:
        if "url" in location:
            assert ws.engine_name == "postgis" and config.mode == "local" and config.login_required
            assert "@" in ws.where and "password" not in ws.where
        else:
            assert ws.engine_name == "geopackage" and config.mode == "none" and ws.where == str(location["path"])
        assert pw.open_from_env(env)[0] is ws  # one Workspace per location and process
    finally:
        from store import forget_open_workspaces

        forget_open_workspaces()


def test_the_migration_creates_the_tables_the_code_uses(ws):
    from sqlalchemy import inspect

    inspector = inspect(ws.backend.engine)
    for table in ws.t.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_a_new_password_ends_the_accounts_open_sign_ins(ws):
    """Whoever knew (or stole a session of) the old password is out once an admin sets a new one."""
    pw.add_account(ws, ADMIN, "wen", "editor", password="the old password 1")
    config = AuthConfig(mode="local")
    old = auth.sign_in(ws, config, "wen", "the old password 1").token
    assert auth.current_user(ws, config, token=old).name == "wen"
    pw.update_account(ws, ADMIN, "wen", password="a new password 22", password_again="a new password 22")
    with pytest.raises(AuthError):
        auth.current_user(ws, config, token=old)
    fresh = auth.sign_in(ws, config, "wen", "a new password 22").token
    assert auth.current_user(ws, config, token=fresh).name == "wen"
    pw.update_account(ws, ADMIN, "wen", role="viewer")  # a role change alone ends nothing
    assert auth.current_user(ws, config, token=fresh).role == "viewer"


# --- the workspace as a GeoPackage (issue 20 item 4) -----------------------------------------------------------
VALIDATOR = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py"  # apt python3-gdal


def _extents(location: dict):
    if "url" in location:
        from sqlalchemy import create_engine

        engine = create_engine(location["url"].replace("postgresql://", "postgresql+psycopg://"))
        try:
            return gpd.read_postgis("SELECT * FROM scenario_extents ORDER BY fid", engine, geom_col="geom")
        finally:
            engine.dispose()
    return gpd.read_file(location["path"], layer="scenario_extents", engine="pyogrio")


def test_every_saved_version_keeps_its_full_extent_parcels_included(ws, location):
    from store.scenarios import default_parcel_geometries

    parcels = default_parcel_geometries()
    s = scenario(n_drawn=1)  # parcels P001, P002 of the bundled data and one drawn area
    first = pw.save_scenario(ws, ALICE, s, base_version=None)
    pw.save_scenario(
        ws, BOB, first.scenario.with_parcel("P003", included=True).with_parcel("nope", included=True), base_version=1
    )
    layer = _extents(location)
    assert layer.crs.to_epsg() == 4326
    assert [(r.version, r.author, r.parcels, r.parcels_missing, r.drawn) for r in layer.itertuples()] == [
        (1, "alice", 2, 0, 1),
        (2, "bob", 4, 1, 1),
    ]
    drawn = shapely.from_wkt(first.scenario.drawn["D0"][1])
    for row, geom, ids in zip(layer.itertuples(), layer.geometry, (("P001", "P002"), ("P001", "P002", "P003"))):
        assert all(geom.buffer(1e-9).contains(parcels[p]) for p in ids)  # the parcels, not only the drawing
        assert geom.buffer(1e-9).contains(drawn) and row.name == "甲方案"
        want = to_metric(gpd.GeoSeries([shapely.union_all([*(parcels[p] for p in ids), drawn])], crs=4326)).area
        assert row.area_m2 == pytest.approx(float(want.iloc[0]), rel=1e-6)
    with pytest.raises((sqlite3.DatabaseError, subprocess.CalledProcessError)) as caught:
        tamper(location, "DELETE FROM scenario_extents", trigger_tables=())
    assert "append-only" in str(caught.value) + str(getattr(caught.value, "stderr", "") or "")


def test_the_workspace_is_a_valid_geopackage_gdal_lists_without_errors(tmp_path):
    path = tmp_path / "ws.gpkg"
    ws = open_workspace(path=path, cached=False)
    pw.save_scenario(ws, ALICE, scenario(), base_version=None)
    sites = gpd.GeoDataFrame(
        {"名称": ["甲", "乙"], "area_m2": [1.5, None], "n": [1, 2], "version": ["x", "y"]},
        geometry=[shapely.Point(121.4, 31.25), shapely.Point(121.41, 31.26)],
        crs=4326,
    )
    pw.publish_layer(ws, ADMIN, "sites", sites)
    pw.publish_layer(ws, ADMIN, "sites", sites.iloc[:1].assign(新列=[True]))
    ws.close()
    done = subprocess.run(["python3", VALIDATOR, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr  # requirement 119 failed on `scenarios` before
    info = subprocess.run(["ogrinfo", "-ro", "-q", str(path)], capture_output=True, text=True, timeout=120)
    assert info.returncode == 0 and "ERROR" not in info.stderr and "Warning" not in info.stderr, info.stderr
    listed = {line.split(": ", 1)[1].split(" (")[0] for line in info.stdout.splitlines() if ": " in line}
    assert listed == {
        "scenario_extents",
        "scenario_geometries",
        "layer_features",
        "published_sites",
        "scenario_versions",
        "scenarios",
        "layer_versions",
        "audit_log",
    }  # sign-in data (accounts, sessions), settings and mappings are not offered as layers
    with sqlite3.connect(path) as con:
        cols = {r[1]: (r[2], r[5]) for r in con.execute("PRAGMA table_info(scenarios)")}
        unique = [r for r in con.execute("PRAGMA index_list(scenarios)") if r[2]]
    con.close()
    assert cols["fid"] == ("INTEGER", 1) and cols["scenario_id"] == ("TEXT", 0) and unique
    published = gpd.read_file(path, layer="published_sites", engine="pyogrio")
    assert published.crs.to_epsg() == 4326
    assert list(published.columns) == [
        "version",
        "feature_index",
        "名称",
        "area_m2",
        "n",
        "attr_version",
        "新列",
        "geometry",
    ]
    assert published["名称"].tolist() == ["甲", "乙", "甲"] and published["version"].tolist() == [1, 1, 2]
    assert published["area_m2"].dtype == float and published["n"].tolist()[:2] == [1, 2]
    assert published["新列"].tolist()[2] == 1


def _workspace_at_0001(url: str) -> None:
    """An empty workspace at the previous schema revision (0001), migrated by Alembic alone."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from store import engines

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(engines.__file__).with_name("migrations")))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001_team_workspace")
    engine.dispose()


@pytest.mark.parametrize("engine", ["geopackage", "postgis"])
def test_a_0001_workspace_upgrades_without_loss(engine, tmp_path, request):
    from store.schema import gpkg_blob

    if engine == "geopackage":
        path = tmp_path / "ws.gpkg"
        url, where = f"sqlite:///{path}", {"path": path}
    else:
        url = fresh_database(request.getfixturevalue("postgis_url"), "t_" + uuid.uuid4().hex[:12])
        where = {"url": url}
    _workspace_at_0001(url)
    s = scenario(n_drawn=1)
    later = s.with_parcel("P003", included=True)
    geom = shapely.box(121.3, 31.2, 121.31, 31.21)
    g = f"ST_GeomFromText('{geom.wkt}', 4326)" if engine == "postgis" else f"X'{gpkg_blob(geom).hex()}'"
    rows = [
        "INSERT INTO scenarios (scenario_id, name, created_by, created_at, latest_version, latest_by, latest_at, "
        f"archived) VALUES ('{s.id}', '甲方案', 'alice', '2026-01-01T00:00:00Z', 2, 'bob', '2026-01-02T00:00:00Z', 0)",
        *(
            "INSERT INTO scenario_versions (scenario_id, version, name, author, saved_at, changes, payload, kind) "
            f"VALUES ('{s.id}', {v}, '甲方案', '{who}', '2026-01-0{v}T00:00:00Z', "
            f"'{{\"code\": \"ws_chg_none\", \"params\": {{}}}}', '{x.to_json()}', 'save')"
            for v, who, x in ((1, "alice", s), (2, "bob", later))
        ),
        "INSERT INTO layer_versions (layer_id, version, published_by, published_at, n_features, columns, note) "
        "VALUES ('sites', 1, 'ada', '2026-01-01T00:00:00Z', 1, '[[\"名称\", \"object\"], [\"n\", \"int64\"]]', '')",
        "INSERT INTO layer_features (geom, layer_id, version, feature_index, properties) "
        f'VALUES ({g}, \'sites\', 1, 0, \'{{"名称": "甲", "n": 7}}\')',
    ]
    if engine == "postgis":
        psql(url, "; ".join(rows))
    else:
        con = sqlite3.connect(path)
        for sql in rows:
            con.execute(sql)
        con.commit()
        con.close()
    ws = open_workspace(**where, cached=False)
    try:
        assert ws.scenarios.load(s.id) == (later, 2) and ws.scenarios.head(s.id).saved_by == "bob"
        assert ws.layers.load("sites")["名称"].tolist() == ["甲"]
        assert [(r.version, r.parcels, r.parcels_missing) for r in _extents(where).itertuples()] == [
            (1, 2, 0),
            (2, 3, 0),
        ]
        assert pw.save_scenario(ws, ALICE, later, base_version=2).version == 3  # the new integer key takes new rows
        assert [h.id for h in ws.scenarios.heads()] == [s.id]
    finally:
        ws.close()
    if engine == "geopackage":
        assert len(list(tmp_path.glob("ws.backup-*.gpkg"))) == 1
        done = subprocess.run(["python3", VALIDATOR, str(path)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert gpd.read_file(path, layer="published_sites", engine="pyogrio")["n"].tolist() == [7]
