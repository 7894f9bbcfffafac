"""planner/import_session.py directly: the upload kept by content, previews of small files written here (GeoJSON,
zipped Shapefile), the datum check of GCJ-02-shifted data, the plan of replace / append / merge."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.crs import wgs84_to_gcj02
from gis.errors import SchemaError
from planner import import_session as imp
from tests.conftest import PUTUO_X, PUTUO_Y, metric_square


def _geojson(gdf: gpd.GeoDataFrame, path) -> bytes:
    gdf.to_file(path, driver="GeoJSON")
    return path.read_bytes()


def _stations(ds, *, gcj02: bool) -> gpd.GeoDataFrame:
    """The real stations named in a 名称 column, shifted to GCJ-02 as an AMap export would be (or not)."""
    st = ds.park.stations
    x, y = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    if gcj02:
        x, y = wgs84_to_gcj02(x, y)
    return gpd.GeoDataFrame(
        {"名称": st["name_zh"].astype(str).to_numpy()}, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326"
    )


def test_upload_is_kept_by_name_and_content():
    """Results cached by the digest never show one user's file name to another uploading the same bytes."""
    a = imp.Upload.of("地块.geojson", b'{"type": "FeatureCollection"}')
    b = imp.Upload.of("other name.json", bytearray(b'{"type": "FeatureCollection"}'))
    assert a.digest != b.digest and len(a.digest) == 16 and isinstance(b.data, bytes)
    assert imp.Upload.of("地块.geojson", b'{"type": "FeatureCollection"}').digest == a.digest
    assert imp.Upload.of("x.geojson", b"{}").digest != a.digest
    assert not a.is_table and imp.Upload.of("表.XLSX", b"").is_table and imp.Upload.of("t.csv", b"").is_table
    long = imp.Upload.of("n" * 500 + ".geojson", b"").name
    assert len(long) <= 120 and long.endswith(".geojson")


def test_crs_choice():
    assert imp.crs_choice("auto", "", file="f") is None
    assert imp.crs_choice("GCJ-02", "", file="f") == "GCJ-02"
    assert imp.crs_choice("custom", "   ", file="f") is None
    assert imp.crs_choice("custom", "4549", file="f") == "EPSG:4549"


def test_label_column_picks_a_name_like_text_column_and_ignores_empty_ones():
    geom = [shapely.Point(121.4, 31.25)] * 2
    layer = gpd.GeoDataFrame(
        {"id": ["a", "b"], "名称": ["", None], "note": ["x", "y"], "dkmc": ["地块一", ""], "area": [1.0, 2.0]},
        geometry=geom,
        crs="EPSG:4326",
    )
    assert imp.label_column(layer) == "dkmc"  # 名称 is empty; a name-like column before other text
    assert imp.label_column(layer.drop(columns="dkmc")) == "note"  # no name: any text with some text
    assert imp.label_column(layer[["id", "area", "geometry"]]) is None  # numbers and ids are no labels
    strings = layer.astype({"note": "string"}).drop(columns=["dkmc", "名称"])
    assert imp.label_column(strings.assign(Parcel_Name=pd.array(["P", None], dtype="string"))) == "Parcel_Name"


def test_preview_of_a_geojson_written_here_and_its_map(ds, tmp_path, squares_4549):
    parcels = squares_4549.to_crs("EPSG:4326").drop(columns=["name_zh", "name_en"])
    parcels["地块名称"] = ["一号", "", "三号"]
    before = parcels.copy()
    up = imp.Upload.of("parcels.geojson", _geojson(parcels, tmp_path / "p.geojson"))
    pv = imp.preview(ds, up, kind="parcels", crs=None)
    assert imp.preview(ds, up, kind="parcels", crs=None) is pv  # cached by file and options
    assert pv.digest == up.digest and pv.crs_choice is None
    assert pv.result.source_crs == "EPSG:4326" and pv.result.crs_how == "file"
    assert len(pv.result.gdf) == 3 and pv.result.gdf.crs.to_epsg() == 4326
    area = pv.result.gdf.to_crs("EPSG:4549").area.to_numpy()
    assert area == pytest.approx([1e6, 250_000, 10_000], rel=1e-6)
    # lon/lat polygons: checked against the roads (made-up squares, so no verdict is asserted here)
    assert pv.datum is not None and pv.datum.kind == "polygons" and pv.datum.method == "roads"
    spec = imp.preview_map(ds, pv, kind="parcels", lang="en")
    layer = spec["layers"][-1]
    assert layer["id"] == "import_preview" and spec["map_key"] == "import"
    names = layer["doc"]["s"]
    # labelled from the 地块名称 column (not the cluster's text), its number where empty
    assert {"一号", "#2", "三号"} <= set(names) and "north" not in names
    # the layer as declared and as the two shifted readings: 3 features each
    assert len(layer["doc"]["f"]) == 9
    assert parcels.equals(before) and pv.result.gdf.columns.tolist()[-1] == "geometry"


def test_preview_of_a_zipped_shapefile_in_cgcs2000_gk(ds, tmp_path, squares_4549):
    folder = tmp_path / "shp"
    folder.mkdir()
    squares_4549.to_file(folder / "地块.shp", encoding="UTF-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)
    up = imp.Upload.of("地块.zip", buf.getvalue())
    pv = imp.preview(ds, up, kind="parcels", crs=None)
    assert pv.result.source_crs == "EPSG:4549" and pv.datum is None  # projected: no datum question
    back = pv.result.gdf.to_crs("EPSG:4549")
    assert back.area.to_numpy() == pytest.approx([1e6, 250_000, 10_000], rel=1e-6)
    assert back.total_bounds == pytest.approx(squares_4549.total_bounds, abs=0.01)
    assert pv.result.gdf["name_zh"].tolist() == ["甲", "乙", "丙"]


def test_datum_check_recognises_gcj02_shifted_points(ds, tmp_path):
    shifted = imp.Upload.of("amap.geojson", _geojson(_stations(ds, gcj02=True), tmp_path / "g.geojson"))
    pv = imp.preview(ds, shifted, kind="buildings", crs=None)
    fit = pv.datum
    assert fit is not None and fit.kind == "points" and fit.method == "station_names"
    assert fit.recommendation == "gcj02" and fit.shifted and fit.name_column == "名称"
    assert fit.fit_m["gcj02"] < 1.0 and 400 < fit.fit_m["wgs84"] < 600  # about 490 m off in Putuo
    assert "GCJ-02" in fit.message.text("en") and "GCJ-02" in fit.message.text("zh")
    # corrected, the points lie on the stations again
    fixed = fit.corrected(pv.result.gdf)
    d = shapely.distance(
        fixed.to_crs("EPSG:4549").geometry.to_numpy(), ds.park.stations.to_crs("EPSG:4549").geometry.to_numpy()
    )
    assert np.max(d) < 1.0
    # the map offers the two shifted readings as layers to switch on
    spec = imp.preview_map(ds, pv, kind="buildings", lang="zh")
    ids = [ref["id"] for ref in spec["layers"]]
    assert ids[-3:] == ["import_preview", "import_gcj02", "import_bd09"]
    assert [ref["show"] for ref in spec["layers"][-2:]] == [False, False]
    # read as GCJ-02 on purpose: shifted back while reading, nothing left to check
    as_gcj = imp.preview(ds, shifted, kind="buildings", crs="GCJ-02")
    assert as_gcj.datum is None
    d = shapely.distance(
        as_gcj.result.gdf.to_crs("EPSG:4549").geometry.to_numpy(),
        ds.park.stations.to_crs("EPSG:4549").geometry.to_numpy(),
    )
    assert np.max(d) < 1.0
    # the real WGS84 stations: no warning
    plain = imp.Upload.of("osm.geojson", _geojson(_stations(ds, gcj02=False), tmp_path / "w.geojson"))
    ok = imp.preview(ds, plain, kind="buildings", crs=None).datum
    assert ok.recommendation == "wgs84" and not ok.shifted and ok.message is None


@pytest.fixture
def parcel_upload(ds, tmp_path):
    """P001 as it is but renamed, and a new parcel NEW1 (a 300 m square in Putuo)."""
    p001 = ds.park.parcels[ds.park.parcels["id"] == "P001"]
    new = gpd.GeoDataFrame(
        {"id": ["NEW1"], "dkmc": ["新地块"]}, geometry=[metric_square(PUTUO_X, PUTUO_Y, 300)], crs="EPSG:4549"
    ).to_crs("EPSG:4326")
    frame = pd.concat(
        [
            gpd.GeoDataFrame(
                {"id": ["P001"], "dkmc": ["改名的地块"]}, geometry=p001.geometry.to_numpy(), crs="EPSG:4326"
            ),
            new,
        ],
        ignore_index=True,
    )
    up = imp.Upload.of("parcels.geojson", _geojson(gpd.GeoDataFrame(frame, crs="EPSG:4326"), tmp_path / "u.geojson"))
    return up, imp.preview(ds, up, kind="parcels", crs=None)


def test_mapping_defaults_guess_and_remember(parcel_upload):
    _, pv = parcel_upload
    cols = [c for c in pv.result.gdf.columns if c != "geometry"]
    assert imp.mapping_defaults(cols, "parcels", None) == {
        "id": "id",
        "name_zh": None,
        "current_use": None,
        "intended_use": None,
        "plot_ratio": None,
    }
    remembered = imp.mapping_defaults(cols, "parcels", {"name_zh": "dkmc"})
    assert remembered["name_zh"] == "dkmc" and remembered["id"] == "id"
    assert imp.signature(cols, "parcels") != imp.signature(cols, "buildings")


def test_plan_replace_says_what_it_removes(ds, parcel_upload):
    up, pv = parcel_upload
    before = ds.park.parcels.copy()
    mapping = {"id": "id", "name_zh": "dkmc"}
    p = imp.plan(ds, up, pv, kind="parcels", mapping=mapping, mode="replace")
    c = p.combined
    assert c.mode == "replace" and c.added == ("NEW1",) and c.changed == ("P001",)
    assert len(c.removed) == 70 and "P001" not in c.removed and c.removed[0] == "P002"
    assert c.kept == () and c.needs_confirmation and len(c.layer) == 2
    assert c.area_before_km2 > c.area_after_km2 > 0
    assert p.problems == ()  # parcels: no park invariants to check
    assert list(p.mapped["id"]) == ["P001", "NEW1"] and list(p.mapped["name_zh"]) == ["改名的地块", "新地块"]
    assert ds.park.parcels.equals(before)  # nothing applied


def test_plan_merge_and_append(ds, parcel_upload):
    up, pv = parcel_upload
    mapping = {"id": "id", "name_zh": "dkmc"}
    merged = imp.plan(ds, up, pv, kind="parcels", mapping=mapping, mode="merge").combined
    assert merged.removed == () and merged.added == ("NEW1",) and merged.changed == ("P001",)
    assert len(merged.kept) == 70 and len(merged.layer) == 72
    assert merged.layer.set_index("id").loc["P001", "name_zh"] == "改名的地块"
    assert merged.layer["id"].tolist()[:2] == ["P001", "P002"] and merged.layer["id"].iloc[-1] == "NEW1"
    with pytest.raises(SchemaError) as err:  # append refuses an id the layer has
        imp.plan(ds, up, pv, kind="parcels", mapping=mapping, mode="append")
    assert "P001" in err.value.text("en") and "P001" in err.value.text("zh")
    # without an id column every feature is new: append adds both, removes nothing
    appended = imp.plan(ds, up, pv, kind="parcels", mapping={"name_zh": "dkmc"}, mode="append").combined
    assert appended.added == ("I0001", "I0002") and appended.removed == () and len(appended.layer) == 73
    assert not appended.needs_confirmation
    with pytest.raises(SchemaError):  # a required field not mapped
        imp.plan(ds, up, pv, kind="parcels", mapping={"id": "id"}, mode="merge")


def test_plan_for_sub_parks_checks_the_park(ds, tmp_path):
    """Replacing the 14 sub-parks by one square far from the park breaks the park's invariants: listed."""
    one = gpd.GeoDataFrame(
        {"id": ["N01"], "名称": ["唯一子园"], "区块": ["北"]},
        geometry=[metric_square(PUTUO_X - 40_000, PUTUO_Y, 500)],
        crs="EPSG:4549",
    )
    up = imp.Upload.of("sub.geojson", _geojson(one.to_crs("EPSG:4326"), tmp_path / "s.geojson"))
    pv = imp.preview(ds, up, kind="subparks", crs=None)
    p = imp.plan(
        ds, up, pv, kind="subparks", mapping={"id": "id", "name_zh": "名称", "cluster": "区块"}, mode="replace"
    )
    assert len(p.combined.removed) == 13 and p.combined.changed == ("N01",)
    assert p.mapped["cluster"].tolist() == ["north"]
    assert p.problems and all(m.text("zh") and m.text("en") for m in p.problems)


def test_a_plan_is_never_one_of_another_preview(ds, parcel_upload):
    """Plans were cached under id(preview): a new preview (the file read with another CRS, say) made after the
    old one was freed could get its id, and with it the old preview's plan."""
    up, real = parcel_upload
    mapping = {"id": "id", "name_zh": "dkmc"}
    for i in range(40):
        size = 100.0 + 10 * i
        layer = gpd.GeoDataFrame(
            {"id": ["NEW1"], "dkmc": ["新"]}, geometry=[metric_square(PUTUO_X, PUTUO_Y, size)], crs="EPSG:4549"
        ).to_crs("EPSG:4326")
        pv = imp.Preview(result=replace(real.result, gdf=layer), datum=None, crs_choice=None, digest=up.digest)
        planned = imp.plan(ds, up, pv, kind="parcels", mapping=mapping, mode="merge")
        assert planned.mapped.to_crs("EPSG:4549").area.iloc[0] == pytest.approx(size * size, rel=1e-6), i
        del pv, planned


def test_coordinate_systems_are_named_as_officials_read_them():
    from planner.import_session import CRS_CHOICES, crs_name

    for lang in ("zh", "en"):
        for choice in (c for c in CRS_CHOICES if c not in ("auto", "custom")):
            name = crs_name(choice, lang)
            assert name != choice and (choice.removeprefix("EPSG:") in name or not choice.startswith("EPSG"))
    assert crs_name("EPSG:4549", "zh") == "CGCS2000 / 3度带 中央经线 120°E（EPSG:4549）"
    assert crs_name("SWAP", "zh") == "纬度/经度顺序颠倒" and "SWAP" not in crs_name("SWAP", "en")
    assert crs_name("EPSG:32651", "en") == "EPSG:32651"  # another system: its code as given
