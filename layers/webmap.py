"""Folium builders for the web map: offline Leaflet assets, basemaps, compact escaped GeoJSON, legend."""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from gis.crs import shift_geometries, to_metric, to_storage
from gis.datasets import ParkData
from gis.settings import SETTINGS
from layers.i18n import t
from layers.registry import REGISTRY, LayerSpec, resolve_field

#: Where Streamlit serves the Leaflet files installed by scripts/fetch_assets.sh (static/vendor/leaflet).
STATIC_PREFIX = "/app/static/vendor/leaflet"


class OfflineMap(folium.Map):
    """A folium Map that loads Leaflet from the app's own static folder, never from a CDN.

    jQuery, Bootstrap and the awesome-markers plugin that folium adds by default are not used by any
    layer here, so they are left out rather than served.
    """

    default_js = [("leaflet", f"{STATIC_PREFIX}/leaflet.js")]
    default_css = [("leaflet_css", f"{STATIC_PREFIX}/leaflet.css")]


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


_TDT = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
        "&TILECOL={{x}}&tk={key}")

BASEMAPS: tuple[Basemap, ...] = (
    Basemap("none", "basemap_none", (), ""),
    Basemap("osm", "basemap_osm", ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
            "&copy; OpenStreetMap contributors"),
    Basemap("positron", "basemap_positron",
            ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",),
            "&copy; OpenStreetMap contributors &copy; CARTO", subdomains="abcd"),
    Basemap("tianditu_vec", "basemap_tianditu_vec", (_TDT.replace("{layer}", "vec"), _TDT.replace("{layer}", "cva")),
            "&copy; 天地图 Tianditu", needs_key=True, subdomains="01234567"),
    Basemap("tianditu_img", "basemap_tianditu_img", (_TDT.replace("{layer}", "img"), _TDT.replace("{layer}", "cia")),
            "&copy; 天地图 Tianditu", needs_key=True, subdomains="01234567"),
    Basemap("amap", "basemap_amap",
            ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",),
            "&copy; 高德地图 AMap", datum="gcj02", subdomains="1234"),
)


def get_basemap(basemap_id: str) -> Basemap:
    """The basemap with this id (``none`` when unknown)."""
    return next((b for b in BASEMAPS if b.id == basemap_id), BASEMAPS[0])


# --- compact, escaped GeoJSON ---------------------------------------------------------------------------
def _fmt(value) -> str | None:
    """A property value as escaped display text (None for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (float, np.floating)):
        value = f"{value:,.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"{int(value):,}"
    return html.escape(str(value))


def display_geometries(gdf: gpd.GeoDataFrame, *, simplify_m: float, decimals: int) -> np.ndarray:
    """Geometries ready for the browser: simplified so no vertex moves more than ``simplify_m`` metres
    (in EPSG:4549), then rounded to ``decimals`` decimals of a degree (6 ~ 0.1 m), in EPSG:4326."""
    geoms = gdf.geometry
    if simplify_m > 0 and not geoms.geom_type.isin(["Point", "MultiPoint"]).all():
        metric = to_metric(geoms)
        metric = gpd.GeoSeries(shapely.simplify(metric.to_numpy(), simplify_m, preserve_topology=True),
                               index=geoms.index, crs=metric.crs)
        geoms = to_storage(metric)
    scale = 10.0 ** decimals
    return shapely.transform(geoms.to_numpy(), lambda c: np.round(c * scale) / scale)


def _coords_json(geom) -> dict:
    return json.loads(shapely.to_geojson(geom))


def layer_geojson(spec: LayerSpec, gdf: gpd.GeoDataFrame, *, lang: str, simplify_m: float = SETTINGS.display_simplify_m,
                  decimals: int = SETTINGS.display_decimals) -> dict:
    """A FeatureCollection for one layer with only the properties the map shows, HTML-escaped.

    Properties kept: ``id``, the category field, and the tooltip/popup fields resolved for ``lang``
    (renamed to the registry's field names). Coordinates are lon/lat (EPSG:4326).
    """
    frame = gdf.copy()
    if "area_m2" in frame.columns:
        frame["area_ha"] = pd.to_numeric(frame["area_m2"], errors="coerce") / 10_000.0
    fields = dict.fromkeys(["id"] + [f for f, _ in spec.tooltip + spec.popup])
    columns = {f: resolve_field(f, lang, frame.columns) for f in fields}
    geoms = display_geometries(frame, simplify_m=simplify_m, decimals=decimals)
    features = []
    for i, geom in enumerate(geoms):
        row = frame.iloc[i]
        props = {f: _fmt(row[c]) for f, c in columns.items() if c is not None}
        if spec.category_field:
            props["_cat"] = str(row[spec.category_field])
        features.append({"type": "Feature", "id": f"{spec.id}:{row['id']}", "properties": props,
                         "geometry": json.loads(shapely.to_geojson(geom, indent=None))})
    return {"type": "FeatureCollection", "features": features}


def _aliases(fields: tuple[tuple[str, str], ...], lang: str, present: set[str]) -> tuple[list[str], list[str]]:
    keep = [(f, key) for f, key in fields if f in present]
    return [f for f, _ in keep], [html.escape(t(key, lang)) for _, key in keep]


def add_layer(m: folium.Map, spec: LayerSpec, gdf: gpd.GeoDataFrame, *, lang: str) -> folium.GeoJson:
    """Add one registry layer to ``m`` as a GeoJson layer with its style, tooltip and popup."""
    data = layer_geojson(spec, gdf, lang=lang)
    present = set(data["features"][0]["properties"]) if data["features"] else set()
    tip_f, tip_a = _aliases(spec.tooltip, lang, present)
    pop_f, pop_a = _aliases(spec.popup, lang, present)

    def style(feature: dict) -> dict:
        return spec.style_for(feature["properties"].get("_cat"))

    marker = None
    if spec.kind == "point":
        marker = folium.CircleMarker(radius=spec.style.get("radius", 5))
    layer = folium.GeoJson(
        data, name=html.escape(spec.label(lang)), style_function=style, show=spec.visible, marker=marker,
        tooltip=folium.GeoJsonTooltip(fields=tip_f, aliases=tip_a, sticky=False) if tip_f else None,
        popup=folium.GeoJsonPopup(fields=pop_f, aliases=pop_a, max_width=360) if pop_f else None,
        highlight_function=(lambda _f: {"weight": 3.5, "color": "#f6e05e"}) if spec.kind == "polygon" else None,
        zoom_on_click=False, embed=True,
    )
    layer.add_to(m)
    return layer


class Legend(MacroElement):
    """A bottom-left legend control whose entries come from the layer registry (text escaped)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: 'bottomleft'});
            legend.onAdd = function() {
                var div = L.DomUtil.create('div', 'pp-legend');
                div.style.cssText = 'background:rgba(255,255,255,.92);padding:6px 9px;border-radius:4px;'
                    + 'font:12px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)';
                div.innerHTML = {{ this.html_json }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, entries: list[tuple[str, dict]]) -> None:
        super().__init__()
        self._name = "Legend"
        rows = []
        for label, st in entries:
            fill = st.get("fillColor", st.get("color")) if st.get("fill", True) else "transparent"
            border = st.get("color", "#333")
            shape = "50%" if st.get("radius") else "2px"
            rows.append(
                f'<div><span style="display:inline-block;width:14px;height:14px;margin-right:6px;'
                f'vertical-align:-2px;border-radius:{shape};background:{html.escape(fill)};'
                f'opacity:{0.85 if fill != "transparent" else 1};border:2px solid {html.escape(border)}"></span>'
                f'{html.escape(label)}</div>')
        self.html_json = json.dumps(f"<b>{html.escape(title)}</b>" + "".join(rows), ensure_ascii=False)


def build_map(data: ParkData, *, lang: str, basemap: str = "none", tianditu_key: str | None = None,
              layer_ids: tuple[str, ...] | None = None) -> folium.Map:
    """The explorer's web map: every registry layer, a layer control and a legend.

    Parameters
    ----------
    data : ParkData
        Layers in EPSG:4326.
    lang : {"zh", "en"}
    basemap : str
        A :data:`BASEMAPS` id. With ``amap`` the vector layers are shifted WGS84 -> GCJ-02 for display
        only, so they line up with the tiles; a Tianditu basemap without ``tianditu_key`` falls back to none.
    layer_ids : tuple of str, optional
        Restrict to these registry layers (default: all).
    """
    base = get_basemap(basemap)
    if base.needs_key and not tianditu_key:
        base = BASEMAPS[0]
    m = OfflineMap(location=SETTINGS.map_center, zoom_start=SETTINGS.map_zoom, tiles=None,
                   control_scale=True, prefer_canvas=False)
    for i, url in enumerate(base.tiles):
        folium.TileLayer(tiles=url.replace("{key}", tianditu_key or ""), attr=base.attribution,
                         name=t(base.label_key, lang) + (" 注记" if i else ""), subdomains=base.subdomains,
                         overlay=i > 0, control=False, max_zoom=18).add_to(m)
    legend = []
    for spec in REGISTRY:
        if layer_ids is not None and spec.id not in layer_ids:
            continue
        gdf = data.layer(spec.id)
        if base.datum != "wgs84":
            gdf = shift_geometries(gdf, source="wgs84", target=base.datum)
        add_layer(m, spec, gdf, lang=lang)
        if spec.id not in ("clusters",):
            legend += spec.legend_entries(lang)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    Legend(t("legend", lang), legend).add_to(m)
    return m


def highlight_group(geometry_wgs84, *, basemap: str = "none") -> folium.FeatureGroup:
    """A feature group outlining one selected geometry (lon/lat), for ``st_folium(feature_group_to_add=)``."""
    fg = folium.FeatureGroup(name="selection")
    if geometry_wgs84 is None:
        return fg
    s = gpd.GeoSeries([geometry_wgs84], crs="EPSG:4326")
    datum = get_basemap(basemap).datum
    if datum != "wgs84":
        s = shift_geometries(s, source="wgs84", target=datum)
    folium.GeoJson(json.loads(shapely.to_geojson(s.iloc[0])), interactive=False,
                   style_function=lambda _f: {"color": "#f6e05e", "weight": 5, "fill": False}).add_to(fg)
    return fg
