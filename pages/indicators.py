"""Plan indicators: the 2019 baseline against the 2025 targets (table and chart)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from gis.indicators import other_2019, table1
from pages import boundary, state
from text.display import name_col
from text.messages import t


def page() -> None:
    lang = state.lang()
    unit = "unit_en" if lang == "en" else "unit_zh"
    st.title(t("ind_title", lang))
    df = table1()
    st.dataframe(pd.DataFrame({
        t("ind_indicator", lang): df[name_col(lang)], t("ind_unit", lang): df[unit],
        t("ind_2019", lang): [f"{v:,.2f}".rstrip("0").rstrip(".") if pd.notna(v) else "–" for v in df["y2019"]],
        t("ind_2025", lang): [f"{v:,.2f}".rstrip("0").rstrip(".") if pd.notna(v) else "–" for v in df["y2025"]],
        t("ind_growth", lang): [f"+{v:.1%}" if pd.notna(v) else "–" for v in df["growth"]],
    }), hide_index=True, width="stretch")
    based = df.dropna(subset=["y2019"])
    chart_df = pd.concat([
        pd.DataFrame({"indicator": based[name_col(lang)], "year": t("ind_2019", lang), "index": 100.0}),
        pd.DataFrame({"indicator": based[name_col(lang)], "year": t("ind_2025", lang),
                      "index": (based["y2025"] / based["y2019"] * 100).round(1)}),
    ])
    st.markdown(f"**{t('ind_chart', lang)}**")
    st.altair_chart(
        alt.Chart(chart_df).mark_bar().encode(
            y=alt.Y("indicator:N", title=None), x=alt.X("index:Q", title=t("ind_index", lang)),
            color=alt.Color("year:N", title=None, scale=alt.Scale(range=["#a0aec0", "#2b6cb0"])),
            yOffset="year:N",
            tooltip=[alt.Tooltip("indicator:N", title=t("ind_indicator", lang)),
                     alt.Tooltip("year:N", title=t("ind_year", lang)),
                     alt.Tooltip("index:Q", title=t("ind_index", lang))]),
        width="stretch")
    st.markdown(f"**{t('ind_other', lang)}**")
    other = other_2019()
    st.dataframe(pd.DataFrame({t("ind_indicator", lang): other[name_col(lang)], t("ind_2019", lang): other["value"],
                               t("ind_unit", lang): other[unit]}), hide_index=True, width="stretch")
    st.caption(t("ind_source", lang))


boundary.run(page, lang=state.lang())
