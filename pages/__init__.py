"""Streamlit pages (thin): read widgets, call gis/ and layers/, show results."""
