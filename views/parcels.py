"""Candidate parcels: weights, ranking, score map, parcel card, sensitivity, suitability surface, uploads, export."""

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from gis.analysis import nearest_features
from gis.crs import to_metric
from gis.errors import PlannerError
from gis.exporters import csv_bytes, geojson_bytes, gpkg_bytes, xlsx_bytes
from gis.importers import read_uploaded_polygons
from gis.raster import colour, normalise_raster_values, surface_geotiff, zonal_mean
from gis.scoring import (CORE_INDUSTRIES, PRESETS, VECTOR_CRITERIA, X_INDUSTRIES, apply_weights, check_rules,
                         explain, normalise, normalise_weights, raw_criteria, sensitivity)
from layers.i18n import name_col, t
from layers.registry import SCORED_PARCELS
from layers.webmap import display_sample, dynamic_group, highlight_group, is_sampled
from views import common

lang = common.lang()
data = common.load_or_stop()
path = common.data_key()
ctx = common.scoring_context(path)
INDUSTRIES = CORE_INDUSTRIES + X_INDUSTRIES + ("residential",)

st.title(t("parcels_title", lang))
st.caption(t("demo_banner", lang))
if is_sampled(data.parcels):
    st.caption(t("sampled", lang).format(n=len(data.parcels), k=len(display_sample(data.parcels))))


def crit_label(crit: str) -> str:
    return crit.split(":", 1)[1] if crit.startswith("raster:") else t(f"crit_{crit}", lang)


# --- parcels: bundled + the user's own ----------------------------------------------------------------
user = st.session_state.get(common.USER_PARCELS)
parcels = data.parcels.set_index("id", drop=False)
raw, norm, rules = common.bundled_evaluation(path)
if user is not None and len(user):
    user = user.set_index("id", drop=False)
    u_raw = raw_criteria(user, ctx)
    raw, norm, rules = (pd.concat([raw, u_raw]), pd.concat([norm, normalise(u_raw)]),
                        pd.concat([rules, check_rules(user, ctx)]))
    parcels = pd.concat([parcels, user])
raw, norm = raw.copy(), norm.copy()
for r in st.session_state.get(common.RASTERS, []):
    crit = f"raster:{r['name']}"
    values = zonal_mean(parcels, r["data"])
    raw[crit] = values
    norm[crit] = normalise_raster_values(values, higher_is_better=r["higher"])
criteria = list(norm.columns)

# --- weights (sidebar) --------------------------------------------------------------------------------
def _apply_preset() -> None:
    preset = PRESETS[st.session_state[common.lkey(common.PRESET)]]
    for c in criteria:
        st.session_state[common.weight_key(c)] = int(preset.get(c, 10))


def _reset() -> None:
    st.session_state[common.lkey(common.PRESET)] = "balanced"
    _apply_preset()


for c in criteria:
    st.session_state.setdefault(common.weight_key(c), int(PRESETS["balanced"].get(c, 10)))
with st.sidebar:
    st.subheader(t("weights", lang))
    st.selectbox(t("preset", lang), list(PRESETS), key=common.lkey(common.PRESET), on_change=_apply_preset,
                 format_func=lambda p: t(f"preset_{p}", lang))
    st.button(t("reset", lang), on_click=_reset)
    raw_weights = {c: st.session_state[common.weight_key(c)] for c in criteria}
    total = sum(raw_weights.values()) or 1
    for c in criteria:
        st.slider(f"{crit_label(c)} ({raw_weights[c] / total:.0%})", 0, 100, key=common.weight_key(c))
    st.caption(t("weights_help", lang))
weights = {c: float(st.session_state[common.weight_key(c)]) for c in criteria}
try:
    scored = apply_weights(norm, rules, weights)
    wnorm = normalise_weights(weights, criteria)
except PlannerError as exc:
    st.error(str(exc))
    st.stop()

rule_names = {r: t(f"rule_{r}", lang) for r in ("valid", "inside_district", "no_overlap", "min_area")}
failed_text = rules["failed"].map(lambda fs: "、".join(rule_names[f] for f in fs) if lang == "zh"
                                  else ", ".join(rule_names[f] for f in fs))
names = parcels[name_col(lang)].astype(str)

# --- selection from a map click (applied before the select box exists) ----------------------------------
if common.PENDING_PARCEL in st.session_state:
    st.session_state[common.lkey(common.SELECTED_PARCEL)] = st.session_state.pop(common.PENDING_PARCEL)
if st.session_state.get(common.lkey(common.SELECTED_PARCEL)) not in parcels.index:
    st.session_state[common.lkey(common.SELECTED_PARCEL)] = None

tabs = st.tabs([t(k, lang) for k in ("tab_ranking", "tab_sensitivity", "tab_surface", "tab_add", "tab_export",
                                      "tab_help")])

with tabs[0]:
    map_col, card_col = st.columns([1.6, 1])
    with card_col:
        selected = st.selectbox(t("pick_parcel", lang), list(parcels.index), key=common.lkey(common.SELECTED_PARCEL), index=None,
                                format_func=lambda pid: f"{names[pid]}", placeholder=t("card_hint", lang))
    with map_col:
        layer = parcels[["id", "name_zh", "name_en", "current_use_zh", "current_use_en", "area_m2", "accuracy",
                         "geometry"]].copy() if "current_use_zh" in parcels.columns else parcels.copy()
        layer["score"] = scored["score"].round(3)
        layer["rank"] = scored["rank"].astype("string").fillna("–")
        layer["failed"] = failed_text.where(failed_text != "", t("pass", lang))
        layer["score_class"] = scored["score_class"]
        layer = gpd.GeoDataFrame(layer, geometry="geometry", crs="EPSG:4326")
        surface_key = None
        if st.session_state.get(common.SHOW_SURFACE):
            surface_key = (tuple(sorted(weights.items())), float(st.session_state.get(common.SURFACE_CELL, 100)))
        fmap = common.parcels_map(path, lang, "none", None, surface_key)
        sel_geom = parcels.geometry.get(selected) if selected else None
        out = st_folium(fmap, key=common.PARCEL_MAP_KEY, height=560, use_container_width=True,
                        returned_objects=["last_active_drawing", "last_object_clicked", "all_drawings"],
                        feature_group_to_add=[dynamic_group([(SCORED_PARCELS, layer)], lang=lang, name="scores"),
                                              highlight_group(sel_geom)])
    st.session_state[common.DRAWINGS] = common.drawn_polygons(out)
    clicked = common.new_click(out, layer_id="scored_parcels", state_key=common.LAST_PARCEL_EVENT)
    if clicked in parcels.index and clicked != selected:
        st.session_state[common.PENDING_PARCEL] = clicked
        st.rerun()

    with card_col:
        if selected is None:
            st.caption(t("card_hint", lang))
        else:
            row = scored.loc[selected]
            st.subheader(names[selected])
            m1, m2 = st.columns(2)
            m1.metric(t("card_total", lang), f"{row['score']:.3f}")
            m2.metric(t("f_rank", lang), "–" if pd.isna(row["rank"]) else int(row["rank"]))
            card = explain(raw.loc[selected], norm.loc[selected], wnorm)
            st.dataframe(pd.DataFrame({
                t("f_criterion", lang): card["criterion"].map(crit_label),
                t("f_raw", lang): card["raw"] + " " + card["unit"],
                t("f_norm", lang): card["normalised"].round(3),
                t("f_weight", lang): (card["weight"] * 100).round(1).astype(str) + " %",
                t("f_contrib", lang): card["contribution"].round(3)}), hide_index=True, width="stretch")
            st.markdown(f"**{t('card_rules', lang)}**")
            rr = rules.loc[selected]
            measured = {"valid": rr["invalid_reason"] or "OK", "inside_district": t("outside_pct", lang).format(rr["outside_share"]),
                        "no_overlap": f"{rr['overlap_m2']:,.0f} m²", "min_area": f"{rr['area_m2']:,.0f} m²"}
            st.dataframe(pd.DataFrame({
                t("f_rule", lang): [rule_names[r] for r in measured],
                t("f_result", lang): [t("pass", lang) if rr[r] else t("fail", lang) for r in measured],
                t("f_value", lang): list(measured.values())}), hide_index=True, width="stretch")
            st.markdown(f"**{t('card_neighbours', lang)}**")
            g = to_metric(parcels.loc[[selected]]).geometry.iloc[0]
            near = pd.concat([nearest_features(g, data.subparks, k=3), nearest_features(g, data.stations, k=3)])
            st.dataframe(pd.DataFrame({t("f_name", lang): near[name_col(lang)],
                                       t("f_dist_m", lang): near["dist_m"].round(0).astype(int)}),
                         hide_index=True, width="stretch")

    contrib_cols = {f"c_{c}": crit_label(c) for c in criteria}
    ranking = scored[scored["rank"].notna()].sort_values("rank")
    st.subheader(t("ranking", lang))
    st.dataframe(pd.DataFrame({
        t("f_rank", lang): ranking["rank"].astype(int), t("f_id", lang): ranking.index,
        t("f_name", lang): names[ranking.index], t("f_score", lang): ranking["score"].round(3),
        **{label: ranking[col].round(3) for col, label in contrib_cols.items()}}),
        hide_index=True, width="stretch")
    st.subheader(t("failing", lang))
    fail = rules[~rules["passes"]]
    if fail.empty:
        st.caption(t("none_failing", lang))
    else:
        st.dataframe(pd.DataFrame({
            t("f_id", lang): fail.index, t("f_name", lang): names[fail.index], t("f_failed", lang): failed_text[fail.index],
            "outside %": (fail["outside_share"] * 100).round(1), "overlap m²": fail["overlap_m2"].round(0),
            "area m²": fail["area_m2"].round(0), "geometry": fail["invalid_reason"]}), hide_index=True, width="stretch")

with tabs[1]:
    st.write(t("sens_intro", lang))
    c1, c2, c3 = st.columns(3)
    spread = c1.slider(t("sens_spread", lang), 0, 50, 20, step=5, key="sens_spread") / 100
    draws = c2.select_slider(t("sens_draws", lang), [100, 250, 500, 1000, 2000], value=500, key="sens_draws")
    top_n = c3.slider(t("sens_top", lang), 1, 20, 10, key="sens_top")
    sens = sensitivity(norm, wnorm, rules["passes"], spread=spread, draws=draws, top_n=top_n)
    sens = sens.sort_values("rank")
    st.dataframe(pd.DataFrame({
        t("f_rank", lang): sens["rank"].astype(int), t("f_name", lang): names[sens.index],
        t("f_score", lang): scored.loc[sens.index, "score"].round(3),
        t("sens_share", lang): (sens["top_n_share"] * 100).round(0).astype(int).astype(str) + " %",
        t("sens_range", lang): sens["rank_min"].astype(int).astype(str) + "–" + sens["rank_max"].astype(int).astype(str)}),
        hide_index=True, width="stretch")

with tabs[2]:
    st.write(t("surface_intro", lang))
    cell = st.select_slider(t("surface_cell", lang), [50, 100, 200], value=100, key=common.SURFACE_CELL)
    st.checkbox(t("surface_show", lang), key=common.SHOW_SURFACE)
    try:
        surf = common.surface(path, tuple(sorted(weights.items())), float(cell))
    except PlannerError as exc:
        st.error(str(exc))
    else:
        st.image(colour(surf.score), caption=" · ".join(f"{crit_label(c)} {w:.0%}" for c, w in surf.weights.items()),
                 width=480)
        st.image(np.repeat(colour(np.linspace(0, 1, 240))[None, :, :], 14, axis=0), caption=t("legend_surface", lang),
                 width=240)
        st.download_button(t("surface_download", lang), surface_geotiff(surf), file_name="putuo_suitability_4549.tif",
                           mime="image/tiff", key="dl_surface")

with tabs[3]:
    st.write(t("draw_hint", lang))
    drawn = st.session_state.get(common.DRAWINGS) or []
    c1, c2 = st.columns(2)
    new_name = c1.text_input(t("parcel_name", lang), key="new_parcel_name", max_chars=80)
    new_use = c2.selectbox(t("intended_use", lang), INDUSTRIES, key="new_parcel_use")
    if not drawn:
        st.caption(t("no_drawing", lang))

    def add_user_parcels(gdf: gpd.GeoDataFrame) -> None:
        current = st.session_state.get(common.USER_PARCELS)
        start = 1 + (0 if current is None else len(current))
        gdf = gdf.reset_index(drop=True)
        gdf["id"] = [f"U{start + i:03d}" for i in range(len(gdf))]
        gdf["name_en"] = gdf["name_zh"]
        gdf["current_use_zh"], gdf["current_use_en"] = "用户添加", "added by the user"
        gdf["area_m2"] = to_metric(gdf).area.round(1)
        gdf["source"], gdf["accuracy"] = "added in the app this session", "as drawn / uploaded"
        cols = ["id", "name_zh", "name_en", "intended_use", "current_use_zh", "current_use_en", "area_m2",
                "source", "accuracy", "geometry"]
        merged = gdf[cols] if current is None else pd.concat([current, gdf[cols]], ignore_index=True)
        st.session_state[common.USER_PARCELS] = gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326")
        st.session_state[common.PENDING_PARCEL] = gdf["id"].iloc[-1]  # shown in the card next run

    if st.button(t("add_drawn", lang), disabled=not drawn, key="add_drawn"):
        geom = shape(drawn[-1]["geometry"])
        add_user_parcels(gpd.GeoDataFrame({"name_zh": [new_name.strip() or f"绘制地块 {len(drawn)}"],
                                           "intended_use": [new_use]}, geometry=[geom], crs="EPSG:4326"))
        st.rerun()
    upload = st.file_uploader(t("upload_parcels", lang), type=["geojson", "json", "gpkg", "zip"], key="upload_parcels")
    if upload is not None and st.button(t("add_uploaded", lang), key="add_upload"):
        try:
            up = read_uploaded_polygons(upload.name, upload.getvalue())
        except PlannerError as exc:
            st.error(str(exc))
        else:
            label = next((c for c in ("name_zh", "name", "名称", "NAME", "Name") if c in up.columns), None)
            up["name_zh"] = up[label].astype(str) if label else [f"{upload.name} #{i + 1}" for i in range(len(up))]
            up["intended_use"] = up["intended_use"] if "intended_use" in up.columns else new_use
            add_user_parcels(up[["name_zh", "intended_use", "geometry"]])
            st.rerun()
    if user is not None and len(user):
        st.markdown(f"**{t('user_parcels', lang)}**")
        st.dataframe(pd.DataFrame({t("f_id", lang): user["id"], t("f_name", lang): user["name_zh"],
                                   t("f_score", lang): scored.loc[user.index, "score"].round(3),
                                   t("f_rank", lang): scored.loc[user.index, "rank"]}), hide_index=True, width="stretch")
        if st.button(t("remove_user", lang), key="remove_user"):
            st.session_state[common.USER_PARCELS] = None
            st.rerun()
    st.markdown(f"**{t('raster_title', lang)}**")
    rc1, rc2 = st.columns(2)
    rname = rc1.text_input(t("raster_name", lang), key="raster_name", max_chars=40)
    rhigher = rc2.checkbox(t("raster_higher", lang), value=True, key="raster_higher")
    rfile = st.file_uploader(t("raster_upload", lang), type=["tif", "tiff"], key="raster_file")
    if rfile is not None and st.button(t("raster_add", lang), key="raster_add"):
        try:
            zonal_mean(parcels.iloc[:1], rfile.getvalue())  # an unreadable raster fails here, not on every run
        except PlannerError as exc:
            st.error(str(exc))
        else:
            entry = {"name": rname.strip() or rfile.name, "higher": rhigher, "data": rfile.getvalue()}
            others = [r for r in st.session_state.get(common.RASTERS, []) if r["name"] != entry["name"]]
            st.session_state[common.RASTERS] = others + [entry]
            st.rerun()
    if st.session_state.get(common.RASTERS):
        st.caption(", ".join(r["name"] for r in st.session_state[common.RASTERS]))
        if st.button(t("raster_remove", lang), key="raster_remove"):
            st.session_state[common.RASTERS] = []
            st.rerun()

with tabs[4]:
    table = pd.DataFrame({
        t("f_rank", lang): scored["rank"], t("f_id", lang): parcels.index, t("f_name", lang): names,
        t("f_score", lang): scored["score"].round(4),
        **{contrib_cols[f"c_{c}"]: scored[f"c_{c}"].round(4) for c in criteria},
        t("f_failed", lang): failed_text}).sort_values(t("f_rank", lang), na_position="last")
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(t("export_csv", lang), csv_bytes(table), file_name="parcel_ranking.csv", mime="text/csv",
                       key="dl_csv")
    c2.download_button(t("export_xlsx", lang), xlsx_bytes(table, sheet=t("ranking", lang)[:20]),
                       file_name="parcel_ranking.xlsx", key="dl_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    export_layer = gpd.GeoDataFrame(
        parcels[["id", "name_zh", "name_en"]].assign(score=scored["score"], rank=scored["rank"].astype("float"),
                                                     failed=rules["failed"].map(lambda f: ",".join(f)),
                                                     **{f"c_{c}": scored[f"c_{c}"] for c in criteria}),
        geometry=parcels.geometry, crs="EPSG:4326")
    c3.download_button(t("export_geojson", lang), geojson_bytes(export_layer), file_name="scored_parcels.geojson",
                       mime="application/geo+json", key="dl_geojson")
    c4.download_button(t("export_gpkg", lang), gpkg_bytes({"scored_parcels": export_layer}),
                       file_name="scored_parcels.gpkg", mime="application/geopackage+sqlite3", key="dl_gpkg")
    st.dataframe(table, hide_index=True, width="stretch")

with tabs[5]:
    for c in VECTOR_CRITERIA:
        st.markdown(f"**{crit_label(c)}** — {t(f'help_{c}', lang)}")
    st.markdown(f"**{t('raster_title', lang)}** — {t('help_raster', lang)}")
    st.markdown(f"**{t('card_rules', lang)}** — {t('help_rules', lang)}")
    st.caption(f"{len(parcels)} parcels · {int(rules['passes'].sum())} pass · "
               f"{np.count_nonzero(~rules['passes'].to_numpy())} fail · weights: "
               + ", ".join(f"{crit_label(c)} {w:.0%}" for c, w in wnorm.items()))
