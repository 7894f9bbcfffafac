"""Server entry point (`streamlit run serve.py`): the Streamlit app (app.py) plus the app's own HTTP routes."""

import asyncio
import contextlib
import threading
from contextlib import asynccontextmanager

import streamlit as st

from gis.sandbox import warm_up
from planner.cache import tune_allocator
from planner.http import routes
from planner.sessions import reap_forever

tune_allocator()  # large blocks in their own mappings: given back to the system when a session's data goes


@asynccontextmanager
async def lifespan(_app):  # noqa: ANN001, ANN201
    """Start the upload workers' forkserver in the background, so the first upload does not wait for it, and
    the reaper of sessions whose users left (planner.sessions)."""
    threading.Thread(target=warm_up, name="upload-workers", daemon=True).start()
    reaper = asyncio.create_task(reap_forever(), name="session-reaper")
    yield
    reaper.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reaper


app = st.App("app.py", routes=routes(), lifespan=lifespan)
