"""Web map documents: compact encoded layers, basemaps, legends and the map spec the browser map draws."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import shift_geometries, to_metric, to_storage
from gis.settings import SETTINGS
from layers.registry import LayerSpec, resolve_field
from text.display import metro_lines_text
from text.messages import t

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
#: The map's own scripts (tracked) and the npm assets installed by scripts/fetch_assets.sh (not tracked).
MAP_JS = STATIC_DIR / "js" / "planner_map.js"
COMPONENT_JS = STATIC_DIR / "js" / "planner_map_component.js"
VENDOR_DIR = STATIC_DIR / "vendor"


@dataclass(frozen=True)
class Basemap:
    """A tile basemap: URL template(s), attribution, and the datum its tiles are drawn in."""

    id: str
    label_key: str
    tiles: tuple[str, ...]
    attribution: str
    datum: str = "wgs84"
    needs_key: bool = False
    subdomains: str = "abc"
    max_native_zoom: int = 18
    online: bool = True


_TDT = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk={key}"
)

BASEMAPS: tuple[Basemap, ...] = (
    Basemap("none", "basemap_none", (), "", online=False),
    Basemap("osm", "basemap_osm", ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",), "© OpenStreetMap contributors"),
    Basemap(
        "positron",
        "basemap_positron",
        ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",),
        "© OpenStreetMap contributors © CARTO",
        subdomains="abcd",
    ),
    Basemap(
        "tianditu_vec",
        "basemap_tianditu_vec",
        (_TDT.replace("{layer}", "vec"), _TDT.replace("{layer}", "cva")),
        "© 天地图 Tianditu",
        needs_key=True,
        subdomains="01234567",
    ),
    Basemap(
        "tianditu_img",
        "basemap_tianditu_img",
        (_TDT.replace("{layer}", "img"), _TDT.replace("{layer}", "cia")),
        "© 天地图 Tianditu",
        needs_key=True,
        subdomains="01234567",
    ),
    Basemap(
        "amap",
        "basemap_amap",
        ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",),
        "© 高德地图 AMap",
        datum="gcj02",
        subdomains="1234",
    ),
)


def get_basemap(basemap_id: str, *, extra: Sequence[Basemap] = ()) -> Basemap:
    """The basemap with this id among :data:`BASEMAPS` and ``extra`` (``none`` when unknown)."""
    return next((b for b in (*extra, *BASEMAPS) if b.id == basemap_id), BASEMAPS[0])


def basemap_spec(basemap: Basemap, *, key: str | None = None) -> dict:
    """The browser's description of a basemap: tile URL templates and the datum of the tiles.

    A basemap that needs a key and has none falls back to no tiles (the vector layers still draw).
    """
    if basemap.needs_key and not key:
        return {"tiles": [], "datum": "wgs84"}
    tiles = [
        {
            "url": url.replace("{key}", key or ""),
            "attribution": basemap.attribution,
            "subdomains": basemap.subdomains,
            "max_native_zoom": basemap.max_native_zoom,
            "max_zoom": 19,
        }
        for url in basemap.tiles
    ]
    return {"tiles": tiles, "datum": basemap.datum}


# --- compact layer documents: encoded polylines, a string table, text only ---------------------------------
def _fmt(value: Any) -> str | None:
    """A property value as display text (None for missing); numbers get thousands separators."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    return str(value)


def display_geometries(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, simplify_m: float, decimals: int) -> np.ndarray:
    """Geometries ready for the browser: simplified so no vertex moves more than ``simplify_m`` metres
    (in EPSG:4549), then rounded to ``decimals`` decimals of a degree (6 ~ 0.1 m), in EPSG:4326."""
    geoms = gdf.geometry
    if simplify_m > 0 and not geoms.geom_type.isin(["Point", "MultiPoint"]).all():
        metric = to_metric(geoms)
        metric = gpd.GeoSeries(
            shapely.simplify(metric.to_numpy(), simplify_m, preserve_topology=True), index=geoms.index, crs=metric.crs
        )
        geoms = to_storage(metric)
    scale = 10.0**decimals
    return shapely.transform(geoms.to_numpy(), lambda c: np.round(c * scale) / scale)


def encode_polyline(coords: np.ndarray, *, decimals: int) -> str:
    """Encode (lon, lat) rows with the encoded-polyline algorithm (lat first, ``decimals`` precision).

    Each vertex is stored as the zig-zag, 5-bit-chunked difference to the previous one, so a vertex
    10-100 m from the last takes about 6 characters instead of ~22 in GeoJSON.
    """
    ints = np.round(np.asarray(coords, dtype=np.float64)[:, ::-1] * 10**decimals).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    zigzag = np.where(deltas < 0, ~(deltas << 1), deltas << 1)
    out = []
    for v in zigzag.tolist():
        while v >= 0x20:
            out.append(chr((0x20 | (v & 0x1F)) + 63))
            v >>= 5
        out.append(chr(v + 63))
    return "".join(out)


def _encode_geometry(geom: shapely.Geometry, decimals: int) -> Any:
    """Points -> one string; lines -> list of strings; polygons -> list of polygons of ring strings."""

    def enc(ring: shapely.Geometry) -> str:
        return encode_polyline(shapely.get_coordinates(ring), decimals=decimals)

    parts = shapely.get_parts(geom)
    kind = shapely.get_type_id(parts[0]) if len(parts) else -1
    if kind == 0:  # Point
        return enc(parts[0])
    if kind in (1, 2):  # LineString, LinearRing
        return [enc(p) for p in parts]
    return [[enc(p.exterior)] + [enc(r) for r in p.interiors] for p in parts]


class StringTable:
    """Deduplicated strings shared by a document (repeated notes are sent once)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        if text is None:
            return -1
        return self.index.setdefault(text, len(self.index))

    @property
    def strings(self) -> list[str]:
        return list(self.index)


def anchor_points(geoms_wgs84: np.ndarray) -> np.ndarray:
    """A point inside each geometry for its label and for clicks: the point itself, a line's midpoint,
    a polygon's largest part's representative point (always inside, unlike a centroid)."""
    out = np.empty(len(geoms_wgs84), dtype=object)
    for i, g in enumerate(geoms_wgs84):
        if g is None or g.is_empty:
            out[i] = None
        elif g.geom_type in ("Point", "MultiPoint"):
            out[i] = shapely.get_parts(g)[0]
        elif g.geom_type in ("LineString", "MultiLineString"):
            longest = max(shapely.get_parts(g), key=lambda p: p.length)
            out[i] = longest.interpolate(0.5, normalized=True)
        else:
            largest = max(shapely.get_parts(g), key=lambda p: p.area)
            out[i] = largest.point_on_surface()
    return out


def layer_document(
    spec: LayerSpec,
    gdf: gpd.GeoDataFrame,
    *,
    lang: str,
    datum: str = "wgs84",
    label_field: str | None = None,
    simplify_m: float = SETTINGS.display_simplify_m,
    decimals: int = SETTINGS.display_decimals,
) -> dict:
    """One layer as the browser map draws it (static/js/planner_map.js).

    Parameters
    ----------
    spec : LayerSpec
        How the layer looks (registry).
    gdf : GeoDataFrame
        The features, any CRS with a definition; an ``id`` column names each feature.
    lang : {"zh", "en"}
    datum : {"wgs84", "gcj02", "bd09"}
        The datum of the basemap: the geometry is shifted for display only (e.g. over AMap tiles).
    label_field : str, optional
        A registry field (``name`` -> ``name_zh``/``name_en``) written as each feature's map label.

    Returns
    -------
    dict
        ``scale``, ``s`` (string table), ``id``, ``name``, ``kind``, ``style``/``cats`` (string ids of JSON
        styles), ``fields``, ``labels``, ``tip``, ``pop`` and ``f``: per feature ``[id, category, encoded
        geometry, [string id per field], [encoded anchor point, label string id or -1, label priority]]``.
        Text is raw: the browser puts it in the page with textContent only.
    """
    strings = StringTable()
    frame = to_storage(gdf)
    if datum != "wgs84":
        frame = shift_geometries(frame, source="wgs84", target=datum)  # type: ignore[arg-type]
    if "area_m2" in frame.columns:
        frame = frame.assign(area_ha=pd.to_numeric(frame["area_m2"], errors="coerce") / 10_000.0)
    if "lines" in frame.columns and spec.kind == "point":  # a station's lines: "1|3|4" -> 1号线、3号线、4号线
        frame = frame.assign(lines=[metro_lines_text(v, lang) for v in frame["lines"]])
    wanted = list(dict.fromkeys(f for f, _ in spec.tooltip + spec.popup))
    columns = {f: resolve_field(f, lang, frame.columns) for f in wanted}
    fields = [f for f in wanted if columns[f] is not None]
    label_of = dict(spec.tooltip + spec.popup)
    geoms = display_geometries(frame, simplify_m=simplify_m, decimals=decimals)
    anchors = anchor_points(geoms)
    label_col = resolve_field(label_field, lang, frame.columns) if label_field else None
    labels = frame[label_col].tolist() if label_col else [None] * len(frame)
    priority = shapely.area(to_metric(gdf).geometry.to_numpy()) if label_col else np.zeros(len(frame))
    # a layer restyled by the page (scores, scenario states) may not carry its category column
    has_cats = bool(spec.category_field) and spec.category_field in frame.columns
    cats = frame[spec.category_field].astype(str).tolist() if has_cats else [""] * len(frame)
    values = {f: [strings(_fmt(v)) for v in frame[columns[f]].tolist()] for f in fields}
    features = []
    for i, (fid, cat, g) in enumerate(zip(frame["id"].tolist(), cats, geoms)):
        anchor = None
        if anchors[i] is not None:
            anchor = [
                encode_polyline(shapely.get_coordinates(anchors[i]), decimals=decimals),
                strings(_fmt(labels[i])),
                round(float(priority[i]), 1),
            ]
        features.append([str(fid), cat, _encode_geometry(g, decimals), [values[f][i] for f in fields], anchor])
    return {
        "scale": 10**decimals,
        "id": spec.id,
        "name": strings(spec.label(lang)),
        "kind": spec.kind,
        "style": strings(json.dumps(spec.style)),
        "cats": [[c.value, strings(json.dumps(spec.style_for(c.value)))] for c in spec.categories],
        "fields": fields,
        "labels": [strings(t(label_of[f], lang)) for f in fields],
        "tip": [fields.index(f) for f, _ in spec.tooltip if f in fields],
        "pop": [fields.index(f) for f, _ in spec.popup if f in fields],
        "f": features,
        "s": strings.strings,
    }


def legend_entries(specs: Sequence[LayerSpec], *, lang: str) -> list[list]:
    """``[label, style]`` pairs for the legend of these layers (styles carry ``kind`` for the swatch and ``layer``,
    the layer's id, so an entry hides while its layer is switched off on the map)."""
    return [
        [label, {**style, "kind": spec.kind, "layer": spec.id}]
        for spec in specs
        for label, style in spec.legend_entries(lang)
    ]


def bounds_of(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, datum: str = "wgs84") -> list[list[float]]:
    """``[[south, west], [north, east]]`` of a layer in lon/lat (shifted to ``datum`` for display)."""
    frame = to_storage(gdf)
    if datum != "wgs84":
        frame = shift_geometries(frame, source="wgs84", target=datum)  # type: ignore[arg-type]
    x0, y0, x1, y1 = (float(v) for v in frame.total_bounds)
    return [[y0, x0], [y1, x1]]


def layer_ref(
    layer_id: str,
    *,
    name: str,
    url: str | None = None,
    doc: Mapping | None = None,
    show: bool = True,
    interactive: bool = True,
    labels: bool = False,
    label_min_zoom: float = 0,
    restyle: Mapping[str, str] | None = None,
    popups: bool = True,
    in_control: bool = True,
    extra: tuple[Sequence[str], Mapping[str, Sequence[str | None]]] | None = None,
) -> dict:
    """One layer of a :func:`map_spec`: fetched from ``url`` (cached by the browser) or given as ``doc``.

    ``restyle`` maps feature id -> category (e.g. a score class) and ``extra`` adds (labels, {feature id:
    values}) to its tooltip and popup, both without sending the geometry again.
    """
    ref: dict[str, Any] = {
        "id": layer_id,
        "name": name,
        "show": show,
        "interactive": interactive,
        "labels": labels,
        "label_min_zoom": label_min_zoom,
        "popups": popups,
        "in_control": in_control,
        "restyle": dict(restyle) if restyle is not None else None,
        "extra": {"labels": list(extra[0]), "values": {k: list(v) for k, v in extra[1].items()}} if extra else None,
    }
    if url is not None:
        ref["url"] = url
    else:
        ref["doc"] = doc
        ref["doc_key"] = doc_key(doc)
    return ref


def doc_key(doc: Mapping | None) -> str:
    """A content hash of an inline layer document: the browser rebuilds the layer whenever it changes (a
    scenario added to a comparison, a preview in another CRS), and only then."""
    return hashlib.sha1(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class MapSpec:
    """What the browser map draws in one render (small: layers travel by URL, not in here).

    Attributes
    ----------
    lang : str
        Language of the map's own controls.
    layers : sequence of mapping
        Layer references (:func:`layer_ref`, tiled references), bottom first.
    basemap : mapping
        The basemap (:func:`basemap_spec`).
    fit : [[south, west], [north, east]]
        The view to fit on first draw (:func:`bounds_of`).
    legend_title, legend, legend_open
        The legend's title, ``[label, style]`` entries (:func:`legend_entries`) and whether it starts open.
    focus, selected : mapping, optional
        A view to zoom to (``{"token", "bounds", "max_zoom", ...}``) and the highlighted feature
        (``{"layer", "id"}``).
    draw, clear_drawings, report_view : bool, int, bool
        The drawing toolbar, a token that clears the drawings when it changes, and whether the map reports
        its view back.
    height, map_key : int, str
        The map's height (px) and the key of its browser component.
    tiled : sequence of mapping
        Vector-tile sources outside the layer references (handed to the tile script as is).
    image : mapping, optional
        A raster overlay ``{"url": data URL, "bounds": [[s, w], [n, e]], "opacity"}``.
    credits : sequence of str
        Shown in the map's attribution corner (the data's licences ask for them).
    """

    lang: str
    layers: Sequence[Mapping[str, Any]]
    basemap: Mapping[str, Any]
    fit: Sequence[Sequence[float]]
    legend_title: str
    legend: Sequence[Sequence[Any]]
    legend_open: bool = True
    focus: Mapping[str, Any] | None = None
    selected: Mapping[str, Any] | None = None
    draw: bool = False
    clear_drawings: int = 0
    report_view: bool = False
    height: int = 560
    map_key: str = "map"
    tiled: Sequence[Mapping[str, Any]] = ()
    image: Mapping[str, Any] | None = None
    credits: Sequence[str] = ()


class LegendJson(TypedDict):
    """The legend as the browser map reads it."""

    title: str
    entries: list[list[Any]]
    open: bool


class MapJson(TypedDict):
    """A :class:`MapSpec` as the browser map receives it (JSON; keys in this order)."""

    layers: list[Mapping[str, Any]]
    basemap: dict[str, Any]
    fit: list[list[float]]
    image: dict[str, Any] | None
    scripts: list[str]
    texts: dict[str, Any]
    legend: LegendJson
    focus: dict[str, Any] | None
    selected: dict[str, Any] | None
    draw: bool
    clear_drawings: int
    report_view: bool
    height: int
    map_key: str
    tiled: list[Mapping[str, Any]]
    asset_version: str
    credits: list[str]


def map_spec(spec: MapSpec) -> MapJson:
    """Everything the browser map needs for one render: ``spec`` with the control texts in its language,
    the scripts it needs (vector tiles when a layer is tiled) and the map script's version."""
    scripts = ["js/vector_tiles.js"] if any("tiled" in ref for ref in spec.layers) else []
    return {
        "layers": list(spec.layers),
        "basemap": dict(spec.basemap),
        "fit": [list(c) for c in spec.fit],
        "image": dict(spec.image) if spec.image else None,
        "scripts": scripts,
        "texts": control_texts(spec.lang),
        "legend": {"title": spec.legend_title, "entries": [list(e) for e in spec.legend], "open": spec.legend_open},
        "focus": dict(spec.focus) if spec.focus else None,
        "selected": dict(spec.selected) if spec.selected else None,
        "draw": spec.draw,
        "clear_drawings": spec.clear_drawings,
        "report_view": spec.report_view,
        "height": spec.height,
        "map_key": spec.map_key,
        "tiled": list(spec.tiled),
        "asset_version": asset_version(),
        "credits": list(spec.credits),
    }


def control_texts(lang: str) -> dict[str, Any]:
    """The words of the map's own controls (zoom, layers, the drawing toolbar) in ``lang``."""
    keys = (
        "polygon",
        "rectangle",
        "cancel",
        "cancel_title",
        "finish",
        "finish_title",
        "undo",
        "undo_title",
        "polygon_start",
        "polygon_cont",
        "polygon_end",
        "rectangle_start",
        "shape_end",
        "crossing",
    )
    return {
        "zoom_in": t("map_zoom_in", lang),
        "zoom_out": t("map_zoom_out", lang),
        "layers": t("map_layers", lang),
        "basemap_failed": t("map_basemap_failed", lang),
        "draw": {k: t(f"draw_{k}", lang) for k in keys},
    }


def asset_version() -> str:
    """A short version of the map script, so browsers fetch it again after an upgrade."""
    stat = MAP_JS.stat()
    return f"{int(stat.st_mtime)}-{stat.st_size}"


def script_json(obj: Any) -> str:
    """JSON text safe inside an HTML ``<script>``: ``<``, ``>``, ``&`` and line separators escaped, so no
    text from the data can end the script or start markup."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def standalone_html(spec: Mapping, *, title: str) -> str:
    """The map as one self-contained HTML file: Leaflet and the map script inlined, every layer document
    inside the spec, so it opens offline, e-mailed or on an intranet, with no server and no CDN."""
    import html as _html

    for ref in spec["layers"]:
        if "doc" not in ref:
            raise ValueError("standalone_html needs every layer as an inline document (doc=...)")
    leaflet_js = (VENDOR_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (VENDOR_DIR / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    map_js = MAP_JS.read_text(encoding="utf-8")
    for text in (leaflet_js, map_js):
        if "</script" in text.lower():
            raise ValueError("an inlined script contains '</script'")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{_html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{leaflet_css}\nhtml,body{{margin:0;height:100%}}#map{{height:100%}}</style>"
        f"<script>{leaflet_js}</script><script>{map_js}</script></head>"
        '<body><div id="map"></div><script>'
        f"new PlannerMap(document.getElementById('map')).update({script_json(dict(spec))});"
        "</script></body></html>\n"
    )
