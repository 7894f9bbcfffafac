"""Data import: upload -> preview (map, table, detected CRS/encoding/types, problems) -> mapping -> apply."""

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gis.datasets import ParkData
from gis.errors import PlannerError
from gis.errors import ImportFailure
from gis.importers import (apply_mapping, diff_layers, file_signature, guess_mapping, read_upload,
                           TARGET_FIELDS)
from gis.validate import invariant_problems
from layers.i18n import t
from layers.registry import get_spec
from layers.webmap import build_map, display_sample, dynamic_group, is_sampled
from views import common

lang = common.lang()
data = common.load_or_stop()
store = common.workspace()
st.title(t("imp_title", lang))

active = st.session_state.get(common.OVERRIDES) or {}
if active:
    st.info(t("imp_active", lang) + ", ".join(get_spec(k).label(lang) for k in active))
    if st.button(t("imp_reset", lang), key="imp_reset"):
        common.set_overrides({})
        st.rerun()

kinds = {"subparks": "polygon", "parcels": "polygon", "buildings": "any"}
kind = st.selectbox(t("imp_target", lang), list(kinds), key=common.lkey("imp_kind"), format_func=lambda k: get_spec(k).label(lang))
upload = st.file_uploader(f"{t('imp_file', lang)} — {t('imp_formats', lang)}", key="imp_upload",
                          type=["geojson", "json", "zip", "gpkg", "kml", "kmz", "dxf", "csv", "xlsx"])

crs_options = ["auto", "EPSG:4326", "EPSG:4490", "GCJ-02", "BD-09", "EPSG:4549", "EPSG:4550", "EPSG:4528",
               "EPSG:4529", "EPSG:4499", "SWAP", "custom"]
crs_label = {"auto": t("imp_crs_auto", lang), "custom": t("imp_crs_custom", lang), "SWAP": t("imp_crs_swap", lang)}

if upload is not None:
    c1, c2 = st.columns(2)
    choice = c1.selectbox(t("imp_crs", lang), crs_options, key=common.lkey("imp_crs"), format_func=lambda c: crs_label.get(c, c))
    custom = c2.text_input(t("imp_proj", lang), key="imp_proj", disabled=choice != "custom", max_chars=300)
    crs = None if choice == "auto" else (custom.strip() or None) if choice == "custom" else choice
    layer = st.session_state.get("imp_layer")
    xy = None
    if upload.name.lower().endswith((".csv", ".xlsx")):
        try:
            head = pd.read_excel(upload, nrows=5) if upload.name.lower().endswith(".xlsx") else \
                pd.read_csv(upload, nrows=5, encoding_errors="replace")
            upload.seek(0)
            cols = list(head.columns)
            x1, x2 = st.columns(2)
            xcol = x1.selectbox(t("imp_x", lang), ["auto", *cols], key="imp_xcol")
            ycol = x2.selectbox(t("imp_y", lang), ["auto", *cols], key="imp_ycol")
            xy = (xcol, ycol) if "auto" not in (xcol, ycol) else None
        except Exception:  # the importer below reports what is wrong with the table
            upload.seek(0)
    try:
        result = read_upload(upload.name, upload.getvalue(), layer=layer, crs=crs, xy=xy, expect=kinds[kind])
    except ImportFailure as exc:
        st.error(str(exc))
        st.stop()
    if len(result.layers) > 1:
        st.selectbox(t("imp_layer", lang), result.layers, key="imp_layer")

    st.subheader(t("imp_detected", lang))
    d1, d2, d3, d4 = st.columns(4)
    d1.metric(t("imp_features", lang), len(result.gdf))
    d2.metric(t("imp_source_crs", lang), result.source_crs)
    d3.metric(t("imp_encoding", lang), result.encoding)
    d4.metric(t("imp_geomtypes", lang), ", ".join(f"{k} {v}" for k, v in result.geometry_types.items()))
    st.caption(f"{t('imp_how', lang)}: {t('imp_how_' + result.crs_how, lang)}"
               + (" · " + "; ".join(f"{c} — {why}" for c, why in result.crs_candidates[1:4]) if result.crs_candidates else ""))
    for note in result.notes:
        st.warning(f"{t('imp_notes', lang)}: {note}")

    preview = result.gdf.copy()
    cols = [c for c in preview.columns if c != preview.geometry.name]
    preview["id"] = [f"#{i + 1}" for i in range(len(preview))]
    label_col = next((c for c in cols if preview[c].dtype == object), None)
    preview["name_zh"] = preview[label_col].astype(str) if label_col else preview["id"]
    preview["name_en"] = preview["name_zh"]
    spec = get_spec("parcels" if kinds[kind] == "polygon" else "buildings")
    if is_sampled(preview):  # the map gets a regular sample (dynamic_group samples); say so
        st.caption(t("sampled", lang).format(n=len(preview), k=len(display_sample(preview))))
    st_folium(build_map(data, lang=lang, layer_ids=("district", "subparks")), key="imp_map", height=420,
              use_container_width=True, returned_objects=[],
              feature_group_to_add=dynamic_group([(spec, preview)], lang=lang, name="import"))
    st.dataframe(result.gdf.drop(columns=result.gdf.geometry.name).head(50), width="stretch")

    st.subheader(t("imp_mapping", lang))
    st.caption(t("imp_mapping_hint", lang))
    signature = file_signature(cols, kind)
    remembered = store.load_mapping(signature) or {}
    guessed = guess_mapping(cols, kind)
    mapping = {}
    mcols = st.columns(len(TARGET_FIELDS[kind]))
    for i, field in enumerate(TARGET_FIELDS[kind]):
        default = remembered.get(field, guessed.get(field))
        options = [None, *cols]
        mapping[field] = mcols[i].selectbox(field, options, index=options.index(default) if default in options else 0,
                                            key=f"imp_map_{kind}_{field}",
                                            format_func=lambda c: t("imp_none", lang) if c is None else str(c))
    try:
        mapped = apply_mapping(result, mapping, layer_kind=kind, source_note=f"imported from {upload.name} "
                               f"({result.source_crs}, {t('imp_how_' + result.crs_how, 'en')})")
    except PlannerError as exc:
        st.error(str(exc))
        st.stop()
    diff = diff_layers(data.layer(kind), mapped)
    st.markdown(f"**{t('imp_diff', lang)}**: {t('imp_added', lang)} {len(diff['added'])} · "
                f"{t('imp_removed', lang)} {len(diff['removed'])} · {t('imp_changed', lang)} {len(diff['changed'])} · "
                f"{diff['area_before_km2']:.3f} → {diff['area_after_km2']:.3f} km²")
    candidate = ParkData(**{**data.__dict__, kind: mapped.set_crs("EPSG:4326", allow_override=True)})
    problems = invariant_problems(candidate) if kind == "subparks" else []
    with st.expander(t("imp_check", lang), expanded=bool(problems)):
        for p in problems:
            st.warning(p)
        if not problems:
            st.success(t("data_valid", lang))
    save = st.checkbox(t("imp_save", lang), key="imp_save")
    if st.button(t("imp_apply", lang), type="primary", key="imp_apply"):
        try:
            common.set_overrides({**active, kind: gpd.GeoDataFrame(mapped, geometry="geometry", crs="EPSG:4326")})
            store.save_mapping(signature, kind, {k: v for k, v in mapping.items() if v})
            if save:
                store.save_layer(kind, mapped)
        except PlannerError as exc:
            st.error(str(exc))
        else:
            st.success(t("imp_applied", lang))

saved = store.saved_layers()
if saved:
    st.subheader(t("imp_saved_layers", lang))
    st.write(", ".join(f"{get_spec(k).label(lang)} ({len(v)})" for k, v in saved.items()))
    if st.button(t("imp_use_saved", lang), key="imp_use_saved"):
        common.set_overrides({**active, **{k: v.set_crs("EPSG:4326", allow_override=True) for k, v in saved.items()}})
        st.rerun()
