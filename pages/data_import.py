"""Data import: upload (kept) -> preview (map, detected CRS, datum check) -> mapping -> combine -> apply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import streamlit as st

from layers.registry import get_spec
from pages import boundary, state
from pages.mapview import show_map
from planner import import_session as imp
from planner import workspace as pw
from planner.auth import User
from planner.data import DataSet
from planner.workspace import Workspace
from text.messages import CATALOGUE, t

FILE = "imp_file"  # planner.import_session.Upload: kept until replaced or removed
UPLOADER = "imp_upload"
CRS = "imp_crs"


def _keep_upload() -> None:
    """A new file replaces the kept one; an uploader that comes back empty (a rerun) keeps it."""
    up = st.session_state.get(UPLOADER)
    if up is not None:
        st.session_state[FILE] = imp.Upload.of(up.name, up.getvalue())
        for key in ("imp_confirm_crs", "imp_confirm_remove", "imp_layer", "imp_x", "imp_y"):
            st.session_state.pop(key, None)


def _remove_upload() -> None:
    st.session_state.pop(FILE, None)


def _use_reading(reading: str) -> None:
    st.session_state[state.lkey(CRS)] = {"gcj02": "GCJ-02", "bd09": "BD-09"}[reading]


def page() -> None:
    lang = state.lang()
    ds = state.dataset()
    ws, _ = state.workspace()
    user = state.signed_in_user()
    st.title(t("imp_title", lang))
    active = state.imports()
    if active:
        names = [get_spec(k).label(lang) for k in active]
        st.info(t("imp_active", lang) + t("list_sep", lang).join(names))
        state.confirmed_button(
            t("imp_reset", lang),
            key="imp_reset",
            question=t("imp_reset_confirm", lang, layers=names),
            action=state.set_imports,
            args=({},),
            lang=lang,
        )
    kind = st.selectbox(
        t("imp_target", lang),
        list(imp.KINDS),
        key=state.lkey("imp_kind"),
        format_func=lambda k: get_spec(k).label(lang),
    )
    st.file_uploader(
        f"{t('imp_file', lang)} — {t('imp_formats', lang)}",
        key=UPLOADER,
        on_change=_keep_upload,
        type=["geojson", "json", "zip", "gpkg", "kml", "kmz", "dxf", "csv", "xlsx"],
    )
    limits = imp.upload_limits()
    st.caption(
        t("imp_limits_hint", lang, mb=f"{limits.upload_mb:g}", mem=f"{limits.memory_mb:g}", cpu=f"{limits.cpu_s:g}")
    )
    upload: imp.Upload | None = st.session_state.get(FILE)
    if upload is None:
        return
    state.scope().claim(upload.digest)  # its previews and tiles go when the session goes
    c1, c2 = st.columns([4, 1])
    c1.caption(state.md(t("imp_current_file", lang, name=upload.name, size=len(upload.data) / 1e6)))
    c2.button(t("imp_remove_file", lang), key="imp_remove_file", on_click=_remove_upload)
    _preview(ds, ws, user, kind, upload, active, lang)


def _preview(
    ds: DataSet,
    ws: Workspace,
    user: User,
    kind: str,
    upload: imp.Upload,
    active: Mapping[str, gpd.GeoDataFrame],
    lang: str,
) -> None:
    """Read the kept file as chosen, show what was found, map its columns, and apply the combined layer."""
    crs, xy = _reading(upload, lang)
    pv = imp.preview(ds, upload, kind=kind, crs=crs, layer=st.session_state.get("imp_layer"), xy=xy)
    if len(pv.result.layers) > 1:
        st.selectbox(t("imp_layer", lang), pv.result.layers, key="imp_layer")
    confirmed = _detected(pv, lang)
    show_map(imp.preview_map(ds, pv, kind=kind, lang=lang), key="imp_map")
    st.dataframe(pv.result.gdf.drop(columns=pv.result.gdf.geometry.name).head(50), width="stretch")
    sig, mapping = _mapping(ws, kind, pv.result.columns, lang)
    mode = st.radio(
        t("imp_mode", lang),
        ["append", "merge", "replace"],  # the default adds: replacing a layer is chosen, never fallen into
        horizontal=True,
        key=state.lkey("imp_mode"),
        format_func=lambda m: t(f"imp_mode_{m}", lang),
    )
    needed = imp.unmapped(kind, mapping)
    if needed is not None:  # a step still to take, not an error
        st.info(needed.text(lang), icon=":material/arrow_upward:")
        return
    plan = imp.plan(ds, upload, pv, kind=kind, mapping=mapping, mode=mode)
    agreed = _check(plan, lang)
    publish = st.checkbox(
        t("imp_publish", lang),
        key="imp_publish",
        disabled=not pw.can(user, "publish"),
        help=t("imp_publish_help", lang),
    )
    ready = confirmed and agreed
    if st.button(t("imp_apply", lang), type="primary", key="imp_apply", disabled=not ready):
        state.set_imports({**active, kind: plan.combined.layer})
        if pw.can(user, "save"):
            pw.save_field_mapping(ws, user, sig, kind, {k: v for k, v in mapping.items() if v})
        if publish:
            pw.publish_layer(ws, user, kind, plan.combined.layer, note=upload.name)
        st.success(t("imp_applied", lang))
    elif not ready:
        st.caption(t("imp_confirm_first", lang))


def _reading(upload: imp.Upload, lang: str) -> tuple[str | None, tuple[str, str] | None]:
    """How to read the file: its coordinate system (None: detect it) and, for a table, its x and y columns."""
    labels = {"auto": t("imp_crs_auto", lang), "custom": t("imp_crs_custom", lang)}
    c1, c2 = st.columns(2)
    choice = c1.selectbox(
        t("imp_crs", lang),
        imp.CRS_CHOICES,
        key=state.lkey(CRS),
        format_func=lambda c: labels.get(c) or imp.crs_name(c, lang),
    )
    custom = c2.text_input(t("imp_proj", lang), key="imp_proj", disabled=choice != "custom", max_chars=2000)
    crs = imp.crs_choice(choice, custom, file=upload.name)
    if not upload.is_table:
        return crs, None
    info = imp.table_info(upload)
    x1, x2 = st.columns(2)
    cols = list(info.columns)
    xcol = x1.selectbox(
        t("imp_x", lang),
        cols,
        key="imp_x",
        placeholder=t("imp_pick_column", lang),
        index=cols.index(info.x_guess) if info.x_guess in cols else None,
    )
    ycol = x2.selectbox(
        t("imp_y", lang),
        cols,
        key="imp_y",
        placeholder=t("imp_pick_column", lang),
        index=cols.index(info.y_guess) if info.y_guess in cols else None,
    )
    return crs, ((xcol, ycol) if xcol and ycol and not info.wkt_column else None)


def _detected(pv: imp.Preview, lang: str) -> bool:
    """What the reader found (features, CRS, encoding, geometry types, notes, the datum check); False while a
    guessed coordinate system waits for the user's confirmation."""
    result = pv.result
    st.subheader(t("imp_detected", lang))
    d1, d2, d3 = st.columns(3)
    d1.metric(t("imp_features", lang), f"{len(result.gdf):,}")
    d2.metric(t("imp_encoding", lang), result.encoding)
    d3.metric(
        t("imp_geomtypes", lang),
        t("list_sep", lang).join(
            f"{t(f'gt_{k}', lang) if f'gt_{k}' in CATALOGUE else k} {v}" for k, v in result.geometry_types.items()
        ),
    )
    # the coordinate system's name in full (a quarter-width metric cut it to "WGS 84 经纬…")
    st.metric(t("imp_source_crs", lang), imp.crs_name(result.source_crs, lang))
    st.caption(f"{t('imp_how', lang)}{t('colon', lang)}{t('imp_how_' + result.crs_how, lang)}")
    for note in result.notes:
        st.warning(state.md(note.text(lang)), icon="⚠️")
    confirmed = True
    if result.needs_confirmation:
        st.warning(t("imp_guess_warning", lang), icon="⚠️")
        for code, why in result.crs_candidates[:4]:
            st.text(f"· {imp.crs_name(code, lang)}{t('colon', lang)}{why.text(lang)}")
        confirmed = st.checkbox(
            t("imp_confirm_guess", lang, crs=imp.crs_name(result.source_crs, lang)), key="imp_confirm_crs"
        )
    if pv.datum is not None and pv.datum.shifted and pv.datum.message is not None:
        st.warning(state.md(pv.datum.message.text(lang)), icon="🧭")
        st.button(
            t("imp_use_reading", lang, reading=t(f"imp_reading_{pv.datum.recommendation}", lang)),
            key="imp_use_reading",
            on_click=_use_reading,
            args=(pv.datum.recommendation,),
        )
    elif pv.datum is not None and pv.datum.note is not None:
        st.caption(state.md(pv.datum.note.text(lang)))
    return confirmed


def _mapping(ws: Workspace, kind: str, file_columns: Sequence[str], lang: str) -> tuple[str, dict[str, str | None]]:
    """The file's columns mapped to the layer's fields (remembered per column set): (signature, mapping)."""
    st.subheader(t("imp_mapping", lang))
    st.caption(t("imp_mapping_hint", lang))
    columns = list(file_columns)
    sig = imp.signature(columns, kind)
    defaults = imp.mapping_defaults(columns, kind, pw.load_field_mapping(ws, sig))
    fields = imp.target_fields(kind)
    options: list[str | None] = [None, *columns]
    mapping: dict[str, str | None] = {}
    for col, field in zip(st.columns(len(fields)), fields):
        default = defaults.get(field)
        mapping[field] = col.selectbox(
            t(f"imp_field_{field}", lang),
            options,
            index=options.index(default) if default in options else 0,
            key=f"imp_map_{kind}_{field}",
            format_func=lambda c: t("imp_none", lang) if c is None else str(c),
        )
    return sig, mapping


def _check(plan: imp.Plan, lang: str) -> bool:
    """The change the import makes and its problems; False while removed or changed features wait for the
    user's agreement."""
    c = plan.combined
    st.markdown(
        f"**{t('imp_diff', lang)}**{t('colon', lang)}"
        + t(
            "imp_diff_counts",
            lang,
            added=len(c.added),
            removed=len(c.removed),
            changed=len(c.changed),
            kept=len(c.kept),
            before=c.area_before_km2,
            after=c.area_after_km2,
        )
    )
    with st.expander(t("imp_check", lang), expanded=bool(plan.problems)):
        for p in plan.problems:
            st.warning(state.md(p.text(lang)))
        if not plan.problems:
            st.success(t("data_valid", lang))
    if not c.needs_confirmation:
        return True
    ids = t("list_sep", lang).join([*c.removed[:8], *c.changed[:8]]) + (
        " …" if len(c.removed) + len(c.changed) > 16 else ""
    )
    return st.checkbox(
        state.md(t("imp_confirm_remove", lang, removed=len(c.removed), changed=len(c.changed), ids=ids)),
        key="imp_confirm_remove",
    )


boundary.run(page, lang=state.lang())
