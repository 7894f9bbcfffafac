"""Datum check: a GCJ-02 or BD-09 layer declared as WGS84 is recognised against the OSM roads and stations."""

import io
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis.crs import shift_geometries, to_metric
from gis.datum_check import GOOD_FIT_M, RATIO, datum_fit
from gis.errors import CRSError


def _geojson_as_read(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Write a GeoJSON without a crs member and read it back as an importer does (taken as WGS84)."""
    features = [
        {
            "type": "Feature",
            "properties": {k: v for k, v in row.items() if k != "geometry"},
            "geometry": shapely.geometry.mapping(row["geometry"]),
        }
        for row in gdf.to_dict("records")
    ]
    raw = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")
    return gpd.read_file(io.BytesIO(raw))


@pytest.fixture
def amap_like_stations(data):
    """The real stations as an AMap export would give them: GCJ-02, names with 站, 20 m of noise, a third left out."""
    rng = np.random.default_rng(7)
    st = data.stations.iloc[::3][["name_zh", "geometry"]].rename(columns={"name_zh": "名称"})
    st["名称"] = st["名称"] + "站"
    noisy = to_metric(st).geometry.translate(*rng.normal(0, 20, 2))
    st = st.set_geometry(noisy.to_crs(4326).to_numpy())
    return shift_geometries(st, source="wgs84", target="gcj02")


def test_gcj02_stations_are_detected_and_corrected(data, amap_like_stations):
    layer = _geojson_as_read(amap_like_stations)
    assert layer.crs.to_epsg() == 4326  # accepted as WGS84 by the reader
    fit = datum_fit(layer, roads=data.roads, stations=data.stations)
    assert fit.kind == "points" and fit.method == "station_names" and fit.name_column == "名称"
    assert fit.matched == len(layer)
    assert fit.recommendation == "gcj02" and fit.shifted
    assert fit.fit_m["gcj02"] <= GOOD_FIT_M and fit.fit_m["wgs84"] >= RATIO * fit.fit_m["gcj02"]
    assert 400 < fit.fit_m["wgs84"] < 600  # the GCJ-02 offset in Putuo is about 490 m
    assert fit.message is not None and fit.message.code == "datum_suspected"
    assert "GCJ-02" in fit.message.text("en") and "高德" in fit.message.text("zh")
    back = to_metric(fit.corrected(layer)).geometry
    original = to_metric(shift_geometries(amap_like_stations, source="gcj02", target="wgs84")).geometry
    assert back.distance(original, align=False).max() < 0.01


def test_wgs84_stations_are_not_flagged(data):
    layer = _geojson_as_read(data.stations[["name_zh", "geometry"]])
    fit = datum_fit(layer, roads=data.roads, stations=data.stations)
    assert fit.recommendation == "wgs84" and not fit.shifted and fit.message is None
    assert fit.fit_m["wgs84"] < 1 and fit.corrected(layer).geometry.equals(layer.geometry)


def test_bd09_roads_are_detected_by_mean_distance(data):
    layer = shift_geometries(data.roads[["name_zh", "geometry"]], source="wgs84", target="bd09")
    fit = datum_fit(layer, roads=data.roads, stations=data.stations)
    assert fit.kind == "lines" and fit.method == "roads" and fit.recommendation == "bd09"
    assert fit.fit_m["bd09"] < 1 and fit.fit_m["wgs84"] > 200 and fit.matched > 1000


def test_gcj02_polygon_edges_along_roads_are_detected(data):
    fit = datum_fit(
        shift_geometries(data.district, source="wgs84", target="gcj02"), roads=data.roads, stations=data.stations
    )
    assert fit.kind == "polygons" and fit.recommendation == "gcj02"
    assert datum_fit(data.district, roads=data.roads, stations=data.stations).recommendation == "wgs84"


def test_unclear_layers_are_unknown_not_flagged(data):
    for layer in (data.parcels, data.subparks):  # fictional or schematic outlines do not follow the roads
        fit = datum_fit(layer, roads=data.roads, stations=data.stations)
        assert fit.recommendation == "unknown" and fit.message is None and fit.note is not None


def test_far_from_any_road_is_unknown(data):
    far_points = data.stations[["name_zh", "geometry"]].set_geometry(data.stations.geometry.translate(0.5, 0.3))
    fit = datum_fit(far_points, roads=data.roads, stations=data.stations)
    assert fit.recommendation == "unknown" and fit.note.code == "datum_note_far"
    far_lines = data.roads.set_geometry(data.roads.geometry.translate(0.5, 0.3))
    fit = datum_fit(far_lines, roads=data.roads, stations=data.stations)
    assert fit.recommendation == "unknown" and fit.note.code == "datum_note_off_roads"


def test_points_without_station_names_are_unknown(data):
    fit = datum_fit(data.buildings, roads=data.roads, stations=data.stations)
    assert fit.recommendation == "unknown" and fit.note.code == "datum_note_no_names"
    assert "metro station" in fit.note.text("en") and "地铁站" in fit.note.text("zh")


def test_projected_layer_is_refused(data):
    with pytest.raises(CRSError):
        datum_fit(to_metric(data.stations), roads=data.roads, stations=data.stations)
