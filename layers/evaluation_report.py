"""The 终期评估 (final evaluation) report as one PDF: the park map, the indicators chart, then the tables."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import pandas as pd
import shapely
from matplotlib.figure import Figure

from gis.crs import to_metric
from gis.datasets import ParkData
from layers.cartography import INK, RC, PanelExtras, PrintSpec, padded_extent, pdf_pages, render
from layers.reports import Block, context_frames, maker_footer, page_frame, table_pages
from text.messages import t

#: Line colours of the indicators on the chart (one per indicator with a 2019 baseline).
CHART_COLOURS = ("#2b6cb0", "#c05621", "#2f855a", "#805ad5", "#b83280", "#718096")


def evaluation_report(
    data: ParkData,
    *,
    title: str,
    facts: Sequence[tuple[str, str]],
    chart: pd.DataFrame,
    blocks: Sequence[Block],
    lang: str,
    author: str = "",
    unit: str = "",
    note: str = "",
) -> bytes:
    """The report: page 1 the park (clusters, zones, stations) with ``facts`` beside the title block of the print
    maps; page 2 the indicators as an index (2019 = 100), actual against the plan's line (``chart``: columns
    ``indicator``, ``year``, ``index``, ``kind`` with the two kinds' labels); then ``blocks`` (tables) in columns.
    A header with the title and a footer with the maker, date and page on every page after the first."""
    spec = PrintSpec(
        title=title, paper="A4", landscape=True, lang=lang, author=author, unit=unit, note=note, labels=True, grid=True
    )
    frames = context_frames(data, ("roads", "metro_lines", "stations", "district", "zones", "subparks"))
    park = to_metric(data.subparks).geometry.union_all()
    figures = [
        render(
            frames,
            spec=spec,
            extent_m=padded_extent(shapely.union_all([park]), margin=0.05),
            extras=PanelExtras(facts=tuple(facts), facts_heading=t("eval_facts", lang)),
        )
    ]
    footer = maker_footer(author, spec.made, lang)
    tables = table_pages(blocks, spec=spec, header=title, footer=footer, first_page=3)  # the last pages
    figures.append(_chart_page(chart, spec=spec, header=title, footer=footer, page=2, pages=2 + len(tables)))
    return pdf_pages(figures + tables)


def _chart_page(chart: pd.DataFrame, *, spec: PrintSpec, header: str, footer: str, page: int, pages: int) -> Figure:
    """The indicators, 2019 = 100: each one's reported years (solid, dots) and the plan's line to 2025 (dashed)."""
    with matplotlib.rc_context(RC):
        fig, _ = page_frame(spec, header=header, footer=footer, page=page, pages=pages)
        ax = fig.add_axes((0.08, 0.16, 0.62, 0.7))
        kinds = list(dict.fromkeys(chart["kind"]))
        for colour, (name, rows) in zip(CHART_COLOURS, chart.groupby("indicator", sort=False)):
            for kind, (line, marker) in zip(kinds, (("-", "o"), ("--", ""))):
                part = rows[rows["kind"] == kind].sort_values("year")
                ax.plot(
                    part["year"],
                    part["index"],
                    color=colour,
                    linewidth=1.4,
                    markersize=3.5,
                    linestyle=line,
                    marker=marker,
                )
            ax.plot([], [], color=colour, linewidth=1.4, label=str(name))
        ax.axhline(100.0, color="#a0aec0", linewidth=0.6)
        ax.set_xlabel(t("ind_year", spec.lang))
        ax.set_ylabel(t("ind_index", spec.lang))
        ax.set_title(t("eval_chart_title", spec.lang), fontsize=10, color=INK, loc="left")
        ax.grid(True, color="#e2e8f0", linewidth=0.5)
        ax.set_xticks(sorted({int(y) for y in chart["year"]}))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles, labels = ax.get_legend_handles_labels()
        handles += [
            matplotlib.lines.Line2D([], [], color=INK, linestyle="-", marker="o", markersize=3.5),
            matplotlib.lines.Line2D([], [], color=INK, linestyle="--"),
        ]
        labels += kinds
        fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.72, 0.86), fontsize=7.5, frameon=False)
    return fig
