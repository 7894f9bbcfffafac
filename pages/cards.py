"""The head of a parcel's score card (name, id and intended use, score and rank, failed rules) and what the 控规
allows on it, shared by the park map's panel and the parcels page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages import state
from planner.evaluate import ParcelCard
from planner.performance import performance_line
from text.messages import t


def parcel_card_head(card: ParcelCard, lang: str) -> None:
    """Draw the card's heading, its id and intended use, score and rank, and the rules it fails."""
    st.subheader(state.md(card.name), anchor=False)
    st.caption(state.md(f"{card.id} · {t('intended_use', lang)}{t('colon', lang)}{card.intended_use}"))
    m1, m2 = st.columns(2)
    m1.metric(t("card_total", lang), f"{card.score:.3f}")
    m2.metric(t("f_rank", lang), card.rank_text())
    if card.failed:
        st.warning(t("f_failed", lang) + t("colon", lang) + state.md(card.failed), icon="⚠️")


def parcel_capacity(card: ParcelCard, lang: str) -> None:
    """Draw what the 控规 allows on the parcel (planned uses, floor area allowed, existing and remaining floor area);
    nothing when there is no 控规 layer."""
    if card.capacity is None:
        return
    st.markdown(f"**{t('card_konggui', lang)}**")
    text_table(card.capacity)


def parcel_performance(card: ParcelCard, lang: str) -> None:
    """The parcel's 亩均效益 class (the session's statistics and the office's scheme), a renewal candidate when D;
    nothing without statistics for it."""
    line = performance_line(state.performance(), card.id, lang=lang)
    if line is not None:
        st.caption(state.md(line))


def text_table(frame: pd.DataFrame) -> None:
    """A small table whose every column is seen in a narrow column: long texts wrap in their cells instead of
    pushing columns out of view (a static table; the index is not shown)."""
    st.table(frame.style.hide(axis="index"))


def parcel_tables(card: ParcelCard, lang: str, *, criteria: bool = True) -> None:
    """The card's tables, each fully visible in the card's width: the criteria (measured, normalised, weight,
    contribution and their total), the 控规, the hard rules with what was measured, the nearest sub-parks and
    stations (with their kind)."""
    if criteria and card.criteria_text is not None:
        text_table(card.criteria_text)
    parcel_capacity(card, lang)
    st.markdown(f"**{t('card_rules', lang)}**")
    text_table(card.rules)
    st.markdown(f"**{t('card_neighbours', lang)}**")
    text_table(card.neighbours)


def fixed_decimals(frame: pd.DataFrame, *, digits: int = 3) -> dict:
    """Column settings showing every float column of ``frame`` with ``digits`` decimals (0.200 beside 0.195,
    not 0.2), for ``st.dataframe(column_config=...)``."""
    return {
        str(c): st.column_config.NumberColumn(format=f"%.{digits}f")
        for c in frame.columns
        if pd.api.types.is_float_dtype(frame[c])
    }
