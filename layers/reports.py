"""Multi-page PDFs for documents: atlas pages (one per sub-park or parcel) and the scenario report."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from gis.analysis import nearest_features
from gis.crs import area_units, to_metric
from gis.datasets import ParkData
from gis.scenario import ScenarioMetrics
from layers.cartography import (
    INK,
    MM_PER_PT,
    RC,
    PanelExtras,
    PrintSpec,
    padded_extent,
    pdf_pages,
    render,
    wrap_text,
)
from layers.registry import SCENARIO_NEW, LayerSpec, get_spec
from text.display import floor_area_text, name_col, person, share_text
from text.messages import industry_label, t
from tiles.sources import TileSource

#: The layers of an atlas page or a report map, bottom first (the context from OpenStreetMap first).
CONTEXT = ("roads", "metro_lines", "stations", "district", "zones", "subparks", "parcels", "buildings")


def context_frames(data: ParkData, layer_ids: Sequence[str] = CONTEXT) -> list[tuple[LayerSpec, gpd.GeoDataFrame]]:
    """(spec, layer) pairs of ``data`` for print maps; roads, metro lines and stations go under the rest."""
    return [(get_spec(i), data.layer(i)) for i in layer_ids]


def _fmt_area(area_m2: float, lang: str) -> str:
    u = area_units(area_m2)
    return f"{u['km2']:.3f} km² · {u['ha']:.1f} {t('ha_unit', lang)} · {u['mu']:,.0f} {t('mu', lang)}"


def _stations_text(geom_m: shapely.Geometry, data: ParkData, lang: str, k: int = 3) -> str:
    near = nearest_features(geom_m, data.stations, k=k)
    col = name_col(lang)
    parts = []
    for _, r in near.iterrows():
        lines = str(r.get("lines") or "").replace("|", "/")
        line_txt = (f"（{lines}号线）" if lang == "zh" else f" (line {lines})") if lines else ""
        parts.append(f"{r[col]}{line_txt} {r['dist_m']:,.0f} m")
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def subpark_facts(data: ParkData, subpark_id: str, lang: str) -> list[tuple[str, str]]:
    """The facts table of a sub-park's atlas page."""
    sp = data.subparks.set_index("id")
    row = sp.loc[subpark_id]
    geom_m = to_metric(data.subparks[data.subparks["id"] == subpark_id]).geometry.iloc[0]
    rows = [
        (t("f_id", lang), subpark_id),
        (t("f_cluster", lang), t(f"cluster_{row['cluster']}", lang)),
        (t("fact_area", lang), _fmt_area(geom_m.area, lang)),
    ]
    declared = pd.to_numeric(pd.Series([row.get("declared_area_km2")]), errors="coerce").iloc[0]
    if pd.notna(declared):
        rows.append((t("fact_declared", lang), f"{declared:.2f} km²"))
    rows.append((t("f_industries", lang), str(row.get(f"industries_{lang}") or row.get("industries_zh") or "—")))
    carriers = str(row.get("carriers_zh") or "").strip()
    if not carriers:
        inside = data.buildings[data.buildings["subpark_id"] == subpark_id]
        carriers = "；".join(inside[name_col(lang)].astype(str))
    rows.append((t("f_carriers", lang), carriers or "—"))
    zones = to_metric(data.zones)
    shares = [
        f"{t(f'zone_{z}', lang)} {g.intersection(geom_m).area / geom_m.area:.0%}"
        for z, g in zip(zones["id"], zones.geometry)
        if g.intersection(geom_m).area / geom_m.area >= 0.01
    ]
    rows.append((t("fact_zones", lang), "；".join(shares) if shares else t("panel_not_in_zones", lang)))
    rows.append((t("fact_nearest_stations", lang), _stations_text(geom_m, data, lang)))
    return rows


def parcel_facts(
    data: ParkData, parcel_id: str, lang: str, scored: pd.DataFrame | None = None
) -> list[tuple[str, str]]:
    """The facts table of a candidate parcel's atlas page (with its score and rank when ``scored`` has them)."""
    row = data.parcels.set_index("id").loc[parcel_id]
    geom_m = to_metric(data.parcels[data.parcels["id"] == parcel_id]).geometry.iloc[0]
    rows = [
        (t("f_id", lang), parcel_id),
        (t("f_use", lang), str(row.get(f"current_use_{lang}") or row.get("current_use") or "—")),
        (t("f_status", lang), str(row.get(f"status_{lang}") or row.get("status") or "—")),
        (t("fact_area", lang), _fmt_area(geom_m.area, lang)),
        (t("f_plot_ratio", lang), f"{row.get('plot_ratio', float('nan')):.1f}"),
    ]
    use = str(row.get("intended_use") or "")
    if use:
        rows.append((t("fact_intended", lang), industry_label(use, lang)))
    if scored is not None and parcel_id in set(scored["id"]):
        s = scored.set_index("id").loc[parcel_id]
        rank = "—" if pd.isna(s.get("rank")) else f"{int(s['rank'])}"
        rows.append(
            (
                t("fact_score", lang),
                f"{float(s['score']):.3f}（{rank}）" if lang == "zh" else f"{float(s['score']):.3f} ({rank})",
            )
        )
    near_sp = nearest_features(geom_m, data.subparks, k=1).iloc[0]
    rows.append((t("fact_nearest_subpark", lang), f"{near_sp[name_col(lang)]} {near_sp['dist_m']:,.0f} m"))
    rows.append((t("fact_nearest_stations", lang), _stations_text(geom_m, data, lang)))
    return rows


def atlas(
    data: ParkData,
    *,
    ids: list[str],
    kind: str,
    base: PrintSpec,
    frames: list[tuple[LayerSpec, gpd.GeoDataFrame]] | None = None,
    margin_m: float = 300.0,
    basemap: TileSource | None = None,
    scored: pd.DataFrame | None = None,
    georef: bool = False,
) -> bytes:
    """The atlas as one PDF (see :func:`atlas_figures`); ``georef`` georeferences each page's map."""
    return pdf_pages(
        atlas_figures(
            data, ids=ids, kind=kind, base=base, frames=frames, margin_m=margin_m, basemap=basemap, scored=scored
        ),
        georef=georef,
    )


def atlas_figures(
    data: ParkData,
    *,
    ids: list[str],
    kind: str,
    base: PrintSpec,
    frames: list[tuple[LayerSpec, gpd.GeoDataFrame]] | None = None,
    margin_m: float = 300.0,
    basemap: TileSource | None = None,
    scored: pd.DataFrame | None = None,
) -> list[Figure]:
    """One page per sub-park (``kind="subparks"``) or candidate parcel (``kind="parcels"``).

    Each page frames its feature with ``margin_m`` around it at a standard scale, and has a legend of
    what is on that page, a facts table (area in km²/ha/亩, cluster, positioning, carriers, nearest
    stations; for parcels use, status, score and rank from ``scored``), and an overview inset showing
    where the page lies in the district; a km grid and a 审图号 row ("—" without a number). ``base`` gives
    paper, orientation, language, unit, scale, …
    """
    layer = data.subparks if kind == "subparks" else data.parcels
    layer_m = to_metric(layer).set_index("id")
    names = layer.set_index("id")[name_col(base.lang)]
    frames = frames or context_frames(data)
    district_m = to_metric(data.district).geometry.union_all()
    park_m = to_metric(data.subparks).geometry.union_all()
    figures = []
    for fid in ids:
        geom = layer_m.geometry[fid]
        if kind == "subparks":
            sub = f"{fid} · {t('cluster_' + str(layer_m.loc[fid, 'cluster']), base.lang)}"
            facts = subpark_facts(data, fid, base.lang)
        else:
            sub = f"{fid} · {t('layer_parcels', base.lang)}"
            facts = parcel_facts(data, fid, base.lang, scored)
        spec = replace(base, title=str(names[fid]), subtitle=sub, grid=True, approval_row=True)
        extras = PanelExtras(
            overview=(district_m, park_m), facts=tuple(facts), facts_heading=t("atlas_facts", base.lang)
        )
        figures.append(
            render(
                frames,
                spec=spec,
                extent_m=padded_extent(geom.buffer(margin_m), margin=0.0),
                basemap=basemap,
                extras=extras,
            )
        )
    return figures


# --- the scenario report ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Block:
    """A titled table for the report's table pages, with an optional note under it."""

    heading: str
    table: pd.DataFrame
    col_widths: tuple[float, ...]  # shares of the block width
    note: str = ""


#: The size of a block's note relative to its table's text (pt).
NOTE_PT_LESS = 1.0


def _table_rows(block: Block, width_mm: float, pt: float) -> tuple[list[list[str]], list[float]]:
    """The block's cells wrapped to their columns, and each row's height (mm); the header first."""
    line = pt * MM_PER_PT * 1.3
    rows = [[str(c) for c in block.table.columns]] + [
        ["" if pd.isna(v) else str(v) for v in r] for r in block.table.to_numpy()
    ]
    wrapped, heights = [], []
    for r in rows:
        cells = [wrap_text(v, max(w * width_mm - 2.0, 4.0) / (pt * MM_PER_PT)) for v, w in zip(r, block.col_widths)]
        wrapped.append(cells)
        heights.append(max(c.count("\n") + 1 for c in cells) * line + 1.8)
    return wrapped, heights


def _note_lines(block: Block, width_mm: float, pt: float) -> tuple[str, float]:
    """The block's note wrapped to its width, and its height (mm; 0 without a note)."""
    if not block.note:
        return "", 0.0
    size = pt - NOTE_PT_LESS
    text = wrap_text(block.note, max(width_mm - 2.0, 4.0) / (size * MM_PER_PT))
    return text, (text.count("\n") + 1) * size * MM_PER_PT * 1.3 + 2.0


def _block_height(block: Block, width_mm: float, pt: float) -> float:
    return (pt + 2) * MM_PER_PT * 1.8 + sum(_table_rows(block, width_mm, pt)[1]) + _note_lines(block, width_mm, pt)[1]


def _draw_block(paper, block: Block, x: float, top: float, width_mm: float, pt: float) -> None:
    head = (pt + 2) * MM_PER_PT * 1.8
    paper.text(x, top - head / 2, block.heading, ha="left", va="center", fontsize=pt + 2, fontweight="bold", color=INK)
    y = top - head
    cells, heights = _table_rows(block, width_mm, pt)
    edges = x + np.concatenate([[0.0], np.cumsum(block.col_widths)]) * width_mm
    for i, (row, h) in enumerate(zip(cells, heights)):
        if i == 0:
            paper.add_patch(Rectangle((x, y - h), width_mm, h, facecolor="#edf2f7", edgecolor="none"))
        for j, value in enumerate(row):
            paper.text(
                edges[j] + 1.0,
                y - h / 2,
                value,
                ha="left",
                va="center",
                fontsize=pt,
                color=INK,
                fontweight="bold" if i == 0 else "normal",
                linespacing=1.2,
            )
        paper.plot([x, x + width_mm], [y, y], color="#a0aec0", linewidth=0.4)
        y -= h
    paper.plot([x, x + width_mm], [y, y], color="#a0aec0", linewidth=0.4)
    for e in edges:
        paper.plot([e, e], [top - head, y], color="#a0aec0", linewidth=0.4)
    note, _ = _note_lines(block, width_mm, pt)
    if note:
        paper.text(
            x + 1.0, y - 1.5, note, ha="left", va="top", fontsize=pt - NOTE_PT_LESS, color="#2d3748", linespacing=1.2
        )


#: Page margin (mm) of the report pages that follow a map page.
PAGE_MARGIN_MM = 12.0


def maker_footer(author: str, made: str, lang: str) -> str:
    """The footer of a report page: who made it and when ("制图 王工 · 制图日期 2026-12-07")."""
    return f"{t('print_maker', lang)} {person(author, lang) if author else '–'} · {t('print_made', lang)} {made}"


def page_frame(spec: PrintSpec, *, header: str, footer: str, page: int, pages: int) -> tuple[Figure, Any]:
    """A report page with its header (title, rule) and footer (``footer`` and "page N of M"); returns the figure
    and its paper axes (mm from the lower-left corner) to draw on."""
    w, h = spec.size_mm()
    m = PAGE_MARGIN_MM
    fig = Figure(figsize=spec.size_in())
    paper = fig.add_axes((0, 0, 1, 1), label="paper")
    paper.set_xlim(0, w)
    paper.set_ylim(0, h)
    paper.axis("off")
    paper.text(m, h - m, header, ha="left", va="top", fontsize=11, fontweight="bold", color=INK)
    paper.plot([m, w - m], [h - m - 7.0, h - m - 7.0], color=INK, linewidth=0.8)
    paper.plot([m, w - m], [m + 5.0, m + 5.0], color=INK, linewidth=0.4)
    paper.text(m, m + 3.5, footer, ha="left", va="top", fontsize=6.5, color="#2d3748")
    paper.text(
        w - m,
        m + 3.5,
        t("report_page", spec.lang, page=page, pages=pages),
        ha="right",
        va="top",
        fontsize=6.5,
        color="#2d3748",
    )
    return fig, paper


def table_pages(
    blocks: Sequence[Block],
    *,
    spec: PrintSpec,
    header: str,
    footer: str,
    first_page: int,
    total_pages: int | None = None,
) -> list[Figure]:
    """Blocks flowed into columns (two on landscape paper), page after page, none near-empty; numbered from
    ``first_page`` of ``total_pages`` (default: these pages are the last)."""
    w, h = spec.size_mm()
    m, pt = PAGE_MARGIN_MM, 7.5
    ncols = 2 if spec.landscape else 1
    gap = 8.0
    col_w = (w - 2 * m - gap * (ncols - 1)) / ncols
    top, bottom = h - m - 10.0, m + 8.0
    pages: list[list[tuple[Block, float, float]]] = [[]]
    col, y = 0, top
    for block in blocks:
        bh = _block_height(block, col_w, pt)
        if y - bh < bottom and y < top:  # next column, or next page
            col += 1
            y = top
            if col >= ncols:
                pages.append([])
                col = 0
        pages[-1].append((block, m + col * (col_w + gap), y))
        y -= bh + 6.0
    figures = []
    total = total_pages or first_page + len(pages) - 1
    with matplotlib.rc_context(RC):
        for i, page in enumerate(pages):
            fig, paper = page_frame(spec, header=header, footer=footer, page=first_page + i, pages=total)
            for block, x, y_top in page:
                _draw_block(paper, block, x, y_top, col_w, pt)
            figures.append(fig)
    return figures


def _metrics_block(metrics: ScenarioMetrics, lang: str, *, capacity_source: str | None = None) -> Block:
    """The measures of the scenario; the note says where the 容积率 limits of the floor-area capacity come from
    (``capacity_source``: ``bundled``, ``loaded`` or None when not known)."""
    rows = [
        (t("m_total", lang), f"{metrics.total_km2:.3f} km²"),
        (t("m_added", lang), f"{metrics.added_km2:.3f} km²"),
        (t("m_vs_plan", lang), f"{metrics.change_vs_plan_km2:+.3f} km²"),
    ]
    for c, r in metrics.clusters.iterrows():
        rows.append(
            (
                t(f"cluster_{c}", lang),
                f"{r['area_km2']:.3f} km² (+{r['added_km2']:.3f}); {t('m_compactness', lang)} {r['compactness']:.3f}",
            )
        )
    for z, a in metrics.zones_added_km2.items():
        rows.append((f"{t('m_added', lang)} · {t(f'zone_{z}', lang)}", f"{a:.3f} km²"))
    rows += _capacity_rows(metrics, lang)
    mean = metrics.mean_score_added
    rows += [
        (t("m_pieces", lang), str(metrics.pieces)),
        (t("m_gap", lang), f"{metrics.largest_gap_m:,.0f} m"),
        (t("m_buildings", lang), f"{metrics.buildings} (+{metrics.buildings_added})"),
        (t("m_stations", lang), f"{metrics.stations} (+{metrics.stations_added})"),
        (t("m_mean_score", lang), "–" if pd.isna(mean) else f"{mean:.3f}"),
        (t("m_flagged", lang), "; ".join(f"{k}: {', '.join(v)}" for k, v in metrics.flagged.items()) or "–"),
    ]
    if pd.isna(metrics.capacity_added_m2):
        note = t("cap_source_none", lang)
    else:
        note = t(f"cap_source_{capacity_source}" if capacity_source else "cap_source_layer", lang)
    return Block(
        t("report_metrics", lang),
        pd.DataFrame(rows, columns=[t("report_metric", lang), t("report_value", lang)]),
        (0.38, 0.62),
        note=note,
    )


def _capacity_rows(metrics: ScenarioMetrics, lang: str) -> list[tuple[str, str]]:
    """The floor-area capacity the scenario adds (m²), in all, per cluster and per zone, and its park-use share."""
    parts = [(f"cluster_{c}", v) for c, v in metrics.capacity_by_cluster_m2.items()]
    parts += [(f"zone_{z}", v) for z, v in metrics.capacity_by_zone_m2.items()]
    rows = [(t("m_capacity", lang), floor_area_text(metrics.capacity_added_m2))]
    rows += [(t("m_capacity_of", lang, part=t(key, lang)), floor_area_text(v)) for key, v in parts]
    rows.append((t("m_park_use_share", lang), share_text(metrics.park_use_share_added)))
    return rows


def percent_text(share: float) -> str:
    """A share as a percentage, whole numbers without decimals: 0.2 → "20%", 0.125 → "12.5%"."""
    value = round(float(share) * 100.0, 1)
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def decimals_column(values: Sequence[Any], *, most: int = 3) -> list[str]:
    """Numbers of one table column with one number of decimals: the fewest (up to ``most``) that show every
    value as it is (0.2 beside 0.195 → "0.200", "0.195"); a value that is not a number is kept as text."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce")
    places = 0
    for v in numbers.dropna():
        while places < most and round(float(v), places) != round(float(v), most):
            places += 1
    return [str(v) if pd.isna(n) else f"{n:.{places}f}" for v, n in zip(values, numbers)]


#: A number followed by the Chinese word for metres (a score card's raw values): written with the unit "m", as
#: every other length of the report is.
_METRES_ZH = re.compile(r"(\d)\s*米")


def card_table(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A parcel's score card as the report prints it: the weight column as percentages ("20%"), every other
    numeric column with one number of decimals, lengths in "m" in both languages."""
    out = pd.DataFrame(index=card.index)
    weight_col = t("f_weight", lang)
    for col in card.columns:
        values = card[col]
        if col == weight_col and pd.api.types.is_numeric_dtype(values):
            out[col] = [percent_text(v / 100.0) for v in values]  # the card gives percent points
        elif pd.api.types.is_numeric_dtype(values):
            out[col] = decimals_column(values.to_list())
        else:
            out[col] = [_METRES_ZH.sub(r"\1 m", str(v)) for v in values]
    return out


def _weights_block(weights: dict[str, float], lang: str) -> Block:
    rows = [(t(f"crit_{c}", lang) if not c.startswith("raster:") else c, percent_text(w)) for c, w in weights.items()]
    return Block(
        t("report_weights", lang),
        pd.DataFrame(rows, columns=[t("f_criterion", lang), t("report_weight_pct", lang)]),
        (0.7, 0.3),
    )


def scenario_report(
    data: ParkData,
    *,
    scenario_name: str,
    author: str,
    metrics: ScenarioMetrics,
    added_parcels: gpd.GeoDataFrame,
    cards: dict[str, pd.DataFrame],
    weights: dict[str, float],
    lang: str,
    paper: str = "A4",
    landscape: bool = True,
    unit: str = "",
    basemap: TileSource | None = None,
    georef: bool = False,
    capacity_source: str | None = None,
) -> bytes:
    """The report as one PDF (see :func:`scenario_report_figures`); ``georef`` georeferences the map page."""
    return pdf_pages(
        scenario_report_figures(
            data,
            scenario_name=scenario_name,
            author=author,
            metrics=metrics,
            added_parcels=added_parcels,
            cards=cards,
            weights=weights,
            lang=lang,
            paper=paper,
            landscape=landscape,
            unit=unit,
            basemap=basemap,
            capacity_source=capacity_source,
        ),
        georef=georef,
    )


def scenario_report_figures(
    data: ParkData,
    *,
    scenario_name: str,
    author: str,
    metrics: ScenarioMetrics,
    added_parcels: gpd.GeoDataFrame,
    cards: dict[str, pd.DataFrame],
    weights: dict[str, float],
    lang: str,
    paper: str = "A4",
    landscape: bool = True,
    unit: str = "",
    basemap: TileSource | None = None,
    capacity_source: str | None = None,
) -> list[Figure]:
    """The pages of one scenario's report, every page in one orientation.

    Page 1: a map of the park with the parcels the scenario adds hatched and outlined (not score
    colours) and the area it adds elsewhere (drawn areas) the same way. Then the measures (with the
    floor-area capacity the scenario adds under the 控规 and a note on where its limits come from:
    ``capacity_source`` ``bundled`` or ``loaded``, None when not known), the weights used and one score card
    per added parcel, flowed into columns so that no page is near-empty; a header with the scenario's name and
    a footer with author, date and page number on every page.
    """
    base = PrintSpec(
        grid=True,
        title=scenario_name,
        subtitle=f"{t('m_added', lang)} {metrics.added_km2:.3f} km² · "
        f"{t('m_total', lang)} {metrics.total_km2:.3f} km² · {t('report_new_note', lang)}",
        paper=paper,
        landscape=landscape,
        lang=lang,
        author=author,
        unit=unit,
    )
    frames = context_frames(data, ("roads", "metro_lines", "stations", "district", "zones", "subparks"))
    added = added_parcels[["id", "geometry"] + [c for c in ("name_zh", "name_en") if c in added_parcels.columns]]
    new = to_metric(added) if len(added) else gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:4549")
    extra = metrics.added_geometry_m
    if extra is not None and not extra.is_empty:
        rest = shapely.difference(extra, new.geometry.union_all()) if len(new) else extra
        if rest.area > 1.0:
            new = pd.concat([new, gpd.GeoDataFrame({"id": ["+"]}, geometry=[rest], crs=new.crs)], ignore_index=True)
    if len(new):
        frames.append((SCENARIO_NEW, new))
    focus = shapely.union_all([to_metric(data.subparks).geometry.union_all(), *new.geometry.to_numpy()])
    figures = [render(frames, spec=base, extent_m=padded_extent(focus, margin=0.04), basemap=basemap)]
    blocks = [_metrics_block(metrics, lang, capacity_source=capacity_source), _weights_block(weights, lang)]
    names = added_parcels.set_index("id")[name_col(lang)] if name_col(lang) in added_parcels.columns else {}
    for pid, card in cards.items():
        label = f"{pid} {names[pid]}" if pid in names else pid
        cols = len(card.columns)
        widths = (0.3,) + tuple(0.7 / max(cols - 1, 1) for _ in range(cols - 1)) if cols > 1 else (1.0,)
        blocks.append(Block(t("report_card", lang, name=label), card_table(card, lang), widths))
    footer = (
        f"{t('scen_author', lang)}: {person(author, lang) if author else '–'} · {t('print_made', lang)} {base.made}"
    )
    header = f"{scenario_name} — {t('report_title', lang)}"
    figures += table_pages(blocks, spec=base, header=header, footer=footer, first_page=2)  # the last pages
    return figures
