"""The head of a parcel's score card (name, id and intended use, score and rank, failed rules) and what the 控规
allows on it, shared by the park map's panel and the parcels page."""

from __future__ import annotations

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
    m2.metric(t("f_rank", lang), "–" if card.rank is None else card.rank)
    if card.failed:
        st.warning(t("f_failed", lang) + t("colon", lang) + state.md(card.failed), icon="⚠️")


def parcel_capacity(card: ParcelCard, lang: str) -> None:
    """Draw what the 控规 allows on the parcel (planned uses, floor area allowed, existing and remaining floor area);
    nothing when there is no 控规 layer."""
    if card.capacity is None:
        return
    st.markdown(f"**{t('card_konggui', lang)}**")
    st.dataframe(card.capacity, hide_index=True, width="stretch")


def parcel_performance(card: ParcelCard, lang: str) -> None:
    """The parcel's 亩均效益 class (the session's statistics and the office's scheme), a renewal candidate when D;
    nothing without statistics for it."""
    line = performance_line(state.performance(), card.id, lang=lang)
    if line is not None:
        st.caption(state.md(line))
