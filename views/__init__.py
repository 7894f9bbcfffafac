"""Streamlit pages (thin): read widgets, call gis/ and layers/, show results.

The folder is not called ``pages/``: Streamlit treats a ``pages/`` folder beside the main script as
an old-style multipage app until ``st.navigation`` has run once in the process, so a deep link such
as ``/parcels`` opened first on a fresh server would run that page alone, without app.py.
"""
