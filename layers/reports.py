"""Multi-page PDFs for documents: atlas pages (one per sub-park or parcel) and the scenario/parcel report."""

from __future__ import annotations

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from gis.crs import to_metric
from gis.datasets import ParkData
from layers.cartography import CJK_FAMILY, PrintSpec, padded_extent, pdf_pages, render
from layers.i18n import name_col, t
from layers.registry import SCORED_PARCELS, LayerSpec, get_spec

CONTEXT = ("district", "zones", "subparks", "parcels", "buildings", "stations")


def context_frames(data: ParkData, layer_ids=CONTEXT) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    return [(get_spec(i), data.layer(i)) for i in layer_ids]


def atlas(data: ParkData, *, ids: list[str], kind: str, base: PrintSpec,
          frames: list[tuple[LayerSpec, gpd.GeoDataFrame]] | None = None, margin_m: float = 300.0) -> bytes:
    """One page per sub-park (``kind="subparks"``) or per candidate parcel (``kind="parcels"``), each
    framed on its feature with ``margin_m`` around it, titled with its name, in one PDF."""
    layer = data.subparks if kind == "subparks" else data.parcels
    layer_m = to_metric(layer).set_index("id")
    names = layer.set_index("id")[name_col(base.lang)]
    frames = frames or context_frames(data)
    figures = []
    for fid in ids:
        geom = layer_m.geometry[fid]
        area = geom.area
        subtitle = f"{fid} · {area / 1e6:.3f} km² · {area / 1e4:.1f} ha · {area / (1e4 / 15):,.0f} {t('f_area_mu', base.lang)[-2:-1] if base.lang == 'zh' else 'mu'}"
        spec = PrintSpec(title=str(names[fid]), subtitle=subtitle, paper=base.paper, landscape=base.landscape,
                         grid=base.grid, lang=base.lang, labels=base.labels, author=base.author)
        figures.append(render(frames, spec=spec, extent_m=padded_extent(geom.buffer(margin_m), margin=0.0)))
    return pdf_pages(figures)


def _table_page(title: str, df: pd.DataFrame, *, spec: PrintSpec, col_widths=None, font_size: float = 8.0) -> Figure:
    with matplotlib.rc_context({"font.family": [CJK_FAMILY, "DejaVu Sans"]}):
        w, h = spec.size_in()
        fig = Figure(figsize=(w, h))
        fig.text(0.06, 0.95, title, fontsize=14, fontweight="bold", va="top")
        ax = fig.add_axes((0.06, 0.06, 0.88, 0.84))
        ax.axis("off")
        cells = [[str(v) for v in row] for row in df.to_numpy()]
        table = ax.table(cellText=cells or [[""] * len(df.columns)], colLabels=[str(c) for c in df.columns],
                         loc="upper left", cellLoc="left", colLoc="left", colWidths=col_widths)
        table.auto_set_font_size(False)
        table.set_fontsize(font_size)
        table.scale(1, 1.35)
        for (r, _c), cell in table.get_celld().items():
            cell.set_edgecolor("#cbd5e0")
            if r == 0:
                cell.set_facecolor("#edf2f7")
                cell.set_text_props(fontweight="bold")
    return fig


def scenario_report(data: ParkData, *, scenario_name: str, author: str, metrics: dict, added_parcels: gpd.GeoDataFrame,
                    cards: dict[str, pd.DataFrame], weights: dict[str, float], lang: str, paper: str = "A4") -> bytes:
    """The report of one scenario: a map of what it adds, the metrics table, the weights used, and one
    score card per added parcel; date and author on every page."""
    base = PrintSpec(title=scenario_name, subtitle=f"{t('m_added', lang)} {metrics.added_km2:.3f} km² · "
                     f"{t('m_total', lang)} {metrics.total_km2:.3f} km²", paper=paper, landscape=True, lang=lang,
                     author=author)
    frames = context_frames(data, ("district", "zones", "subparks", "stations"))
    if len(added_parcels):
        frames.append((SCORED_PARCELS, added_parcels))
    union = to_metric(data.district).geometry.iloc[0]
    figures = [render(frames, spec=base, extent_m=padded_extent(union, margin=0.02))]
    rows = [(t("m_total", lang), f"{metrics.total_km2:.3f} km²"),
            (t("m_added", lang), f"{metrics.added_km2:.3f} km²"),
            (t("m_vs_plan", lang), f"{metrics.change_vs_plan_km2:+.3f} km²")]
    for c, r in metrics.clusters.iterrows():
        rows.append((f"{t(f'cluster_{c}', lang)}", f"{r['area_km2']:.3f} km² (+{r['added_km2']:.3f}); "
                     f"{t('m_compactness', lang)} {r['compactness']:.3f}"))
    for z, a in metrics.zones_added_km2.items():
        rows.append((f"{t('m_added', lang)} · {t(f'zone_{z}', lang)}", f"{a:.3f} km²"))
    rows += [(t("m_pieces", lang), str(metrics.pieces)), (t("m_gap", lang), f"{metrics.largest_gap_m:,.0f} m"),
             (t("m_buildings", lang), f"{metrics.buildings} (+{metrics.buildings_added})"),
             (t("m_stations", lang), f"{metrics.stations} (+{metrics.stations_added})"),
             (t("m_mean_score", lang), "–" if pd.isna(metrics.mean_score_added) else f"{metrics.mean_score_added:.3f}"),
             (t("m_flagged", lang), "; ".join(f"{k}: {', '.join(v)}" for k, v in metrics.flagged.items()) or "–"),
             (t("weights", lang), ", ".join(f"{t(f'crit_{c}', lang) if not c.startswith('raster:') else c} "
                                            f"{w:.0%}" for c, w in weights.items())),
             (t("scen_author", lang), author or "–"), (t("print_made", lang), base.made)]
    figures.append(_table_page(f"{scenario_name} — {t('tab_edit', lang)}", pd.DataFrame(rows, columns=["", ""]),
                               spec=PrintSpec(title="", paper=paper, landscape=False, lang=lang), col_widths=[0.35, 0.65]))
    for pid, card in cards.items():
        figures.append(_table_page(f"{t('pick_parcel', lang)}: {pid}", card,
                                   spec=PrintSpec(title="", paper=paper, landscape=False, lang=lang)))
    return pdf_pages(figures)
