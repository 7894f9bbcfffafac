"""Export: layers in any format/CRS, print maps (PNG/PDF/SVG), atlas, scenario report, offline HTML map."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import streamlit as st

from layers.cartography import SCALE_SERIES, PrintSpec, figure_bytes
from pages import boundary, state
from pages.mapview import show_map
from pages.state import HISTORY
from planner import evaluate as ev_
from planner import export_jobs as jobs
from planner import scenario_edit as se
from planner.basemaps import local_source
from planner.data import DataSet
from text.display import name_col
from text.messages import t

KEPT = state.Kept("export")  # the widgets whose values survive their tab being closed
Layers = Mapping[str, gpd.GeoDataFrame]


def _scenario(lang: str) -> se.Scenario:
    h: se.History | None = st.session_state.get(HISTORY)
    return h.current if h is not None else se.blank_scenario(name=t("scen_default_name", lang), author=state.user())


def page() -> None:
    KEPT.restore()
    lang = state.lang()
    ds = state.dataset()
    st.title(t("exp_title", lang))
    st.caption(t("demo_banner", lang))
    ev = state.evaluation()
    scores = ev_.score(ev, state.weights(ev.criteria))
    scenario = _scenario(lang)
    layers = jobs.layers_for_export(ds, ev, scores, scenario)
    state.tabs(
        {
            "exp_tab_layers": lambda: _layers(layers, lang),
            "exp_tab_print": lambda: _print(ds, layers, scenario, ev, scores, lang),
            "exp_tab_atlas": lambda: _atlas(ds, layers, scores, lang),
            "exp_tab_report": lambda: _report(ds, ev, scores, scenario, layers, lang),
            "exp_tab_html": lambda: _html(ds, lang),
        },
        key="exp_tab",
    )


def _html(ds: DataSet, lang: str) -> None:
    st.download_button(
        t("html_download", lang),
        lambda: jobs.offline_html(ds, lang=lang),
        file_name="putuo_park_map.html",
        mime="text/html",
        key="dl_html",
    )


def _layers(layers: Layers, lang: str) -> None:
    k = KEPT.lkey("exp_layers")
    chosen = st.multiselect(
        t("exp_layers", lang),
        list(jobs.EXPORT_LAYERS),
        key=k,
        default=None if k in st.session_state else ["subparks"],
        format_func=lambda lid: jobs.layer_label(lid, lang),
        placeholder=t("exp_pick", lang),
        select_all=state.lang() == "en",  # Streamlit's 'Select all' has no Chinese
    )
    c1, c2, c3 = st.columns(3)
    fmt = c1.selectbox(
        t("exp_format", lang), jobs.formats(), key=KEPT.lkey("exp_format"), format_func=lambda f: t(f"fmt_{f}", lang)
    )
    target = c2.selectbox(
        t("exp_crs", lang), jobs.targets(), key=KEPT.lkey("exp_crs"), format_func=lambda c: t(f"crs_{c}", lang)
    )
    offered = jobs.encodings(fmt)
    encoding = c3.selectbox(
        t("exp_encoding", lang),
        offered,
        key=KEPT.lkey(f"exp_encoding_{'csv' if fmt.startswith('csv') else 'shp'}"),
        format_func=lambda e: jobs.encoding_label(fmt, e, lang),
        disabled=len(offered) < 2,
        help=t("exp_enc_help", lang),
    )
    if not chosen:
        st.caption(t("exp_pick_hint", lang))
        return
    payload, fname, mime = jobs.export(
        {k: layers[k] for k in chosen}, fmt=fmt, target=target, encoding=encoding, lang=lang
    )
    st.download_button(f"{t('exp_download', lang)} {fname}", payload, file_name=fname, mime=mime, key="dl_layers")
    st.caption(t("exp_size", lang, bytes=len(payload), crs=t(f"crs_{target}", lang)))


def _print(
    ds: DataSet, layers: Layers, scenario: se.Scenario, ev: ev_.Evaluation, scores: ev_.Scores, lang: str
) -> None:
    c1, c2, c3, c4 = st.columns(4)
    paper = c1.selectbox(t("exp_paper", lang), ["A4", "A3"], key=KEPT("pm_paper"))
    landscape = c2.checkbox(t("exp_landscape", lang), value=True, key=KEPT("pm_landscape"))
    dpi = c3.selectbox(t("exp_dpi", lang), [150, 300, 600], index=1, key=KEPT("pm_dpi"))
    img_fmt = c4.selectbox(
        t("exp_img_format", lang),
        ["png", "pdf", "svg"],
        key=KEPT("pm_format"),
        format_func=lambda f: t(f"exp_fmt_{f}", lang),
    )
    _default_text("pm_title", "exp_default_title", lang)
    _default_text("pm_subtitle", "app_subtitle", lang)
    title = st.text_input(t("exp_map_title", lang), key=KEPT("pm_title"), max_chars=80)
    subtitle = st.text_input(t("exp_map_subtitle", lang), key=KEPT("pm_subtitle"), max_chars=120)
    u1, u2, u3 = st.columns(3)
    unit = u1.text_input(t("exp_unit", lang), key=KEPT("pm_unit"), max_chars=60)
    approval = u2.text_input(t("exp_approval", lang), key=KEPT("pm_approval"), max_chars=40)
    scale = u3.selectbox(
        t("exp_scale", lang),
        [None, *SCALE_SERIES],
        key=KEPT.lkey("pm_scale"),
        format_func=lambda n: t("exp_scale_fit", lang) if n is None else f"1:{n:,}",
    )
    k = KEPT.lkey("pm_layers")
    chosen = st.multiselect(
        t("exp_layers", lang),
        list(jobs.PRINT_LAYERS),
        key=k,
        default=None if k in st.session_state else ["district", "zones", "subparks", "stations"],
        format_func=lambda lid: jobs.layer_label(lid, lang),
        placeholder=t("exp_pick", lang),
        select_all=state.lang() == "en",  # Streamlit's 'Select all' has no Chinese
    )
    g1, g2, g3, g4 = st.columns(4)
    grid = g1.checkbox(t("exp_grid", lang), key=KEPT("pm_grid"))
    labels = g2.checkbox(t("exp_labels", lang), value=True, key=KEPT("pm_labels"))
    label_field = g3.selectbox(
        t("exp_label_field", lang),
        ["name", "id"],
        key=KEPT.lkey("pm_label_field"),
        format_func=lambda f: t(f"exp_label_{f}", lang),
        disabled=not labels,
    )
    source = local_source()
    use_basemap = g4.checkbox(
        t("exp_basemap", lang), key=KEPT("pm_basemap"), disabled=source is None, help=t("exp_basemap_help", lang)
    )
    georef = img_fmt == "pdf" and st.checkbox(
        t("exp_georef", lang), key=KEPT("pm_georef"), help=t("exp_georef_help", lang)
    )
    kind = st.radio(
        t("exp_extent", lang),
        ["district", "cluster", "subpark", "scenario", "view"],
        horizontal=True,
        key=KEPT.lkey("pm_extent"),
        format_func=lambda x: t(f"ext_{x}", lang),
    )
    cluster = subpark = view = None
    if kind == "cluster":
        cluster = st.selectbox(
            t("f_cluster", lang),
            ["north", "south"],
            key=KEPT.lkey("pm_cluster"),
            format_func=lambda c: t(f"cluster_{c}", lang),
        )
    elif kind == "subpark":
        names = dict(zip(ds.park.subparks["id"], ds.park.subparks[name_col(lang)]))
        subpark = st.selectbox(
            t("f_subpark", lang), list(names), key=KEPT("pm_subpark"), format_func=lambda s: names[s]
        )
    elif kind == "view":
        view = show_map(jobs.view_map(ds, lang=lang), key="print_view_map")
    geom_m = None
    if kind == "scenario":
        geom_m = se.metrics(ds, ev, scores, scenario).added_geometry_m
    extent_m = jobs.extent(
        ds, kind, cluster=cluster, subpark=subpark, scenario_geometry_m=geom_m, view_bounds=(view or {}).get("bounds")
    )
    spec = PrintSpec(
        title=title,
        subtitle=subtitle,
        paper=paper,
        landscape=landscape,
        grid=grid,
        lang=lang,
        labels=labels,
        author=state.user(),
        unit=unit,
        approval=approval,
        scale=scale,
        label_field=label_field,
    )
    fig = jobs.print_map(
        jobs.print_frames(ds, layers, chosen), spec=spec, extent_m=extent_m, basemap=source if use_basemap else None
    )
    st.image(figure_bytes(fig, fmt="png", dpi=80), caption=t("exp_preview", lang))
    mime = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}[img_fmt]
    st.download_button(
        f"{t('exp_download', lang)} ({img_fmt.upper()}, {paper})",
        lambda: figure_bytes(fig, fmt=img_fmt, dpi=dpi, georef=georef),
        file_name=f"putuo_map_{paper}_{dpi}dpi.{img_fmt}",
        mime=mime,
        key="dl_print",
    )


def _default_text(key: str, default_key: str, lang: str) -> None:
    """Fill a text input with its default in this language; a default left from the other language follows
    the switch, a text the user typed stays."""
    defaults = {t(default_key, other) for other in ("zh", "en")}
    if st.session_state.get(key) in (None, *defaults):
        st.session_state[key] = t(default_key, lang)


def _atlas(ds: DataSet, layers: Layers, scores: ev_.Scores, lang: str) -> None:
    kind = st.radio(
        t("atlas_kind", lang),
        ["subparks", "parcels"],
        horizontal=True,
        key=KEPT.lkey("atlas_kind"),
        format_func=lambda k: t(f"atlas_{k}", lang),
    )
    top_n = st.slider(t("atlas_top_n", lang), 1, 20, 5, key=KEPT("atlas_n"), disabled=kind != "parcels")
    if st.button(t("atlas_make", lang), key="atlas_make"):
        with st.spinner(t("working", lang)):
            st.session_state["atlas_pdf"] = jobs.atlas_pdf(
                ds, layers, scores, kind=kind, top_n=top_n, lang=lang, unit=st.session_state.get("pm_unit", "")
            )
    if "atlas_pdf" in st.session_state:
        st.download_button(
            t("exp_download", lang) + " PDF",
            st.session_state["atlas_pdf"],
            file_name="putuo_atlas.pdf",
            mime="application/pdf",
            key="dl_atlas",
        )


def _report(
    ds: DataSet, ev: ev_.Evaluation, scores: ev_.Scores, scenario: se.Scenario, layers: Layers, lang: str
) -> None:
    st.caption(t("report_hint", lang))
    if st.button(t("report_make", lang), key="report_make"):
        with st.spinner(t("working", lang)):
            st.session_state["report_pdf"] = jobs.report_pdf(
                ds,
                ev,
                scores,
                scenario,
                layers,
                author=state.user(),
                lang=lang,
                unit=st.session_state.get("pm_unit", ""),
                regulatory=state.regulatory(),
            )
    if "report_pdf" in st.session_state:
        st.download_button(
            t("exp_download", lang) + " PDF",
            st.session_state["report_pdf"],
            file_name="putuo_scenario_report.pdf",
            mime="application/pdf",
            key="dl_report",
        )


boundary.run(page, lang=state.lang())
