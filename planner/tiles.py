"""Large layers as vector tiles: one tile engine per (data version, layer), class values per page state, clicks.

A layer with more than :data:`TILE_THRESHOLD` features never reaches the browser as one document: the map
asks for the tiles of its view (tiles.vector), colours come as one byte per feature per tile for the page's
current classes (scores, scenario states), and a click on the map is answered here by a point query.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.registry import LayerSpec
from tiles.cache import BoundedCache, on_release
from tiles.vector import VectorTiles, class_codes

#: Above this many features a layer is drawn from vector tiles (below it, one document is smaller and faster).
TILE_THRESHOLD = 3000
#: Built tiles of every layer, one byte budget for the process.
TILE_CACHE = BoundedCache(128 * 2**20)
#: Class values registered by pages, by (version, layer, values key): bounded by bytes.
VALUES = BoundedCache(64 * 2**20)
#: Tile engines kept at once (each holds an index of its layer: ~140 MB for a million parcels).
MAX_ENGINES = 4

VERSION_RE = re.compile(r"^[dp][0-9a-f]{16}$")
KEY_RE = re.compile(r"^[0-9a-f]{16}$")

_lock = threading.Lock()
_engines: OrderedDict[tuple[str, str], VectorTiles] = OrderedDict()


def is_large(gdf: gpd.GeoDataFrame) -> bool:
    """Whether a layer is drawn from vector tiles rather than sent whole."""
    return len(gdf) > TILE_THRESHOLD


def engine(version: str, layer: str, gdf: gpd.GeoDataFrame) -> VectorTiles:
    """The tile engine of one layer of a data set (built once; the least recently used go beyond
    :data:`MAX_ENGINES`)."""
    key = (version, layer)
    with _lock:
        found = _engines.get(key)
        if found is not None:
            _engines.move_to_end(key)
            return found
    built = VectorTiles(gdf.to_crs("EPSG:4326"), id_field="id", version=key, cache=TILE_CACHE)
    with _lock:
        _engines[key] = built
        while len(_engines) > MAX_ENGINES:
            _engines.popitem(last=False)
    return built


def _release(fragments: frozenset[str]) -> None:
    with _lock:
        for key in [k for k in _engines if any(f in k[0] for f in fragments)]:
            del _engines[key]
    TILE_CACHE.clear()  # built tiles are cheap to build again; the session's are among them


on_release(_release)


def lookup(version: str, layer: str) -> VectorTiles | None:
    """The engine a page registered for this layer, if it is still kept."""
    with _lock:
        return _engines.get((version, layer))


def register_values(version: str, layer: str, eng: VectorTiles, classes: np.ndarray) -> str:
    """Keep a class array (one uint8 per feature, layer order) for the values route; returns its key."""
    codes = np.ascontiguousarray(classes, dtype=np.uint8)
    key = hashlib.sha1(codes.tobytes()).hexdigest()[:16]
    VALUES.get((version, layer, key), lambda: codes)
    return key


def lookup_values(version: str, layer: str, key: str) -> np.ndarray | None:
    """A class array registered by :func:`register_values`, if still kept."""
    return VALUES.peek((version, layer, key))


def tile_style(style: Mapping) -> dict:
    """A registry (Leaflet) style as the tile renderer draws it."""
    fill = style.get("fillColor", style.get("color", "#a0aec0")) if style.get("fill", True) else None
    return {
        "fill": fill or "#a0aec0",
        "fillOpacity": float(style.get("fillOpacity", 0.5)) if fill else 0.0,
        "stroke": style.get("color"),
        "weight": float(style.get("weight", 1.0)) * 0.6,
    }


def tiled_ref(
    version: str,
    layer: str,
    eng: VectorTiles,
    spec: LayerSpec,
    *,
    name: str,
    datum: str,
    classes: pd.Series | None = None,
    order: Sequence[str] = (),
    show: bool = True,
) -> dict:
    """One tiled layer of a map spec: URL templates, the current values version, and styles by class code.

    ``classes`` maps feature id -> category of ``spec`` (e.g. a score class); ``order`` lists the categories
    from least to most important (a density cell shows the most important of its features).
    """
    from planner.urls import tile_urls

    styles = {0: tile_style(spec.style)}
    order = list(order) or [c.value for c in spec.categories]
    for k, value in enumerate(order, start=1):
        styles[k] = tile_style(spec.style_for(value))
    values_version = None
    if classes is not None:
        labels = classes.reindex(pd.Index(eng._ids)).to_numpy()  # layer order
        values_version = register_values(version, layer, eng, class_codes(labels, order))
    tile_url, values_url = tile_urls(version, layer, datum=datum)
    return {
        "id": layer,
        "name": name,
        "show": show,
        "tiled": {
            "tile_url": tile_url,
            "values_url": values_url,
            "values_version": values_version,
            "styles": {str(k): v for k, v in styles.items()},
        },
    }


def feature_at(version: str, layer: str, *, lat: float, lng: float, zoom: float, datum: str = "wgs84") -> str | None:
    """The id of the feature of a tiled layer under a click, or None (nothing there, or layer not kept)."""
    eng = lookup(version, layer)
    if eng is None:
        return None
    return eng.feature_at(lng, lat, zoom=zoom, datum=datum)


def focus(eng: VectorTiles, feature_id: str, gdf: gpd.GeoDataFrame) -> dict | None:
    """A map focus on one feature: its bounds, and a zoom where it is drawn as its own outline."""
    index = eng.index_of(feature_id)
    if index is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in gdf.geometry.iloc[index].bounds)
    zoom = max(eng.polygon_zoom(index) or 17, 17)
    return {"token": f"{feature_id}", "bounds": [[y0, x0], [y1, x1]], "max_zoom": zoom, "min_zoom": zoom}
