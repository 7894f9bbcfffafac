"""合规审查: load or draw proposals, check them against the 控规, the map pass/fail, the checks, the 审查意见 PDF."""

from __future__ import annotations

import functools
import json

import geopandas as gpd
import streamlit as st

from gis.errors import PlannerError
from pages import boundary, state
from pages.mapview import show_map
from planner import review as rv
from planner import workspace as pw
from planner.data import DataSet
from text.messages import t

PROPOSALS = "review_proposals"  # GeoDataFrame (normalised, EPSG:4326) of this session's proposals
DRAWN = "review_drawn"  # the last site drawn on the map (GeoJSON geometry), not yet added
CLEAR = "review_clear"  # bumps when the drawn shapes on the map should be cleared
SELECT = "review_selected"  # position of the proposal shown (its key carries the language)
KG_NAME = "regulatory_layer_name"  # the file name of a loaded 控规 layer (shown as text)
KG_RAW = "review_kg_read"  # (file name, GeoDataFrame) of a 控规 file read, its fields not yet mapped
KEPT = state.Kept("review")


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ds = state.dataset()
    st.title(t("rev_title", lang))
    st.caption(t("rev_intro", lang))
    regulatory = _regulatory_panel(lang)
    if regulatory is None:
        return
    proposals: gpd.GeoDataFrame | None = st.session_state.get(PROPOSALS)
    run = rv.run_review(proposals, regulatory) if proposals is not None and len(proposals) else None
    n = 0 if run is None else len(run.reviews)
    if st.session_state.get(SELECT) is not None and st.session_state[SELECT] >= n:
        st.session_state[SELECT] = None  # the proposals were removed
    map_col, side_col = st.columns([1.6, 1])
    with side_col:
        _add_proposals(regulatory, n, lang)
    with map_col:
        basemap, datum, _ = state.basemap()
        spec = rv.review_map(
            ds,
            regulatory,
            proposals,
            run,
            lang=lang,
            basemap=basemap,
            datum=datum,
            selected=st.session_state.get(SELECT),
            clear_drawings=int(st.session_state.get(CLEAR, 0)),
        )
        show_map(spec, key="review_map", on_event=lambda e: _on_map_event(e, n))
    st.caption(t("rev_help_rules", lang))
    if run is None or proposals is None:
        st.info(t("rev_none_yet", lang))
        return
    _results(ds, regulatory, proposals, run, lang)


def _on_map_event(event: dict, n: int) -> None:
    if event.get("type") == "click" and event.get("layer") == "proposals":
        try:
            position = int(str(event.get("id"))) - 1
        except ValueError:
            return
        if 0 <= position < n:
            st.session_state[SELECT] = position
    elif event.get("type") == "draw" and event.get("geometry"):
        st.session_state[DRAWN] = event["geometry"]


def _regulatory_panel(lang: str) -> gpd.GeoDataFrame | None:
    """The 控规 layer in use, said in words; a loaded file replaces the data folder's for this session."""
    regulatory = state.regulatory()
    loaded = st.session_state.get(state.REGULATORY) is not None
    with st.expander(t("rev_kg_heading", lang), expanded=regulatory is None):
        if regulatory is None:
            st.warning(t("rev_kg_none", lang))
        elif loaded:
            st.text(t("rev_kg_loaded", lang, name=st.session_state.get(KG_NAME, ""), n=len(regulatory)))
        else:
            st.text(t("rev_kg_bundled", lang, n=len(regulatory)))
        upload = st.file_uploader(
            t("rev_kg_upload", lang), type=["geojson", "json", "gpkg", "zip", "kml", "kmz"], key="review_kg_file"
        )
        if upload is not None and st.button(t("rev_kg_read", lang), key="review_kg_read"):
            st.session_state[KG_RAW] = (upload.name[:80], rv.read_layer_upload(upload.name, upload.getvalue()))
            st.rerun()
        if st.session_state.get(KG_RAW) is not None:
            _map_fields(lang)
        if loaded and st.button(t("rev_kg_reset", lang), key="review_kg_reset"):
            st.session_state.pop(state.REGULATORY, None)
            st.rerun()
    return regulatory


def _map_fields(lang: str) -> None:
    """Which column of the file read holds each 控规 field (remembered for files with the same columns); then load."""
    name, raw = st.session_state[KG_RAW]
    columns = [str(c) for c in raw.columns if c != raw.geometry.name]
    ws, _ = state.workspace()
    user = state.signed_in_user()
    key = rv.mapping_key(columns)
    start = rv.start_mapping(columns, pw.load_field_mapping(ws, key))
    st.caption(t("rev_kg_mapping", lang, name=name, n=len(raw)))
    options = ["", *columns]
    mapping = {}
    for col, field in zip(st.columns(2) * 4, rv.plan_fields()):
        mapping[field] = col.selectbox(
            t(f"rev_field_{field}", lang),
            options,
            index=options.index(start[field] or ""),
            key=f"review_kgmap_{key}_{field}",
            format_func=lambda c: c or t("rev_field_none", lang),
        )
    if st.button(t("rev_kg_load", lang), key="review_kg_load"):
        st.session_state[state.REGULATORY] = rv.regulatory_layer(raw, mapping=mapping)
        st.session_state[KG_NAME] = name
        st.session_state.pop(KG_RAW, None)
        if pw.can(user, "save"):
            pw.save_field_mapping(ws, user, key, "regulatory", mapping)
        st.rerun()


def _add(new: gpd.GeoDataFrame, regulatory: gpd.GeoDataFrame, lang: str) -> bool:
    """Add proposals once they can be reviewed (each within the 控规); a refusal is shown, nothing is added."""
    try:
        rv.run_review(new, regulatory)
    except PlannerError as exc:
        boundary.show_error(exc, lang)
        return False
    st.session_state[PROPOSALS] = rv.with_proposals(st.session_state.get(PROPOSALS), new)
    # one new proposal is opened; several are shown together
    st.session_state[SELECT] = len(st.session_state[PROPOSALS]) - 1 if len(new) == 1 else None
    return True


def _add_proposals(regulatory: gpd.GeoDataFrame, n: int, lang: str) -> None:
    st.subheader(t("rev_add_heading", lang))
    if st.button(t("rev_load_demo", lang), key="review_demo"):
        demo = rv.demo_proposals()
        if demo is not None and _add(demo, regulatory, lang):
            st.rerun()
    upload = st.file_uploader(
        t("rev_upload", lang), type=["geojson", "json", "gpkg", "zip", "kml", "kmz"], key="review_file"
    )
    if upload is not None and st.button(t("rev_add_upload", lang), key="review_add_upload"):
        new = rv.read_proposals_upload(upload.name, upload.getvalue())
        if _add(new, regulatory, lang):
            st.rerun()
    _drawn_form(regulatory, n, lang)
    if n and st.button(t("rev_clear", lang), key="review_clear_all"):
        st.session_state[PROPOSALS] = None
        st.session_state[SELECT] = None
        st.rerun()


def _drawn_form(regulatory: gpd.GeoDataFrame, n: int, lang: str) -> None:
    st.caption(t("rev_draw_hint", lang))
    drawn: dict | None = st.session_state.get(DRAWN)
    name = st.text_input(t("rev_name", lang), key=KEPT("review_new_name"), max_chars=80)
    code = st.selectbox(
        t("rev_code", lang),
        rv.code_choices(),
        key=KEPT.lkey("review_new_code"),
        index=rv.code_choices().index("0802"),
        format_func=lambda c: rv.code_label(c, lang),
    )
    c1, c2 = st.columns(2)
    gfa = c1.number_input(t("rev_gfa", lang), min_value=0.0, value=None, step=100.0, key=KEPT("review_new_gfa"))
    height = c2.number_input(t("rev_height", lang), min_value=0.0, value=None, step=1.0, key=KEPT("review_new_h"))
    footprint = c1.number_input(
        t("rev_footprint", lang), min_value=0.0, value=None, step=100.0, key=KEPT("review_new_fp")
    )
    green = c2.number_input(t("rev_green", lang), min_value=0.0, value=None, step=100.0, key=KEPT("review_new_green"))
    if not drawn:
        st.caption(t("rev_no_drawing", lang))
    if st.button(t("rev_add_drawn", lang), disabled=not drawn, key="review_add_drawn"):
        new = rv.drawn_proposal(
            drawn or {},
            name=name.strip() or t("rev_drawn_name", lang, n=n + 1),
            code=code,
            gfa_m2=gfa,
            height_m=height,
            footprint_m2=footprint,
            green_m2=green,
        )
        if _add(new, regulatory, lang):
            st.session_state.pop(DRAWN, None)
            st.session_state[CLEAR] = int(st.session_state.get(CLEAR, 0)) + 1
            st.rerun()


def _results(
    ds: DataSet, regulatory: gpd.GeoDataFrame, proposals: gpd.GeoDataFrame, run: rv.ReviewRun, lang: str
) -> None:
    st.subheader(t("rev_results", lang))
    verdicts = [rv.verdict(r) for r in run.reviews]
    st.text(
        t(
            "rev_counts",
            lang,
            n=len(verdicts),
            passed=verdicts.count("pass"),
            failed=verdicts.count("fail"),
            missing=verdicts.count("no_data"),
        )
    )
    st.dataframe(rv.summary_table(run, lang=lang), hide_index=True, width="stretch")
    st.download_button(
        t("rev_download_json", lang),
        json.dumps(rv.review_json(run, lang=lang), ensure_ascii=False, indent=1),
        file_name="putuo_review.json",
        mime="application/json",
        key="review_dl_json",
    )
    names = [r.name for r in run.reviews]
    selected = st.selectbox(
        t("rev_pick", lang),
        list(range(len(names))),
        key=SELECT,
        index=None,
        format_func=lambda i: f"{i + 1}. {names[i]}",
    )
    if selected is None:
        return
    review = run.reviews[selected]
    st.markdown(f"**{state.md(review.name)}** — {t(f'rev_verdict_{rv.verdict(review)}', lang)}")
    st.caption(
        t(
            "rev_max_gfa_line",
            lang,
            planar=f"{review.site_area_m2:,.1f}",
            geodesic=f"{review.geodesic_area_m2:,.1f}",
            max_gfa=f"{review.max_gfa_m2:,.0f}",
        )
    )
    rows = rv.check_rows(review, lang=lang)
    columns = ("rule", "clause", "limit", "value", "margin", "result", "fix")
    st.dataframe([{t(f"rev_head_{c}", lang): r[c] for c in columns} for r in rows], hide_index=True, width="stretch")
    for note in rv.notes(review, lang=lang):
        st.text(note)
    unit = st.text_input(t("rev_unit", lang), key=KEPT("pm_unit"), max_chars=60)
    st.download_button(
        t("rev_download", lang),
        functools.partial(
            rv.review_sheet, ds, regulatory, proposals, run, selected, lang=lang, author=state.user(), unit=unit
        ),
        file_name=f"putuo_review_{selected + 1}.pdf",
        mime="application/pdf",
        key="review_dl_pdf",
    )


boundary.run(page, lang=state.lang())
