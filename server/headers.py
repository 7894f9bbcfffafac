"""What every HTTP answer of the server carries or refuses: no framing by other sites, no internal metrics."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Paths of Streamlit's own that the app does not serve to anybody (cache and session statistics).
CLOSED_PATHS = ("/_stcore/metrics",)
#: Headers on every HTTP answer: the app's pages may be framed by the app itself only (no clickjacking).
HEADERS = (
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeaders:
    """ASGI middleware: adds :data:`HEADERS` to every HTTP response and answers :data:`CLOSED_PATHS` with 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if str(scope.get("path", "")).rstrip("/").endswith(CLOSED_PATHS):
            await _not_found(send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)],
                }
            await send(message)

        await self.app(scope, receive, with_headers)


async def _not_found(send: Send) -> None:
    body = b"not found"
    headers: list[Any] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *HEADERS,
    ]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})
