"""Sign-in against guessing, on both engines: a back-off per client and per name that never locks anyone else out
(the admin signs in from another computer while an attacker hammers the admin's name), one answer for names that
exist and names that do not, a bound on how many unknown names are audited, invalid names (NUL on PostgreSQL)
refused as invalid; and before sign-in no page says where the workspace is (database address, file path)."""

from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from gis.errors import AuthError
from planner import auth
from store import accounts as acct
from store import engines as engines_mod
from store import open_workspace
from store.accounts import LoginPolicy, SignInThrottle, UnknownNameLog
from tests.apptest_util import texts
from tests.live_app import ROOT, free_port
from tests.pg import database_from_template

PASSWORD = "correct horse 1"


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["geopackage", "postgis"])
def ws(request, tmp_path):
    if request.param == "geopackage":
        location: dict = {"path": tmp_path / "ws.gpkg"}
    else:
        url = request.getfixturevalue("postgis_url")
        template = request.getfixturevalue("postgis_template")
        location = {"url": database_from_template(url, template, "s_" + uuid.uuid4().hex[:12])}
    workspace = open_workspace(**location, cached=False)
    yield workspace
    workspace.close()


@pytest.fixture
def clock(ws) -> Clock:
    c = Clock()
    ws.accounts.throttle = SignInThrottle(clock=c)
    ws.accounts.unknown_names = UnknownNameLog(clock=c)
    return c


CONFIG = auth.AuthConfig(mode="local", policy=LoginPolicy(max_failures=3))


def attempt(ws, name: str, password: str, client: str) -> str:
    """The message code of a sign-in attempt ('ok' when it succeeds)."""
    try:
        auth.sign_in(ws, CONFIG, name, password, client=client)
    except AuthError as exc:
        return exc.code
    return "ok"


def test_an_attacker_hammering_the_admin_name_slows_only_itself(ws, clock):
    acct.add_account(ws, "ada", "admin", actor="cli:test", password=PASSWORD)
    codes = [attempt(ws, "ada", f"guess {i}", "10.0.0.66") for i in range(12)]
    assert codes[:3] == ["auth_failed"] * 3 and set(codes[3:]) == {"auth_throttled"}  # no more guesses tested
    assert attempt(ws, "ada", PASSWORD, "10.0.0.66") == "auth_throttled"  # not even the right one, from there
    assert attempt(ws, "ada", PASSWORD, "10.0.0.7") == "ok"  # the admin, elsewhere: signs in at once
    assert ws.accounts.get("ada").locked_until is None  # nothing is locked in the workspace
    waits = []
    for _ in range(4):  # each further failure doubles the wait: 1 s, 2 s, 4 s, 8 s
        waits.append(ws.accounts.throttle.wait_s("10.0.0.66", "ada"))
        clock.now += waits[-1]
        assert attempt(ws, "ada", "another guess", "10.0.0.66") == "auth_failed"
    assert waits == [1.0, 2.0, 4.0, 8.0]
    clock.now += 15 * 60 + 1  # failures are forgotten after the window: the right password works again from there
    assert attempt(ws, "ada", PASSWORD, "10.0.0.66") == "ok"


def test_the_back_off_says_the_same_for_names_that_exist_and_names_that_do_not(ws, clock):
    acct.add_account(ws, "ada", "admin", actor="cli:test", password=PASSWORD)
    answers = {}
    for name, client in (("ada", "10.0.0.1"), ("nobody", "10.0.0.2")):
        answers[name] = [attempt(ws, name, "wrong password", client) for _ in range(5)]
        with pytest.raises(AuthError) as caught:
            auth.sign_in(ws, CONFIG, name, "wrong password", client=client)
        answers[name].append(caught.value.text("en"))
    assert answers["ada"] == answers["nobody"]
    assert "wait 1 s" in answers["ada"][-1] and "locked" not in answers["ada"][-1]


def test_spraying_many_names_from_one_client_is_slowed_too(ws, clock):
    codes = [attempt(ws, f"user{i}", "wrong password", "10.0.0.9") for i in range(14)]
    assert codes[:12] == ["auth_failed"] * 12 and codes[12:] == ["auth_throttled"] * 2  # 4 × 3 names' worth
    assert attempt(ws, "user99", "wrong password", "10.0.0.10") == "auth_failed"  # another client is not


def test_failed_sign_ins_with_unknown_names_are_audited_within_a_bound(ws, clock):
    for i in range(60):
        attempt(ws, f"invented{i}", "wrong password", f"10.1.{i}.1")  # one try each from many clients
    listed = ws.audit.entries(action_prefix="auth.login_failed")
    assert len(listed) == 20  # the first 20 of the window, one by one
    clock.now += 15 * 60
    attempt(ws, "one.more", "wrong password", "10.2.0.1")
    unlisted = ws.audit.entries(action_prefix="auth.login_failed_unlisted")
    assert len(unlisted) == 1 and "40 further failed sign-ins" in unlisted[0].summary.text("en")
    assert ws.audit.verify().ok


def test_a_nul_in_the_name_is_an_invalid_name_not_an_unreachable_workspace(ws, clock):
    with pytest.raises(AuthError) as caught:
        auth.sign_in(ws, CONFIG, "ad\x00min", PASSWORD, client="10.0.0.3")
    text = caught.value.text("en")
    assert caught.value.code == "auth_name_invalid" and "\\x00" in text and "reach" not in text
    assert "postgresql" not in text and "127.0.0.1" not in text
    entry = ws.audit.entries(action_prefix="auth.login_failed")[0]
    assert entry.actor == "ad\\x00min" and ws.audit.verify().ok  # audited as received, written out


# --- nothing says where the workspace is before sign-in --------------------------------------------------------
def test_the_sign_in_page_does_not_show_the_database_address_while_postgresql_is_down(monkeypatch):
    port = free_port()  # nobody listens there
    monkeypatch.setenv("PUTUO_DATABASE_URL", f"postgresql://putuo:hunter2secret@127.0.0.1:{port}/team_db")
    monkeypatch.delenv("PUTUO_WORKSPACE", raising=False)
    monkeypatch.setenv("PUTUO_LANG", "en")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = "en"
    app.run()
    page = " ".join(texts(app) + [x.value for x in app.text])
    assert "Cannot reach the workspace" in page and "(the team workspace)" in page
    for secret in ("hunter2secret", f"{port}", "team_db", "postgresql://", "127.0.0.1", "putuo:"):
        assert secret not in page, secret


def test_the_read_only_banner_before_sign_in_does_not_show_the_file_path(tmp_path, monkeypatch):
    path = tmp_path / "secret-project" / "ws.gpkg"
    path.parent.mkdir()
    open_workspace(path=path, cached=False).close()
    monkeypatch.setenv("PUTUO_WORKSPACE", str(path))
    monkeypatch.setenv("PUTUO_AUTH", "local")
    monkeypatch.delenv("PUTUO_DATABASE_URL", raising=False)
    real_access = engines_mod.os.access
    monkeypatch.setattr(engines_mod.os, "access", lambda p, mode: False if mode == 2 else real_access(p, mode))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    app.session_state["lang"] = "en"
    app.run()
    banner = " ".join(w.value for w in app.warning)
    assert "read-only" in banner and "(the team workspace)" in banner
    assert "secret-project" not in banner and str(tmp_path) not in banner
