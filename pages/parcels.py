"""Candidate parcels: weights, score map, parcel card, ranking, sensitivity, surface, own parcels, export."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import geopandas as gpd
import streamlit as st

from gis.errors import PlannerError, RasterError
from pages import boundary, cards, state
from pages.mapview import show_map
from planner import evaluate as ev_
from planner import export_jobs as jobs
from planner.data import DataSet
from planner.maps import clicked_parcel
from text.display import name_col
from text.messages import t

USER = state.USER_PARCELS  # GeoDataFrame (EPSG:4326) of the parcels drawn or uploaded this session
RASTERS = state.RASTERS  # list of planner.evaluate.RasterCriterion
SELECT = "parcel_selected"  # the parcel select box (its key carries the language)
DRAWN = "parcel_drawn"  # the last polygon drawn on the map (GeoJSON geometry), not yet added
CLEAR = "parcel_clear"  # bumps when the drawn shapes on the map should be cleared
PRESET = "weights_preset"
CUSTOM = "custom"  # the preset box's entry for weights the user set with the sliders
SHOW_SURFACE = "show_surface"
SURFACE_CELL = "surface_cell"
PARK_USE_BOX = "park_use_rule_box"  # the checkbox of the optional 控规 rule (its choice: state.PARK_USE_RULE)
ADDED_FILES = "parcel_files_added"  # digests of the uploaded files whose parcels were added this session
KEPT = state.Kept("parcels")  # the widgets whose values survive their tab being closed


def _apply_preset(criteria: tuple[str, ...]) -> None:
    preset = st.session_state[state.lkey(PRESET)]
    st.session_state[state.PRESET_CHOSEN] = preset
    if preset == CUSTOM:  # the user's own weights stay as they are
        return
    values = ev_.preset_weights(preset, criteria)
    for c, weight in values.items():
        st.session_state[state.weight_key(c)] = weight
    state.keep_weights(values)


def _keep_weight(criterion: str) -> None:
    """A slider moved: its value kept where it outlives the slider, and the preset box says 自定义 (the weights
    are no longer the preset's)."""
    state.keep_weights({criterion: st.session_state[state.weight_key(criterion)]})
    st.session_state[state.lkey(PRESET)] = CUSTOM
    st.session_state[state.PRESET_CHOSEN] = CUSTOM


def _reset(criteria: tuple[str, ...]) -> None:
    st.session_state[state.lkey(PRESET)] = "balanced"
    _apply_preset(criteria)


def _keep_park_use_rule() -> None:
    """The checkbox's choice, kept where it outlives the checkbox (Streamlit forgets a widget on another page)."""
    st.session_state[state.PARK_USE_RULE] = bool(st.session_state[PARK_USE_BOX])


def _on_map_event(event: dict, ds: DataSet, ids: set[str], datum: str) -> None:
    parcel = clicked_parcel(ds, event, layer_ids=("scored_parcels", "user_parcels"), datum=datum)
    if parcel in ids:
        st.session_state[state.lkey(SELECT)] = parcel
    elif event.get("type") == "draw" and event.get("geometry"):
        st.session_state[DRAWN] = event["geometry"]


def _weights_sidebar(criteria: tuple[str, ...], lang: str) -> dict[str, float]:
    chosen = state.weights(criteria)
    for c in criteria:  # back from another page: the sliders start where the user left them
        st.session_state.setdefault(state.weight_key(c), int(round(chosen[c])))
    if state.lkey(PRESET) not in st.session_state and st.session_state.get(state.PRESET_CHOSEN):
        st.session_state[state.lkey(PRESET)] = st.session_state[state.PRESET_CHOSEN]
    with st.sidebar:
        st.subheader(t("weights", lang))
        st.selectbox(
            t("preset", lang),
            (*ev_.preset_names(), CUSTOM),
            key=state.lkey(PRESET),
            on_change=_apply_preset,
            args=(criteria,),
            format_func=lambda p: t(f"preset_{p}", lang),
        )
        st.button(t("reset", lang), on_click=_reset, args=(criteria,))
        shares = ev_.percent_shares({c: st.session_state[state.weight_key(c)] for c in criteria})
        for c in criteria:
            st.slider(
                f"{state.md(ev_.criterion_label(c, lang))} ({shares[c]}%)",
                0,
                100,
                key=state.weight_key(c),
                on_change=_keep_weight,
                args=(c,),
            )
        st.caption(t("weights_help", lang))
    return state.weights(criteria)


def _rule_sidebar(lang: str) -> None:
    """The optional hard rule of the 控规, under the weights (only with a 控规 layer)."""
    st.sidebar.checkbox(
        t("rule_park_use", lang),
        value=state.park_use_rule(),
        key=PARK_USE_BOX,
        on_change=_keep_park_use_rule,
        help=t("rule_park_use_help", lang, min=ev_.park_use_min_share()),
    )


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ds = state.dataset()
    st.title(t("parcels_title", lang))
    st.caption(t("demo_banner", lang))
    ev = _evaluation(lang)
    if ev.user_ids or st.session_state.get(RASTERS) or st.session_state.get(state.REGULATORY) is not None:
        state.scope().claim(ev.measured_key)  # this session's own parcels, rasters and 控规
    weights = _weights_sidebar(ev.criteria, lang)
    if ev.regulated:
        _rule_sidebar(lang)
    scores = ev_.score(ev, weights)
    ids = list(ev.parcels.index)
    if st.session_state.get(state.lkey(SELECT)) not in ids:
        st.session_state[state.lkey(SELECT)] = None  # e.g. the user's parcels were removed

    state.tabs(
        {
            "tab_ranking": lambda: _map_and_ranking(ds, ev, scores, weights, lang),
            "tab_sensitivity": lambda: _sensitivity(ev, scores, lang),
            "tab_surface": lambda: _surface(ds, weights, lang),
            "tab_add": lambda: _add_parcels(ev, lang),
            "tab_export": lambda: _export(ev, scores, lang),
            "tab_help": lambda: _help(ev, scores, lang),
        },
        key="parcels_tab",
    )


def _map_and_ranking(
    ds: DataSet, ev: ev_.Evaluation, scores: ev_.Scores, weights: Mapping[str, float], lang: str
) -> None:
    names = ev.parcels[name_col(lang)].astype(str)
    map_col, card_col = st.columns([1.6, 1])
    with card_col:
        query = ""
        if len(ev.parcels) > 1000:  # a large layer: find by id or name, then pick among the matches
            query = st.text_input(t("find_parcel", lang), key=KEPT("parcel_query"), max_chars=40)
        options = ev_.parcel_choices(ev, scores, query=query, lang=lang, keep=st.session_state.get(state.lkey(SELECT)))
        selected = st.selectbox(
            t("pick_parcel", lang),
            options,
            key=KEPT.lkey(SELECT),
            index=None,
            format_func=lambda pid: f"{names[pid]} ({pid})",
            placeholder=t("card_hint", lang),
        )
    with map_col:
        image = None
        if st.session_state.get(SHOW_SURFACE):
            image = ev_.surface_image(ds, weights, cell_m=float(st.session_state.get(SURFACE_CELL, 100)))
        basemap, datum, _ = state.basemap()
        spec = ev_.parcels_map(
            ds,
            ev,
            scores,
            lang=lang,
            basemap=basemap,
            datum=datum,
            selected=selected,
            image=image,
            clear_drawings=int(st.session_state.get(CLEAR, 0)),
        )
        show_map(spec, key="parcels_map", on_event=lambda e: _on_map_event(e, ds, set(ev.parcels.index), datum))
    with card_col:
        if selected is None:
            st.caption(t("card_hint", lang))
        else:
            _card(ev_.parcel_card(ds, ev, scores, selected, lang=lang), lang)
    st.subheader(t("ranking", lang))
    ranking = ev_.ranking_table(ev, scores, lang=lang)
    st.dataframe(ranking, hide_index=True, width="stretch", column_config=cards.fixed_decimals(ranking))
    st.subheader(t("failing", lang))
    failing = ev_.failing_table(ev, lang=lang)
    if failing.empty:
        st.caption(t("none_failing", lang))
    else:
        st.dataframe(failing, hide_index=True, width="stretch")


def _card(card: ev_.ParcelCard, lang: str) -> None:
    cards.parcel_card_head(card, lang)
    cards.parcel_performance(card, lang)
    cards.parcel_tables(card, lang)


def _sensitivity(ev: ev_.Evaluation, scores: ev_.Scores, lang: str) -> None:
    st.write(t("sens_intro", lang))
    c1, c2, c3 = st.columns(3)
    spread = c1.slider(t("sens_spread", lang), 0, 50, 20, step=5, key=KEPT("sens_spread")) / 100
    draws = c2.select_slider(t("sens_draws", lang), [100, 250, 500, 1000, 2000], value=500, key=KEPT("sens_draws"))
    top_n = c3.slider(t("sens_top", lang), 1, 20, 10, key=KEPT("sens_top"))
    st.dataframe(
        ev_.sensitivity_table(ev, scores, spread=spread, draws=draws, top_n=top_n, lang=lang),
        hide_index=True,
        width="stretch",
    )


def _surface(ds: DataSet, weights: Mapping[str, float], lang: str) -> None:
    st.write(t("surface_intro", lang))
    cell = st.select_slider(t("surface_cell", lang), [50, 100, 200], value=100, key=KEPT(SURFACE_CELL))
    st.checkbox(t("surface_show", lang), key=KEPT(SHOW_SURFACE))
    surf = ev_.surface(ds, weights, cell_m=float(cell))
    st.image(
        ev_.surface_png(surf),
        width=480,
        caption=state.md(
            " · ".join(f"{ev_.criterion_label(c, lang)} {w}%" for c, w in ev_.percent_shares(surf.weights).items())
        ),
    )
    st.caption(t("legend_surface", lang))
    st.download_button(
        t("surface_download", lang),
        ev_.surface_geotiff(surf),
        file_name="putuo_suitability_4549.tif",
        mime="image/tiff",
        key="dl_surface",
    )


def _add_parcels(ev: ev_.Evaluation, lang: str) -> None:
    st.write(t("draw_hint", lang))
    drawn: dict | None = st.session_state.get(DRAWN)
    c1, c2 = st.columns(2)
    new_name = c1.text_input(t("parcel_name", lang), key=KEPT("new_parcel_name"), max_chars=80)
    options = ev_.industry_options()
    new_use = c2.selectbox(
        t("intended_use", lang),
        options,
        key=KEPT.lkey("new_parcel_use"),
        format_func=lambda code: ev_.industry_label(code, lang),
    )
    if not drawn:
        st.caption(t("no_drawing", lang))
    if st.button(t("add_drawn", lang), disabled=not drawn, key="add_drawn"):
        name = new_name.strip() or f"{t('drawn_parcel', lang)} {len(ev.user_ids) + 1}"
        _store_user(ev_.add_drawn_parcel(st.session_state.get(USER), drawn or {}, name=name, intended_use=new_use))
        st.session_state.pop(DRAWN, None)
        st.session_state[CLEAR] = int(st.session_state.get(CLEAR, 0)) + 1
        st.rerun()
    upload = st.file_uploader(t("upload_parcels", lang), type=["geojson", "json", "gpkg", "zip"], key="upload_parcels")
    if upload is not None:
        digest = ev_.upload_digest(upload.getvalue())
        added = digest in st.session_state.get(ADDED_FILES, ())
        if added:  # a second click (or the same file again) would add every parcel twice
            st.caption(t("upload_already_added", lang, file=upload.name))
        if st.button(t("add_uploaded", lang), key="add_upload", disabled=added):
            _store_user(
                ev_.add_uploaded_parcels(
                    st.session_state.get(USER), upload.name, upload.getvalue(), intended_use=new_use
                )
            )
            st.session_state[ADDED_FILES] = {*st.session_state.get(ADDED_FILES, ()), digest}
            st.rerun()
    if ev.user_ids:
        st.markdown(f"**{t('user_parcels', lang)}**")
        user = ev.parcels.loc[list(ev.user_ids)]
        st.dataframe(
            {t("f_id", lang): list(ev.user_ids), t("f_name", lang): user["name_zh"].astype(str).tolist()},
            hide_index=True,
            width="stretch",
        )
        state.confirmed_button(
            t("remove_user", lang),
            key="remove_user",
            question=t("remove_user_confirm", lang, count=len(ev.user_ids)),
            action=_remove_user,
            lang=lang,
        )
    _rasters(ev, lang)


def _remove_user() -> None:
    """Every parcel the user added removed (asked first: it cannot be undone)."""
    st.session_state[USER] = None
    st.session_state.pop(ADDED_FILES, None)


def _evaluation(lang: str) -> ev_.Evaluation:
    """This session's evaluation; a raster criterion that cannot be computed is removed and its error shown here,
    so the rest of the page (and the way to add another raster) stays usable."""
    for _ in range(len(st.session_state.get(RASTERS) or []) + 1):
        try:
            return state.evaluation()
        except RasterError as exc:
            name = exc.params.get("name")
            rasters = st.session_state.get(RASTERS) or []
            kept = [r for r in rasters if r.name != name]
            if name is None or len(kept) == len(rasters):
                raise
            st.session_state[RASTERS] = kept
            boundary.show_error(exc, lang)
    return state.evaluation()


def _store_user(parcels: gpd.GeoDataFrame) -> None:
    """The user's parcels are now ``parcels``; the last one added is selected."""
    st.session_state[USER] = parcels
    st.session_state[state.lkey(SELECT)] = parcels["id"].iloc[-1]


def _rasters(ev: ev_.Evaluation, lang: str) -> None:
    st.markdown(f"**{t('raster_title', lang)}**")
    rc1, rc2 = st.columns(2)
    rname = rc1.text_input(t("raster_name", lang), key=KEPT("raster_name"), max_chars=40)
    rhigher = rc2.checkbox(t("raster_higher", lang), value=True, key=KEPT("raster_higher"))
    rfile = st.file_uploader(t("raster_upload", lang), type=["tif", "tiff"], key="raster_file")
    if rfile is not None and st.button(t("raster_add", lang), key="raster_add"):
        try:
            crit = ev_.raster_criterion(
                rname or rfile.name, rfile.getvalue(), higher_is_better=rhigher, probe=ev.parcels
            )
        except PlannerError as exc:  # this raster is refused; the page and the other criteria stay
            boundary.show_error(exc, lang)
        else:
            others = [r for r in st.session_state.get(RASTERS, []) if r.name != crit.name]
            st.session_state[RASTERS] = [*others, crit]
            st.rerun()
    rasters = st.session_state.get(RASTERS) or []
    if rasters:
        st.text(t("list_sep", lang).join(r.name for r in rasters))
        state.confirmed_button(
            t("raster_remove", lang),
            key="raster_remove",
            question=t("raster_remove_confirm", lang, names=[r.name for r in rasters]),
            action=lambda: st.session_state.__setitem__(RASTERS, []),
            lang=lang,
        )


def _export(ev: ev_.Evaluation, scores: ev_.Scores, lang: str) -> None:
    labels = {"csv": "export_csv", "xlsx": "export_xlsx", "geojson": "export_geojson", "gpkg": "export_gpkg"}
    for col, (fmt, (file_name, mime)) in zip(st.columns(len(jobs.PARCEL_FILES)), jobs.PARCEL_FILES.items()):
        col.download_button(
            t(labels[fmt], lang),
            functools.partial(jobs.parcel_file, ev, scores, fmt=fmt, lang=lang),
            file_name=file_name,
            mime=mime,
            key=f"dl_{fmt}",
        )
    ranking = ev_.ranking_table(ev, scores, lang=lang)
    st.dataframe(ranking, hide_index=True, width="stretch", column_config=cards.fixed_decimals(ranking))
    if len(ev.parcels) > ev_.DISPLAY_ROWS:
        st.caption(t("rows_shown", lang, shown=ev_.DISPLAY_ROWS, total=len(ev.parcels)))


def _help(ev: ev_.Evaluation, scores: ev_.Scores, lang: str) -> None:
    for c in ev_.vector_criteria():
        st.markdown(f"**{ev_.criterion_label(c, lang)}** — {t(f'help_{c}', lang)}")
    if ev.regulated:
        st.markdown(f"**{ev_.criterion_label('landuse', lang)}** — {ev_.landuse_help(lang)}")
    st.markdown(f"**{t('raster_title', lang)}** — {t('help_raster', lang)}")
    st.markdown(f"**{t('card_rules', lang)}** — {t('help_rules', lang)}")
    if ev.regulated:
        min_share = ev_.park_use_min_share()
        st.markdown(f"**{t('rule_park_use', lang)}** — {t('help_park_use_rule', lang, min=min_share)}")
    passing = int(ev.rules["passes"].sum())
    shares = ev_.percent_shares(scores.weights.to_dict())
    weights = ", ".join(f"{ev_.criterion_label(c, lang)} {w}%" for c, w in shares.items())
    st.caption(
        t("help_counts", lang, n=len(ev.parcels), passing=passing, failing=len(ev.parcels) - passing)
        + " "
        + state.md(weights)
    )


boundary.run(page, lang=state.lang())
