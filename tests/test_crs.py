"""CRS policy: metric operations refuse degrees, areas/units are right, GCJ-02/BD-09 shifts are accurate."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gis import crs
from gis.errors import CRSError, PlannerError
from tests.conftest import PUTUO_X, PUTUO_Y, metric_square


def test_area_of_known_squares(squares_4549):
    a = crs.area_m2(squares_4549)
    assert list(a.index) == [10, 20, 30]
    assert a.to_numpy() == pytest.approx([1e6, 250_000, 10_000])


@pytest.mark.parametrize("fn", [crs.area_m2, crs.length_m])
def test_metric_operations_raise_on_degrees(squares_4549, fn):
    with pytest.raises(CRSError, match="geographic CRS"):
        fn(squares_4549.to_crs("EPSG:4326"))


def test_missing_crs_raises_with_fix():
    g = gpd.GeoSeries([shapely.Point(0, 0)])
    with pytest.raises(CRSError, match="declare the system"):
        crs.to_metric(g)
    assert issubclass(CRSError, ValueError) and issubclass(CRSError, PlannerError)


def test_geodesic_vs_planar_scale_factor_in_putuo(squares_4549):
    planar = crs.area_m2(squares_4549)
    geodesic = crs.geodesic_area_m2(squares_4549)
    ratio = (planar / geodesic).to_numpy()
    # GK CM 120E at 121.4 E: planar areas are about 0.044 % larger than on the ellipsoid.
    assert np.all((ratio > 1.0003) & (ratio < 1.0006))


def test_round_trip_keeps_area_and_does_not_mutate(squares_4549):
    before = squares_4549.copy()
    back = crs.to_metric(crs.to_storage(squares_4549))
    assert crs.area_m2(back).to_numpy() == pytest.approx(crs.area_m2(before).to_numpy(), rel=1e-9)
    assert squares_4549.crs == before.crs and squares_4549.geom_equals(before).all()


def test_area_units():
    u = crs.area_units(10_000.0)
    assert u["ha"] == pytest.approx(1.0) and u["km2"] == pytest.approx(0.01)
    assert u["mu"] == pytest.approx(15.0)  # 1 ha = 15 mu
    assert crs.area_units(crs.M2_PER_MU)["mu"] == pytest.approx(1.0)


# MetroFlow (MIT) WGS84 station points vs the same stations in AMap (GCJ-02), public facts.
STATIONS = {  # name: (MetroFlow wgs84 lon, lat), (AMap gcj02 lon, lat)
    "上海西站": ((121.396085821, 31.264540771), (121.400926, 31.262693)),
    "真如": ((121.402592639, 31.252631342), (121.407219, 31.250767)),
    "祁连山路": ((121.371234343, 31.273492779), (121.376035, 31.27165)),
    "曹杨路": ((121.413156251, 31.241192686), (121.417701, 31.239302)),
    "武宁路": ((121.425915093, 31.236185753), (121.430504, 31.234346)),
}


def _dist_m(lon1, lat1, lon2, lat2):
    g = crs._GEOD
    return g.inv(lon1, lat1, lon2, lat2)[2]


@pytest.mark.parametrize("name", list(STATIONS))
def test_wgs84_to_gcj02_matches_amap_stations(name):
    (wx, wy), (gx, gy) = STATIONS[name]
    assert 400 < _dist_m(wx, wy, gx, gy) < 600  # the raw offset is about 480 m in Putuo
    sx, sy = crs.wgs84_to_gcj02(np.array([wx]), np.array([wy]))
    assert _dist_m(sx[0], sy[0], gx, gy) < 30  # two independent sources agree to tens of metres


def test_inverse_shifts_are_accurate_to_millimetres():
    rng = np.random.default_rng(1)
    lon = rng.uniform(121.32, 121.46, 2000)
    lat = rng.uniform(31.21, 31.31, 2000)
    for fwd, inv in [
        (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84),
        (crs.wgs84_to_bd09, crs.bd09_to_wgs84),
        (crs.gcj02_to_bd09, crs.bd09_to_gcj02),
    ]:
        bx, by = inv(*fwd(lon, lat))
        err = _dist_m(lon, lat, bx, by)
        assert np.max(err) < 0.001


def test_bd09_offset_is_larger_than_gcj02():
    lon, lat = np.array([121.40]), np.array([31.25])
    gx, gy = crs.wgs84_to_gcj02(lon, lat)
    bx, by = crs.wgs84_to_bd09(lon, lat)
    assert 400 < _dist_m(lon[0], lat[0], gx[0], gy[0]) < 600
    assert _dist_m(gx[0], gy[0], bx[0], by[0]) > 900  # BD-09 adds roughly another 1 km


def test_shift_geometries_keeps_index_and_input(squares_4549):
    wgs = squares_4549.to_crs("EPSG:4326")
    before = wgs.copy()
    shifted = crs.shift_geometries(wgs, source="wgs84", target="gcj02")
    assert list(shifted.index) == [10, 20, 30] and shifted.crs == wgs.crs
    assert wgs.geom_equals(before).all()
    moved = crs.to_metric(shifted).hausdorff_distance(crs.to_metric(wgs))
    assert ((moved > 400) & (moved < 600)).all()
    back = crs.shift_geometries(shifted, source="gcj02", target="wgs84")
    assert (crs.to_metric(back).hausdorff_distance(crs.to_metric(wgs)) < 0.01).all()


def test_shift_rejects_projected_and_unknown_datum(squares_4549):
    with pytest.raises(CRSError, match="lon/lat"):
        crs.shift_geometries(squares_4549, source="wgs84", target="gcj02")
    with pytest.raises(CRSError, match="Unknown datum"):
        crs.shift_points(np.array([121.4]), np.array([31.2]), source="wgs84", target="utm")


def test_outside_china_is_not_shifted():
    x, y = crs.wgs84_to_gcj02(np.array([2.35]), np.array([48.85]))
    assert (x[0], y[0]) == (2.35, 48.85)


def test_metric_square_helper_is_in_putuo():
    g = gpd.GeoSeries([metric_square(PUTUO_X, PUTUO_Y, 10)], crs="EPSG:4549").to_crs("EPSG:4326")
    x, y = g.iloc[0].centroid.coords[0]
    assert 121.3 < x < 121.5 and 31.2 < y < 31.32


@pytest.mark.parametrize("source", ["EPSG:4326", "EPSG:4490"])
def test_cached_pipeline_reprojection_equals_proj_and_keeps_the_frame(squares_4549, source):
    import threading

    lonlat = squares_4549.to_crs(source)
    lonlat["name"] = ["a", "b"][: len(lonlat)] + ["x"] * (len(lonlat) - 2)
    mine = crs.to_metric(lonlat)
    proj = lonlat.to_crs("EPSG:4549")
    assert mine.crs == proj.crs and list(mine.columns) == list(proj.columns) and mine.index.equals(proj.index)
    assert max(shapely.hausdorff_distance(a, b) for a, b in zip(mine.geometry, proj.geometry)) < 1e-6  # metres
    assert lonlat.crs.srs == source  # input unchanged
    back = crs.to_storage(mine)
    assert (
        back.crs == "EPSG:4326"
        and max(shapely.hausdorff_distance(a, b) for a, b in zip(back.geometry, lonlat.geometry)) < 1e-9
    )
    series = crs.to_metric(lonlat.geometry)
    assert isinstance(series, gpd.GeoSeries) and series.crs == "EPSG:4549"
    # a script run's new thread gets the same answer (pyproj keeps one PROJ object per thread)
    other: list = []
    worker = threading.Thread(target=lambda: other.append(crs.to_metric(lonlat)))
    worker.start()
    worker.join()
    assert other[0].geometry.equals(mine.geometry)
    assert crs._pipeline.cache_info().currsize >= 1


def test_reprojection_outside_the_cached_pairs_and_with_z_goes_through_proj(squares_4549):
    z = gpd.GeoDataFrame(geometry=[shapely.Point(121.4, 31.25, 5.0)], crs="EPSG:4326")
    assert crs.to_metric(z).geometry.iloc[0].has_z  # 3-D kept (pyproj's own path)
    mercator = squares_4549.to_crs("EPSG:3857")
    assert (
        max(shapely.hausdorff_distance(a, b) for a, b in zip(crs.to_metric(mercator).geometry, squares_4549.geometry))
        < 1e-6
    )
