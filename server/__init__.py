"""The server around the pages: the HTTP routes, the session reaper and allocator tuning (mounted by app.py)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ingest.sandbox import warm_up
from server.allocator import trim_memory, tune_allocator
from server.sessions import reap_forever
from tiles.cache import on_release

__all__ = ["http_middleware", "http_routes", "lifespan", "prepare"]


def prepare() -> None:
    """What the server process sets once, before the first browser session.

    * glibc keeps large blocks in their own mappings, so a session's data goes back to the system when freed;
    * Streamlit is told the app has no ``pages/`` directory of the old multipage kind (ours holds the pages of
      ``st.navigation``): otherwise the first session of a fresh server would run a deep-linked page's script
      alone, without app.py's sign-in gate;
    * memory released with a session's cache entries is given back to the system;
    * no user file is parsed in this process: a reader called here raises (:mod:`gis.worker_guard`); every
      parse goes through the door (:mod:`ingest.door`), in a worker.
    """
    import planner.door  # noqa: F401 (registers the readers the workers' forkserver preloads)
    from gis.worker_guard import set_strict

    set_strict(True)
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    tune_allocator()
    on_release(lambda _fragments: trim_memory())  # a session's released data: its memory back to the system


def http_routes() -> list[Any]:
    """The app's own HTTP routes (server.routes), to mount with ``st.App(..., routes=...)``."""
    from server import routes

    return routes.routes()


def http_middleware() -> list[Any]:
    """Middleware around every HTTP answer: framing by other sites refused, metrics closed (server.headers);
    uploads refused before sign-in and bounded per session (server.uploads)."""
    from starlette.middleware import Middleware

    from server.headers import SecurityHeaders
    from server.uploads import UploadGuard

    return [Middleware(SecurityHeaders), Middleware(UploadGuard)]


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
