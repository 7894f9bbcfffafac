"""The door of Streamlit's file uploads (``/_stcore/upload_file/<session>/<file>``): refused before sign-in, and
bounded per session in files and bytes, before a byte of the body is read."""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Receive, Scope, Send

UPLOAD_PATH = "/_stcore/upload_file/"
#: Files one session may hold at once (every uploader of every page together).
MAX_FILES_PER_SESSION = 8


def _stored_by_runtime(session_id: str) -> tuple[int, int]:
    """(files, bytes) Streamlit holds for a session's uploaders now."""
    from streamlit import runtime

    if not runtime.exists():
        return 0, 0
    held = runtime.get_instance().uploaded_file_mgr
    storage = getattr(held, "file_storage", {}).get(session_id) or {}
    files = list(storage.values())
    return len(files), sum(len(f.data) for f in files)


def connection_signs_in(connection: HTTPConnection) -> bool:
    """Whether a request's or websocket's sign-in cookie belongs to a live session (always True without sign-in)."""
    from planner.auth import SESSION_COOKIE, cookie_signs_in
    from planner.workspace import open_from_env

    ws, config = open_from_env()
    return cookie_signs_in(ws, config, connection.cookies.get(SESSION_COOKIE))


class UploadGuard:
    """ASGI middleware in front of the upload route: a request without a live sign-in (when one is required) is
    refused with 403; one that would take its session past :data:`MAX_FILES_PER_SESSION` files or ``max_bytes``
    (by its Content-Length; a request without one is refused) with 413 — without reading the body."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int | None = None,
        stored: Callable[[str], tuple[int, int]] = _stored_by_runtime,
        signed_in: Callable[[HTTPConnection], bool] = connection_signs_in,
    ) -> None:
        from gis.settings import SETTINGS

        self.app = app
        self.max_bytes = max_bytes if max_bytes is not None else int(2 * SETTINGS.max_upload_mb * 1024 * 1024)
        self.stored, self.signed_in = stored, signed_in

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or UPLOAD_PATH not in path or scope.get("method") not in ("PUT", "POST"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not await run_in_threadpool(self.signed_in, request):
            await _refuse(send, 403, "upload_not_signed_in")
            return
        session_id = path.split(UPLOAD_PATH, 1)[1].split("/", 1)[0]
        length = request.headers.get("content-length", "")
        files, held = self.stored(session_id)
        if not length.isdigit() or files >= MAX_FILES_PER_SESSION or held + int(length) > self.max_bytes:
            await _refuse(send, 413, "upload_session_full")
            return
        await self.app(scope, receive, send)


async def _refuse(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"error": reason}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
