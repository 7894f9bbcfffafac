"""The server around the pages: the HTTP routes, the session reaper and allocator tuning (mounted by app.py)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from ingest.sandbox import warm_up
from server.allocator import trim_memory, tune_allocator
from server.sessions import reap_forever
from tiles.cache import on_release

__all__ = ["http_middleware", "http_routes", "lifespan", "prepare"]

#: Streamlit's ``global.minCachedMessageSize`` (bytes) that no message reaches: its message cache is never used.
NO_MESSAGE_CACHE = 1e18
#: The app's static folder, served by Streamlit at /app/static/ (next to app.py).
APP_STATIC = Path(__file__).resolve().parent.parent / "static"


def prepare() -> None:
    """What the server process sets once, before the first browser session.

    * glibc keeps large blocks in their own mappings, so a session's data goes back to the system when freed;
    * Streamlit is told the app has no ``pages/`` directory of the old multipage kind (ours holds the pages of
      ``st.navigation``): otherwise the first session of a fresh server would run a deep-linked page's script
      alone, without app.py's sign-in gate;
    * memory released with a session's cache entries is given back to the system;
    * no user file is parsed in this process: a reader called here raises (:mod:`gis.worker_guard`); every
      parse goes through the door (:mod:`ingest.door`), in a worker;
    * Streamlit's cache of large messages in the browser is off (:data:`NO_MESSAGE_CACHE`): under quick
      successive reruns (a weight slider stepped with its arrow key) the server referred to a message the
      browser had already dropped, the browser failed with "Cached ForwardMsg MISS" and the page stayed
      "running" for good. Large messages (tables, map specs) are then sent whole each run.
    """
    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager

    import planner.door  # noqa: F401 (registers the readers the workers' forkserver preloads)
    from gis.worker_guard import set_strict

    set_strict(True)
    PagesManager.uses_pages_directory = False
    config.set_option("global.minCachedMessageSize", NO_MESSAGE_CACHE)
    tune_allocator()
    on_release(lambda _fragments: trim_memory())  # a session's released data: its memory back to the system


def http_routes() -> list[Any]:
    """The app's own HTTP routes (server.routes), to mount with ``st.App(..., routes=...)``."""
    from server import routes

    return routes.routes()


def http_middleware() -> list[Any]:
    """Middleware around every HTTP answer and websocket: framing by other sites refused, metrics closed
    (server.headers); static files compressed once and cached by browsers (server.static_assets); uploads refused
    before sign-in and bounded per session (server.uploads); a session resumed only with a live sign-in
    (server.resume_guard)."""
    from starlette.middleware import Middleware

    from server.headers import SecurityHeaders
    from server.resume_guard import ResumeGuard
    from server.static_assets import StaticAssets
    from server.uploads import UploadGuard

    return [
        Middleware(SecurityHeaders),
        Middleware(StaticAssets, app_static=APP_STATIC),
        Middleware(UploadGuard),
        Middleware(ResumeGuard),
    ]


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """Start the upload workers' forkserver in the background, so the first upload does not wait for it, and
    the reaper of sessions whose users left (server.sessions)."""
    threading.Thread(target=warm_up, name="upload-workers", daemon=True).start()
    reaper = asyncio.create_task(reap_forever(), name="session-reaper")
    yield
    reaper.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reaper
