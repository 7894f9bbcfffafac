"""实施监测: the plan's indicators against their targets (yearly actuals kept in the workspace), the 15th-plan
targets, the spatial indicators and the 终期评估 report."""

from __future__ import annotations

import functools

import altair as alt
import streamlit as st

from pages import boundary, state
from planner import explore
from planner import monitoring as pm
from planner import workspace as pw
from planner.auth import User
from text.messages import t

EDITED = "mon_edited"  # bumps after a save or an import: the table editor starts again from what is stored
KEPT = state.Kept("indicators")


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ws, _ = state.workspace()
    user = state.signed_in_user()
    st.title(t("mon_title", lang))
    actuals = pm.current_actuals(ws)
    _source_note(actuals, lang)
    state.tabs(
        {
            "mon_tab_status": lambda: _status(actuals, lang),
            "mon_tab_actuals": lambda: _actuals(ws, user, actuals, lang),
            "mon_tab_targets": lambda: _targets(ws, user, actuals, lang),
            "mon_tab_spatial": lambda: _spatial(lang),
            "mon_tab_report": lambda: _report(ws, actuals, lang),
            "mon_tab_plan": lambda: _plan(lang),
        },
        key="mon_tab",
    )


def _source_note(actuals: pm.Actuals, lang: str) -> None:
    if actuals.source == "workspace":
        st.caption(t("mon_source_workspace", lang, by=actuals.saved_by, at=actuals.saved_at))
    else:
        st.warning(t(f"mon_source_{actuals.source}", lang), icon=":material/info:")


def _status(actuals: pm.Actuals, lang: str) -> None:
    statuses = pm.indicator_statuses_of(actuals, lang=lang)
    st.dataframe(pm.status_table(statuses, lang=lang), hide_index=True, width="stretch")
    st.markdown(f"**{t('eval_chart_title', lang)}**")
    chart = pm.chart_table(actuals.table, lang=lang)
    base = alt.Chart(chart).encode(
        x=alt.X("year:O", title=t("ind_year", lang)),
        y=alt.Y("index:Q", title=t("ind_index", lang), scale=alt.Scale(zero=False)),
        color=alt.Color("indicator:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=0)),
        strokeDash=alt.StrokeDash("kind:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0)),
        tooltip=[
            alt.Tooltip("indicator:N", title=t("ind_indicator", lang)),
            alt.Tooltip("year:O", title=t("ind_year", lang)),
            alt.Tooltip("index:Q", title=t("ind_index", lang)),
            alt.Tooltip("kind:N", title=t("mon_col_status", lang)),
        ],
    )
    st.altair_chart(base.mark_line(point=True), width="stretch")
    st.caption(t("mon_status_help", lang))


def _actuals(ws: pw.Workspace, user: User, actuals: pm.Actuals, lang: str) -> None:
    st.write(t("mon_actuals_intro", lang))
    may_save = pw.can(user, "save")
    table = pm.editor_table(actuals.table, lang=lang)
    years = [str(y) for y in pm.EDIT_YEARS]
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=[t("ind_indicator", lang), t("ind_unit", lang)],
        column_config={y: st.column_config.TextColumn(y, max_chars=20) for y in years},
        key=f"mon_editor_{st.session_state.get(EDITED, 0)}_{lang}",
    )
    if st.button(
        t("mon_save", lang), disabled=not may_save, key="mon_save", help=None if may_save else t("mon_viewer", lang)
    ):
        pm.save_actuals(ws, user, pm.from_editor(edited))
        _restart_editor()
    upload = st.file_uploader(t("mon_upload", lang), type=["csv", "xlsx"], key="mon_upload")
    if upload is not None and st.button(t("mon_import", lang), disabled=not may_save, key="mon_import"):
        new = pm.import_actuals(upload.name, upload.getvalue())
        pm.save_actuals(ws, user, pm.merge_actuals(actuals.table, new))
        _restart_editor()


def _restart_editor() -> None:
    st.session_state[EDITED] = int(st.session_state.get(EDITED, 0)) + 1
    st.rerun()


def _targets(ws: pw.Workspace, user: User, actuals: pm.Actuals, lang: str) -> None:
    st.write(t("mon_targets_intro", lang))
    targets = pm.targets_2030(ws)
    statuses = pm.indicator_statuses_of(actuals, lang=lang)
    may_save = pw.can(user, "save")
    entered: dict[str, dict] = {}
    with st.form(f"mon_targets_form_{st.session_state.get(EDITED, 0)}"):
        for s in statuses:
            c1, c2 = st.columns([1, 2])
            value = c1.number_input(
                state.md(s.name), min_value=0.0, value=targets[s.key]["value"], format="%.2f", key=f"mon_t_{s.key}"
            )
            note = c2.text_input(
                t("mon_col_note", lang), value=targets[s.key]["note"], max_chars=200, key=f"mon_n_{s.key}"
            )
            entered[s.key] = {"value": value, "note": note}
        saved = st.form_submit_button(t("mon_targets_save", lang), disabled=not may_save)
    if saved:
        pm.save_targets(ws, user, entered)
        _restart_editor()
    st.dataframe(pm.trajectory_table(statuses, targets, lang=lang), hide_index=True, width="stretch")


def _spatial(lang: str) -> None:
    st.write(t("mon_spatial_intro", lang))
    ds = state.dataset()
    si = pm.spatial(ds, state.regulatory())
    st.dataframe(pm.spatial_table(si, lang=lang), hide_index=True, width="stretch")
    run = state.performance()
    summary = pm.performance_summary(ds, run, lang=lang)
    if run is not None and summary is not None:
        st.markdown(f"**{t('mon_perf_heading', lang, year=run.year)}**")
        st.dataframe(summary, hide_index=True, width="stretch")
        st.caption(t("mon_perf_demo" if run.demo else "mon_perf_own", lang))


def _report(ws: pw.Workspace, actuals: pm.Actuals, lang: str) -> None:
    st.write(t("mon_report_intro", lang))
    unit = st.text_input(t("rev_unit", lang), key=KEPT("pm_unit"), max_chars=60)
    st.download_button(
        t("mon_report_download", lang),
        functools.partial(
            pm.final_evaluation_pdf,
            state.dataset(),
            actuals,
            pm.targets_2030(ws),
            state.regulatory(),
            lang=lang,
            author=state.user(),
            unit=unit,
            performance=state.performance(),
        ),
        file_name="putuo_final_evaluation.pdf",
        mime="application/pdf",
        key="mon_report_pdf",
    )


def _plan(lang: str) -> None:
    st.markdown(f"**{t('ind_title', lang)}**")
    st.dataframe(explore.indicator_table(lang=lang), hide_index=True, width="stretch")
    st.markdown(f"**{t('ind_chart', lang)}**")
    st.altair_chart(
        alt.Chart(explore.indicator_index(lang=lang))
        .mark_bar()
        .encode(
            y=alt.Y("indicator:N", title=None, axis=alt.Axis(labelLimit=0)),  # whole names, never "…"
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
