"""Plan indicators: the 2019 baseline against the 2025 targets (table and chart)."""

import altair as alt
import pandas as pd
import streamlit as st

from gis.indicators import other_2019, table1
from layers.i18n import name_col, t
from views import common

lang = common.lang()
unit = "unit_en" if lang == "en" else "unit_zh"
st.title(t("ind_title", lang))

df = table1()
st.dataframe(pd.DataFrame({
    t("ind_indicator", lang): df[name_col(lang)], t("ind_unit", lang): df[unit],
    t("ind_2019", lang): df["y2019"], t("ind_2025", lang): df["y2025"],
    t("ind_growth", lang): (df["growth"] * 100).round(1).map(lambda v: "–" if pd.isna(v) else f"+{v:.1f} %"),
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
        y=alt.Y("indicator:N", title=None), x=alt.X("index:Q", title="2019 = 100"),
        color=alt.Color("year:N", title=None, scale=alt.Scale(range=["#a0aec0", "#2b6cb0"])),
        yOffset="year:N", tooltip=["indicator", "year", "index"]),
    width="stretch")

st.markdown(f"**{t('ind_other', lang)}**")
other = other_2019()
st.dataframe(pd.DataFrame({t("ind_indicator", lang): other[name_col(lang)], t("ind_2019", lang): other["value"],
                           t("ind_unit", lang): other[unit]}), hide_index=True, width="stretch")
st.caption(t("ind_source", lang))
