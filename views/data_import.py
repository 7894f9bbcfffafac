"""Data import: upload -> preview (map, table, detected CRS/encoding/types, problems) -> mapping -> apply."""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from gis.datasets import ParkData
from gis.importers import TARGET_FIELDS, apply_mapping, diff_layers, file_signature, guess_mapping, read_upload
from gis.validate import invariant_problems
from layers.i18n import t
from layers.registry import get_spec
from layers.webmap import bounds_of, layer_document, layer_ref, map_spec
from planner.maps import context_refs, park_refs
from planner import workspace as pw
from views import boundary, state
from views.mapview import show_map

KINDS = {"subparks": "polygon", "parcels": "polygon", "buildings": "any"}
CRS_OPTIONS = ["auto", "EPSG:4326", "EPSG:4490", "GCJ-02", "BD-09", "EPSG:4549", "EPSG:4550", "EPSG:4528",
               "EPSG:4529", "EPSG:4499", "SWAP", "custom"]


def page() -> None:
    lang = state.lang()
    ds = state.dataset()
    ws, _ = state.workspace()
    user = state.current_user()
    st.title(t("imp_title", lang))
    active = state.imports()
    if active:
        st.info(t("imp_active", lang) + "、".join(get_spec(k).label(lang) for k in active))
        if st.button(t("imp_reset", lang), key="imp_reset"):
            state.set_imports({})
            st.rerun()
    kind = st.selectbox(t("imp_target", lang), list(KINDS), key=state.lkey("imp_kind"),
                        format_func=lambda k: get_spec(k).label(lang))
    upload = st.file_uploader(f"{t('imp_file', lang)} — {t('imp_formats', lang)}", key="imp_upload",
                              type=["geojson", "json", "zip", "gpkg", "kml", "kmz", "dxf", "csv", "xlsx"])
    if upload is not None:
        _preview(ds, ws, user, kind, upload.name, upload.getvalue(), active, lang)


def _preview(ds, ws, user, kind: str, name: str, data: bytes, active: dict, lang: str) -> None:  # noqa: ANN001
    crs_label = {"auto": t("imp_crs_auto", lang), "custom": t("imp_crs_custom", lang), "SWAP": t("imp_crs_swap", lang)}
    c1, c2 = st.columns(2)
    choice = c1.selectbox(t("imp_crs", lang), CRS_OPTIONS, key=state.lkey("imp_crs"),
                          format_func=lambda c: crs_label.get(c, c))
    custom = c2.text_input(t("imp_proj", lang), key="imp_proj", disabled=choice != "custom", max_chars=300)
    crs = None if choice == "auto" else (custom.strip() or None) if choice == "custom" else choice
    result = read_upload(name, data, layer=st.session_state.get("imp_layer"), crs=crs, expect=KINDS[kind])
    if len(result.layers) > 1:
        st.selectbox(t("imp_layer", lang), result.layers, key="imp_layer")
    st.subheader(t("imp_detected", lang))
    d1, d2, d3, d4 = st.columns(4)
    d1.metric(t("imp_features", lang), len(result.gdf))
    d2.metric(t("imp_source_crs", lang), result.source_crs)
    d3.metric(t("imp_encoding", lang), result.encoding)
    d4.metric(t("imp_geomtypes", lang), ", ".join(f"{k} {v}" for k, v in result.geometry_types.items()))
    st.caption(f"{t('imp_how', lang)}{t('colon', lang)}{t('imp_how_' + result.crs_how, lang)}")
    for note in result.notes:
        st.warning(state.md(note.text(lang) if hasattr(note, "text") else note), icon="⚠️")
    preview = result.gdf.copy()
    cols = [c for c in preview.columns if c != preview.geometry.name]
    preview["id"] = [f"#{i + 1}" for i in range(len(preview))]
    label_col = next((c for c in cols if preview[c].dtype == object), None)
    preview["name_zh"] = preview[label_col].astype(str) if label_col else preview["id"]
    preview["name_en"] = preview["name_zh"]
    spec = get_spec("parcels" if KINDS[kind] == "polygon" else "buildings")
    refs = context_refs(ds, lang=lang) + park_refs(ds, ("district", "subparks"), lang=lang)
    refs.append(layer_ref("import_preview", name=t("imp_preview_layer", lang),
                          doc=layer_document(spec, preview, lang=lang)))
    show_map(map_spec(lang=lang, layers=refs, basemap={"tiles": [], "datum": "wgs84"}, fit=bounds_of(preview),
                      legend_title=t("legend", lang), legend=[], height=420, map_key="import"), key="imp_map")
    st.dataframe(result.gdf.drop(columns=result.gdf.geometry.name).head(50), width="stretch")

    st.subheader(t("imp_mapping", lang))
    st.caption(t("imp_mapping_hint", lang))
    signature = file_signature(cols, kind)
    remembered = pw.load_field_mapping(ws, signature) or {}
    guessed = guess_mapping(cols, kind)
    mapping = {}
    mcols = st.columns(len(TARGET_FIELDS[kind]))
    for i, field in enumerate(TARGET_FIELDS[kind]):
        default = remembered.get(field, guessed.get(field))
        options = [None, *cols]
        mapping[field] = mcols[i].selectbox(field, options, index=options.index(default) if default in options else 0,
                                            key=f"imp_map_{kind}_{field}",
                                            format_func=lambda c: t("imp_none", lang) if c is None else str(c))
    mapped = apply_mapping(result, mapping, layer_kind=kind, source_note=f"imported from {name}")
    diff = diff_layers(ds.layer(kind), mapped)
    st.markdown(f"**{t('imp_diff', lang)}**{t('colon', lang)}{t('imp_added', lang)} {len(diff['added'])} · "
                f"{t('imp_removed', lang)} {len(diff['removed'])} · {t('imp_changed', lang)} {len(diff['changed'])} · "
                f"{diff['area_before_km2']:.3f} → {diff['area_after_km2']:.3f} km²")
    candidate = ParkData(**{**ds.park.__dict__, kind: mapped.set_crs("EPSG:4326", allow_override=True)})
    problems = invariant_problems(candidate) if kind == "subparks" else []
    with st.expander(t("imp_check", lang), expanded=bool(problems)):
        for p in problems:
            st.warning(state.md(p.text(lang)))
        if not problems:
            st.success(t("data_valid", lang))
    publish = st.checkbox(t("imp_publish", lang), key="imp_publish", disabled=not pw.can(user, "publish"),
                          help=t("imp_publish_help", lang))
    if st.button(t("imp_apply", lang), type="primary", key="imp_apply"):
        layer = gpd.GeoDataFrame(mapped, geometry="geometry", crs="EPSG:4326")
        state.set_imports({**active, kind: layer})
        if pw.can(user, "save"):
            pw.save_field_mapping(ws, user, signature, kind, {k: v for k, v in mapping.items() if v})
        if publish:
            pw.publish_layer(ws, user, kind, layer, note=name)
        st.success(t("imp_applied", lang))


boundary.run(page, lang=state.lang())
