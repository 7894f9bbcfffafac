"""Print maps in an official layout: 图框, title block, numeric scale, grid labels, legend, labels that avoid.

A page (A4/A3, portrait/landscape) has an outer frame and the map's neat line; the title above the map;
the map at a numeric scale from the standard series (chosen, or the largest that fits the extent), with
the OpenStreetMap context (roads, metro lines, stations) under the park layers and an optional local
tile basemap under everything; labels (park features, stations, roads) placed so that they avoid the
symbols and each other; a north arrow turned to true north; CGCS2000 grid labels; beside the map a legend
of only the classes drawn and a title block (图名, 制图单位, 制图日期, 数据来源, 坐标系, 比例尺, 审图号).
PDFs can carry the map's georeference (ISO 32000 geospatial PDF, read by GDAL and QGIS).

Text from data or users is drawn literally: matplotlib's mathtext is off for every text (a ``$`` never
starts a formula). Chinese uses the Noto Sans CJK SC font.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.patheffects as pe
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.path import Path as MplPath
from matplotlib.typing import RcKeyType

from gis.crs import METRIC_CRS, to_metric
from gis.errors import CartographyError
from gis.lines import drop_dots, merge_lines
from layers.registry import LayerSpec, resolve_field
from text.clock import BEIJING, beijing_today, utc_now
from text.display import person
from text.messages import t
from tiles.sources import TileSource, mosaic

CJK_FAMILY = "Noto Sans CJK SC"
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MM_PER_INCH = 25.4
MM_PER_PT = MM_PER_INCH / 72.0
PX_TO_PT = 0.75  # Leaflet's CSS pixels to points
POINT_PT_PER_PX = 1.25  # a point symbol's diameter (pt) per pixel of its web radius
#: The national basic scale series (1:500 … 1:1 000 000); a fitted scale is the largest that shows the extent.
SCALE_SERIES = (500, 1_000, 2_000, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000)
#: Context layers drawn under the park layers, bottom first, with their matplotlib z-order. They all come
#: from OpenStreetMap: a map that draws one credits "© OpenStreetMap contributors".
UNDER = ("roads", "metro_lines", "stations")
#: Roads and metro lines lie under the park layers (polygons at 3); stations lie above the polygons (a parcel
#: never hides a station) and under the park's own points (4).
_UNDER_Z = {"roads": 1.2, "metro_lines": 1.4, "stations": 3.6}
#: A piece of road left alone after merging that is shorter than this on paper (mm) is a dot, not a road: left out.
MIN_PIECE_MM = 1.5
#: Outside the district the context is veiled with white at this opacity, so the park reads first.
VEIL = 0.45
#: matplotlib settings for every print product: the CJK font, and no mathtext (text is drawn literally).
RC: dict[RcKeyType, Any] = {
    "font.family": [CJK_FAMILY, "DejaVu Sans"],
    "axes.unicode_minus": False,
    "text.parse_math": False,
    "text.usetex": False,
    "svg.fonttype": "none",
    "pdf.fonttype": 3,
}
LABEL_PT = 6.5  # park feature labels
STATION_PT = 5.5  # station names
ROAD_PT = 5.5  # road names
HALO = [pe.Stroke(linewidth=2.2, foreground="white")]
INK = "#1a202c"


def beijing_now() -> datetime:
    """Now in Beijing time (UTC+8), to the second: the date written into the metadata of print files."""
    return utc_now().astimezone(BEIJING).replace(microsecond=0)


def configured_approval(env: Mapping[str, str] | None = None) -> str:
    """The 审图号 (map review number) the operator configured in ``PUTUO_MAP_APPROVAL``: control characters
    dropped, at most 40 characters; "" when none."""
    raw = (os.environ if env is None else env).get("PUTUO_MAP_APPROVAL") or ""
    return "".join(ch for ch in raw if ch.isprintable()).strip()[:40]


def halo_text(ax, x: float, y: float, text: str, **kw):
    """``text`` with a white halo, kept as text: the halo is a white outline drawn under it as a path (a path
    effect turns its text into a path), the text itself is a plain text on top, so that the PDF's text layer and
    the SVG's ``<text>`` elements hold every label once. Returns the text (the halo is labelled ``"halo"``)."""
    zorder = kw.pop("zorder", 3)
    halo = ax.text(x, y, text, **{**kw, "color": "white"}, zorder=zorder - 0.001, path_effects=HALO)
    halo.set_label("halo")
    return ax.text(x, y, text, **kw, zorder=zorder)


def cjk_font_path() -> str:
    """The file of the CJK font the print maps use; raises when only a fallback (tofu boxes) is found."""
    path = font_manager.findfont(font_manager.FontProperties(family=CJK_FAMILY), fallback_to_default=False)
    if "CJK" not in path and "cjk" not in path:
        raise CartographyError("print_no_cjk_font", family=CJK_FAMILY, found=path.rsplit("/", 1)[-1])
    return path


@dataclass(frozen=True)
class PrintSpec:
    """One print page.

    Attributes
    ----------
    title, subtitle : str
        Above the map (drawn literally; ``$`` is not mathtext).
    paper : {"A4", "A3"}
    landscape, grid, labels : bool
        Orientation; CGCS2000 grid lines with coordinate labels; feature labels.
    lang : {"zh", "en"}
    note : str
        Data sources for the title block (default: the bundled data's sources). The OpenStreetMap credit
        and a basemap's attribution are added when those layers are drawn.
    author : str
        Who made the map (title block).
    made : str
        Date of the map (ISO), default today.
    unit : str
        制图单位, the mapping unit (title block; "—" when empty).
    approval : str
        审图号, the map review number, printed when given; default: ``PUTUO_MAP_APPROVAL`` from the environment.
    approval_row : bool
        Print the 审图号 row even without a number ("—"), as atlas pages do.
    scale : int or None
        Scale denominator from :data:`SCALE_SERIES`; None fits the largest scale that shows the extent.
    label_field : str
        Attribute labelled on park features: ``"name"`` (in ``lang``), ``"id"`` or any column.
    """

    title: str
    subtitle: str = ""
    paper: str = "A4"
    landscape: bool = True
    grid: bool = False
    lang: str = "zh"
    labels: bool = True
    note: str = ""
    author: str = ""
    made: str = field(default_factory=beijing_today)
    unit: str = ""
    approval: str = field(default_factory=lambda: configured_approval())
    approval_row: bool = False
    scale: int | None = None
    label_field: str = "name"

    def size_in(self) -> tuple[float, float]:
        w, h = self.size_mm()
        return w / MM_PER_INCH, h / MM_PER_INCH

    def size_mm(self) -> tuple[float, float]:
        if self.paper not in PAPER_MM:
            raise CartographyError("print_bad_paper", paper=str(self.paper)[:20])
        w, h = PAPER_MM[self.paper]
        return (h, w) if self.landscape else (w, h)


# --- page layout (millimetres from the lower-left corner of the paper) ----------------------------------
@dataclass(frozen=True)
class Layout:
    """Where the parts of a page go, in mm: outer frame, map (neat line), side/bottom panel, title."""

    w: float
    h: float
    frame: tuple[float, float, float, float]
    map: tuple[float, float, float, float]
    panel: tuple[float, float, float, float]
    title_y: float
    scale_y: float


def page_layout(spec: PrintSpec, *, panel_mm: float | None = None) -> Layout:
    """The page layout of ``spec``; ``panel_mm`` widens (landscape) or heightens (portrait) the panel."""
    w, h = spec.size_mm()
    m = 8.0 if spec.paper == "A4" else 10.0
    frame = (m, m, w - m, h - m)
    title_band = 19.0 if spec.subtitle else 14.0
    top = h - m - title_band
    bottom_band = 15.0  # grid labels and the scale row under the map
    if spec.landscape:
        panel_w = panel_mm or (70.0 if spec.paper == "A4" else 84.0)
        map_box = (m + 9.0, m + bottom_band, w - m - panel_w - 6.0, top)
        panel = (w - m - panel_w - 1.0, m + 3.0, w - m - 3.0, top)
    else:
        panel_h = panel_mm or (74.0 if spec.paper == "A4" else 92.0)
        map_box = (m + 9.0, m + panel_h + bottom_band + 3.0, w - m - 9.0, top)
        panel = (m + 3.0, m + 3.0, w - m - 3.0, m + 3.0 + panel_h)
    return Layout(w=w, h=h, frame=frame, map=map_box, panel=panel, title_y=h - m - 3.5, scale_y=map_box[1] - 10.5)


def fit_scale(
    extent_m: tuple[float, float, float, float], map_mm: tuple[float, float], *, scale: int | None = None
) -> int:
    """The scale denominator: ``scale`` if given (it must be in :data:`SCALE_SERIES`), else the largest
    scale of the series whose map area (``map_mm`` wide x high) shows the whole extent."""
    if scale is not None:
        if scale not in SCALE_SERIES:
            raise CartographyError("print_bad_scale", scale=scale, series=", ".join(f"1:{s:,}" for s in SCALE_SERIES))
        return int(scale)
    x0, y0, x1, y1 = extent_m
    need = max((x1 - x0) / (map_mm[0] / 1000.0), (y1 - y0) / (map_mm[1] / 1000.0))
    for s in SCALE_SERIES:
        if s >= need:
            return s
    raise CartographyError("print_extent_too_large", need=round(need), largest=SCALE_SERIES[-1])


def format_scale(denominator: int) -> str:
    """1:50 000 (thin space as the thousands separator, as on Chinese maps)."""
    return "1:" + f"{denominator:,}".replace(",", " ")


# --- drawing the layers ----------------------------------------------------------------------------------
def _dashes(dash: str | None):
    if not dash:
        return "solid"
    return (0, tuple(float(v) * PX_TO_PT for v in str(dash).split()))


def _polygon_path(geom) -> MplPath | None:
    """A compound path of a (multi)polygon with its holes."""
    paths = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            codes[0], codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            paths.append(MplPath(xy, codes))
    return MplPath.make_compound_path(*paths) if paths else None


def _face(style: dict):
    if not style.get("fill", True):
        return "none"
    return matplotlib.colors.to_rgba(style.get("fillColor", style.get("color", "#888")), style.get("fillOpacity", 0.5))


def draw_layer(ax, spec: LayerSpec, gdf_m: gpd.GeoDataFrame, *, zorder: float | None = None) -> set[str | None]:
    """Draw one registry layer (EPSG:4549) on ``ax`` with its style; returns the category values drawn.

    ``zorder`` defaults to 2 (lines), 3 (polygons) and 4 (points); the context goes lower (see :func:`render`).
    """
    cats = gdf_m[spec.category_field].astype(str).to_numpy() if spec.category_field else np.full(len(gdf_m), None)
    drawn: set[str | None] = set()
    for cat in dict.fromkeys(cats):
        geoms = gdf_m.geometry.to_numpy()[cats == cat]
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if not len(geoms):
            continue
        drawn.add(cat)
        style = spec.style_for(cat)
        colour = style.get("color", "#333")
        if spec.kind == "point":
            pts = shapely.get_coordinates(geoms)
            size = style.get("radius", 5) * POINT_PT_PER_PX
            ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=size**2,
                marker="o",
                c=[style.get("fillColor", "#fff")],
                edgecolors=colour,
                linewidths=style.get("weight", 1) * PX_TO_PT,
                zorder=4 if zorder is None else zorder,
            )
        elif spec.kind == "line":
            segs = [np.asarray(p.coords)[:, :2] for p in shapely.get_parts(geoms) if not p.is_empty]
            ax.add_collection(
                LineCollection(
                    segs,
                    colors=colour,
                    linewidths=style.get("weight", 1) * PX_TO_PT,
                    linestyles=_dashes(style.get("dashArray")),
                    alpha=style.get("opacity", 1.0),
                    capstyle="round",
                    joinstyle="round",
                    zorder=2 if zorder is None else zorder,
                ),
                autolim=False,
            )
        else:
            patches = [PathPatch(path) for path in map(_polygon_path, geoms) if path is not None]
            ax.add_collection(
                PatchCollection(
                    patches,
                    facecolors=[_face(style)],
                    edgecolors=[colour],
                    hatch=style.get("hatch"),
                    linewidths=style.get("weight", 1) * PX_TO_PT,
                    linestyles=_dashes(style.get("dashArray")),
                    zorder=3 if zorder is None else zorder,
                ),
                autolim=False,
            )
    if spec.kind == "line" and spec.category_field and len(drawn) > 1:
        _shared_track(ax, spec, gdf_m, cats, zorder=2 if zorder is None else zorder)
    return drawn


def _shared_track(
    ax,
    spec: LayerSpec,
    gdf_m: gpd.GeoDataFrame,
    cats: np.ndarray,
    *,
    zorder: float,
    within_m: float = 10.0,
    min_m: float = 300.0,
) -> None:
    """Where two lines share a track (metro lines 3 and 4), dash the lower one's colour over the upper
    one, so both colours show."""
    geoms = {c: shapely.union_all(gdf_m.geometry.to_numpy()[cats == c]) for c in dict.fromkeys(cats)}
    keys = list(geoms)
    zones: dict = {}
    for i, lower in enumerate(keys):
        for upper in keys[i + 1 :]:
            if not shapely.intersects(shapely.envelope(geoms[lower]), shapely.envelope(geoms[upper])):
                continue
            if lower not in zones:
                zones[lower] = shapely.buffer(geoms[lower], within_m, quad_segs=2)
            shared = shapely.intersection(geoms[upper], zones[lower])
            if shared.length < min_m:
                continue
            style = spec.style_for(lower)
            segs = [
                np.asarray(p.coords)[:, :2]
                for p in shapely.get_parts(shapely.line_merge(shared))
                if p.geom_type == "LineString" and not p.is_empty
            ]
            ax.add_collection(
                LineCollection(
                    segs,
                    colors=style.get("color", "#333"),
                    linewidths=style.get("weight", 1) * PX_TO_PT,
                    linestyles=(0, (3, 3)),
                    alpha=style.get("opacity", 1.0),
                    zorder=zorder + 0.01,
                ),
                autolim=False,
            )


def _legend_handle(spec: LayerSpec, label: str, style: dict):
    if spec.kind == "point":
        return Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=style.get("fillColor"),
            markeredgecolor=style.get("color"),
            markersize=6,
            label=label,
        )
    if spec.kind == "line":
        return Line2D(
            [],
            [],
            color=style.get("color"),
            linewidth=style.get("weight", 1) * PX_TO_PT,
            linestyle=_dashes(style.get("dashArray")),
            label=label,
        )
    return Patch(
        facecolor=_face(style),
        edgecolor=style.get("color"),
        linestyle=_dashes(style.get("dashArray")),
        hatch=style.get("hatch"),
        label=label,
    )


# --- labels ---------------------------------------------------------------------------------------------
def _text_width_em(text: str) -> float:
    """Rough width of a label in ems: CJK characters are square, Latin ones about half as wide."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.56 for ch in text)


class Labeler:
    """Places labels on a map at a known scale without overlaps: each label's box (rotated for roads) must
    not touch an earlier label, a symbol, or leave the map. Higher-priority labels are placed first."""

    def __init__(self, extent_m: tuple[float, float, float, float], metres_per_pt: float) -> None:
        self.m_per_pt = metres_per_pt
        x0, y0, x1, y1 = extent_m
        pad = 3 * metres_per_pt
        self.inside = shapely.box(x0 + pad, y0 + pad, x1 - pad, y1 - pad)
        self.boxes: list[shapely.Geometry] = []  # placed labels
        self.obstacles: list[shapely.Geometry] = []  # symbols, the north arrow
        self.placed: list[dict] = []
        self.keyed: dict[str, str] = {}  # codes placed instead of a name that did not fit -> the name (the key)
        self.code_rows: list[tuple[str, str]] = []  # layers labelled by id: (their codes, whose codes they are)

    def free(self, box: shapely.Geometry) -> bool:
        if not self.inside.contains(box):
            return False
        return not any(group and shapely.intersects(box, group).any() for group in (self.boxes, self.obstacles))

    def add_obstacle(self, geom: shapely.Geometry) -> None:
        self.obstacles.append(geom)

    def size(self, text: str, pt: float) -> tuple[float, float]:
        return _text_width_em(text) * pt * self.m_per_pt, pt * 1.25 * self.m_per_pt

    def take(self, box: shapely.Geometry, **label) -> None:
        self.boxes.append(box)
        self.placed.append(label)

    def polygon_label(self, geom: shapely.Geometry, texts: Sequence[str], *, pt: float) -> bool:
        """At the representative point, or nudged up/down; falls back to the next text (e.g. the id). A later
        text placed instead of the first is a code: :attr:`keyed` maps it to the first (the sheet's key)."""
        p = geom.representative_point()
        for n, text in enumerate(texts):
            if not text:
                continue
            w, h = self.size(text, pt)
            near = geom.buffer(1.5 * h)
            for dx, dy in (
                (0, 0),
                (0, h),
                (0, -h),
                (0, 2 * h),
                (0, -2 * h),
                (w / 2, 0),
                (-w / 2, 0),
                (w / 2, h),
                (-w / 2, h),
                (w / 2, -h),
                (-w / 2, -h),
                (0, 3 * h),
                (0, -3 * h),
            ):
                x, y = p.x + dx, p.y + dy
                if (dx or dy) and not near.contains(shapely.Point(x, y)):
                    continue  # a nudged label stays on (or right beside) its feature
                box = shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                if self.free(box):
                    self.take(box, x=x, y=y, text=text, pt=pt, rotation=0.0, ha="center", kind="feature")
                    if n and texts[0] and texts[0] != text:
                        self.keyed[text] = texts[0]
                    return True
        return False

    def leader_label(self, geom: shapely.Geometry, text: str, *, pt: float) -> bool:
        """Beside a feature, off it (its fill or hatching stays visible), with a leader line to its edge: right,
        left, above, below, then the corners, a little further out each round."""
        w, h = self.size(text, pt)
        c = geom.representative_point()
        x0, y0, x1, y1 = geom.bounds
        for gap in (1.0 * h, 2.0 * h, 3.5 * h, 5.0 * h):
            for sx, sy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)):
                x = x1 + gap + w / 2 if sx > 0 else x0 - gap - w / 2 if sx < 0 else c.x
                y = y1 + gap + h / 2 if sy > 0 else y0 - gap - h / 2 if sy < 0 else c.y
                box = shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                if self.free(box) and not box.intersects(geom):
                    (ax_, ay_), (bx_, by_) = shapely.get_coordinates(shapely.shortest_line(box, geom))
                    leader = ((ax_, ay_), (bx_, by_))
                    self.take(box, x=x, y=y, text=text, pt=pt, rotation=0.0, ha="center", kind="feature", leader=leader)
                    return True
        return False

    def point_label(self, x: float, y: float, text: str, *, pt: float, r_pt: float) -> bool:
        """Beside a point symbol of radius ``r_pt``: right, left, above, below, then the diagonals."""
        w, h = self.size(text, pt)
        g = (r_pt + 1.5) * self.m_per_pt
        for dx, dy, ha in (
            (g, 0, "left"),
            (-g, 0, "right"),
            (0, g + h / 2, "center"),
            (0, -g - h / 2, "center"),
            (g * 0.8, g * 0.8 + h / 3, "left"),
            (g * 0.8, -g * 0.8 - h / 3, "left"),
            (-g * 0.8, g * 0.8 + h / 3, "right"),
            (-g * 0.8, -g * 0.8 - h / 3, "right"),
        ):
            left = x + dx if ha == "left" else x + dx - w if ha == "right" else x + dx - w / 2
            box = shapely.box(left, y + dy - h / 2, left + w, y + dy + h / 2)
            if self.free(box):
                self.take(box, x=x + dx, y=y + dy, text=text, pt=pt, rotation=0.0, ha=ha, kind="station")
                return True
        return False

    def line_label(self, line: shapely.Geometry, text: str, *, pt: float) -> bool:
        """Along a straight enough stretch of a line, turned to it and kept upright."""
        w, h = self.size(text, pt)
        parts = sorted(shapely.get_parts(shapely.line_merge(line)), key=lambda g: -g.length)
        for part in parts:
            if part.length < w * 1.4:
                break
            for f in (0.5, 0.35, 0.65, 0.2, 0.8):
                mid = part.length * f
                a, b = part.interpolate(mid - w / 2 - h), part.interpolate(mid + w / 2 + h)
                if a.distance(b) < 0.92 * (w + 2 * h):  # bends under the label
                    continue
                p = part.interpolate(mid)
                angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
                if angle > 90:
                    angle -= 180
                elif angle < -90:
                    angle += 180
                box = shapely.affinity.rotate(
                    shapely.box(p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2), angle, origin=(p.x, p.y)
                )
                if self.free(box):
                    self.take(box, x=p.x, y=p.y, text=text, pt=pt, rotation=angle, ha="center", kind="road")
                    return True
        return False

    def draw(self, ax) -> None:
        colours = {"feature": INK, "station": "#4a2c2a", "road": "#7b5a2e"}
        for lab in self.placed:
            if lab.get("leader") is not None:
                (lx0, ly0), (lx1, ly1) = lab["leader"]
                ax.plot([lx0, lx1], [ly0, ly1], color=INK, linewidth=0.45, zorder=8.9, solid_capstyle="round")
            halo_text(
                ax,
                lab["x"],
                lab["y"],
                lab["text"],
                ha=lab["ha"],
                va="center",
                fontsize=lab["pt"],
                rotation=lab["rotation"],
                rotation_mode="anchor",
                color=colours[lab["kind"]],
                zorder=9,
                clip_on=True,
            )


def place_labels(ax, gdf_m: gpd.GeoDataFrame, col: str, *, fontsize: float) -> list[tuple[tuple[float, float], str]]:
    """Polygon label positions without overlaps on ``ax`` (largest first; the id when the name cannot fit)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    fig = ax.get_figure()
    m_per_pt = (x1 - x0) / (ax.get_position().width * fig.get_figwidth() * 72)
    lab = Labeler((x0, y0, x1, y1), m_per_pt)
    lab.inside = shapely.box(x0 - 1e7, y0 - 1e7, x1 + 1e7, y1 + 1e7)  # this helper checks overlaps only
    for i in np.argsort(-gdf_m.geometry.area.to_numpy()):
        lab.polygon_label(gdf_m.geometry.iloc[i], [str(gdf_m[col].iloc[i]), str(gdf_m["id"].iloc[i])], pt=fontsize)
    return [((p["x"], p["y"]), p["text"]) for p in lab.placed]


# --- the page furniture ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def true_north_deg(x: float, y: float) -> float:
    """Angle (degrees, positive = counter-clockwise) from grid north of EPSG:4549 to true north at (x, y):
    the direction of a short step north along the meridian, as drawn on the grid."""
    lon, lat = _transformer(METRIC_CRS, "EPSG:4326").transform(x, y)
    nx, ny = _transformer("EPSG:4326", METRIC_CRS).transform(lon, lat + 0.01)
    return float(np.degrees(np.arctan2(-(nx - x), ny - y)))


def _north_arrow(ax, extent, m_per_mm: float, lang: str) -> tuple[float, shapely.Geometry]:
    x0, y0, x1, y1 = extent
    size = 9.0 * m_per_mm
    cx, cy = x1 - 9.0 * m_per_mm, y1 - 15.0 * m_per_mm
    gamma = true_north_deg((x0 + x1) / 2, (y0 + y1) / 2)
    a = np.radians(gamma)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    tri = np.array([[0, size], [-0.35 * size, -0.4 * size], [0, -0.1 * size], [0.35 * size, -0.4 * size]]) @ rot.T
    ax.add_patch(
        MplPolygon(tri + [cx, cy], closed=True, facecolor="black", edgecolor="white", linewidth=0.6, zorder=10)
    )
    halo_text(
        ax,
        cx,
        cy + 1.2 * size,
        "N" if lang == "en" else "北",
        ha="center",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        zorder=10,
    )
    area = shapely.box(cx - 0.6 * size, cy - 0.6 * size, cx + 0.6 * size, cy + 2.0 * size)
    return gamma, area


def _nice_step(target_m: float) -> float:
    for v in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000):
        if v >= target_m:
            return float(v)
    return 100_000.0


def _scale_row(paper, lay: Layout, denominator: int, lang: str) -> None:
    """Numeric scale and scale bar, centred under the map."""
    mx0, _, mx1, _ = lay.map
    length_m = _nice_step(denominator * 40.0 / 1000.0 * 0.8)  # a bar of about 32-40 mm
    bar_mm = length_m / denominator * 1000.0
    label = f"{t('print_scale', lang)}  {format_scale(denominator)}"
    text_mm = _text_width_em(label) * 8.0 * MM_PER_PT
    total = text_mm + 6.0 + bar_mm
    x = (mx0 + mx1) / 2 - total / 2
    y = lay.scale_y
    paper.text(x, y, label, ha="left", va="center", fontsize=8, color=INK)
    bx = x + text_mm + 6.0
    for i in range(4):
        paper.add_patch(
            Rectangle(
                (bx + i * bar_mm / 4, y - 0.6),
                bar_mm / 4,
                1.2,
                facecolor=INK if i % 2 == 0 else "white",
                edgecolor=INK,
                linewidth=0.5,
            )
        )
    unit = (lambda v: f"{v / 1000:g} km") if length_m >= 1000 else (lambda v: f"{v:g} m")
    for frac in (0.0, 0.5, 1.0):
        paper.text(bx + frac * bar_mm, y + 1.3, unit(frac * length_m), ha="center", va="bottom", fontsize=6, color=INK)


def _grid(ax, paper, lay: Layout, extent, denominator: int, lang: str) -> None:
    """CGCS2000 grid lines in the map and their coordinates (km) outside the neat line."""
    x0, y0, x1, y1 = extent
    mx0, my0, mx1, my1 = lay.map
    step = _nice_step(denominator * 30.0 / 1000.0)  # lines about 30-60 mm apart
    fmt = (lambda v: f"{v / 1000:.1f}") if step < 1000 else (lambda v: f"{v / 1000:.0f}")
    for v in np.arange(math.ceil(x0 / step) * step, x1, step):
        ax.axvline(v, color="#4a5568", linewidth=0.35, linestyle=(0, (4, 3)), zorder=1.5)
        px = mx0 + (v - x0) / (x1 - x0) * (mx1 - mx0)
        for py, va in ((my0 - 1.0, "top"), (my1 + 1.0, "bottom")):
            paper.text(px, py, fmt(v), ha="center", va=va, fontsize=5.5, color=INK)
    for v in np.arange(math.ceil(y0 / step) * step, y1, step):
        ax.axhline(v, color="#4a5568", linewidth=0.35, linestyle=(0, (4, 3)), zorder=1.5)
        py = my0 + (v - y0) / (y1 - y0) * (my1 - my0)
        paper.text(
            mx0 - 1.0, py, fmt(v), ha="right", va="center", fontsize=5.5, color=INK, rotation=90, rotation_mode="anchor"
        )
        paper.text(
            mx1 + 1.0, py, fmt(v), ha="left", va="center", fontsize=5.5, color=INK, rotation=90, rotation_mode="anchor"
        )


_NO_LINE_START = set("，。；：、）】》」〕’”！？),.;:!?%")
_NO_LINE_END = set("（【《「〔‘“(")


def wrap_text(text: str, width_em: float) -> str:
    """Wrap at about ``width_em`` ems (CJK characters count as 1, Latin as about 0.56), never mid-word,
    never starting a line with closing punctuation or ending one with an opening bracket."""
    lines = []
    for para in str(text).split("\n"):
        line, width = "", 0.0
        for token in _tokens(para, width_em):
            w = _text_width_em(token)
            if line and width + w > width_em and token[0] not in _NO_LINE_START:
                carry = ""
                while line and line[-1] in _NO_LINE_END:
                    carry, line = line[-1] + carry, line[:-1]
                lines.append(line.rstrip())
                line = (carry + token).lstrip()
                width = _text_width_em(line)
            else:
                line, width = line + token, width + w
        lines.append(line.rstrip())
    return "\n".join(lines)


def _tokens(text: str, width_em: float = float("inf")) -> list[str]:
    """Break opportunities: each CJK character, or a Latin word with its trailing space (a word wider
    than ``width_em`` is cut into pieces that fit)."""
    out, word = [], ""
    for ch in text:
        if ord(ch) > 0x2E80:
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
            if ch == " ":
                out.append(word)
                word = ""
    if word:
        out.append(word)
    fitted = []
    for tok in out:
        while _text_width_em(tok) > width_em and len(tok) > 1:
            cut = max(1, int(width_em / 0.56))
            fitted.append(tok[:cut])
            tok = tok[cut:]
        fitted.append(tok)
    return fitted


def kv_table(
    paper,
    box: tuple[float, float, float, float],
    rows: Sequence[tuple[str, str]],
    *,
    pt: float = 6.5,
    label_mm: float | None = None,
    top_down: bool = True,
    heading: str = "",
) -> float:
    """A two-column table (label | value) in ``box`` (mm on the paper axes), values wrapped; returns the
    height used (mm). Drawn from the top of the box down, or from its bottom up (``top_down=False``).
    ``label_mm`` defaults to the widest label (bold, so 10 % more), within 14 mm and 40 % of the width."""
    x0, y0, x1, y1 = box
    if label_mm is None:
        widest = max((_text_width_em(str(k)) for k, _ in rows), default=0.0) * pt * MM_PER_PT * 1.1 + 2.5
        label_mm = min(max(widest, 14.0), 0.4 * (x1 - x0))
    line_mm = pt * MM_PER_PT * 1.35
    value_em = (x1 - x0 - label_mm - 2.0) / (pt * MM_PER_PT)
    cells = [(str(k), wrap_text(str(v), value_em)) for k, v in rows]
    heights = [max(v.count("\n") + 1, 1) * line_mm + 1.6 for _, v in cells]
    head_h = (pt + 1.5) * MM_PER_PT * 1.6 if heading else 0.0
    total = sum(heights) + head_h
    y = y1 if top_down else y0 + total
    if heading:
        paper.text(x0, y - head_h / 2, heading, ha="left", va="center", fontsize=pt + 1.5, fontweight="bold", color=INK)
        y -= head_h
    paper.add_patch(
        Rectangle((x0, y - sum(heights)), x1 - x0, sum(heights), facecolor="white", edgecolor=INK, linewidth=0.6)
    )
    paper.plot([x0 + label_mm] * 2, [y, y - sum(heights)], color=INK, linewidth=0.4)
    for (k, v), hh in zip(cells, heights):
        paper.text(x0 + 1.0, y - hh / 2, k, ha="left", va="center", fontsize=pt, color=INK, fontweight="bold")
        paper.text(x0 + label_mm + 1.0, y - hh / 2, v, ha="left", va="center", fontsize=pt, color=INK, linespacing=1.25)
        y -= hh
        paper.plot([x0, x1], [y, y], color=INK, linewidth=0.4)
    return total


def title_block_rows(spec: PrintSpec, *, denominator: int, sources: str, gamma: float) -> list[tuple[str, str]]:
    """The rows of the title block (图名, 制图单位, 制图日期, 数据来源, 坐标系, 比例尺, 审图号)."""
    lang = spec.lang
    made = spec.made + (f" · {t('print_maker', lang)} {person(spec.author, lang)}" if spec.author else "")
    rows = [
        (t("print_tb_title", lang), spec.title or "—"),
        (t("print_tb_unit", lang), spec.unit or "—"),
        (t("print_tb_date", lang), made),
        (t("print_tb_sources", lang), sources),
        (t("print_tb_crs", lang), t("print_crs_short" if spec.grid else "print_crs_nogrid", lang, gamma=gamma)),
        (t("print_tb_scale", lang), format_scale(denominator)),
    ]
    if spec.approval or spec.approval_row:
        rows.append((t("print_tb_approval", lang), spec.approval or "—"))
    return rows


@dataclass(frozen=True)
class PanelExtras:
    """What an atlas page adds to the panel: an overview inset and a facts table.

    ``overview`` is (district, other features such as the park) in EPSG:4549, drawn small with the page's
    extent marked on it; ``facts`` are (label, value) rows.
    """

    overview: tuple[shapely.Geometry, shapely.Geometry | None] | None = None
    facts: tuple[tuple[str, str], ...] = ()
    facts_heading: str = ""


def _overview(fig, lay: Layout, box, overview, page: tuple[float, float, float, float], lang: str) -> None:
    district, others = overview
    x0, y0, x1, y1 = box
    ax = fig.add_axes((x0 / lay.w, y0 / lay.h, (x1 - x0) / lay.w, (y1 - y0) / lay.h), label="overview")
    dx0, dy0, dx1, dy1 = shapely.bounds(shapely.union(district, shapely.box(*page)))
    pad = 0.04 * max(dx1 - dx0, dy1 - dy0)
    cx, cy, half_w, half_h = (dx0 + dx1) / 2, (dy0 + dy1) / 2, (dx1 - dx0) / 2 + pad, (dy1 - dy0) / 2 + pad
    aspect = (x1 - x0) / (y1 - y0)
    half_w, half_h = max(half_w, half_h * aspect), max(half_h, half_w / aspect)
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f7fafc")
    if others is not None and not others.is_empty:
        path = _polygon_path(others)
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor="#cbd5e0", edgecolor="#718096", linewidth=0.3))
    path = _polygon_path(district)
    if path is not None:
        ax.add_patch(PathPatch(path, facecolor="none", edgecolor=INK, linewidth=0.8))
    px0, py0, px1, py1 = page
    ax.add_patch(
        Rectangle((px0, py0), px1 - px0, py1 - py0, facecolor=(0.9, 0.2, 0.2, 0.15), edgecolor="#c53030", linewidth=1.2)
    )
    halo_text(
        ax, 0.03, 0.97, t("print_overview", lang), transform=ax.transAxes, ha="left", va="top", fontsize=6, color=INK
    )


def _legend(fig, lay: Layout, box, handles, lang: str) -> float:
    """The legend in ``box`` (mm), one or two columns, smaller type if needed; returns its height (mm)."""
    x0, y0, x1, y1 = box
    if not handles:
        return 0.0
    renderer = FigureCanvasAgg(fig).get_renderer()
    legend = None
    for ncols, pt in ((1, 7.0), (2, 7.0), (2, 6.0), (3, 5.5), (3, 4.5)):
        if legend is not None:
            legend.remove()
        legend = fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(x0 / lay.w, y1 / lay.h),
            ncols=ncols,
            fontsize=pt,
            title=t("legend", lang),
            title_fontsize=pt + 1.5,
            frameon=False,
            alignment="left",
            borderaxespad=0.0,
            handlelength=2.2,
            columnspacing=1.0,
            borderpad=0.2,
        )
        bb = legend.get_window_extent(renderer)
        w_mm, h_mm = bb.width / fig.dpi * MM_PER_INCH, bb.height / fig.dpi * MM_PER_INCH
        if w_mm <= x1 - x0 and h_mm <= y1 - y0:
            break
    return h_mm


def _sources(spec: PrintSpec, drawn_ids: set[str], attribution: str) -> str:
    """The title block's sources: ``spec.note``, or the sources of what is drawn; the OpenStreetMap credit
    whenever an OSM layer is drawn, and the basemap's attribution."""
    lang = spec.lang
    sep = "；" if lang == "zh" else "; "
    if spec.note:
        parts = [spec.note]
    else:
        parts = []
        if drawn_ids & {
            "subparks",
            "zones",
            "parcels",
            "buildings",
            "clusters",
            "scored_parcels",
            "scenario_added",
            "scenario_new",
        }:
            parts += [t("print_src_demo", lang), t("print_src_plan", lang)]
        if "district" in drawn_ids:
            parts.append(t("print_src_district", lang))
    if drawn_ids & set(UNDER) and not any("OpenStreetMap" in p for p in parts):
        parts.append(t("print_src_osm", lang))
    if "stations" in drawn_ids and not spec.note:
        parts.append(t("print_src_metroflow", lang))
    if attribution and not any(attribution in p for p in parts):
        parts.append(t("print_src_basemap", lang, attribution=attribution))
    return sep.join(parts) or "—"


def _title(paper, lay: Layout, spec: PrintSpec) -> None:
    """Title (shrunk, then wrapped, to fit the frame) and subtitle, centred at the top of the page."""
    width_mm = lay.frame[2] - lay.frame[0] - 10.0
    pt = 16.0
    while pt > 9.0 and _text_width_em(spec.title) * pt * MM_PER_PT > width_mm:
        pt -= 0.5
    title = (
        spec.title
        if _text_width_em(spec.title) * pt * MM_PER_PT <= width_mm
        else wrap_text(spec.title, width_mm / (pt * MM_PER_PT))
    )
    cx = (lay.frame[0] + lay.frame[2]) / 2
    paper.text(cx, lay.title_y, title, ha="center", va="top", fontsize=pt, fontweight="bold", color=INK)
    if spec.subtitle:
        paper.text(
            cx,
            lay.title_y - pt * MM_PER_PT * 1.45 - 0.5,
            spec.subtitle,
            ha="center",
            va="top",
            fontsize=9,
            color="#2d3748",
        )


def _basemap_image(ax, basemap: TileSource, extent, lay: Layout) -> str:
    mx0, my0, mx1, my1 = lay.map
    width_px = int(min((mx1 - mx0) / MM_PER_INCH * 200, 4000))
    height_px = int(width_px * (my1 - my0) / (mx1 - mx0))
    tiles = mosaic(basemap, extent_m=extent, width_px=width_px, height_px=height_px)
    if tiles is None:
        return ""
    x0, y0, x1, y1 = tiles.extent_m
    ax.imshow(tiles.rgba, extent=(x0, x1, y0, y1), origin="upper", interpolation="bilinear", zorder=0.5)
    return tiles.attribution or basemap.metadata.name


def _ordered(frames):
    rank = {lid: i for i, lid in enumerate(UNDER)}
    return sorted(frames, key=lambda f: rank.get(f[0].id, len(UNDER)))


def _label_col(spec: LayerSpec, gdf: gpd.GeoDataFrame, field_name: str, lang: str) -> str | None:
    if spec.id in ("parcels", "scored_parcels", "scenario_new"):
        return "id" if "id" in gdf.columns else None
    if field_name in gdf.columns:
        return field_name
    return resolve_field(field_name, lang, gdf.columns) or resolve_field("name", lang, gdf.columns)


def render(
    frames: list[tuple[LayerSpec, gpd.GeoDataFrame]],
    *,
    spec: PrintSpec,
    extent_m: tuple[float, float, float, float],
    basemap: TileSource | None = None,
    extras: PanelExtras | None = None,
) -> Figure:
    """A print page of these (layer spec, layer) pairs centred on ``extent_m`` (EPSG:4549 metres).

    The scale is ``spec.scale`` or the largest of :data:`SCALE_SERIES` that shows the whole extent; the
    map then covers its frame at that scale. Roads, metro lines and stations are drawn under the other
    layers, a ``basemap`` (local tiles) under everything. ``extras`` adds an overview inset and a facts
    table (atlas pages). The map axes is labelled ``"map"`` (for the PDF georeference).

    Raises
    ------
    CartographyError
        For an empty extent, an unknown paper or a scale outside the series, or a missing CJK font.
    """
    cjk_font_path()
    x0, y0, x1, y1 = extent_m
    if not (x1 > x0 and y1 > y0):
        raise CartographyError("print_empty_extent")
    extras = extras or PanelExtras()
    panel_mm = None
    if extras.overview or extras.facts:  # atlas pages: a wider (landscape) or taller (portrait) panel
        panel_mm = (
            (88.0 if spec.paper == "A4" else 100.0) if spec.landscape else (100.0 if spec.paper == "A4" else 120.0)
        )
    lay = page_layout(spec, panel_mm=panel_mm)
    mx0, my0, mx1, my1 = lay.map
    denominator = fit_scale(extent_m, (mx1 - mx0, my1 - my0), scale=spec.scale)
    m_per_mm = denominator / 1000.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = (mx1 - mx0) * m_per_mm / 2, (my1 - my0) * m_per_mm / 2
    extent = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=spec.size_in())
        fig.set_label(spec.title)
        paper = fig.add_axes((0, 0, 1, 1), label="paper")
        paper.set_xlim(0, lay.w)
        paper.set_ylim(0, lay.h)
        paper.axis("off")
        fx0, fy0, fx1, fy1 = lay.frame
        paper.add_patch(Rectangle((fx0, fy0), fx1 - fx0, fy1 - fy0, facecolor="none", edgecolor=INK, linewidth=1.6))
        ax = fig.add_axes((mx0 / lay.w, my0 / lay.h, (mx1 - mx0) / lay.w, (my1 - my0) / lay.h), label="map")
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#fbfbf8")
        for side in ax.spines.values():
            side.set_linewidth(0.6)
            side.set_zorder(11)
        attribution = _basemap_image(ax, basemap, extent, lay) if basemap is not None else ""
        view = shapely.box(*extent)
        margin = shapely.box(*view.buffer(0.02 * (extent[2] - extent[0]), join_style="mitre").bounds)
        labeler = Labeler(extent, m_per_mm * MM_PER_PT)
        gamma, arrow_area = _north_arrow(ax, extent, m_per_mm, spec.lang)
        labeler.add_obstacle(arrow_area)
        handles, drawn_ids, to_label = [], set(), []
        for lspec, gdf in _ordered(frames):
            gm = _joined(lspec, gdf, MIN_PIECE_MM * m_per_mm) if lspec.kind == "line" else to_metric(gdf)
            gm = gm[gm.intersects(view)]
            if gm.empty:
                continue
            if lspec.kind != "point":  # only what shows (and a margin for line joins) goes to the file
                gm = gm.set_geometry(shapely.intersection(gm.geometry.to_numpy(), margin))
            values = draw_layer(ax, lspec, gm, zorder=_UNDER_Z.get(lspec.id))
            drawn_ids.add(lspec.id)
            if lspec.id == "district":
                outside = shapely.difference(view, gm.geometry.union_all())
                path = _polygon_path(outside)
                if path is not None:
                    ax.add_patch(PathPatch(path, facecolor=(1, 1, 1, VEIL), edgecolor="none", zorder=1.8))
            handles += [
                _legend_handle(lspec, label, st) for label, st in lspec.legend_entries(spec.lang, values=values)
            ]
            _add_obstacles(labeler, lspec, gm, m_per_mm)
            to_label.append((lspec, gm))
        if spec.labels:
            _place_all_labels(labeler, to_label, spec)
            labeler.draw(ax)
        if spec.grid:
            _grid(ax, paper, lay, extent, denominator, spec.lang)
        _title(paper, lay, spec)
        _scale_row(paper, lay, denominator, spec.lang)
        sources = _sources(spec, drawn_ids, attribution)
        rows = title_block_rows(spec, denominator=denominator, sources=sources, gamma=gamma)
        key = labeler.code_rows + sorted(labeler.keyed.items())
        _panel(fig, paper, lay, spec, rows, extras, extent, handles, key=key)
    return fig


#: Line layers already joined (an atlas draws the same roads on every page): content digest -> layer, the last few.
_JOINED: dict[str, gpd.GeoDataFrame] = {}


def _joined(lspec: LayerSpec, gdf: gpd.GeoDataFrame, min_piece_m: float) -> gpd.GeoDataFrame:
    """A line layer with one line per road (or metro line), so that it prints as lines and not strings of dots
    (:func:`gis.lines.merge_lines`), in EPSG:4549; remembered by content for the next page."""
    by = [c for c in (lspec.category_field, "name_zh", "name_en") if c and c in gdf.columns]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((str(gdf.crs), by)).encode())
    digest.update(pd.util.hash_pandas_object(gdf[by].astype(str), index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(gdf.geometry.to_numpy()):
        digest.update(wkb or b"")
    key = digest.hexdigest()
    if key not in _JOINED:
        if len(_JOINED) >= 8:
            _JOINED.pop(next(iter(_JOINED)))
        _JOINED[key] = merge_lines(gdf, by=by)
    return drop_dots(_JOINED[key], min_piece_m=min_piece_m)


def _add_obstacles(labeler: Labeler, lspec: LayerSpec, gm: gpd.GeoDataFrame, m_per_mm: float) -> None:
    """What labels must not cover: point symbols (a box around each) and the features of the leader layers."""
    if lspec.kind == "point":
        r_pt = lspec.style.get("radius", 5) * POINT_PT_PER_PX / 2
        r = (r_pt + 0.5) * m_per_mm * MM_PER_PT
        for x, y in shapely.get_coordinates(gm.geometry.to_numpy()):
            labeler.add_obstacle(shapely.box(x - r, y - r, x + r, y + r))
    elif lspec.id in LEADER_LAYERS:
        for geom in gm.geometry:
            labeler.add_obstacle(geom)


def _panel(fig, paper, lay: Layout, spec: PrintSpec, rows, extras: PanelExtras, extent, handles, *, key=()) -> None:
    """The panel beside (landscape) or under (portrait) the map: title block at the bottom, then the
    overview and facts (atlas pages), the key of the codes shown on the map instead of names (code | name),
    the legend in the space left. Portrait pages use two columns: overview, key and legend on the left, facts
    and title block on the right."""
    px0, py0, px1, py1 = lay.panel
    if spec.landscape:
        left = right = (px0, py0, px1, py1)
    else:
        mid = (px0 + px1) / 2
        left, right = (px0, py0, mid - 2.0, py1), (mid + 2.0, py0, px1, py1)
    rx0, ry0, rx1, ry1 = right
    block_h = kv_table(paper, right, rows, top_down=False)
    lx0, ly0, lx1, ly1 = left
    top_right = ry1 if not spec.landscape else None
    top = ly1
    if extras.overview is not None:
        side = min(lx1 - lx0, 52.0, (ly1 - ly0) * 0.55 / 0.8)
        _overview(fig, lay, (lx0, top - side * 0.8, lx0 + side, top), extras.overview, extent, spec.lang)
        top -= side * 0.8 + 4.0
    if extras.facts:
        if top_right is None:
            used = kv_table(paper, (lx0, ly0, lx1, top), extras.facts, pt=6.0, heading=extras.facts_heading)
            top -= used + 4.0
        else:
            kv_table(
                paper, (rx0, ry0 + block_h + 3.0, rx1, top_right), extras.facts, pt=6.0, heading=extras.facts_heading
            )
    legend_bottom = ly0 + (block_h + 4.0 if spec.landscape else 0.0)
    if key:
        used = kv_table(paper, (lx0, legend_bottom, lx1, top), key, pt=6.0, heading=t("print_key", spec.lang))
        top -= used + 3.0
    _legend(fig, lay, (lx0, legend_bottom, lx1, top), handles, spec.lang)


#: Polygon layers whose features are labelled on a print map; the parcel layers only on a close-up.
_LABELLED_POLYGONS = ("subparks", "scenario_added", "scenario_new", "parcels", "scored_parcels", "konggui", "proposals")
_PARCEL_LAYERS = ("parcels", "scored_parcels")
#: Layers whose fill or hatching tells what they are (a scenario's added parcels): labelled beside the feature
#: with a leader line, never on it, and no other label covers them.
LEADER_LAYERS = ("scenario_new", "scenario_added")
#: Layers labelled with a code (the 控规's land-use code): the column that says what the code means, for the key.
_KEY_COLUMNS = {"konggui": "use"}
#: A map with more parcels than this would drown in parcel ids: they go unlabelled.
_MAX_LABELLED_PARCELS = 30


def _place_all_labels(
    labeler: Labeler, to_label: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]], spec: PrintSpec
) -> None:
    """The scenario's added parcels first (beside them, with leader lines), then park features (largest first),
    then stations, then road names."""
    for lspec, gm in to_label:
        if lspec.id in LEADER_LAYERS:
            _label_polygons(labeler, lspec, gm, spec)
    for lspec, gm in to_label:
        if lspec.id not in LEADER_LAYERS:
            _label_polygons(labeler, lspec, gm, spec)
    for lspec, gm in to_label:
        if lspec.id == "stations":
            _label_stations(labeler, lspec, gm, lang=spec.lang)
    for lspec, gm in to_label:
        if lspec.id == "roads":
            _label_roads(labeler, gm, lang=spec.lang)


def _label_polygons(labeler: Labeler, lspec: LayerSpec, gm: gpd.GeoDataFrame, spec: PrintSpec) -> None:
    """A park layer's features, largest first: name (and id) inside each."""
    if lspec.kind != "polygon" or lspec.id not in _LABELLED_POLYGONS:
        return
    if lspec.id in _PARCEL_LAYERS and len(gm) > _MAX_LABELLED_PARCELS:
        return
    col = _label_col(lspec, gm, spec.label_field, spec.lang)
    if col is None:
        return
    placed_ids = []
    for i in np.argsort(-gm.geometry.area.to_numpy()):
        texts = [str(gm[col].iloc[i]), str(gm["id"].iloc[i]) if "id" in gm.columns else ""]
        texts = [s for s in texts if s and s not in ("nan", "+")]
        if not texts:
            continue
        if lspec.id in LEADER_LAYERS:
            done = labeler.leader_label(gm.geometry.iloc[i], texts[0], pt=LABEL_PT)
        else:
            done = labeler.polygon_label(gm.geometry.iloc[i], texts, pt=LABEL_PT)
        if done and col == "id":
            placed_ids.append(texts[0])
        meaning = _KEY_COLUMNS.get(lspec.id)
        if done and meaning in gm.columns and texts[0] not in labeler.keyed:  # a code: its meaning goes to the key
            labeler.keyed[texts[0]] = str(gm[meaning].iloc[i]).removeprefix(texts[0]).strip() or "—"
    if placed_ids:  # a layer labelled by its ids: one key row says whose ids they are
        labeler.code_rows.append(
            (code_range(placed_ids, spec.lang), t("print_key_ids", spec.lang, layer=lspec.label(spec.lang)))
        )


def code_range(codes: Sequence[str], lang: str) -> str:
    """Codes as the key shows them: "P015–P061" when they share a letter prefix, else listed."""
    parsed = [re.fullmatch(r"([A-Za-z]*)(\d+)", c) for c in codes]
    if all(parsed) and len({m.group(1) for m in parsed if m}) == 1:
        ordered = sorted(codes, key=lambda c: int(re.sub(r"\D", "", c)))
        return ordered[0] if len(ordered) == 1 else f"{ordered[0]}–{ordered[-1]}"
    return ("、" if lang == "zh" else ", ").join(sorted(codes))


def _label_stations(labeler: Labeler, lspec: LayerSpec, gm: gpd.GeoDataFrame, *, lang: str) -> None:
    """Station names beside their symbols."""
    col = resolve_field("name", lang, gm.columns)
    r_pt = lspec.style.get("radius", 5) * POINT_PT_PER_PX / 2
    for geom, name in zip(gm.geometry, gm[col] if col else [""] * len(gm)):
        if name and str(name) != "nan":
            labeler.point_label(geom.x, geom.y, str(name), pt=STATION_PT, r_pt=r_pt)


def _label_roads(labeler: Labeler, gm: gpd.GeoDataFrame, *, lang: str) -> None:
    """Road names along their roads, the longest (inside the map) first."""
    col = resolve_field("name", lang, gm.columns)
    if col is None:
        return
    names = gm[col].fillna("").astype(str)
    clipped = gm.geometry.intersection(labeler.inside)
    order = clipped.length.groupby(names).sum().sort_values(ascending=False)
    for name in order.index:
        if name.strip():
            labeler.line_label(shapely.union_all(clipped[names == name].to_numpy()), name, pt=ROAD_PT)


# --- output ---------------------------------------------------------------------------------------------
def _map_axes(fig: Figure):
    return next((a for a in fig.axes if a.get_label() == "map"), None)


def georeference_pdf(pdf: bytes, figures: Sequence[Figure]) -> bytes:
    """Add an ISO 32000 geospatial measure (viewport, EPSG:4549, corner lat/lon) to each page whose
    figure has a map, so GDAL/QGIS read the PDF as georeferenced; the page content stays vector."""
    import pikepdf

    to_geo = _transformer(METRIC_CRS, "EPSG:4490")
    wkt = pyproj.CRS(METRIC_CRS).to_wkt(pyproj.enums.WktVersion.WKT1_GDAL)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page, fig in zip(doc.pages, figures):
            ax = _map_axes(fig)
            if ax is None:
                continue
            w_pt, h_pt = fig.get_figwidth() * 72, fig.get_figheight() * 72
            pos = ax.get_position()
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            lon, lat = to_geo.transform([x0, x0, x1, x1], [y1, y0, y0, y1])  # the order of LPTS below
            gpts = [float(v) for pair in zip(lat, lon) for v in pair]
            measure = pikepdf.Dictionary(
                Type=pikepdf.Name.Measure,
                Subtype=pikepdf.Name.GEO,
                Bounds=[0, 1, 0, 0, 1, 0, 1, 1],
                GPTS=gpts,
                LPTS=[0, 1, 0, 0, 1, 0, 1, 1],
                GCS=pikepdf.Dictionary(Type=pikepdf.Name.PROJCS, EPSG=4549, WKT=pikepdf.String(wkt)),
            )
            viewport = pikepdf.Dictionary(
                Type=pikepdf.Name.Viewport,
                Name=pikepdf.String("Map"),
                BBox=[float(v) for v in (pos.x0 * w_pt, pos.y0 * h_pt, pos.x1 * w_pt, pos.y1 * h_pt)],
                Measure=measure,
            )
            page.obj[pikepdf.Name.VP] = pikepdf.Array([viewport])
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def figure_bytes(fig: Figure, *, fmt: str, dpi: int = 300, georef: bool = False) -> bytes:
    """The figure as PNG (at ``dpi``), PDF or SVG bytes; ``georef`` makes a PDF a geospatial PDF.

    Text stays text, so a document can be searched and its labels copied or edited: the PDF embeds the fonts
    (as Type 3 fonts with a ToUnicode map: the Noto CJK face is a CFF-flavoured collection, which matplotlib's
    Type 42 path writes as an invalid CIDFontType2, matplotlib#20870) and the SVG has ``<text>`` elements
    naming the font (Noto Sans CJK SC, then DejaVu Sans). The date in the metadata is Beijing time.
    """
    if fmt not in ("png", "pdf", "svg"):
        raise CartographyError("print_bad_format", format=str(fmt)[:10])
    buf = io.BytesIO()
    metadata: dict[str, Any] | None = None
    if fmt == "pdf":
        metadata = {"Title": fig.get_label() or "", "Creator": "Putuo Park Planner"}
    elif fmt == "svg":
        metadata = {"Title": fig.get_label() or "", "Creator": "Putuo Park Planner", "Date": beijing_now().isoformat()}
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    data = buf.getvalue()
    if fmt != "pdf":
        return data
    return beijing_dated(georeference_pdf(data, [fig]) if georef else data)


def pdf_pages(figures: Sequence[Figure], *, georef: bool = False) -> bytes:
    """Several figures as one multi-page PDF (atlas, report); ``georef`` georeferences each map page."""
    figures = list(figures)
    buf = io.BytesIO()
    with matplotlib.rc_context(RC), PdfPages(buf, metadata={"Creator": "Putuo Park Planner"}) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    data = buf.getvalue()
    return beijing_dated(georeference_pdf(data, figures) if georef else data)


def beijing_dated(pdf: bytes) -> bytes:
    """``pdf`` with its creation date in Beijing time (``D:20261207133354+08'00'``): matplotlib writes the date of
    the server's clock, and an aware time with the offset's sign reversed."""
    import pikepdf

    stamp = beijing_now().strftime("D:%Y%m%d%H%M%S+08'00'")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.docinfo[pikepdf.Name.CreationDate] = pikepdf.String(stamp)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def padded_extent(geom_m: shapely.Geometry, *, margin: float = 0.08, min_size_m: float = 600.0):
    """Bounds of a geometry (EPSG:4549) grown by ``margin`` of its size and to at least ``min_size_m``."""
    if geom_m is None or geom_m.is_empty:
        raise CartographyError("print_nothing_to_frame")
    x0, y0, x1, y1 = shapely.bounds(geom_m)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w = max((x1 - x0) * (1 + 2 * margin), min_size_m)
    h = max((y1 - y0) * (1 + 2 * margin), min_size_m)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
