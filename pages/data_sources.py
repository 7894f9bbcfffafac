"""Data page: every layer with its feature count, sources, accuracy, and the invariant check."""

from __future__ import annotations

import streamlit as st

from pages import boundary, state
from planner import explore
from text.messages import t


def page() -> None:
    lang = state.lang()
    ds = state.dataset()
    st.title(t("data_title", lang))
    st.warning(t("demo_banner", lang))
    st.dataframe(explore.layer_inventory(ds, lang=lang), hide_index=True, width="stretch")
    st.subheader(t("data_validation", lang))
    problems = explore.invariant_texts(ds, lang=lang)
    if problems:
        for p in problems:
            st.error(state.md(p))
    else:
        st.success(t("data_valid", lang))
    st.subheader(t("data_replace", lang))
    st.markdown(t("data_replace_text", lang))
    st.caption(t("data_licences", lang))


boundary.run(page, lang=state.lang())
