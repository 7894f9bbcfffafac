"""Streamlit's websocket resumes an existing session only with a live sign-in: a session id alone takes nothing."""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from server.uploads import connection_signs_in

STREAM_PATH = "/_stcore/stream"
PROTOCOL_HEADER = b"sec-websocket-protocol"


def without_resumption(value: bytes) -> bytes:
    """The ``Sec-WebSocket-Protocol`` value with its third entry (the session to resume) left empty, the others kept
    in place (Streamlit reads them by position: protocol, XSRF token, session id)."""
    entries = value.split(b",")
    if len(entries) >= 3:
        entries[2] = b""
    return b",".join(entries)


def names_a_session(value: bytes) -> bool:
    """Whether a ``Sec-WebSocket-Protocol`` value names a session to resume (a non-empty third entry)."""
    entries = value.split(b",")
    return len(entries) >= 3 and bool(entries[2].strip())


class ResumeGuard:
    """ASGI middleware in front of Streamlit's websocket: a connection that asks to resume a session (a reconnect;
    or a session id taken from an upload URL and replayed) without a cookie that signs in (when a sign-in is
    required) gets a new session instead. Streamlit would otherwise hand it the running session: the rest of a run
    the signed-in user started would be sent to it before the next run's cookie check."""

    def __init__(self, app: ASGIApp, *, signed_in: Callable[[HTTPConnection], bool] = connection_signs_in) -> None:
        self.app = app
        self.signed_in = signed_in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not str(scope.get("path", "")).endswith(STREAM_PATH):
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers", []))
        asked = [v for k, v in headers if k.lower() == PROTOCOL_HEADER]
        if not any(names_a_session(v) for v in asked) or await run_in_threadpool(self.signed_in, HTTPConnection(scope)):
            await self.app(scope, receive, send)
            return
        kept = [(k, without_resumption(v) if k.lower() == PROTOCOL_HEADER else v) for k, v in headers]
        await self.app({**scope, "headers": kept}, receive, send)
