"""Print maps with matplotlib: layers styled from the registry, legend, scale bar, north arrow, grid, notes."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.patheffects as pe  # noqa: E402
import numpy as np  # noqa: E402
import pyproj  # noqa: E402
import shapely  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Polygon as MplPolygon  # noqa: E402

from gis.crs import METRIC_CRS, to_metric  # noqa: E402
from gis.errors import CartographyError  # noqa: E402
from layers.i18n import t  # noqa: E402
from layers.registry import LayerSpec  # noqa: E402

CJK_FAMILY = "Noto Sans CJK SC"
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MM_PER_INCH = 25.4
PX_TO_PT = 0.75  # Leaflet's CSS pixels to points



def cjk_font_path() -> str:
    """The file of the CJK font the print maps use; raises when only a fallback (tofu boxes) is found."""
    path = font_manager.findfont(font_manager.FontProperties(family=CJK_FAMILY), fallback_to_default=False)
    if "CJK" not in path and "cjk" not in path:
        raise CartographyError(f"The Chinese font {CJK_FAMILY!r} is not installed (matplotlib found {path}). "
                               "Fix: apt-get install fonts-noto-cjk (scripts/setup.sh does it).")
    return path


@dataclass(frozen=True)
class PrintSpec:
    """One print map: paper A4/A3, portrait/landscape, title, subtitle, grid, language, notes."""

    title: str
    subtitle: str = ""
    paper: str = "A4"
    landscape: bool = True
    grid: bool = False
    lang: str = "zh"
    labels: bool = True
    note: str = ""
    author: str = ""
    made: str = field(default_factory=lambda: date.today().isoformat())

    def size_in(self) -> tuple[float, float]:
        if self.paper not in PAPER_MM:
            raise CartographyError(f"Unknown paper {self.paper!r}; expected A4 or A3.")
        w, h = PAPER_MM[self.paper]
        if self.landscape:
            w, h = h, w
        return w / MM_PER_INCH, h / MM_PER_INCH


def _dashes(dash: str | None):
    if not dash:
        return "solid"
    return (0, tuple(float(v) * PX_TO_PT for v in str(dash).split()))


def _polygons_patches(geom, style: dict) -> list[MplPolygon]:
    fill = style.get("fill", True)
    face = style.get("fillColor", style.get("color", "#888")) if fill else "none"
    patches = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon":
            continue
        for ring in [part.exterior]:  # holes are rare here; drawn as filled (documented)
            patches.append(MplPolygon(np.asarray(ring.coords)[:, :2], closed=True, facecolor=face,
                                      alpha=None, edgecolor=style.get("color", "#333"),
                                      linewidth=style.get("weight", 1) * PX_TO_PT, linestyle=_dashes(style.get("dashArray")),
                                      fill=fill))
            if fill:
                patches[-1].set_facecolor(matplotlib.colors.to_rgba(face, style.get("fillOpacity", 0.5)))
    return patches


def draw_layer(ax, spec: LayerSpec, gdf_m: gpd.GeoDataFrame, *, lang: str, labels: bool) -> None:
    """Draw one registry layer (EPSG:4549) on ``ax`` with its web style; label sub-parks."""
    cats = gdf_m[spec.category_field].astype(str) if spec.category_field else [None] * len(gdf_m)
    for geom, cat in zip(gdf_m.geometry, cats):
        if geom is None or geom.is_empty:
            continue
        style = spec.style_for(cat)
        if spec.kind == "point":
            for p in shapely.get_parts(geom):
                ax.plot(p.x, p.y, marker="o", markersize=style.get("radius", 5) * 1.5,
                        markerfacecolor=style.get("fillColor", "#fff"), markeredgecolor=style.get("color", "#333"),
                        markeredgewidth=style.get("weight", 1) * PX_TO_PT, zorder=5)
        elif spec.kind == "line":
            for part in shapely.get_parts(geom):
                x, y = np.asarray(part.coords)[:, :2].T
                ax.plot(x, y, color=style.get("color", "#333"), linewidth=style.get("weight", 1) * PX_TO_PT)
        else:
            for patch in _polygons_patches(geom, style):
                ax.add_patch(patch)
    if labels and spec.id in ("subparks", "scenario_added"):
        col = "name_en" if lang == "en" else "name_zh"
        for (x, y), text in place_labels(ax, gdf_m, col, fontsize=LABEL_PT):
            ax.annotate(text, (x, y), ha="center", va="center", fontsize=LABEL_PT, zorder=6,
                        path_effects=[pe.withStroke(linewidth=2.2, foreground="white")])


LABEL_PT = 6.5


def _text_width_em(text: str) -> float:
    """Rough width of a label in ems: CJK characters are square, Latin ones about half as wide."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def place_labels(ax, gdf_m: gpd.GeoDataFrame, col: str, *, fontsize: float) -> list[tuple[tuple[float, float], str]]:
    """Label positions without overlaps: largest features first, each at its representative point or
    nudged up/down; a label that still collides falls back to the feature id, or is left out."""
    x0, x1 = ax.get_xlim()
    fig = ax.get_figure()
    metres_per_pt = (x1 - x0) / (ax.get_position().width * fig.get_figwidth() * 72)
    h = fontsize * 1.25 * metres_per_pt
    placed: list[shapely.Polygon] = []
    out = []
    order = np.argsort(-gdf_m.geometry.area.to_numpy())
    for i in order:
        geom, name, fid = gdf_m.geometry.iloc[i], str(gdf_m[col].iloc[i]), str(gdf_m["id"].iloc[i])
        p = geom.representative_point()
        done = False
        for text in (name, fid):
            w = _text_width_em(text) * fontsize * metres_per_pt
            for dy in (0.0, h, -h, 2 * h, -2 * h):
                box = shapely.box(p.x - w / 2, p.y + dy - h / 2, p.x + w / 2, p.y + dy + h / 2)
                if not any(box.intersects(b) for b in placed):
                    placed.append(box)
                    out.append(((p.x, p.y + dy), text))
                    done = True
                    break
            if done:
                break
    return out


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    for v in (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if v >= target * 0.6:
            return float(v)
    return 10000.0


def _scale_bar(ax, x0, y0, x1, y1, lang: str) -> None:
    length = _nice_length(x1 - x0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    h = 0.012 * (y1 - y0)
    for i in range(4):
        ax.add_patch(matplotlib.patches.Rectangle((bx + i * length / 4, by), length / 4, h, facecolor="black" if i % 2 == 0
                                                  else "white", edgecolor="black", linewidth=0.6, zorder=7))
    unit = (lambda v: f"{v / 1000:g} km") if length >= 1000 else (lambda v: f"{v:g} m")
    for v in (0, length / 2, length):
        ax.text(bx + v, by + 1.6 * h, unit(v), ha="center", va="bottom", fontsize=6.5, zorder=7,
                path_effects=[pe.withStroke(linewidth=2, foreground="white")])
    ax.text(bx, by - 1.2 * h, t("print_scale_note", lang), fontsize=5.5, va="top", zorder=7, color="#444")


def true_north_deg(x: float, y: float) -> float:
    """Angle (degrees, positive = counter-clockwise) from grid north of EPSG:4549 to true north at (x, y):
    the direction of a short step north along the meridian, as drawn on the grid."""
    to_ll = pyproj.Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    to_grid = pyproj.Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    lon, lat = to_ll.transform(x, y)
    nx, ny = to_grid.transform(lon, lat + 0.01)
    return float(np.degrees(np.arctan2(-(nx - x), ny - y)))


def _north_arrow(ax, x0, y0, x1, y1, lang: str) -> float:
    cx, cy = x1 - 0.06 * (x1 - x0), y1 - 0.12 * (y1 - y0)
    size = 0.05 * (y1 - y0)
    gamma = true_north_deg((x0 + x1) / 2, (y0 + y1) / 2)
    a = np.radians(gamma)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])  # counter-clockwise by gamma
    tri = np.array([[0, size], [-0.35 * size, -0.4 * size], [0, -0.1 * size], [0.35 * size, -0.4 * size]]) @ rot.T
    ax.add_patch(MplPolygon(tri + [cx, cy], closed=True, facecolor="black", edgecolor="black", zorder=8))
    ax.text(cx, cy + 1.25 * size, "N" if lang == "en" else "北", ha="center", va="bottom", fontsize=9,
            fontweight="bold", zorder=8)
    return gamma


def render(frames: list[tuple[LayerSpec, gpd.GeoDataFrame]], *, spec: PrintSpec,
           extent_m: tuple[float, float, float, float]) -> Figure:
    """A print map of these (layer spec, layer) pairs over ``extent_m`` (EPSG:4549 metres).

    Title and subtitle at the top, the map, a legend of only the drawn layers, a scale bar, a north
    arrow turned to true north (meridian convergence), an optional CGCS2000 grid with km labels, and
    a note with sources, CRS and date. Chinese text uses the Noto Sans CJK SC font.
    """
    cjk_font_path()
    x0, y0, x1, y1 = extent_m
    if not (x1 > x0 and y1 > y0):
        raise CartographyError(f"Empty map extent {extent_m}; choose an area with a size.")
    w_in, h_in = spec.size_in()
    with matplotlib.rc_context({"font.family": [CJK_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False}):
        fig = Figure(figsize=(w_in, h_in))
        top, left, right = 0.86, 0.06, 0.78 if spec.landscape else 0.95
        bottom = (0.13 if spec.grid else 0.09) if spec.landscape else 0.22
        ax = fig.add_axes((left, bottom, right - left, top - bottom))
        # grow the extent to the axes' aspect so metres stay square
        ax_w, ax_h = (right - left) * w_in, (top - bottom) * h_in
        cx, cy, sx, sy = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) * 1.04, (y1 - y0) * 1.04
        if sx / sy > ax_w / ax_h:
            sy = sx * ax_h / ax_w
        else:
            sx = sy * ax_w / ax_h
        x0, x1, y0, y1 = cx - sx / 2, cx + sx / 2, cy - sy / 2, cy + sy / 2
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_facecolor("#f7fafc")
        drawn = []
        for lspec, gdf in frames:
            gm = to_metric(gdf)
            gm = gm[gm.intersects(shapely.box(x0, y0, x1, y1))]
            if len(gm):
                draw_layer(ax, lspec, gm, lang=spec.lang, labels=spec.labels)
                drawn.append(lspec)
        if spec.grid:
            step = _nice_length(x1 - x0) * 2
            ax.set_xticks(np.arange(np.ceil(x0 / step) * step, x1, step))
            ax.set_yticks(np.arange(np.ceil(y0 / step) * step, y1, step))
            ax.grid(True, color="#718096", linewidth=0.4, linestyle=(0, (4, 3)))
            fmt = matplotlib.ticker.FuncFormatter(lambda v, _p: f"{v / 1000:,.0f}")
            ax.xaxis.set_major_formatter(fmt)
            ax.yaxis.set_major_formatter(fmt)
            ax.tick_params(labelsize=6)
            ax.set_xlabel(t("print_grid_x", spec.lang), fontsize=6.5)
            ax.set_ylabel(t("print_grid_y", spec.lang), fontsize=6.5)
        else:
            ax.set_xticks([])
            ax.set_yticks([])
        _scale_bar(ax, x0, y0, x1, y1, spec.lang)
        gamma = _north_arrow(ax, x0, y0, x1, y1, spec.lang)
        handles = []
        for lspec in drawn:
            for label, st in lspec.legend_entries(spec.lang):
                if lspec.kind == "point":
                    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=st.get("fillColor"),
                                          markeredgecolor=st.get("color"), label=label, markersize=6))
                else:
                    face = matplotlib.colors.to_rgba(st.get("fillColor", st.get("color")), st.get("fillOpacity", 0.5)) \
                        if st.get("fill", True) else "none"
                    handles.append(Patch(facecolor=face, edgecolor=st.get("color"), linestyle=_dashes(st.get("dashArray")),
                                         label=label))
        if handles:
            if spec.landscape:
                fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.795, top), fontsize=7.5,
                           title=t("legend", spec.lang), title_fontsize=8.5, frameon=False)
            else:
                fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(left, bottom - 0.01), ncols=3,
                           fontsize=7, title=t("legend", spec.lang), title_fontsize=8, frameon=False)
        fig.text(0.5, 0.955, spec.title, ha="center", va="top", fontsize=16, fontweight="bold")
        if spec.subtitle:
            fig.text(0.5, 0.905, spec.subtitle, ha="center", va="top", fontsize=10, color="#2d3748")
        note = spec.note or t("print_note", spec.lang)
        crs_line = t("print_crs", spec.lang).format(gamma=gamma)
        fig.text(left, 0.012, f"{note}\n{crs_line} · {t('print_made', spec.lang)} {spec.made}"
                 + (f" · {spec.author}" if spec.author else ""), fontsize=6.5, va="bottom", color="#2d3748")
    return fig


def figure_bytes(fig: Figure, *, fmt: str, dpi: int = 300) -> bytes:
    """The figure as PNG (at ``dpi``), PDF or SVG bytes.

    PDF fonts are embedded as Type 3: the Noto CJK face is a CFF-flavoured TrueType collection, which
    matplotlib's Type 42 path writes as an invalid CIDFontType2 (matplotlib#20870); SVG text is drawn
    as paths, so it needs no font on the reader's machine.
    """
    if fmt not in ("png", "pdf", "svg"):
        raise CartographyError(f"Unknown image format {fmt!r}; expected png, pdf or svg.")
    buf = io.BytesIO()
    with matplotlib.rc_context({"font.family": [CJK_FAMILY, "DejaVu Sans"], "svg.fonttype": "path",
                                "pdf.fonttype": 3}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Title": fig.texts[0].get_text()} if fmt == "pdf" and fig.texts
                    else None)
    return buf.getvalue()


def pdf_pages(figures) -> bytes:
    """Several figures as one multi-page PDF (atlas, report)."""
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3}), PdfPages(buf) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return buf.getvalue()


def padded_extent(geom_m: shapely.Geometry, *, margin: float = 0.08, min_size_m: float = 600.0):
    """Bounds of a geometry (EPSG:4549) grown by ``margin`` of its size and to at least ``min_size_m``."""
    if geom_m is None or geom_m.is_empty:
        raise CartographyError("Nothing to frame: the chosen extent is empty.")
    x0, y0, x1, y1 = shapely.bounds(geom_m)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max((x1 - x0) * (1 + 2 * margin), min_size_m)
    h = max((y1 - y0) * (1 + 2 * margin), min_size_m)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
