"""The sign-in lives in an HttpOnly cookie, not in the Streamlit session: a session id taken from an upload URL
and replayed over a new websocket (Streamlit lets a reconnection take a session over) shows the sign-in page; the
cookie cannot be read by page script; a reload keeps the sign-in; sign-out ends it."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
from google.protobuf.message import Message as Proto
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import connect

from tests.test_team_browser import SLOW, idle, pages, sign_in, team  # noqa: F401 (fixtures)
from text.messages import t

pytestmark = pytest.mark.browser


def _strings(message: Proto) -> list[str]:
    """Every text field of a protobuf message, nested ones included."""
    found: list[str] = []
    for field, value in message.ListFields():
        items = value if field.is_repeated else [value]
        for item in items:
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, Proto):
                found += _strings(item)
    return found


def _replay(url: str, session_id: str, timeout_s: float = 60.0) -> tuple[list[str], set[str]]:
    """Connect a new websocket without any cookie, naming ``session_id`` as the session to resume; ask for a run
    and return every text the server sends until that run ends, and the session ids the server named."""
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    texts: list[str] = []
    sessions: set[str] = set()
    with connect(stream, subprotocols=["streamlit", "xsrf", session_id], max_size=None) as ws:
        ws.send(BackMsg(rerun_script=ClientState(query_string="", page_script_hash="")).SerializeToString())
        started = False
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=timeout_s))
            texts += _strings(msg)
            if msg.HasField("new_session"):  # a run starts (a resumed session may first finish a run in flight)
                started = True
                sessions.add(msg.new_session.initialize.session_id)
            if started and msg.HasField("script_finished"):
                return texts, sessions - {""}


def _upload_session_id(page, tmp_path: Path) -> str:
    """The Streamlit session id as a proxy log would show it: the path of an upload."""
    sample = tmp_path / "site.geojson"
    sample.write_text('{"type":"FeatureCollection","features":[]}', encoding="utf-8")
    with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url, timeout=SLOW) as response:
        page.locator("input[type=file]").last.set_input_files(str(sample))
    assert response.value.ok  # a signed-in session may upload
    return response.value.url.split("/_stcore/upload_file/", 1)[1].split("/", 1)[0]


def test_a_stolen_session_id_is_no_sign_in_the_cookie_is_httponly_and_survives_a_reload(team, pages, tmp_path):  # noqa: F811
    url, _ = team
    page = pages(url)
    sign_in(page, url, "boss", path="review")
    expect(page.get_by_role("heading", name=t("rev_title", "zh"))).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("boss")
    cookie = next(c for c in page.context.cookies() if c["name"] == "putuo_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert "putuo_session" not in page.evaluate("() => document.cookie")  # page script cannot read it
    idle(page)

    page.reload()  # a new connection: the cookie signs it in
    expect(page.get_by_role("heading", name=t("rev_title", "zh"))).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("boss")
    idle(page)

    stolen = _upload_session_id(page, tmp_path)
    # the same upload URL without the cookie: refused on its headers alone (no byte of its 50 MB is sent)
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=60)
    conn.putrequest("PUT", f"/_stcore/upload_file/{stolen}/f1")
    conn.putheader("Content-Length", str(50 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 403
    conn.close()
    seen, sessions = _replay(url, stolen)
    assert sessions and stolen not in sessions  # a new session: not even the end of a run in flight is resumed
    assert t("login_title", "zh") in seen, seen[:40]  # the thief gets the sign-in page …
    assert not any("boss" in s for s in seen)  # … and nothing of the admin's session
    assert t("rev_title", "zh") not in seen


def test_sign_out_ends_the_sign_in_and_drops_the_cookie(team, pages):  # noqa: F811
    url, _ = team
    page = pages(url)
    sign_in(page, url, "alice")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("alice", timeout=SLOW)
    idle(page)
    with page.expect_response(lambda r: r.url.endswith("/api/auth/clear"), timeout=SLOW) as cleared:
        page.get_by_role("button", name=t("user_logout", "zh")).click()
    assert cleared.value.status == 204
    expect(page.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
    assert not any(c["name"] == "putuo_session" for c in page.context.cookies())
    page.reload()
    expect(page.get_by_role("heading", name=t("login_title", "zh"))).to_be_visible(timeout=SLOW)
