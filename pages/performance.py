"""亩均效益: the statistics table (the bureau's upload, else the fictional demonstration), the scheme, the map by
class, a parcel's card with its formula, the table and its XLSX."""

from __future__ import annotations

import streamlit as st

from gis.errors import PlannerError
from pages import boundary, state
from pages.mapview import show_map
from planner import performance as pf
from planner import workspace as pw
from planner.performance import PerformanceRun, Scheme, Stats
from text.messages import t

STATS = state.PERF_STATS  # the Stats of a table uploaded in this session (the demonstration when absent)
SELECT = "perf_selected"  # the parcel id whose card is open
YEAR = "perf_year"
SCHEME_START = "perf_scheme_start"  # the scheme values the inputs were filled from (to tell an edit)
SAVED = "perf_scheme_saved"  # the scheme was just saved as the office's (said once)
KEPT = state.Kept("performance")


def weight_key(indicator: str) -> str:
    """Session-state key of one indicator's weight input."""
    return f"perf_w_{indicator}"


def benchmark_key(indicator: str) -> str:
    """Session-state key of one indicator's benchmark input."""
    return f"perf_b_{indicator}"


CAP = "perf_cap"
THRESHOLDS = ("perf_t_a", "perf_t_b", "perf_t_c")


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    st.title(t("perf_page_title", lang))
    st.caption(t("perf_page_intro", lang))
    stats = _stats_panel(lang)
    if stats is None:
        return
    if stats.demo:
        st.warning(t("perf_page_demo_notice", lang), icon=":material/info:")
    scheme = _scheme_panel(lang)
    if scheme is None:
        return
    year = _year(stats, lang)
    run = pf.evaluate(stats, state.dataset().park.parcels, scheme=scheme, year=year)
    _summary(run, lang)
    ids = pf.parcel_ids(run)
    if st.session_state.get(SELECT) not in (None, *ids):
        st.session_state[SELECT] = None  # a parcel of a layer no longer in use
    map_col, card_col = st.columns([1.6, 1])
    with map_col:
        basemap, datum, _ = state.basemap()
        spec = pf.performance_map(
            state.dataset(), run, lang=lang, basemap=basemap, datum=datum, selected=st.session_state.get(SELECT)
        )
        show_map(spec, key="performance_map", on_event=lambda e: _on_map_event(e, ids))
        st.caption(t("perf_page_map_hint", lang))
    with card_col:
        _card(run, ids, lang)
    _table(run, lang)


def _on_map_event(event: dict, ids: list[str]) -> None:
    if event.get("type") == "click" and event.get("layer") == "performance" and str(event.get("id")) in ids:
        st.session_state[SELECT] = str(event.get("id"))


# --- the statistics ----------------------------------------------------------------------------------------
def _stats_panel(lang: str) -> Stats | None:
    """The table in use, said in words: an upload replaces the demonstration for this session."""
    uploaded: Stats | None = st.session_state.get(STATS)
    stats = uploaded if uploaded is not None else pf.demo_stats()
    with st.expander(t("perf_page_data_heading", lang), expanded=stats is None):
        if stats is None:
            st.warning(t("perf_page_no_table", lang))
        elif stats.demo:
            st.text(t("perf_page_using_demo", lang, n=len(stats.table)))
        else:
            st.text(t("perf_page_using_upload", lang, name=stats.name, n=len(stats.table)))
        st.caption(t("perf_page_private", lang))
        upload = st.file_uploader(t("perf_page_upload", lang), type=["csv", "xlsx"], key="perf_file")
        if upload is not None and st.button(t("perf_page_read", lang), key="perf_read"):
            try:
                st.session_state[STATS] = pf.read_stats_upload(upload.name, upload.getvalue())
            except PlannerError as exc:
                boundary.show_error(exc, lang)
            else:
                st.rerun()
        if uploaded is not None and st.button(t("perf_page_use_demo", lang), key="perf_use_demo"):
            st.session_state.pop(STATS, None)
            st.rerun()
    return stats


def _year(stats: Stats, lang: str) -> int:
    years = list(stats.years)
    if st.session_state.get(YEAR) not in years:
        st.session_state[YEAR] = years[0]  # the latest year of a new table
    return int(st.columns(3)[0].selectbox(t("perf_page_year", lang), years, key=KEPT(YEAR)))


# --- the scheme --------------------------------------------------------------------------------------------
def _fill(scheme: Scheme) -> None:
    """Put a scheme's numbers in the inputs (before they are drawn, or in a button's callback)."""
    for k in pf.INDICATOR_KEYS:
        st.session_state[weight_key(k)] = float(scheme.weights[k])
        st.session_state[benchmark_key(k)] = float(scheme.benchmarks[k])
    st.session_state[CAP] = float(scheme.cap)
    for key, value in zip(THRESHOLDS, scheme.thresholds):
        st.session_state[key] = float(value)
    st.session_state[SCHEME_START] = pf.scheme_value(scheme)


def _scheme_panel(lang: str) -> Scheme | None:
    """The scheme's numbers, editable; the scheme they make, or None (the error shown) when it fails its checks."""
    ws, _ = state.workspace()
    start = pf.starting_scheme(ws)
    if SCHEME_START not in st.session_state:  # a new session starts from the office's scheme, else the example
        _fill(start.scheme)
    with st.expander(t("perf_page_scheme_heading", lang)):
        st.markdown(f"**{t('perf_page_weights', lang)}**")
        for col, k in zip(st.columns(len(pf.INDICATOR_KEYS)), pf.INDICATOR_KEYS):
            col.number_input(
                pf.indicator_name(k, lang),
                min_value=0.0,
                max_value=1.0,
                step=0.05,
                format="%.2f",
                key=KEPT(weight_key(k)),
            )
        st.markdown(f"**{t('perf_page_benchmarks', lang)}**")
        for col, k in zip(st.columns(len(pf.INDICATOR_KEYS)), pf.INDICATOR_KEYS):
            col.number_input(
                t("perf_page_benchmark", lang, name=pf.indicator_name(k, lang), unit=pf.indicator_unit(k, lang)),
                min_value=0.0,
                step=1.0,
                format="%g",
                key=KEPT(benchmark_key(k)),
            )
        st.markdown(f"**{t('perf_page_limits', lang)}**")
        cap_col, *threshold_cols = st.columns(4)
        cap_col.number_input(t("perf_page_cap", lang), min_value=0.0, step=0.1, format="%g", key=KEPT(CAP))
        for col, key, cls in zip(threshold_cols, THRESHOLDS, "ABC"):
            col.number_input(t("perf_page_threshold", lang, cls=cls), step=5.0, format="%g", key=KEPT(key))
        try:
            scheme = pf.make_scheme(
                weights={k: st.session_state[weight_key(k)] for k in pf.INDICATOR_KEYS},
                benchmarks={k: st.session_state[benchmark_key(k)] for k in pf.INDICATOR_KEYS},
                cap=st.session_state[CAP],
                thresholds=(
                    st.session_state[THRESHOLDS[0]],
                    st.session_state[THRESHOLDS[1]],
                    st.session_state[THRESHOLDS[2]],
                ),
            )
        except PlannerError as exc:
            boundary.show_error(exc, lang)
            st.button(t("perf_page_reset", lang), key="perf_reset", on_click=_fill, args=(start.scheme,))
            return None
        _save_buttons(ws, scheme, start, lang)
    _scheme_source(scheme, start, lang)
    return scheme


def _scheme_source(scheme: Scheme, start: pf.StartingScheme, lang: str) -> None:
    """Where the scheme in use comes from (the office's, the example, edited) and its formula, below the inputs."""
    if start.problem is not None:
        st.warning(t("perf_scheme_src_damaged", lang, reason=start.problem.text(lang)))
    if start.source == "office" and pf.same_scheme(scheme, start.scheme):
        source = "perf_scheme_src_office"
    elif pf.same_scheme(scheme, pf.example_scheme()):
        source = "perf_scheme_src_example"
    else:
        source = "perf_scheme_src_edited"
    st.caption(f"{t(source, lang)} {pf.general_formula(scheme, lang=lang)}")


def _save_buttons(ws: pw.Workspace, scheme: Scheme, start: pf.StartingScheme, lang: str) -> None:
    user = state.signed_in_user()
    admin = pw.can(user, "settings")
    save_col, reset_col = st.columns(2)
    if save_col.button(
        t("perf_page_save", lang),
        key="perf_save",
        disabled=not admin,
        help=None if admin else t("perf_page_save_admin_only", lang),
    ):
        try:
            pf.save_scheme(ws, user, scheme)
        except PlannerError as exc:
            boundary.show_error(exc, lang)
        else:
            st.session_state[SCHEME_START] = pf.scheme_value(scheme)
            st.session_state[SAVED] = True
            st.rerun()  # the scheme is now the office's: said so above
    if st.session_state.pop(SAVED, False):
        st.success(t("perf_page_saved", lang))
    if not admin:
        st.caption(t("perf_page_save_admin_only", lang))
    edited = st.session_state.get(SCHEME_START) != pf.scheme_value(scheme)
    reset_col.button(
        t("perf_page_reset", lang), key="perf_reset", disabled=not edited, on_click=_fill, args=(start.scheme,)
    )


# --- results -----------------------------------------------------------------------------------------------
def _summary(run: PerformanceRun, lang: str) -> None:
    n = run.counts()
    st.text(t("perf_page_counts", lang, year=run.year, n=len(run.table), a=n["A"], b=n["B"], c=n["C"], d=n["D"]))
    if run.performance.unmatched:
        unmatched = run.performance.unmatched
        st.warning(t("perf_page_unmatched", lang, n=len(unmatched), ids=t("list_sep", lang).join(unmatched[:30])))


def _card(run: PerformanceRun, ids: list[str], lang: str) -> None:
    selected = st.selectbox(
        t("perf_page_pick", lang), ids, index=None, key=SELECT, placeholder=t("perf_page_pick_placeholder", lang)
    )
    if selected is None:
        st.caption(t("perf_card_pick_hint", lang))
        return
    card = pf.parcel_card(run, selected, lang=lang)
    with st.container(border=True):
        st.subheader(state.md(card.name), anchor=False)
        st.caption(t("perf_card_year_line", lang, id=card.parcel_id, year=card.year))
        if not card.has_data:
            st.info(t("perf_card_no_data", lang, id=card.parcel_id, year=card.year))
            return
        c1, c2, c3 = st.columns(3)
        c1.metric(t("perf_card_class", lang), card.klass)
        c2.metric(t("f_score", lang), f"{card.score or 0.0:.1f}")
        c3.metric(t("perf_card_stability", lang), f"{card.stability or 0.0:.0%}")
        for col, (label, value) in zip(st.columns(2) * 2, card.indicators):
            col.metric(label, value)
        st.markdown(f"**{t('perf_card_formula_heading', lang)}**")
        st.text(card.formula)
        if card.missing:
            st.caption(t("perf_card_missing", lang, names=t("list_sep", lang).join(card.missing)))
        st.text(pf.area_text(card, lang=lang))
        mismatch = pf.mismatch_text(card, lang=lang)
        if mismatch:
            st.warning(mismatch, icon="⚠️")
        st.caption(pf.stability_text(card, lang=lang))


def _table(run: PerformanceRun, lang: str) -> None:
    st.subheader(t("perf_page_table", lang), anchor=False)
    st.dataframe(pf.performance_table(run, lang=lang), hide_index=True, width="stretch")
    st.download_button(
        t("perf_page_download", lang),
        pf.table_xlsx(run, lang=lang),
        file_name=pf.xlsx_name(run),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="perf_dl_xlsx",
    )


boundary.run(page, lang=state.lang())
