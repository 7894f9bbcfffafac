"""Plan indicators: the 2019 baseline against the 2025 targets (table and chart)."""

from __future__ import annotations

import altair as alt
import streamlit as st

from pages import boundary, state
from planner import explore
from text.messages import t


def page() -> None:
    lang = state.lang()
    st.title(t("ind_title", lang))
    st.dataframe(explore.indicator_table(lang=lang), hide_index=True, width="stretch")
    st.markdown(f"**{t('ind_chart', lang)}**")
    st.altair_chart(
        alt.Chart(explore.indicator_index(lang=lang))
        .mark_bar()
        .encode(
            y=alt.Y("indicator:N", title=None),
            x=alt.X("index:Q", title=t("ind_index", lang)),
            color=alt.Color("year:N", title=None, scale=alt.Scale(range=["#a0aec0", "#2b6cb0"])),
            yOffset="year:N",
            tooltip=[
                alt.Tooltip("indicator:N", title=t("ind_indicator", lang)),
                alt.Tooltip("year:N", title=t("ind_year", lang)),
                alt.Tooltip("index:Q", title=t("ind_index", lang)),
            ],
        ),
        width="stretch",
    )
    st.markdown(f"**{t('ind_other', lang)}**")
    st.dataframe(explore.other_indicators(lang=lang), hide_index=True, width="stretch")
    st.caption(t("ind_source", lang))


boundary.run(page, lang=state.lang())
