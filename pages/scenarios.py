"""Expansion scenarios: pick parcels and draw areas, live metrics, undo/redo, save/history, compare, suggest."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import pandas as pd
import streamlit as st

from gis.errors import ConflictError, PlannerError
from pages import boundary, drafts, state
from pages.mapview import show_map
from pages.state import BASE, CLEAR, CONFLICT, DRAWN, HISTORY, NAME, NOTES, REV, SUGGESTION
from planner import evaluate as ev_
from planner import performance as pf
from planner import scenario_edit as se
from planner import workspace as pw
from planner.auth import User
from planner.data import DataSet
from planner.maps import clicked_parcel
from planner.workspace import Workspace
from text.clock import beijing_time
from text.display import floor_area_text, name_col, person, share_text
from text.messages import t

KEPT = state.Kept("scenarios")  # the widgets whose values survive their tab being closed
IMPORTED = "xfer_imported"  # the names of the scenarios the last import added (or its error), shown once


def _blank() -> se.Scenario:
    return se.blank_scenario(name=t("scen_default_name", state.lang()), author=state.user())


def history() -> se.History:
    """The scenario being edited, with its undo and redo steps (a new blank one at first)."""
    if HISTORY not in st.session_state:
        st.session_state[HISTORY] = se.History(_blank())
    h: se.History = st.session_state[HISTORY]
    return h


def _base_version(scenario: se.Scenario) -> int | None:
    base = st.session_state.get(BASE)
    return base[1] if base and base[0] == scenario.id else None


def _set(h: se.History, *, external: bool = True) -> None:
    """Make ``h`` the history; ``external`` changes (map, undo, open) also refresh the tables and inputs."""
    st.session_state[HISTORY] = h
    if external:
        st.session_state[REV] = int(st.session_state.get(REV, 0)) + 1
        st.session_state[NAME] = h.current.name
        st.session_state[NOTES] = h.current.notes


def _on_header() -> None:
    _set(
        se.set_header(history(), name=st.session_state.get(NAME, ""), notes=st.session_state.get(NOTES, "")),
        external=False,
    )


def _on_map_event(event: dict, ds: DataSet, ids: set[str], datum: str) -> None:
    parcel = clicked_parcel(ds, event, layer_ids=("scenario_parcels",), datum=datum)
    if parcel in ids:
        _set(se.toggle_parcel(history(), parcel))
    elif event.get("type") == "draw" and event.get("geometry"):
        st.session_state[DRAWN] = event["geometry"]


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ds = state.dataset()
    st.title(t("scen_title", lang))
    st.caption(t("demo_banner", lang))
    ev = state.evaluation()
    scores = ev_.score(ev, state.weights(ev.criteria))
    ws, _ = state.workspace()
    user = state.signed_in_user()
    heads = pw.list_scenarios(ws, user)
    saved = pd.DataFrame(
        {"id": [h.id for h in heads], "name": [h.name for h in heads], "version": [h.version for h in heads]}
    )
    h = history()
    st.session_state.setdefault(NAME, h.current.name)
    st.session_state.setdefault(NOTES, h.current.notes)
    _draft_notice(ws, user, lang)

    def headed(body: Callable[[], None]) -> Callable[[], None]:  # open, name, save above the tab's own body
        def draw() -> None:
            _header(ws, user, saved, scores, lang)
            body()

        return draw

    state.tabs(
        {  # on the editing tab the header sits beside the map (see _edit)
            "tab_edit": lambda: _edit(ds, ev, scores, ws, user, saved, lang),
            "tab_compare": headed(lambda: _compare(ds, ev, scores, ws, user, saved, lang)),
            "tab_suggest": headed(lambda: _suggest(ds, ev, scores, lang)),
            "tab_transfer": headed(lambda: _transfer(ws, user, saved, lang)),
        },
        key="scen_tab",
    )


def _open(ws: Workspace, user: User, scenario_id: str | None) -> None:
    st.session_state.pop(drafts.NOTICE, None)
    if scenario_id:
        loaded = pw.load_scenario(ws, user, scenario_id)
        st.session_state[BASE] = (loaded.scenario.id, loaded.version)
        st.session_state.pop(CONFLICT, None)
        _set(history().reset(loaded.scenario))


def _new() -> None:
    st.session_state.pop(drafts.NOTICE, None)
    st.session_state.pop(BASE, None)
    st.session_state.pop(CONFLICT, None)
    _set(history().reset(_blank()))


def _saved(saved: pw.SavedVersion) -> None:
    st.session_state.pop(drafts.NOTICE, None)
    st.session_state[BASE] = (saved.scenario.id, saved.version)
    st.session_state.pop(CONFLICT, None)
    _set(se.History(saved.scenario, history().undo_stack, history().redo_stack), external=False)
    st.session_state["scen_saved_msg"] = saved.version


def _save(ws: Workspace, user: User, weights: Mapping[str, float], overwrite_from: int | None = None) -> None:
    sc = replace(history().current, weights=dict(weights))
    try:
        _saved(
            pw.save_scenario(
                ws, user, sc, base_version=_base_version(sc), overwrite_from=overwrite_from, config=state.workspace()[1]
            )
        )
    except ConflictError as exc:  # someone saved since: the user chooses, nothing is superseded silently
        st.session_state[CONFLICT] = exc


def _branch(ws: Workspace, user: User, weights: Mapping[str, float]) -> None:
    sc = replace(history().current, weights=dict(weights))
    base = st.session_state.get(BASE)
    _saved(pw.save_as_branch(ws, user, sc, parent_id=sc.id, parent_version=base[1] if base else None))


def _draft_notice(ws: Workspace, user: User, lang: str) -> None:
    """The scenario restored from the user's draft: said once, with the way to drop it."""
    if drafts.NOTICE not in st.session_state:
        return
    with st.container(border=True):
        when = beijing_time(st.session_state[drafts.NOTICE], seconds=False)
        st.info(state.md(t("draft_restored", lang, name=history().current.name, when=when)), icon=":material/history:")
        d1, d2, _ = st.columns([1, 1, 3])
        d1.button(
            t("draft_keep", lang),
            key="draft_keep",
            width="stretch",
            on_click=lambda: st.session_state.pop(drafts.NOTICE, None),
        )
        d2.button(
            t("draft_discard", lang),
            key="draft_discard",
            width="stretch",
            on_click=drafts.discard_scenario,
            args=(ws, user),
        )


def _header(
    ws: Workspace, user: User, saved: pd.DataFrame, scores: ev_.Scores, lang: str, *, narrow: bool = False
) -> None:
    """Open, new, name, notes, undo, redo, save; ``narrow``: stacked for a column beside the map."""
    by_id = saved.set_index("id") if len(saved) else saved
    if narrow:
        c1 = st.container()
        c2, c3 = st.columns(2)
    else:
        c1, c2, c3 = st.columns([3, 1, 1])
    choice = c1.selectbox(
        t("scen_open", lang),
        list(saved["id"]),
        index=None,
        key="scen_open",
        placeholder=t("scen_open_hint", lang),
        format_func=lambda sid: f"{by_id.loc[sid, 'name']} · v{by_id.loc[sid, 'version']}",
    )
    c2.button(
        t("scen_load", lang),
        disabled=choice is None,
        key="scen_load",
        width="stretch",
        on_click=_open,
        args=(ws, user, choice),
    )
    c3.button(t("scen_new", lang), key="scen_new", width="stretch", on_click=_new)
    h = history()
    n1, n2 = (st.container(), st.container()) if narrow else st.columns([2, 3])
    n1.text_input(t("scen_name", lang), key=NAME, max_chars=80, on_change=_on_header)
    n2.text_input(t("scen_notes", lang), key=NOTES, max_chars=500, on_change=_on_header)
    base = _base_version(h.current)
    state_text = t("scen_unsaved", lang) if base is None else t("scen_from_version", lang, version=base)
    st.caption(state.md(f"{t('scen_author', lang)}{t('colon', lang)}{person(user.name, lang)} · {state_text}"))
    weights = scores.weights.to_dict()
    allowed = pw.can(user, "save")
    b1, b2, b3, _ = st.columns([1, 1, 2, 0.01 if narrow else 4])
    b1.button(
        t("scen_undo", lang),
        disabled=not h.can_undo,
        key="scen_undo",
        width="stretch",
        on_click=lambda: _set(history().undo()),
    )
    b2.button(
        t("scen_redo", lang),
        disabled=not h.can_redo,
        key="scen_redo",
        width="stretch",
        on_click=lambda: _set(history().redo()),
    )
    b3.button(
        t("scen_save", lang),
        type="primary",
        key="scen_save",
        width="stretch",
        on_click=_save,
        args=(ws, user, weights),
        disabled=not allowed,
    )
    if not allowed:
        st.caption(t("scen_viewer_note", lang))
    if "scen_saved_msg" in st.session_state:
        st.success(t("scen_saved", lang, version=st.session_state.pop("scen_saved_msg")))
    conflict: ConflictError | None = st.session_state.get(CONFLICT)
    if conflict is not None:
        with st.container(border=True):
            st.warning(t("err_title_conflict", lang), icon="⚠️")
            st.text(conflict.text(lang))
            k1, k2, k3 = st.columns(3)
            k1.button(
                t("conflict_branch", lang),
                key="conflict_branch",
                on_click=_branch,
                args=(ws, user, weights),
                width="stretch",
            )
            k2.button(
                t("conflict_overwrite", lang, version=conflict.latest_version),
                key="conflict_overwrite",
                on_click=_save,
                args=(ws, user, weights, conflict.latest_version),
                width="stretch",
            )
            k3.button(
                t("conflict_cancel", lang),
                key="conflict_cancel",
                width="stretch",
                on_click=lambda: st.session_state.pop(CONFLICT, None),
            )


def _renewal(ev: ev_.Evaluation, sc: se.Scenario, lang: str) -> None:
    """Offer the class-D parcels of the 亩均效益 evaluation (low-efficiency land) as renewal candidates."""
    weak = [p for p in pf.renewal_candidates(state.performance(), among=ev.parcels.index) if p not in sc.parcels]
    if weak:  # a callback: the scenario's inputs are refreshed before they are drawn again
        st.button(
            t("scen_add_renewal", lang, n=len(weak)),
            key="scen_add_renewal",
            help=t("scen_add_renewal_help", lang),
            on_click=lambda: _set(se.set_parcels(history(), [*history().current.parcels, *weak])),
        )


def _edit(
    ds: DataSet, ev: ev_.Evaluation, scores: ev_.Scores, ws: Workspace, user: User, saved: pd.DataFrame, lang: str
) -> None:
    sc = history().current
    rev = int(st.session_state.get(REV, 0))
    regulatory = state.regulatory()
    map_col, metric_col = st.columns([1.6, 1])  # the map at the top of the tab; the controls beside and under it
    with map_col:
        basemap, datum, _ = state.basemap()
        spec = se.scenario_map(
            ds,
            ev,
            scores,
            sc,
            lang=lang,
            basemap=basemap,
            datum=datum,
            clear_drawings=int(st.session_state.get(CLEAR, 0)),
        )
        show_map(spec, key="scenario_map", on_event=lambda e: _on_map_event(e, ds, set(ev.parcels.index), datum))
        st.caption(t("scen_click_hint", lang))
        drawn = st.session_state.get(DRAWN)
        d1, d2 = st.columns([2, 1])

        def _add() -> None:
            _set(
                se.add_drawn_shape(
                    history(), name=st.session_state.get("scen_drawn_name", ""), geometry=st.session_state.pop(DRAWN)
                )
            )
            st.session_state[CLEAR] = int(st.session_state.get(CLEAR, 0)) + 1

        d1.text_input(t("scen_drawn_name", lang), key=KEPT("scen_drawn_name"), max_chars=80)
        d2.button(t("scen_add_drawn", lang), disabled=not drawn, key="scen_add_drawn", width="stretch", on_click=_add)
        tolerance = st.slider(t("m_tolerance", lang), 0, 200, 50, step=10, key=KEPT("scen_tolerance"))
    m = se.metrics(ds, ev, scores, sc, tolerance_m=float(tolerance), regulatory=regulatory)
    with metric_col:
        _header(ws, user, saved, scores, lang, narrow=True)
        _metrics(m, lang, capacity_note=se.capacity_note(regulatory, lang=lang))

    table = se.parcel_table(ev, scores, sc, lang=lang)
    included = t("f_included", lang)
    key = f"scen_table_{rev}"

    def _ticked() -> None:
        edits = (st.session_state.get(key) or {}).get("edited_rows", {})
        flags = table[included].to_numpy().copy()
        for row, change in edits.items():
            if included in change:
                flags[int(row)] = bool(change[included])
        _set(se.set_parcels(history(), list(table[t("f_id", lang)][flags])))

    st.data_editor(
        table,
        key=key,
        hide_index=True,
        width="stretch",
        on_change=_ticked,
        disabled=[c for c in table.columns if c != included],
    )
    _renewal(ev, sc, lang)
    _assignments(ds, sc, rev, lang)
    if sc.id in set(saved["id"]):
        st.markdown(f"**{t('scen_history', lang)}**")
        st.dataframe(se.history_rows(pw.scenario_history(ws, user, sc.id), lang=lang), hide_index=True, width="stretch")


def _metrics(m: se.ScenarioMetrics, lang: str, *, capacity_note: str) -> None:
    k1, k2 = st.columns(2)
    k1.metric(
        t("m_total", lang),
        f"{m.total_km2:.3f} km²",
        f"{m.change_vs_plan_km2:+.3f} {t('m_vs_plan', lang)}",
        delta_color="off",
    )
    k2.metric(t("m_added", lang), f"{m.added_km2:.3f} km²")
    k3, k4 = st.columns(2)
    k3.metric(t("m_pieces", lang), m.pieces)
    k4.metric(t("m_gap", lang), f"{m.largest_gap_m:,.0f} m")
    k5, k6 = st.columns(2)
    k5.metric(t("m_buildings", lang), f"{m.buildings} (+{m.buildings_added})")
    k6.metric(t("m_stations", lang), f"{m.stations} (+{m.stations_added})")
    st.metric(t("m_mean_score", lang), "–" if pd.isna(m.mean_score_added) else f"{m.mean_score_added:.3f}")
    k7, k8 = st.columns(2)
    k7.metric(t("m_capacity", lang), floor_area_text(m.capacity_added_m2), help=t("m_capacity_help", lang))
    k8.metric(t("m_park_use_share", lang), share_text(m.park_use_share_added))
    st.caption(capacity_note)
    st.markdown(f"**{t('m_clusters', lang)}**")
    cl = m.clusters
    st.dataframe(
        pd.DataFrame(
            {
                t("f_cluster", lang): [t(f"cluster_{c}", lang) for c in cl.index],
                t("f_area_km2", lang): cl["area_km2"].round(3).to_numpy(),
                t("m_added", lang): cl["added_km2"].round(3).to_numpy(),
                t("m_compactness", lang): cl["compactness"].round(3).to_numpy(),
                t("m_capacity_m2", lang): [
                    floor_area_text(m.capacity_by_cluster_m2.get(c, float("nan")), unit=False) for c in cl.index
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(f"**{t('m_zones', lang)}**")
    st.dataframe(
        pd.DataFrame(
            {
                t("f_layout", lang): [t(f"zone_{z}", lang) for z in m.zones_added_km2],
                "km²": [round(v, 3) for v in m.zones_added_km2.values()],
                t("m_capacity_m2", lang): [
                    floor_area_text(m.capacity_by_zone_m2.get(z, float("nan")), unit=False) for z in m.zones_added_km2
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if m.flagged:
        st.warning(t("m_flagged", lang) + t("colon", lang) + state.md(", ".join(m.flagged)), icon="⚠️")


def _assignments(ds: DataSet, sc: se.Scenario, rev: int, lang: str) -> None:
    rows = se.assign_rows(sc)
    if not rows:
        return
    st.markdown(f"**{t('scen_assign', lang)}**")
    choices = se.assign_choices(ds, lang=lang)
    reverse = {v: k for k, v in choices.items()}
    target, new_name = t("f_target", lang), t("scen_new_name", lang)
    table = pd.DataFrame(
        {
            t("f_piece", lang): [p for p, _, _ in rows],
            target: [choices[c] for _, c, _ in rows],
            new_name: [n for _, _, n in rows],
        }
    )
    key = f"scen_assign_{rev}"

    def _changed() -> None:
        edits = (st.session_state.get(key) or {}).get("edited_rows", {})
        current = table.copy()
        for row, change in edits.items():
            for col, value in change.items():
                current.iloc[int(row), current.columns.get_loc(col)] = value
        assign = {
            p: se.assign_code(reverse.get(c, se.ASSIGN_NEAREST), str(n or ""), p)
            for p, c, n in zip(current.iloc[:, 0], current[target], current[new_name])
        }
        _set(se.set_assign(history(), assign))

    st.data_editor(
        table,
        key=key,
        hide_index=True,
        width="stretch",
        on_change=_changed,
        disabled=[t("f_piece", lang)],
        column_config={target: st.column_config.SelectboxColumn(options=list(choices.values()), required=True)},
    )


def _compare(
    ds: DataSet, ev: ev_.Evaluation, scores: ev_.Scores, ws: Workspace, user: User, saved: pd.DataFrame, lang: str
) -> None:
    by_id = saved.set_index("id") if len(saved) else saved
    current = history().current
    pick = st.multiselect(
        t("cmp_pick", lang),
        ["__current__", *saved["id"]],
        max_selections=4,
        key=KEPT.lkey("cmp_pick"),
        placeholder=t("cmp_placeholder", lang),
        format_func=lambda sid: (
            f"★ {current.name}" if sid == "__current__" else f"{by_id.loc[sid, 'name']} · v{by_id.loc[sid, 'version']}"
        ),
        select_all=state.lang() == "en",  # Streamlit's 'Select all' has no Chinese
    )
    if len(pick) < 2:
        st.caption(t("cmp_hint_pick", lang))
        return
    chosen: dict[str, se.Scenario] = {}
    for sid in pick:
        sc = current if sid == "__current__" else pw.load_scenario(ws, user, sid).scenario
        label = f"★ {sc.name}" if sid == "__current__" else f"{sc.name} · v{by_id.loc[sid, 'version']}"
        chosen[label] = sc
    regulatory = state.regulatory()
    named = {label: se.metrics(ds, ev, scores, sc, regulatory=regulatory) for label, sc in chosen.items()}
    st.caption(t("cmp_hint", lang))
    st.dataframe(se.compare_styled(named, lang=lang), width="stretch")
    st.caption(se.capacity_note(regulatory, lang=lang))
    basemap, datum, _ = state.basemap()
    show_map(se.compare_map(ds, named, lang=lang, basemap=basemap, datum=datum), key="compare_map")


def _suggest(ds: DataSet, ev: ev_.Evaluation, scores: ev_.Scores, lang: str) -> None:
    st.write(t("sug_intro", lang))
    s1, s2, s3 = st.columns(3)
    budget = s1.number_input(t("sug_budget", lang), 0.01, 5.0, 0.3, step=0.05, key=KEPT("sug_budget"))
    objective = s2.selectbox(
        t("sug_objective", lang),
        ["score", "score_area"],
        key=KEPT.lkey("sug_objective"),
        format_func=lambda o: t(f"sug_obj_{o}", lang),
    )
    tolerance = s3.number_input(t("m_tolerance", lang), 0, 500, 50, step=10, key=KEPT("sug_tolerance"))
    z = st.columns(3)
    zone_min = {
        zid: z[i].number_input(
            t("sug_zone_min", lang, zone=t(f"zone_{zid}", lang)), 0.0, 5.0, 0.0, step=0.05, key=KEPT(f"sug_min_{zid}")
        )
        for i, zid in enumerate(("belt", "core", "city"))
    }
    if st.button(t("sug_run", lang), key="sug_run"):
        st.session_state[SUGGESTION] = se.run_suggestion(
            ds,
            ev,
            scores,
            budget_km2=float(budget),
            objective=objective,
            zone_min_km2=zone_min,
            tolerance_m=float(tolerance),
        )
    result: se.SuggestionResult | None = st.session_state.get(SUGGESTION)
    if result is None:
        return
    exact, greedy = result.exact, result.greedy
    if exact.reasons:
        st.error(t("sug_infeasible", lang), icon="⚠️")
        for reason in exact.reasons:
            st.text("· " + reason.text(lang))
    else:
        st.info(t("sug_result", lang, n=len(exact.parcels), km2=exact.added_m2 / 1e6, objective=exact.total_score))
    st.caption(t("sug_greedy", lang, n=len(greedy.parcels), km2=greedy.added_m2 / 1e6, objective=greedy.total_score))
    if exact.parcels:
        names = ev.parcels[name_col(lang)].astype(str)
        st.dataframe(
            pd.DataFrame(
                {
                    t("f_id", lang): list(exact.parcels),
                    t("f_name", lang): [names[p] for p in exact.parcels],
                    t("f_score", lang): [round(float(scores.table.at[p, "score"]), 3) for p in exact.parcels],
                }
            ),
            hide_index=True,
            width="stretch",
        )

        def _accept() -> None:
            name = f"{t('sug_name', lang)} {result.budget_km2:.2f} km²"
            _set(
                se.accept_suggestion(
                    history(), result, name=name, author=state.user(), weights=scores.weights.to_dict()
                )
            )
            del st.session_state[SUGGESTION]

        st.button(t("sug_accept", lang), key="sug_accept", on_click=_accept)


def _transfer(ws: Workspace, user: User, saved: pd.DataFrame, lang: str) -> None:
    by_id = saved.set_index("id") if len(saved) else saved
    ids = st.multiselect(
        t("xfer_export", lang),
        list(saved["id"]),
        key=KEPT("xfer_ids"),
        placeholder=t("cmp_placeholder", lang),
        format_func=lambda sid: str(by_id.loc[sid, "name"]),
        select_all=state.lang() == "en",  # Streamlit's 'Select all' has no Chinese
    )
    if ids:
        st.download_button(
            t("xfer_export", lang),
            lambda: pw.export_scenarios(ws, user, ids),
            file_name="putuo_scenarios.gpkg",
            mime="application/geopackage+sqlite3",
            key="xfer_download",
        )
    allowed = pw.can(user, "import")
    upload = st.file_uploader(t("xfer_import", lang), type=["gpkg"], key="xfer_upload", disabled=not allowed)
    if upload is not None:
        st.button(
            t("xfer_import", lang),
            key="xfer_do_import",
            disabled=not allowed,
            on_click=_import,
            args=(ws, user, lang),
        )
    done = st.session_state.pop(IMPORTED, None)
    if isinstance(done, PlannerError):
        boundary.show_error(done, lang)
    elif done:
        st.success(t("xfer_imported", lang) + state.md(t("list_sep", lang).join(done)))


def _import(ws: Workspace, user: User, lang: str) -> None:
    """Import the uploaded scenario file before the page is drawn, so every list shows the copies at once."""
    upload = st.session_state.get("xfer_upload")
    if upload is None:
        return
    try:
        imported = pw.import_scenarios(ws, user, upload.getvalue(), filename=upload.name, lang=lang)
    except PlannerError as exc:
        st.session_state[IMPORTED] = exc
        return
    st.session_state[IMPORTED] = [i.name for i in imported]


boundary.run(page, lang=state.lang())
