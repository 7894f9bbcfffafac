"""The websocket's session resumption needs a live sign-in (server.resume_guard): without one, the connection gets
a new session, so a session id taken from a proxy log resumes nothing, not even the end of a running script."""

from __future__ import annotations

import asyncio
import concurrent.futures

from server.resume_guard import ResumeGuard, names_a_session, without_resumption

PROTOCOLS = b"streamlit, xsrf-token, 0b6f9f0e-1111-2222-3333-444455556666"


def _headers_seen(*, signed_in: bool, protocols: bytes = PROTOCOLS, kind: str = "websocket") -> list:
    seen: list = []

    async def inner(scope, receive, send):
        seen.extend(scope["headers"])

    scope = {
        "type": kind,
        "path": "/_stcore/stream",
        "headers": [(b"host", b"127.0.0.1"), (b"sec-websocket-protocol", protocols)],
    }
    guard = ResumeGuard(inner, signed_in=lambda _conn: signed_in)
    # in a thread of its own: the browser tests' Playwright keeps an event loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, guard(scope, None, None)).result()
    return seen


def test_a_resumption_without_a_sign_in_gets_a_new_session():
    seen = dict(_headers_seen(signed_in=False))
    assert seen[b"sec-websocket-protocol"] == b"streamlit, xsrf-token,"  # protocol and XSRF token in their places
    assert not names_a_session(seen[b"sec-websocket-protocol"])


def test_a_signed_in_reconnection_resumes_its_session():
    assert dict(_headers_seen(signed_in=True))[b"sec-websocket-protocol"] == PROTOCOLS


def test_a_first_connection_and_other_requests_pass_unchanged():
    assert (
        dict(_headers_seen(signed_in=False, protocols=b"streamlit, xsrf-token"))[b"sec-websocket-protocol"]
        == b"streamlit, xsrf-token"
    )
    assert dict(_headers_seen(signed_in=False, kind="http"))[b"sec-websocket-protocol"] == PROTOCOLS


def test_only_the_third_entry_is_emptied():
    assert without_resumption(b"a,b,c,d") == b"a,b,,d"
    assert without_resumption(b"a,b") == b"a,b"
    assert names_a_session(b"a, b, c") and not names_a_session(b"a, b,  ") and not names_a_session(b"a")
