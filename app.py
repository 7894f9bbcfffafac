"""Putuo Park Planner entry point: page config, language switch and navigation (thin Streamlit)."""

import streamlit as st

from layers.i18n import LANGS, t
from views import state

st.set_page_config(page_title="张江普陀园规划助手 · Putuo Park Planner", layout="wide")

if state.LANG not in st.session_state:
    st.session_state[state.LANG] = "zh"
st.sidebar.radio("语言 / Language", LANGS, key=state.LANG, horizontal=True,
                 format_func=lambda code: {"zh": "中文", "en": "English"}[code])

lang = state.lang()
pages = [
    st.Page("views/explorer.py", title=t("page_explorer", lang), default=True),
    st.Page("views/parcels.py", title=t("page_parcels", lang), url_path="parcels"),
    st.Page("views/scenarios.py", title=t("page_scenarios", lang), url_path="scenarios"),
    st.Page("views/data_import.py", title=t("page_import", lang), url_path="import"),
    st.Page("views/export.py", title=t("page_export", lang), url_path="export"),
    st.Page("views/indicators.py", title=t("page_indicators", lang), url_path="indicators"),
    st.Page("views/data_sources.py", title=t("page_data", lang), url_path="data"),
    # /map is the home page too (links in reports and messages use it)
    st.Page("views/explorer.py", title=t("page_explorer", lang), url_path="map", visibility="hidden"),
]
st.navigation(pages).run()
