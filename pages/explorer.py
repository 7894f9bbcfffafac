"""Home page: the park on the map, a sub-park's facts panel and the area tables (/?subpark=S03 opens one)."""

from __future__ import annotations

import streamlit as st

from pages import boundary, cards, state
from pages.mapview import show_map
from planner import evaluate as ev_
from planner import explore
from planner.basemaps import basemap_choices, default_basemap
from planner.data import DataSet
from planner.maps import clicked_parcel
from text.messages import t

SELECT = "home_subpark"  # the sub-park select box (its key carries the language)
FOCUS = "home_focus"  # (sub-park id, n): the map zooms to it when n changes
UNKNOWN_LINK = "home_unknown_link"  # a deep link to no sub-park or parcel, said once
LINKED = "home_deep_link"  # the ?subpark= / ?parcel= of the session's first run (later changes are the page's own)
HOME_MAP_HEIGHT = 560  # px: under the page's head the whole map, legend included, is in a 1440 × 900 window
PARCEL = "home_parcel"  # the parcel whose card the panel shows (instead of a sub-park's)


def _focus(subpark_id: str | None) -> None:
    n = (st.session_state.get(FOCUS) or (None, 0))[1] + 1
    st.session_state[FOCUS] = (subpark_id, n)


def _on_pick() -> None:
    picked = st.session_state.get(state.lkey(SELECT))
    st.session_state.pop(PARCEL, None)
    st.query_params.pop("parcel", None)
    _focus(picked)
    if picked:
        st.query_params["subpark"] = picked
    else:
        st.query_params.pop("subpark", None)


def _on_map_event(event: dict, names: dict[str, str], ds: DataSet, datum: str) -> None:
    if event.get("type") == "click" and event.get("layer") == "subparks" and event.get("id") in names:
        st.session_state[state.lkey(SELECT)] = event["id"]
        st.session_state.pop(PARCEL, None)
        st.query_params.pop("parcel", None)
        st.query_params["subpark"] = event["id"]
        return
    parcel = clicked_parcel(ds, event, layer_ids=("parcels",), datum=datum)
    if parcel:
        st.session_state[PARCEL] = parcel
        st.query_params.pop("subpark", None)
        st.query_params["parcel"] = parcel


def _close_parcel() -> None:
    st.session_state.pop(PARCEL, None)
    st.query_params.pop("parcel", None)


def page() -> None:
    lang = state.lang()
    ds = state.dataset()
    names = explore.subpark_names(ds, lang=lang)
    key = state.lkey(SELECT)
    if LINKED not in st.session_state:  # a deep link (/?subpark=S03, /?parcel=P001) is read once per session
        linked = st.session_state[LINKED] = st.query_params.get("subpark") or st.query_params.get("parcel")
        if linked in names:
            st.session_state[key] = linked
            _focus(linked)
        elif linked and st.query_params.get("parcel") == linked and explore.has_parcel(ds, linked):
            st.session_state[PARCEL] = linked
            _focus(f"parcel:{linked}")
        elif linked:  # /?subpark=S99: said once, never silently ignored
            st.session_state[UNKNOWN_LINK] = str(linked)[:40]

    st.title(t("app_title", lang))
    st.caption(t("app_subtitle", lang) + " · " + t("demo_banner", lang))
    unknown = st.session_state.pop(UNKNOWN_LINK, None)
    if unknown:
        st.warning(t("link_unknown", lang, id=state.md(unknown)), icon=":material/link_off:")
    c1, c2 = st.columns([1, 2])
    ws, _ = state.workspace()
    choices = basemap_choices(ws)
    key_b = state.lkey(state.BASEMAP)
    st.session_state.setdefault(key_b, default_basemap(ws))
    c1.selectbox(
        t("basemap", lang),
        [b.id for b in choices],
        key=key_b,
        format_func=lambda b: t(next(c.label_key for c in choices if c.id == b), lang),
    )
    selected = c2.selectbox(
        t("search_subpark", lang),
        list(names),
        key=key,
        index=None,
        on_change=_on_pick,
        placeholder=t("search_placeholder", lang),
        format_func=lambda sid: f"{names.get(sid, sid)} ({sid})",
    )
    basemap, datum, note = state.basemap()
    if note:
        st.caption(t(note, lang))

    parcel = st.session_state.get(PARCEL)
    map_col, panel_col = st.columns([2.2, 1])
    with map_col:
        focus_id, n = st.session_state.get(FOCUS) or (None, 0)
        wanted = f"parcel:{parcel}" if parcel else selected
        spec = explore.home_map(
            ds,
            lang=lang,
            basemap=basemap,
            basemap_datum=datum,
            selected=selected,
            selected_parcel=parcel,
            focus_token=f"{focus_id}:{n}" if focus_id == wanted and n else None,
            height=HOME_MAP_HEIGHT,
        )
        show_map(spec, key="home_map", on_event=lambda ev: _on_map_event(ev, names, ds, datum))
    with panel_col:
        if parcel:
            _parcel_card(ds, parcel, lang)
        elif selected is None:
            st.write(t("panel_hint", lang))
        else:
            _card(explore.subpark_card(ds, selected, lang=lang), lang)

    st.subheader(t("area_table", lang))
    by_cluster, by_subpark = explore.area_tables(ds, lang=lang)
    tab1, tab2 = st.tabs([t("area_by_cluster", lang), t("area_by_subpark", lang)])
    tab1.dataframe(by_cluster, hide_index=True, width="stretch")
    tab2.dataframe(by_subpark, hide_index=True, width="stretch")
    st.caption(t("area_note", lang))


def _parcel_card(ds: DataSet, parcel_id: str, lang: str) -> None:
    ev = state.evaluation()
    card = ev_.parcel_card(ds, ev, ev_.score(ev, state.weights(ev.criteria)), parcel_id, lang=lang)
    st.caption(t("panel_parcel", lang))
    cards.parcel_card_head(card, lang)
    cards.parcel_performance(card, lang)
    cards.parcel_tables(card, lang, criteria=False)
    st.button(t("panel_close", lang), key="home_parcel_close", on_click=_close_parcel)


def _card(card: explore.SubparkCard, lang: str) -> None:
    st.subheader(state.md(card.name), anchor=False)
    st.caption(state.md(f"{card.id} · {card.cluster}"))
    a = card.area
    m1, m2, m3 = st.columns(3)
    m1.metric("km²", f"{a.km2:.3f}")
    m2.metric(t("f_area_ha", lang), f"{a.ha:.1f}")
    m3.metric(t("f_area_mu", lang), f"{a.mu:,.0f}")
    st.caption(
        f"{t('f_geodesic_km2', lang)}: {a.geodesic_km2:.3f}"
        + (f" · {t('f_declared_km2', lang)}: {a.declared_km2:.2f}" if a.declared_km2 is not None else "")
    )
    st.markdown(f"**{t('f_industries', lang)}**")
    st.text(card.positioning)
    if card.carriers:
        st.markdown(f"**{t('f_carriers', lang)}**")
        st.text(card.carriers)
    st.markdown(f"**{t('panel_buildings', lang)}**")
    if card.buildings.empty:
        st.caption(t("panel_no_buildings", lang))
    else:
        cards.text_table(card.buildings)  # the panel is narrow: every column seen, long names wrapped
    st.markdown(f"**{t('panel_stations', lang)}**")
    cards.text_table(card.stations)
    st.markdown(f"**{t('panel_zones', lang)}**")
    st.text(" · ".join(f"{label} {share:.0%}" for label, share in card.zones) or t("panel_not_in_zones", lang))
    st.caption(f"{t('f_accuracy', lang)}: ")
    st.text(card.accuracy)


boundary.run(page, lang=state.lang())
