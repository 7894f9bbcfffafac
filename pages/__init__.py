"""Streamlit pages (thin): read widgets, call planner/ once, render what it returns (text/ and layers/ for words
and looks).

The folder is Streamlit's usual ``pages/`` name but holds the pages of ``st.navigation`` (app.py): the server
tells Streamlit so once at start (``server.prepare``), before the first session, so that no deep link ever runs a
page without app.py's sign-in gate.
"""
