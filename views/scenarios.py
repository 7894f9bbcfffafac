"""Expansion scenarios: pick parcels and draw areas, live metrics, undo/redo, save/history, compare, suggest."""

import tempfile
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from gis.crs import to_storage
from gis.errors import PlannerError
from gis.scenario import Scenario, compare, greedy_suggest, scenario_metrics, suggest
from gis.scoring import apply_weights
from layers.i18n import name_col, t
from layers.registry import SCENARIO_ADDED, SCENARIO_PARCELS
from layers.webmap import build_map, display_sample, dynamic_group, is_sampled
from views import common

lang = common.lang()
data = common.load_or_stop()
path = common.data_key()
store = common.workspace()

st.title(t("scen_title", lang))
st.caption(t("demo_banner", lang))
if is_sampled(data.parcels):
    st.caption(t("sampled", lang).format(n=len(data.parcels), k=len(display_sample(data.parcels))))

parcels = data.parcels.set_index("id", drop=False)
raw, norm, rules = common.bundled_evaluation(path)
scores = apply_weights(norm, rules, common.current_weights())["score"]
names = dict(zip(data.subparks["id"], data.subparks[name_col(lang)]))


def current() -> Scenario:
    if common.SCENARIO not in st.session_state:
        st.session_state[common.SCENARIO] = Scenario(name=t("scen_default_name", lang),
                                                     weights=common.current_weights())
    return st.session_state[common.SCENARIO]


def set_scenario(new: Scenario) -> None:
    """Make ``new`` the current scenario; the previous one goes on the undo stack."""
    old = current()
    if new == old:
        return
    st.session_state.setdefault(common.UNDO, []).append(old)
    st.session_state[common.REDO] = []
    _show(new)


def _show(scenario: Scenario) -> None:
    """Make ``scenario`` current; the revision bump gives the tables and inputs fresh keys."""
    st.session_state[common.SCENARIO] = scenario
    st.session_state[common.SCENARIO_REV] = st.session_state.get(common.SCENARIO_REV, 0) + 1


def _step(source: str, target: str) -> None:
    """Undo (UNDO -> REDO) or redo (REDO -> UNDO) one change."""
    if st.session_state.get(source):
        st.session_state.setdefault(target, []).append(current())
        _show(st.session_state[source].pop())


def undo() -> None:
    _step(common.UNDO, common.REDO)


def redo() -> None:
    _step(common.REDO, common.UNDO)


scenario = current()
rev = st.session_state.get(common.SCENARIO_REV, 0)

# --- scenario header: open / new / name / undo / save ---------------------------------------------------
saved = store.list()
by_id = saved.set_index("id")
c1, c2, c3 = st.columns([2, 1, 1])
choice = c1.selectbox(t("scen_open", lang), list(saved["id"]), index=None, key="scen_open",
                      format_func=lambda sid: f"{by_id.loc[sid, 'name']} · v{by_id.loc[sid, 'version']}"
                      f" · {by_id.loc[sid, 'saved_at'][:16]}")
if c2.button(t("scen_load", lang), disabled=choice is None, key="scen_load"):
    set_scenario(store.load(choice))
    st.rerun()
if c3.button(t("scen_new", lang), key="scen_new"):
    set_scenario(Scenario(name=t("scen_default_name", lang), weights=common.current_weights()))
    st.rerun()
c1, c2, c3 = st.columns([2, 1, 2])
name = c1.text_input(t("scen_name", lang), scenario.name, key=f"scen_name_{rev}", max_chars=80)
author = c2.text_input(t("scen_author", lang), scenario.author, key=f"scen_author_{rev}", max_chars=40)
notes = c3.text_input(t("scen_notes", lang), scenario.notes, key=f"scen_notes_{rev}", max_chars=500)
edited_header = (name.strip() or scenario.name, author.strip(), notes)
if edited_header != (scenario.name, scenario.author, scenario.notes):
    set_scenario(replace(scenario, name=edited_header[0], author=edited_header[1], notes=edited_header[2]))
    scenario = current()
b1, b2, b3, b4 = st.columns([1, 1, 2, 4])
b1.button(t("scen_undo", lang), on_click=undo, disabled=not st.session_state.get(common.UNDO), key="scen_undo")
b2.button(t("scen_redo", lang), on_click=redo, disabled=not st.session_state.get(common.REDO), key="scen_redo")
if b3.button(t("scen_save", lang), type="primary", key="scen_save"):
    try:
        saved_scenario, version = store.save(replace(scenario, weights=common.current_weights()))
    except PlannerError as exc:
        st.error(str(exc))
    else:
        st.session_state[common.SCENARIO] = saved_scenario
        st.success(t("scen_saved", lang).format(version))

tabs = st.tabs([t(k, lang) for k in ("tab_edit", "tab_compare", "tab_suggest", "tab_transfer")])

# --- edit -----------------------------------------------------------------------------------------------
with tabs[0]:
    tolerance = st.slider(t("m_tolerance", lang), 0, 200, 50, step=10, key="scen_tolerance")
    try:
        m = scenario_metrics(scenario, data, data.parcels, scores=scores, rules=rules, tolerance_m=tolerance)
    except PlannerError as exc:
        st.error(str(exc))
        st.stop()
    map_col, metric_col = st.columns([1.6, 1])
    with map_col:
        st.caption(t("scen_click_hint", lang))
        included = set(scenario.parcels)
        layer = parcels[["id", "name_zh", "name_en", "geometry"]].copy()
        layer["score"] = scores.round(3)
        layer["state_code"] = ["in" if pid in included else ("fail" if not rules.loc[pid, "passes"] else "out")
                               for pid in layer.index]
        layer["state"] = layer["state_code"].map(lambda c: t(f"scen_{c}", lang))
        layer["failed"] = rules["failed"].map(lambda f: ", ".join(t(f"rule_{r}", lang) for r in f))
        drawn = gpd.GeoDataFrame(
            [{"id": did, "name_zh": n, "name_en": n, "score": "", "state_code": "drawn", "state": t("scen_drawn", lang),
              "failed": ""} for did, (n, _) in scenario.drawn.items()],
            geometry=[shapely.from_wkt(w) for _, w in scenario.drawn.values()],
            crs="EPSG:4326", columns=["id", "name_zh", "name_en", "score", "state_code", "state", "failed"])
        layer = gpd.GeoDataFrame(pd.concat([layer, drawn], ignore_index=True), geometry="geometry", crs="EPSG:4326")
        out = st_folium(common.scenario_map(path, lang), key=common.SCEN_MAP_KEY, height=560, use_container_width=True,
                        returned_objects=["last_active_drawing", "last_object_clicked", "all_drawings"],
                        feature_group_to_add=dynamic_group([(SCENARIO_PARCELS, layer)], lang=lang, name="scenario"))
        st.session_state[common.SCEN_DRAWINGS] = common.drawn_polygons(out)
        clicked = common.new_click(out, layer_id="scenario_parcels", state_key=common.LAST_SCEN_EVENT)
        if clicked in parcels.index:
            set_scenario(scenario.with_parcel(clicked, included=clicked not in included))
            st.rerun()
        drawings = st.session_state.get(common.SCEN_DRAWINGS) or []
        d1, d2 = st.columns([2, 1])
        drawn_name = d1.text_input(t("scen_drawn_name", lang), key="scen_drawn_name", max_chars=80)
        if d2.button(t("scen_add_drawn", lang), disabled=not drawings, key="scen_add_drawn"):
            did = f"D{len(scenario.drawn) + 1:02d}"
            try:
                set_scenario(scenario.with_drawn(did, drawn_name.strip() or did, shape(drawings[-1]["geometry"])))
            except PlannerError as exc:
                st.error(str(exc))
            else:
                st.rerun()

    with metric_col:
        k1, k2 = st.columns(2)
        k1.metric(t("m_total", lang), f"{m['total_km2']:.3f} km²", f"{m['change_vs_plan_km2']:+.3f} {t('m_vs_plan', lang)}",
                  delta_color="off")
        k2.metric(t("m_added", lang), f"{m['added_km2']:.3f} km²")
        k3, k4 = st.columns(2)
        k3.metric(t("m_pieces", lang), m["pieces"])
        k4.metric(t("m_gap", lang), f"{m['largest_gap_m']:,.0f} m")
        k5, k6 = st.columns(2)
        k5.metric(t("m_buildings", lang), f"{m['buildings']} (+{m['buildings_added']})")
        k6.metric(t("m_stations", lang), f"{m['stations']} (+{m['stations_added']})")
        st.metric(t("m_mean_score", lang), "–" if pd.isna(m["mean_score_added"]) else f"{m['mean_score_added']:.3f}")
        st.markdown(f"**{t('m_clusters', lang)}**")
        cl = m["clusters"]
        st.dataframe(pd.DataFrame({t("f_cluster", lang): [t(f"cluster_{c}", lang) for c in cl.index],
                                   t("f_area_km2", lang): cl["area_km2"].round(3), t("m_added", lang): cl["added_km2"].round(3),
                                   t("m_compactness", lang): cl["compactness"].round(3)}), hide_index=True, width="stretch")
        st.markdown(f"**{t('m_zones', lang)}**")
        st.dataframe(pd.DataFrame({t("f_layout", lang): [t(f"zone_{z}", lang) for z in m["zones_added_km2"]],
                                   "km²": [round(v, 3) for v in m["zones_added_km2"].values()]}),
                     hide_index=True, width="stretch")
        if m["flagged"]:
            st.warning(t("m_flagged", lang) + ": " + "; ".join(
                f"{pid} ({', '.join(t(f'rule_{r}', lang) for r in fs)})" for pid, fs in m["flagged"].items()))

    # tick parcels in a table (the key changes with every scenario change, so the table follows it)
    table = pd.DataFrame({"id": parcels.index, t("f_included", lang): parcels.index.isin(scenario.parcels),
                          t("f_name", lang): parcels[name_col(lang)].to_numpy(), t("f_score", lang): scores.round(3).to_numpy(),
                          t("f_area_ha", lang): (parcels["area_m2"] / 1e4).round(2).to_numpy(),
                          t("f_failed", lang): layer.set_index("id").loc[parcels.index, "failed"].to_numpy()})
    edited = st.data_editor(table, key=f"scen_table_{rev}", hide_index=True, width="stretch",
                            disabled=[c for c in table.columns if c != t("f_included", lang)])
    ticked = tuple(pid for pid in scenario.parcels if pid in set(edited.loc[edited[t("f_included", lang)], "id"])) + tuple(
        pid for pid in edited.loc[edited[t("f_included", lang)], "id"] if pid not in scenario.parcels)
    if set(ticked) != set(scenario.parcels):
        set_scenario(replace(scenario, parcels=ticked, assign={k: v for k, v in scenario.assign.items()
                                                               if k in ticked or k in scenario.drawn}))
        st.rerun()

    pieces = list(scenario.parcels) + list(scenario.drawn)
    if pieces:
        st.markdown(f"**{t('scen_assign', lang)}**")
        options = ["nearest"] + [f"subpark:{sid}" for sid in names] + ["new:north", "new:south"]
        label = {"nearest": t("scen_nearest", lang), "new:north": t("scen_new_sub", lang).format(t("cluster_north", lang)),
                 "new:south": t("scen_new_sub", lang).format(t("cluster_south", lang)),
                 **{f"subpark:{sid}": f"{n} ({sid})" for sid, n in names.items()}}

        def short(target: str | None) -> str:
            if not target:
                return "nearest"
            return ":".join(target.split(":")[:2])

        assign_table = pd.DataFrame({"piece": pieces, t("f_target", lang): [label[short(scenario.assign.get(p))] for p in pieces],
                                     t("f_name", lang): [scenario.assign.get(p, "new::").split(":", 2)[2]
                                                         if str(scenario.assign.get(p, "")).startswith("new:") else ""
                                                         for p in pieces]})
        edited_assign = st.data_editor(
            assign_table, key=f"scen_assign_{rev}", hide_index=True, width="stretch", disabled=["piece"],
            column_config={t("f_target", lang): st.column_config.SelectboxColumn(options=[label[o] for o in options],
                                                                                   required=True)})
        reverse = {v: k for k, v in label.items()}
        new_assign = {}
        for piece, target, new_name in zip(edited_assign["piece"], edited_assign[t("f_target", lang)],
                                           edited_assign[t("f_name", lang)]):
            code = reverse.get(target, "nearest")
            if code.startswith("new:"):
                new_assign[piece] = f"{code}:{(new_name or '').strip() or piece}"
            elif code != "nearest":
                new_assign[piece] = code
        if new_assign != dict(scenario.assign):
            set_scenario(replace(scenario, assign=new_assign))
            st.rerun()

    if scenario.id in set(saved["id"]):
        st.markdown(f"**{t('scen_history', lang)}**")
        st.dataframe(store.history(scenario.id), hide_index=True, width="stretch")

# --- compare --------------------------------------------------------------------------------------------
with tabs[1]:
    pick = st.multiselect(t("cmp_pick", lang), ["__current__"] + list(saved["id"]), max_selections=4, key=common.lkey("cmp_pick"),
                          format_func=lambda sid: t("scen_current", lang) if sid == "__current__"
                          else by_id.loc[sid, "name"])
    if len(pick) >= 2:
        chosen = {("★ " + scenario.name if sid == "__current__" else by_id.loc[sid, "name"]
                   + f" v{by_id.loc[sid, 'version']}"):
                  (scenario if sid == "__current__" else store.load(sid)) for sid in pick}
        metrics = {label: scenario_metrics(s, data, data.parcels, scores=scores, rules=rules) for label, s in chosen.items()}
        table = compare(metrics)
        first = table.columns[0]
        styled = table.style.format(precision=3).apply(
            lambda col: ["background-color: #fefcbf" if col.name != first and str(v) != str(table.loc[i, first]) else ""
                         for i, v in col.items()], axis=0)
        st.caption(t("cmp_hint", lang))
        st.dataframe(styled, width="stretch")
        added = gpd.GeoDataFrame(
            [{"id": f"s{i}", "name_zh": label, "name_en": label, "slot": f"s{i}", "added": round(mm["added_km2"], 3)}
             for i, (label, mm) in enumerate(metrics.items())],
            geometry=[to_storage(gpd.GeoSeries([mm["added_geometry_m"]], crs="EPSG:4549")).iloc[0] for mm in metrics.values()],
            crs="EPSG:4326")
        cmp_map = build_map(data, lang=lang, layer_ids=("district", "zones", "subparks"), extra_legend=(SCENARIO_ADDED,))
        st_folium(cmp_map, key="cmp_map", height=480, use_container_width=True, returned_objects=[],
                  feature_group_to_add=dynamic_group([(SCENARIO_ADDED, added[~added.geometry.is_empty])], lang=lang,
                                                     name="compare"))

# --- suggest --------------------------------------------------------------------------------------------
with tabs[2]:
    st.write(t("sug_intro", lang))
    s1, s2 = st.columns(2)
    budget = s1.number_input(t("sug_budget", lang), 0.01, 5.0, 0.3, step=0.05, key="sug_budget")
    objective = s2.selectbox(t("sug_objective", lang), ["score", "score_area"], key=common.lkey("sug_objective"),
                             format_func=lambda o: t(f"sug_obj_{o}", lang))
    z = st.columns(3)
    zone_min = {zid: z[i].number_input(t("sug_zone_min", lang).format(t(f"zone_{zid}", lang)), 0.0, 5.0, 0.0, step=0.05,
                                       key=f"sug_min_{zid}") for i, zid in enumerate(("belt", "core", "city"))}
    if st.button(t("sug_run", lang), key="sug_run"):
        eligible = data.parcels[rules.loc[data.parcels["id"], "passes"].to_numpy()]
        try:
            exact = suggest(eligible, scores, data, budget_km2=budget, zone_min_km2=zone_min, objective=objective)
            greedy = greedy_suggest(eligible, scores, data, budget_km2=budget, objective=objective)
        except PlannerError as exc:
            st.error(str(exc))
        else:
            st.session_state[common.SUGGESTION] = (exact, greedy)
    if common.SUGGESTION in st.session_state:
        exact, greedy = st.session_state[common.SUGGESTION]
        st.info(t("sug_result", lang).format(len(exact.parcels), exact.added_m2 / 1e6, exact.total_score, greedy.total_score)
                + f" ({exact.status})")
        st.dataframe(pd.DataFrame({t("f_id", lang): list(exact.parcels),
                                   t("f_name", lang): [parcels.loc[p, name_col(lang)] for p in exact.parcels],
                                   t("f_score", lang): [round(float(scores[p]), 3) for p in exact.parcels]}),
                     hide_index=True, width="stretch")
        if st.button(t("sug_accept", lang), disabled=not exact.parcels, key="sug_accept"):
            set_scenario(Scenario(name=f"{t('sug_name', lang)} {budget:.2f} km²", author=scenario.author,
                                  parcels=exact.parcels, weights=common.current_weights(),
                                  notes=f"objective={objective}; zone minimums={zone_min}"))
            del st.session_state[common.SUGGESTION]
            st.rerun()

# --- import / export ------------------------------------------------------------------------------------
with tabs[3]:
    ids = st.multiselect(t("xfer_export", lang), list(saved["id"]), key="xfer_ids",
                         format_func=lambda sid: by_id.loc[sid, "name"])
    if ids:
        with tempfile.TemporaryDirectory() as tmp:
            out_path = Path(tmp) / "scenarios.gpkg"
            store.export(out_path, ids)
            st.download_button(t("xfer_export", lang), out_path.read_bytes(), file_name="putuo_scenarios.gpkg",
                               mime="application/geopackage+sqlite3", key="xfer_download")
    upload = st.file_uploader(t("xfer_import", lang), type=["gpkg"], key="xfer_upload")
    if upload is not None and st.button(t("xfer_import", lang), key="xfer_do_import"):
        with tempfile.TemporaryDirectory() as tmp:
            in_path = Path(tmp) / "in.gpkg"
            in_path.write_bytes(upload.getvalue())
            try:
                imported = store.import_from(in_path)
            except PlannerError as exc:
                st.error(str(exc))
            else:
                st.success(t("xfer_imported", lang) + ", ".join(imported))
