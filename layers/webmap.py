"""Folium builders for the web map: offline Leaflet assets, basemaps, compact encoded layers, legend."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template

from gis.crs import shift_geometries, shift_points, to_metric, to_storage
from gis.datasets import ParkData
from gis.settings import SETTINGS
from layers.i18n import t
from layers.registry import LayerSpec, get_spec, resolve_field

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


# --- compact layers: encoded polylines, a string table, DOM-built (never innerHTML) tooltips/popups -------
def _fmt(value) -> str | None:
    """A property value as display text (None for missing); numbers get thousands separators."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{int(value):,}"
    return str(value)


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


def _encode_geometry(geom, decimals: int):
    """Points -> one string; lines -> list of strings; polygons -> list of polygons of ring strings."""
    enc = lambda ring: encode_polyline(shapely.get_coordinates(ring), decimals=decimals)  # noqa: E731
    parts = shapely.get_parts(geom)
    kind = shapely.get_type_id(parts[0]) if len(parts) else -1
    if kind == 0:  # Point
        return enc(parts[0])
    if kind in (1, 2):  # LineString, LinearRing
        return [enc(p) for p in parts]
    return [[enc(p.exterior)] + [enc(r) for r in p.interiors] for p in parts]


class StringTable:
    """Deduplicated strings shared by every layer of one map (repeated notes are sent once)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str | None) -> int:
        if text is None:
            return -1
        return self.index.setdefault(text, len(self.index))

    @property
    def strings(self) -> list[str]:
        return list(self.index)


def layer_payload(spec: LayerSpec, gdf: gpd.GeoDataFrame, *, lang: str, strings: StringTable,
                  simplify_m: float = SETTINGS.display_simplify_m, decimals: int = SETTINGS.display_decimals) -> dict:
    """The compact browser form of one layer.

    Returns
    -------
    list
        ``[id, name, kind, show, style, cats, fields, labels, tip, pop, features]``: ``name``, ``style``
        and ``labels`` are string-table ids (styles as JSON text), ``cats`` is ``[[value, style id]]``,
        ``tip``/``pop`` are positions in ``fields``, each feature is
        ``[feature id, category, encoded geometry, [string id per field, -1 = none]]``.
        Arrays only, no JSON objects: see :func:`script_json`. Text is raw (not HTML): the browser
        puts it in the page with textContent only.
    """
    frame = gdf
    if "area_m2" in frame.columns:
        frame = frame.assign(area_ha=pd.to_numeric(frame["area_m2"], errors="coerce") / 10_000.0)
    wanted = list(dict.fromkeys(f for f, _ in spec.tooltip + spec.popup))
    columns = {f: resolve_field(f, lang, frame.columns) for f in wanted}
    fields = [f for f in wanted if columns[f] is not None]
    label_of = dict(spec.tooltip + spec.popup)
    geoms = display_geometries(frame, simplify_m=simplify_m, decimals=decimals)
    cats = frame[spec.category_field].astype(str).tolist() if spec.category_field else [""] * len(frame)
    values = {f: [strings(_fmt(v)) for v in frame[columns[f]].tolist()] for f in fields}
    features = [[str(fid), cat, _encode_geometry(g, decimals), [values[f][i] for f in fields]]
                for i, (fid, cat, g) in enumerate(zip(frame["id"].tolist(), cats, geoms))]
    return [
        spec.id, strings(spec.label(lang)), spec.kind, int(spec.visible),
        strings(json.dumps(spec.style)),
        [[c.value, strings(json.dumps(spec.style_for(c.value)))] for c in spec.categories],
        fields, [strings(t(label_of[f], lang)) for f in fields],
        [fields.index(f) for f, _ in spec.tooltip if f in fields],
        [fields.index(f) for f, _ in spec.popup if f in fields],
        features,
    ]


def script_json(obj) -> str:
    """JSON text safe to embed in a folium/branca <script>.

    ``obj`` must hold no dicts (lists, strings, numbers only), so every ``{``/``}`` in the text sits
    inside a string and can be written as a \\u escape. That matters twice: branca re-parses rendered
    scripts as Jinja templates (data holding ``{{ ... }}`` would be evaluated on the server), and a
    ``</script>`` in the data must not end the script, hence ``<``, ``>`` and ``&`` are escaped too.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("{", "\\u007b"), ("}", "\\u007d"), ("<", "\\u003c"), (">", "\\u003e"),
                    ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


class CompactLayers(MacroElement):
    """All vector layers of the map in one compact payload, drawn with plain Leaflet.

    Each feature becomes a Leaflet layer carrying ``feature`` (GeoJSON id + properties), so
    st_folium's click handler returns it as ``last_active_drawing``. Tooltips and popups are built
    with ``textContent``: text from the data can never become markup. The parent is a map (with a
    layer control) or a FeatureGroup (for st_folium's ``feature_group_to_add``).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(target) {
            var D = {{ this.payload }}, F = D[0], S = D[1];  // [scale, string table, layers]
            function dec(s) {
                var out = [], i = 0, la = 0, ln = 0;
                while (i < s.length) {
                    var r = 0, sh = 0, b;
                    do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
                    la += (r & 1) ? ~(r >> 1) : (r >> 1);
                    r = 0; sh = 0;
                    do { b = s.charCodeAt(i++) - 63; r |= (b & 31) << sh; sh += 5; } while (b >= 32);
                    ln += (r & 1) ? ~(r >> 1) : (r >> 1);
                    out.push([la / F, ln / F]);
                }
                return out;
            }
            function table(L_, idx, props, fields) {
                var tb = document.createElement('table'); tb.className = 'pp-info';
                idx.forEach(function(k) {
                    var v = props[fields[k]]; if (v === null || v === undefined) return;
                    var tr = tb.insertRow(), th = document.createElement('th'), td = tr.insertCell(-1);
                    th.textContent = S[L_.labels[k]]; td.textContent = v; tr.insertBefore(th, td);
                });
                return tb;
            }
            var overlays = {};
            D[2].forEach(function(a) {
                // [id, name, kind, show, style, cats, fields, labels, tip, pop, features]
                var L_ = {id: a[0], name: S[a[1]], kind: a[2], show: a[3], style: JSON.parse(S[a[4]]), cats: {},
                          fields: a[6], labels: a[7], tip: a[8], pop: a[9], features: a[10]};
                a[5].forEach(function(c) { L_.cats[c[0]] = JSON.parse(S[c[1]]); });
                var group = L.featureGroup();
                L_.features.forEach(function(f) {
                    var st = Object.assign({}, L_.style, L_.cats[f[1]] || {}), g = f[2], lyr;
                    if (L_.kind === 'point') { lyr = L.circleMarker(dec(g)[0], st); }
                    else if (L_.kind === 'line') { lyr = L.polyline(g.map(dec), st); }
                    else { lyr = L.polygon(g.map(function(p) { return p.map(dec); }), st); }
                    var props = {id: f[0]};
                    L_.fields.forEach(function(name, k) { props[name] = f[3][k] < 0 ? null : S[f[3][k]]; });
                    lyr.feature = {type: 'Feature', id: L_.id + ':' + f[0], properties: props};
                    if (L_.tip.length) lyr.bindTooltip(function() { return table(L_, L_.tip, props, L_.fields); });
                    if (L_.pop.length) lyr.bindPopup(function() { return table(L_, L_.pop, props, L_.fields); }, {minWidth: 260, maxWidth: 380});
                    if (L_.kind === 'polygon') {
                        lyr.on('mouseover', function() { lyr.setStyle({weight: 3.5, color: '#f6e05e'}); });
                        lyr.on('mouseout', function() { lyr.setStyle(st); });
                    }
                    group.addLayer(lyr);
                });
                if (L_.show) group.addTo(target);
                var label = document.createElement('span'); label.textContent = L_.name;
                overlays[label.outerHTML] = group;
            });
            {% if this.control %}L.control.layers(null, overlays, {collapsed: false, position: 'topright'}).addTo(target);{% endif %}
            var css = document.createElement('style');
            css.textContent = '.pp-info th{text-align:left;padding:1px 8px 1px 0;color:#4a5568;font-weight:600;'
                + 'vertical-align:top;white-space:nowrap}.pp-info td{padding:1px 0;max-width:260px;white-space:normal}'
                + '.leaflet-tooltip .pp-info td{white-space:nowrap}';
            document.head.appendChild(css);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, layers: list[list], strings: StringTable, *, decimals: int, control: bool = True) -> None:
        super().__init__()
        self._name = "CompactLayers"
        self.control = control  # add a layer control (the map's own layers); off inside a dynamic group
        self.payload = script_json([10**decimals, strings.strings, layers])


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
        self.html_json = script_json(f"<b>{html.escape(title)}</b>" + "".join(rows))


#: The layers the explorer shows, in draw order.
BASE_LAYERS = ("district", "zones", "clusters", "subparks", "parcels", "buildings", "stations")


class OfflineDraw(Draw):
    """folium's Draw plugin with Leaflet.draw served by the app (scripts/fetch_assets.sh)."""

    default_js = [("leaflet_draw_js", "/app/static/vendor/leaflet-draw/leaflet.draw.js")]
    default_css = [("leaflet_draw_css", "/app/static/vendor/leaflet-draw/leaflet.draw.css")]


def display_sample(gdf: gpd.GeoDataFrame, *, limit: int = SETTINGS.max_display_features) -> gpd.GeoDataFrame:
    """At most ``limit`` features, as a regular sample (every k-th), so a 200,000-parcel layer does not
    freeze the browser; pages say when a layer is sampled (:func:`is_sampled`)."""
    if len(gdf) <= limit:
        return gdf
    return gdf.iloc[:: int(np.ceil(len(gdf) / limit))]


def is_sampled(gdf: gpd.GeoDataFrame, *, limit: int = SETTINGS.max_display_features) -> bool:
    return len(gdf) > limit


def compact_layers(frames: list[tuple[LayerSpec, gpd.GeoDataFrame]], *, lang: str, basemap: str = "none",
                   control: bool = True) -> CompactLayers:
    """One :class:`CompactLayers` element for these (spec, layer) pairs, shifted to the basemap's datum."""
    datum = get_basemap(basemap).datum
    strings = StringTable()
    payload = []
    for spec, gdf in frames:
        gdf = display_sample(gdf)
        if datum != "wgs84":
            gdf = shift_geometries(gdf, source="wgs84", target=datum)
        payload.append(layer_payload(spec, gdf, lang=lang, strings=strings))
    return CompactLayers(payload, strings, decimals=SETTINGS.display_decimals, control=control)


def build_map(data: ParkData, *, lang: str, basemap: str = "none", tianditu_key: str | None = None,
              layer_ids: tuple[str, ...] = BASE_LAYERS, extra_legend: tuple[LayerSpec, ...] = (),
              draw: bool = False, image: tuple[np.ndarray, list] | None = None) -> folium.Map:
    """A web map of registry layers with a layer control and a legend.

    Parameters
    ----------
    data : ParkData
        Layers in EPSG:4326.
    lang : {"zh", "en"}
    basemap : str
        A :data:`BASEMAPS` id. With ``amap`` the vector layers are shifted WGS84 -> GCJ-02 for display
        only, so they line up with the tiles; a Tianditu basemap without ``tianditu_key`` falls back to none.
    layer_ids : tuple of str
        Registry layers drawn from ``data`` (default: the explorer's :data:`BASE_LAYERS`).
    extra_legend : tuple of LayerSpec
        Layers added later (e.g. a dynamic group) whose legend entries belong on this map.
    draw : bool
        Add the polygon drawing tool (Leaflet.draw).
    image : (RGBA array, [[south, west], [north, east]]), optional
        A raster overlay in Web Mercator pixels (e.g. the suitability surface).
    """
    base = get_basemap(basemap)
    if base.needs_key and not tianditu_key:
        base = BASEMAPS[0]
    # keyboard=False: Leaflet focuses its container on mousedown for arrow-key panning; inside the
    # st_folium iframe that focus scrolls the Streamlit page when the map is partly below the fold,
    # so the mouse-up lands elsewhere and the click on a polygon is lost (seen in the browser tests).
    m = OfflineMap(location=SETTINGS.map_center, zoom_start=SETTINGS.map_zoom, tiles=None,
                   control_scale=True, prefer_canvas=False, keyboard=False)
    for i, url in enumerate(base.tiles):
        folium.TileLayer(tiles=url.replace("{key}", tianditu_key or ""), attr=base.attribution,
                         name=f"{base.id}-{i}", subdomains=base.subdomains,
                         overlay=i > 0, control=False, max_zoom=18).add_to(m)
    if image is not None:
        rgba, bounds = image
        if base.datum != "wgs84":
            bounds = _shift_bounds(bounds, base.datum)
        folium.raster_layers.ImageOverlay(rgba, bounds=bounds, opacity=0.75, interactive=False,
                                          mercator_project=False, control=False).add_to(m)
    specs = [get_spec(layer_id) for layer_id in layer_ids]
    compact_layers([(spec, data.layer(spec.id)) for spec in specs], lang=lang, basemap=base.id).add_to(m)
    legend = [entry for spec in (*specs, *extra_legend) if spec.id != "clusters" for entry in spec.legend_entries(lang)]
    Legend(t("legend", lang), legend).add_to(m)
    if draw:
        OfflineDraw(export=False, show_geometry_on_click=False, position="topleft",
                    draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False,
                                  "rectangle": True, "polygon": {"allowIntersection": False}},
                    edit_options={"edit": False}).add_to(m)
    return m


def _shift_bounds(bounds: list, datum: str) -> list:
    (s, w), (n, e) = bounds
    x, y = shift_points(np.array([w, e]), np.array([s, n]), source="wgs84", target=datum)
    return [[y[0], x[0]], [y[1], x[1]]]


def dynamic_group(frames: list[tuple[LayerSpec, gpd.GeoDataFrame]], *, lang: str, basemap: str = "none",
                  name: str = "dynamic") -> folium.FeatureGroup:
    """Layers that change between reruns, as a FeatureGroup for ``st_folium(feature_group_to_add=)``:
    the browser swaps them in place, so the map keeps its view."""
    fg = folium.FeatureGroup(name=name, control=False)
    compact_layers(frames, lang=lang, basemap=basemap, control=False).add_to(fg)
    return fg


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


VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"


def standalone_html(m: folium.Map) -> str:
    """The map as one self-contained HTML file: Leaflet (and Leaflet.draw) inlined from static/vendor,
    so it opens offline, e-mailed or on an intranet, with no server and no CDN."""
    page = m.get_root().render()
    for folder, js, css in (("leaflet", "leaflet.js", "leaflet.css"), ("leaflet-draw", "leaflet.draw.js", "leaflet.draw.css")):
        js_tag = f'<script src="{STATIC_PREFIX.rsplit("/", 1)[0]}/{folder}/{js}"></script>'
        css_tag = f'<link rel="stylesheet" href="{STATIC_PREFIX.rsplit("/", 1)[0]}/{folder}/{css}"/>'
        if js_tag in page:
            page = page.replace(js_tag, "<script>" + (VENDOR_DIR / folder / js).read_text(encoding="utf-8") + "</script>")
        if css_tag in page:
            page = page.replace(css_tag, "<style>" + (VENDOR_DIR / folder / css).read_text(encoding="utf-8") + "</style>")
    if "/app/static/" in page:
        raise RuntimeError("standalone_html left a reference to the app's static folder")
    return page
