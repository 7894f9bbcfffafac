"""Export: layers in any format/CRS, print maps (PNG/PDF/SVG), atlas, scenario report, offline HTML map."""

from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gis.crs import to_metric, to_storage
from gis.errors import PlannerError
from gis.exporters import FORMATS, TARGETS, ExportMeta, export_layers
from gis.scenario import Scenario, scenario_metrics
from gis.scoring import apply_weights, explain, normalise_weights
from layers.cartography import PrintSpec, figure_bytes, padded_extent, render
from layers.i18n import name_col, t
from layers.registry import SCORED_PARCELS, get_spec
from layers.reports import atlas, scenario_report
from layers.webmap import build_map, standalone_html
from views import common

lang = common.lang()
data = common.load_or_stop()
path = common.data_key()
st.title(t("exp_title", lang))
st.caption(t("demo_banner", lang))

raw, norm, rules = common.bundled_evaluation(path)
weights = common.current_weights()
scored = apply_weights(norm, rules, weights)
scenario: Scenario = st.session_state.get(common.SCENARIO) or Scenario(name=t("scen_default_name", lang))
metrics = scenario_metrics(scenario, data, data.parcels, scores=scored["score"], rules=rules)
added = to_storage(gpd.GeoDataFrame({"id": [scenario.id], "name_zh": [scenario.name], "name_en": [scenario.name],
                                     "slot": ["s0"], "added": [round(metrics["added_km2"], 4)],
                                     "source": ["scenario drawn in Putuo Park Planner"],
                                     "accuracy": ["as the parcels and drawn areas it is made of"]},
                                    geometry=[metrics["added_geometry_m"]], crs="EPSG:4549"))
scored_layer = data.parcels.set_index("id", drop=False).assign(
    score=scored["score"].round(4), rank=scored["rank"].astype("float"), score_class=scored["score_class"],
    failed=rules["failed"].map(lambda f: ",".join(f))).reset_index(drop=True)
LAYERS = {"district": data.district, "clusters": data.layer("clusters"), "subparks": data.subparks, "zones": data.zones,
          "buildings": data.buildings, "parcels": data.parcels, "stations": data.stations,
          "scored_parcels": scored_layer, "scenario_current": added}


def layer_label(layer_id: str) -> str:
    return t("layer_scenario_current", lang) if layer_id == "scenario_current" else get_spec(layer_id).label(lang)


def meta(title: str) -> ExportMeta:
    return ExportMeta(title=title, exported=date.today().isoformat())


tabs = st.tabs([t(k, lang) for k in ("exp_tab_layers", "exp_tab_print", "exp_tab_atlas", "exp_tab_report", "exp_tab_html")])

with tabs[0]:
    k = common.lkey("exp_layers")  # a default only the first time (else it fights the carried-over choice)
    chosen = st.multiselect(t("exp_layers", lang), list(LAYERS), default=None if k in st.session_state else ["subparks"],
                            key=k,
                            format_func=layer_label)
    c1, c2, c3 = st.columns(3)
    fmt = c1.selectbox(t("exp_format", lang), FORMATS, key=common.lkey("exp_format"), format_func=lambda f: t(f"fmt_{f}", lang))
    k = common.lkey("exp_crs")
    target = c2.selectbox(t("exp_crs", lang), list(TARGETS), index=None if k in st.session_state else 0, key=k,
                          format_func=lambda c: t(f"crs_{c}", lang))
    encoding = c3.selectbox(t("exp_encoding", lang), ["UTF-8", "GBK"], key="exp_encoding", disabled=fmt != "shp")
    try:
        payload, fname, mime = export_layers({k: LAYERS[k] for k in chosen}, fmt=fmt, target=target, encoding=encoding,
                                             meta=meta(", ".join(layer_label(k) for k in chosen)))
    except PlannerError as exc:
        st.error(str(exc))
    else:
        st.download_button(f"{t('exp_download', lang)} {fname}", payload, file_name=fname, mime=mime, key="dl_layers")
        st.caption(f"{len(payload):,} bytes · {TARGETS[target][2]}")

with tabs[1]:
    c1, c2, c3, c4 = st.columns(4)
    paper = c1.selectbox(t("exp_paper", lang), ["A4", "A3"], key="pm_paper")
    landscape = c2.checkbox(t("exp_landscape", lang), value=True, key="pm_landscape")
    dpi = c3.selectbox(t("exp_dpi", lang), [150, 300, 600], index=1, key="pm_dpi")
    img_fmt = c4.selectbox(t("exp_img_format", lang), ["png", "pdf", "svg"], key="pm_format")
    title = st.text_input(t("exp_map_title", lang), t("exp_default_title", lang), key="pm_title", max_chars=80)
    subtitle = st.text_input(t("exp_map_subtitle", lang), t("app_subtitle", lang), key="pm_subtitle", max_chars=120)
    layers_pm = st.multiselect(t("exp_layers", lang), [k for k in LAYERS if k != "clusters"],
                               default=None if common.lkey("pm_layers") in st.session_state
                               else ["district", "zones", "subparks", "stations"], key=common.lkey("pm_layers"),
                               format_func=layer_label)
    g1, g2 = st.columns(2)
    grid = g1.checkbox(t("exp_grid", lang), key="pm_grid")
    labels = g2.checkbox(t("exp_labels", lang), value=True, key="pm_labels")
    extent_kind = st.radio(t("exp_extent", lang), ["district", "cluster", "subpark", "scenario", "view"], horizontal=True,
                           key=common.lkey("pm_extent"), format_func=lambda k: t(f"ext_{k}", lang))
    try:
        if extent_kind == "district":
            geom = to_metric(data.district).geometry.iloc[0]
        elif extent_kind == "cluster":
            cluster = st.selectbox(t("f_cluster", lang), ["north", "south"], key=common.lkey("pm_cluster"),
                                   format_func=lambda c: t(f"cluster_{c}", lang))
            geom = to_metric(data.layer("clusters")).set_index("id").geometry[cluster]
        elif extent_kind == "subpark":
            names = dict(zip(data.subparks["id"], data.subparks[name_col(lang)]))
            sid = st.selectbox(t("f_subpark", lang), list(names), key="pm_subpark", format_func=lambda s: names[s])
            geom = to_metric(data.subparks).set_index("id").geometry[sid].buffer(300)
        elif extent_kind == "scenario":
            geom = metrics["added_geometry_m"]
        else:
            view = st_folium(build_map(data, lang=lang, layer_ids=("district", "subparks")), key="pm_view_map",
                             height=320, returned_objects=["bounds"])
            b = (view or {}).get("bounds") or {}
            sw, ne = b.get("_southWest") or {}, b.get("_northEast") or {}
            # before the browser reports its view, frame the district
            x0, y0, x1, y1 = data.district.total_bounds
            box = gpd.GeoSeries.from_xy([sw.get("lng") or x0, ne.get("lng") or x1],
                                        [sw.get("lat") or y0, ne.get("lat") or y1], crs="EPSG:4326")
            geom = to_metric(box).union_all().envelope
        extent = padded_extent(geom, margin=0.04)
        frames = [(get_spec("scored_parcels") if k == "scored_parcels" else get_spec(k), LAYERS[k])
                  for k in layers_pm if k != "scenario_current"]
        if "scenario_current" in layers_pm and not added.geometry.iloc[0].is_empty:
            frames.append((get_spec("scenario_added"), added))
        spec = PrintSpec(title=title, subtitle=subtitle, paper=paper, landscape=landscape, grid=grid, lang=lang,
                         labels=labels)
        fig = render(frames, spec=spec, extent_m=extent)
        st.image(figure_bytes(fig, fmt="png", dpi=80), caption=t("exp_preview", lang))
        mime = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}[img_fmt]
        # rendered when clicked (a 600-dpi A3 takes seconds), not on every rerun
        st.download_button(f"{t('exp_download', lang)} ({img_fmt.upper()}, {paper})",
                           lambda: figure_bytes(fig, fmt=img_fmt, dpi=dpi),
                           file_name=f"putuo_map_{paper}_{dpi}dpi.{img_fmt}", mime=mime, key="dl_print")
    except PlannerError as exc:
        st.error(str(exc))

with tabs[2]:
    kind = st.radio(t("atlas_kind", lang), ["subparks", "parcels"], horizontal=True, key=common.lkey("atlas_kind"),
                    format_func=lambda k: t(f"atlas_{k}", lang))
    top_n = st.slider("N", 1, 20, 5, key="atlas_n", disabled=kind != "parcels")
    if st.button(t("atlas_make", lang), key="atlas_make"):
        ids = list(data.subparks["id"]) if kind == "subparks" else \
            list(scored[scored["rank"].notna()].sort_values("rank").index[:top_n])
        frames = [(get_spec(i), data.layer(i)) for i in ("district", "zones", "subparks", "buildings", "stations")]
        frames.append((SCORED_PARCELS, scored_layer))
        with st.spinner("…"):
            st.session_state["atlas_pdf"] = atlas(data, ids=ids, kind=kind, frames=frames,
                                                  base=PrintSpec(title="", lang=lang, paper="A4", landscape=True))
    if "atlas_pdf" in st.session_state:
        st.download_button(t("exp_download", lang) + " PDF", st.session_state["atlas_pdf"], file_name="putuo_atlas.pdf",
                           mime="application/pdf", key="dl_atlas")

with tabs[3]:
    st.caption(t("report_hint", lang))
    if st.button(t("report_make", lang), key="report_make"):
        wn = normalise_weights(weights, list(norm.columns))
        cards = {}
        for pid in scenario.parcels:
            card = explain(raw.loc[pid], norm.loc[pid], wn)
            cards[pid] = pd.DataFrame({t("f_criterion", lang): card["criterion"].map(lambda c: t(f"crit_{c}", lang)),
                                       t("f_raw", lang): card["raw"] + " " + card["unit"],
                                       t("f_norm", lang): card["normalised"].round(3),
                                       t("f_weight", lang): (card["weight"] * 100).round(1),
                                       t("f_contrib", lang): card["contribution"].round(3)})
        added_parcels = scored_layer[scored_layer["id"].isin(scenario.parcels)]
        st.session_state["report_pdf"] = scenario_report(
            data, scenario_name=scenario.name, author=scenario.author, metrics=metrics, added_parcels=added_parcels,
            cards=cards, weights=dict(wn), lang=lang)
    if "report_pdf" in st.session_state:
        st.download_button(t("exp_download", lang) + " PDF", st.session_state["report_pdf"],
                           file_name="putuo_scenario_report.pdf", mime="application/pdf", key="dl_report")

with tabs[4]:
    st.download_button(t("html_download", lang), lambda: standalone_html(build_map(data, lang=lang)).encode("utf-8"),
                       file_name="putuo_park_map.html", mime="text/html", key="dl_html")
