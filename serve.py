"""Server entry point (`streamlit run serve.py`): the Streamlit app (app.py) plus the app's own HTTP routes."""

import streamlit as st

from planner.http import routes

app = st.App("app.py", routes=routes())
