"""Print maps: 300-dpi A4 PNG/PDF/SVG of the park, 600-dpi A3 PNG, 14-page sub-park atlas vs. a naive GeoPandas plot."""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchutil import mb, met, rss_mb, stats_s, timed
from matplotlib.figure import Figure

from gis.crs import METRIC_CRS, to_metric
from gis.datasets import load_park_data
from layers import reports
from layers.cartography import PrintSpec, figure_bytes, padded_extent, render
from layers.reports import CONTEXT, atlas, context_frames

RUNS = 5
VECTOR_RUNS = 3
ATLAS_RUNS = 3
DPI = 300
BIG_DPI = 600
MARGIN = 0.02
TITLE = "张江普陀园 14 个子园"
GOAL_PNG_S = 5.0
GOAL_ATLAS_S = 60.0


def render_and_save(frames, spec: PrintSpec, extent, fmt: str, dpi: int, runs: int) -> tuple[list, list, list, bytes]:
    """Per run: render seconds, figure_bytes seconds, total seconds; and the last output."""
    r_times, s_times, totals, out = [], [], [], b""
    for _ in range(runs):
        t0 = time.perf_counter()
        fig = render(frames, spec=spec, extent_m=extent)
        t1 = time.perf_counter()
        out = figure_bytes(fig, fmt=fmt, dpi=dpi)
        t2 = time.perf_counter()
        r_times.append(t1 - t0)
        s_times.append(t2 - t1)
        totals.append(t2 - t0)
    return r_times, s_times, totals, out


def naive_plot(data, spec: PrintSpec) -> bytes:
    """The bare minimum: each layer to EPSG:4549 and GeoDataFrame.plot, default styling, one A4 figure at 300 dpi."""
    fig = Figure(figsize=spec.size_in())
    ax = fig.add_subplot()
    for layer_id in CONTEXT:
        data.layer(layer_id).to_crs(METRIC_CRS).plot(ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def main() -> None:
    data = load_park_data()
    frames = context_frames(data)
    district_m = to_metric(data.district).geometry.iloc[0]
    extent = padded_extent(district_m, margin=MARGIN)
    spec = PrintSpec(title=TITLE, grid=True)
    n_feat = sum(len(gdf) for _, gdf in frames)
    ex_w, ex_h = (extent[2] - extent[0]) / 1000, (extent[3] - extent[1]) / 1000
    print(
        f"Print maps: whole park, {len(frames)} layers ({', '.join(CONTEXT)}; {n_feat} features), extent "
        f"{ex_w:.1f} x {ex_h:.1f} km (district + {MARGIN:.0%}), EPSG:4549, labels and grid on"
    )
    render(frames, spec=spec, extent_m=extent)  # warm-up: font cache, pyproj, first import costs (not measured)

    # 1. 300-dpi A4 landscape PNG, then PDF, SVG and a 600-dpi A3 PNG of the same map.
    w_in, h_in = spec.size_in()
    r_t, s_t, tot, png = render_and_save(frames, spec, extent, "png", DPI, RUNS)
    png_med = statistics.median(tot)
    print(f"  A4 landscape PNG {DPI} dpi ({round(w_in * DPI)} x {round(h_in * DPI)} px), {mb(len(png))}")
    print(
        f"    render+figure_bytes  {stats_s(tot)}  (n={RUNS})  goal < {GOAL_PNG_S:.0f} s median: "
        f"{met(png_med < GOAL_PNG_S)}"
    )
    print(f"    render               {stats_s(r_t)}")
    print(f"    figure_bytes (savefig) {stats_s(s_t)}")
    for fmt in ("pdf", "svg"):
        r_t, s_t, tot, out = render_and_save(frames, spec, extent, fmt, DPI, VECTOR_RUNS)
        print(
            f"  A4 landscape {fmt.upper()}, {mb(len(out))}: render+figure_bytes median "
            f"{statistics.median(tot):.3f} s "
            f"(render {statistics.median(r_t):.3f} s, savefig {statistics.median(s_t):.3f} s)  (n={VECTOR_RUNS})"
        )
    big = PrintSpec(title=TITLE, grid=True, paper="A3")
    bw, bh = big.size_in()
    r_t, s_t, tot, out = render_and_save(frames, big, extent, "png", BIG_DPI, 1)
    print(
        f"  for information: A3 landscape PNG {BIG_DPI} dpi ({round(bw * BIG_DPI)} x {round(bh * BIG_DPI)} px), "
        f"{mb(len(out))}: {tot[0]:.2f} s (render {r_t[0]:.3f} s, savefig {s_t[0]:.2f} s; one run); "
        f"process max RSS {rss_mb():.0f} MB"
    )

    # 2. Atlas of the 14 sub-parks.
    ids = list(data.subparks["id"])
    base = PrintSpec(title="", paper="A4", landscape=True)
    atlas_times, pdf = timed(lambda: atlas(data, ids=ids, kind="subparks", base=base), ATLAS_RUNS)
    atlas_med = statistics.median(atlas_times)
    print(f"Atlas: {len(ids)} sub-parks, one A4 landscape page each, one PDF ({mb(len(pdf))})")
    print(
        f"  atlas  {stats_s(atlas_times)}  (n={ATLAS_RUNS}); {len(ids) / atlas_med:.2f} pages/s  "
        f"goal < {GOAL_ATLAS_S:.0f} s median: {met(atlas_med < GOAL_ATLAS_S)}"
    )
    spent: list[float] = []
    real_render = reports.render

    def timed_render(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real_render(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t0)

    reports.render = timed_render
    try:
        t0 = time.perf_counter()
        atlas(data, ids=ids, kind="subparks", base=base)
        total = time.perf_counter() - t0
    finally:
        reports.render = real_render
    print(
        f"  split of one more run, for information: {total:.2f} s = render {sum(spent):.2f} s "
        f"({len(spent)} pages, {statistics.median(spent) * 1000:.0f} ms median) + pdf_pages/other "
        f"{total - sum(spent):.2f} s"
    )

    # 3. Plain reference: GeoDataFrame.plot per layer, default styling, no legend/scale bar/labels.
    ref_times, ref_png = timed(lambda: naive_plot(data, spec), RUNS)
    ref_med = statistics.median(ref_times)
    print(
        "Reference: naive GeoPandas plot (to_crs(4549).plot per layer, default styling, one A4 figure, "
        f"PNG {DPI} dpi, {mb(len(ref_png))})"
    )
    print(
        f"  to_crs+plot+savefig  {stats_s(ref_times)}  (n={RUNS}); full cartography PNG {png_med:.3f} s = "
        f"{png_med / ref_med:.1f}x the reference"
    )
    print(f"  process max RSS: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
