"""Home page: the park on an interactive map, a sub-park facts panel and the area tables."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gis.analysis import subpark_summary
from gis.settings import SETTINGS
from layers.i18n import name_col, t
from layers.webmap import BASEMAPS, display_sample, get_basemap, highlight_group, is_sampled
from views import common

lang = common.lang()
data = common.load_or_stop()
path = common.data_key()
names = dict(zip(data.subparks["id"], data.subparks[name_col(lang)]))

st.title(t("app_title", lang))
st.caption(t("app_subtitle", lang))
st.info(t("demo_banner", lang), icon="ℹ️")
if is_sampled(data.parcels):
    st.caption(t("sampled", lang).format(n=len(data.parcels), k=len(display_sample(data.parcels))))

# A map click in the previous run asked for a selection: apply it before the select box exists.
if common.PENDING_SELECTION in st.session_state:
    st.session_state[common.lkey(common.SELECTED_SUBPARK)] = st.session_state.pop(common.PENDING_SELECTION)

c1, c2 = st.columns([1, 2])
basemap = c1.selectbox(t("basemap", lang), [b.id for b in BASEMAPS], key=common.lkey(common.BASEMAP),
                       format_func=lambda b: t(get_basemap(b).label_key, lang))
selected = c2.selectbox(t("search_subpark", lang), list(names), key=common.lkey(common.SELECTED_SUBPARK), index=None,
                        placeholder=t("search_placeholder", lang),
                        format_func=lambda sid: f"{names.get(sid, sid)} ({sid})")
key = common.tianditu_key()
if get_basemap(basemap).needs_key and not key:
    st.warning(t("basemap_needs_key", lang))
elif get_basemap(basemap).datum == "gcj02":
    st.caption(t("basemap_amap_note", lang))
if basemap != "none":
    st.caption(t("tiles_offline_note", lang))

map_col, panel_col = st.columns([2.2, 1])
with map_col:
    fmap = common.park_map(path, lang, basemap, key)
    geom = data.subparks.loc[data.subparks["id"] == selected].geometry
    out = st_folium(
        fmap, key=common.MAP_KEY, height=620, use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked"],
        feature_group_to_add=highlight_group(geom.iloc[0] if len(geom) else None, basemap=basemap),
    )

clicked = common.new_click(out, layer_id="subparks", state_key=common.LAST_MAP_EVENT)
if clicked in names and clicked != selected:
    st.session_state[common.PENDING_SELECTION] = clicked
    st.rerun()

with panel_col:
    if selected is None:
        st.write(t("panel_hint", lang))
    else:
        info = subpark_summary(data, selected, n_stations=SETTINGS.nearest_stations)
        row = info["row"]
        st.subheader(str(row[name_col(lang)]))
        st.caption(f"{selected} · {t('cluster_' + str(row['cluster']), lang)}")
        a = info["area"]
        m1, m2, m3 = st.columns(3)
        m1.metric("km²", f"{a['km2']:.3f}")
        m2.metric(t("f_area_ha", lang), f"{a['ha']:.1f}")
        m3.metric(t("f_area_mu", lang), f"{a['mu']:,.0f}")
        declared = row.get("declared_area_km2")
        st.caption(f"{t('f_geodesic_km2', lang)}: {a['geodesic_km2']:.3f}"
                   + (f" · {t('f_declared_km2', lang)}: {float(declared):.2f}" if pd.notna(declared) else ""))
        st.markdown(f"**{t('f_industries', lang)}**")
        st.text(str(row["industries_en" if lang == "en" else "industries_zh"]))
        if str(row.get("carriers_zh") or "").strip():
            st.markdown(f"**{t('f_carriers', lang)}**")
            st.text(str(row["carriers_zh"]))
        st.markdown(f"**{t('panel_buildings', lang)}**")
        bld = info["buildings"]
        if bld.empty:
            st.caption(t("panel_no_buildings", lang))
        else:
            st.dataframe(bld[[name_col(lang), "kind"]].rename(
                columns={name_col(lang): t("f_name", lang), "kind": t("f_kind", lang)}),
                hide_index=True, width="stretch")
        st.markdown(f"**{t('panel_stations', lang)}**")
        stn = info["stations"]
        st.dataframe(pd.DataFrame({
            t("f_name", lang): stn[name_col(lang)], t("f_lines", lang): stn["lines"],
            t("f_dist_m", lang): stn["dist_m"].round(0).astype(int)}), hide_index=True, width="stretch")
        shares = {z: s for z, s in info["zones"].items() if s > 0.005}
        st.markdown(f"**{t('panel_zones', lang)}**")
        st.text(" · ".join(f"{t('zone_' + z, lang)} {s:.0%}" for z, s in shares.items())
                or t("panel_not_in_zones", lang))
        st.caption(f"{t('f_accuracy', lang)}: {row['accuracy']}")

st.subheader(t("area_table", lang))
per_subpark, per_cluster = common.area_tables(path)
tab1, tab2 = st.tabs([t("area_by_cluster", lang), t("area_by_subpark", lang)])
with tab1:
    labels = {"north": t("cluster_north", lang), "south": t("cluster_south", lang), "total": t("total", lang)}
    st.dataframe(pd.DataFrame({
        t("f_cluster", lang): [labels.get(i, i) for i in per_cluster.index],
        t("f_count", lang): per_cluster["n_subparks"].to_numpy(),
        t("f_area_km2", lang): per_cluster["area_km2"].round(3).to_numpy(),
        t("f_geodesic_km2", lang): per_cluster["geodesic_area_km2"].round(3).to_numpy(),
        t("f_share", lang): (per_cluster["share"] * 100).round(1).astype(str).to_numpy() + " %",
    }), hide_index=True, width="stretch")
with tab2:
    table = per_subpark.sort_values(["cluster", "id"])
    shown = pd.DataFrame({
        t("f_id", lang): table["id"], t("f_name", lang): table[name_col(lang)],
        t("f_cluster", lang): table["cluster"].map(lambda c: t(f"cluster_{c}", lang)),
        t("f_area_km2", lang): table["area_km2"].round(3), t("f_area_ha", lang): table["area_ha"].round(1),
        t("f_area_mu", lang): table["area_mu"].round(0), t("f_declared_km2", lang): table["declared_area_km2"],
    })
    total = {t("f_id", lang): "", t("f_name", lang): t("total", lang), t("f_cluster", lang): "",
             t("f_area_km2", lang): round(table["area_km2"].sum(), 3), t("f_area_ha", lang): round(table["area_ha"].sum(), 1),
             t("f_area_mu", lang): round(table["area_mu"].sum(), 0), t("f_declared_km2", lang): None}
    st.dataframe(pd.concat([shown, pd.DataFrame([total])], ignore_index=True), hide_index=True,
                 width="stretch")
st.caption(t("area_note", lang))
