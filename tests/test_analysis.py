"""Area tables, nearest stations and the sub-park summary against hand-built answers."""

import geopandas as gpd
import pytest
import shapely

from gis.analysis import cluster_area_table, nearest_features, subpark_area_table, subpark_summary
from gis.errors import UnknownFeatureError
from tests.conftest import PUTUO_X, PUTUO_Y


def test_subpark_area_table_known_squares(squares_4549):
    t = subpark_area_table(squares_4549)
    assert list(t.index) == [10, 20, 30]
    assert t["area_km2"].tolist() == pytest.approx([1.0, 0.25, 0.01])
    assert t["area_ha"].tolist() == pytest.approx([100, 25, 1])
    assert t["area_mu"].tolist() == pytest.approx([1500, 375, 15])
    assert (t["geodesic_area_km2"] < t["area_km2"]).all()


def test_subpark_area_table_same_from_any_crs(squares_4549):
    a = subpark_area_table(squares_4549)["area_m2"]
    b = subpark_area_table(squares_4549.to_crs("EPSG:4326"))["area_m2"]
    assert b.to_numpy() == pytest.approx(a.to_numpy(), rel=1e-7)


def test_cluster_area_table(squares_4549):
    t = cluster_area_table(squares_4549)
    assert t.loc["north", "area_km2"] == pytest.approx(1.25)
    assert t.loc["south", "area_km2"] == pytest.approx(0.01)
    assert t.loc["total", "area_km2"] == pytest.approx(1.26)
    assert t.loc["total", "n_subparks"] == 3
    assert t.loc[["north", "south"], "share"].sum() == pytest.approx(1.0)


def test_nearest_features_known_distances():
    pts = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "name_zh": ["甲", "乙", "丙"], "name_en": ["a", "b", "c"], "lines": ["1", "2", "3"]},
        geometry=[
            shapely.Point(PUTUO_X + 1500, PUTUO_Y + 500),
            shapely.Point(PUTUO_X + 500, PUTUO_Y + 500),
            shapely.Point(PUTUO_X - 300, PUTUO_Y + 500),
        ],
        crs="EPSG:4549",
    )
    square = shapely.box(PUTUO_X, PUTUO_Y, PUTUO_X + 1000, PUTUO_Y + 1000)
    out = nearest_features(square, pts.to_crs("EPSG:4326"), k=2)
    assert out["id"].tolist() == ["b", "c"]
    assert out["dist_m"].tolist() == pytest.approx([0.0, 300.0], abs=0.01)


def test_subpark_summary_of_changfeng(data):
    s = subpark_summary(data, "S01", n_stations=3)
    assert s["row"]["name_zh"] == "长风生态商务区"
    assert s["area"]["km2"] == pytest.approx(3.06, rel=0.01)
    assert s["area"]["mu"] == pytest.approx(s["area"]["m2"] / 666.6667, rel=1e-6)
    assert {"B14", "B16", "B18"} <= set(s["buildings"]["id"])
    assert len(s["stations"]) == 3 and s["stations"]["dist_m"].is_monotonic_increasing
    assert s["zones"]["belt"] > 0.3  # it lies along the creek
    assert all(0 <= v <= 1 for v in s["zones"].values())


def test_unknown_subpark_raises(data):
    with pytest.raises(UnknownFeatureError, match="No sub-park with id X99"):
        subpark_summary(data, "X99")
