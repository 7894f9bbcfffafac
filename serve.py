"""Server entry point (`streamlit run serve.py`): the Streamlit app (app.py) plus the app's own HTTP routes."""

import threading
from contextlib import asynccontextmanager

import streamlit as st

from gis.sandbox import warm_up
from planner.http import routes


@asynccontextmanager
async def lifespan(_app):  # noqa: ANN001, ANN201
    """Start the upload workers' forkserver in the background, so the first upload does not wait for it."""
    threading.Thread(target=warm_up, name="upload-workers", daemon=True).start()
    yield


app = st.App("app.py", routes=routes(), lifespan=lifespan)
