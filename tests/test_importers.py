"""The importer: a corpus of bad files, each refused with the exact error class and a message naming the
problem; round trips per format x CRS with a point whose coordinates are known in every system."""

import io
import json
import re
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from gis import errors as err
from gis.crs import to_metric, to_storage, wgs84_to_bd09, wgs84_to_gcj02
from ingest.combine import diff_layers
from ingest.crs_guess import guess_crs
from ingest.mapping import _text, _texts, apply_mapping, file_signature, guess_mapping
from ingest.model import ImportResult, Limits
from ingest.readers import _arrow_read, read_upload
from tests import corpus
from text.messages import Message

CASES = corpus.cases()


def test_corpus_has_at_least_60_bad_files():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)  # the names are the tests' ids


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_refused_with_its_reason(case):
    with pytest.raises(err.ImportRefusedError) as info:
        read_upload(case.name, case.data, **case.kwargs)
    text = str(info.value)
    assert type(info.value) is case.error, f"{case.name}: {type(info.value).__name__}: {text}"
    assert case.fragment in text, f"{case.name}: {text}"
    if "crs" not in case.kwargs:  # a CRS typed by the user is refused before the file is looked at
        assert case.name in text, text
    zh = info.value.text("zh")
    assert zh != text and "{" not in zh and "{" not in text  # translated, every placeholder filled
    leaks = (
        r"/tmp",
        r"/opt/",
        r"vcpkg",
        r"np\.int64",
        r"\bupload\.|'upload'|layer upload\b",
        r"\blayer\d\b",
        r"Traceback",
        r"\d{16}",
    )
    for bad in leaks:
        assert not re.search(bad, text) and not re.search(bad, zh), f"{case.name}: {bad!r} in {text}"


# 上海西站: WGS84 from MetroFlow (MIT); GCJ-02 from AMap; EPSG:4549 from pyproj, BD-09 from the shift
WGS = (121.396085821, 31.264540771)
AMAP_GCJ = (121.400926, 31.262693)


def _dist_m(a, b):
    return pyproj.Geod(ellps="GRS80").inv(a[0], a[1], b[0], b[1])[2]


def _square_around(x, y, half):
    return shapely.box(x - half, y - half, x + half, y + half)


def _zip_folder(folder, *, skip=()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in folder.iterdir():
            if f.suffix not in skip:
                zf.write(f, f.name)
    return buf.getvalue()


@pytest.mark.parametrize(
    "system,fmt",
    [
        (s, f)
        for s in ("wgs84", "cgcs2000", "gk120", "gcj02", "bd09")
        for f in ("geojson", "gpkg", "shp", "csv", "kml")
        if not (f == "kml" and s == "gk120")
    ],
)  # KML is lon/lat by definition
def test_known_point_lands_in_place(system, fmt, tmp_path):
    x, y = WGS
    crs_arg, file_crs = None, "EPSG:4326"
    if system == "cgcs2000":
        file_crs = "EPSG:4490"
    elif system == "gk120":
        x, y = pyproj.Transformer.from_crs(4326, 4549, always_xy=True).transform(x, y)
        file_crs = "EPSG:4549"
    elif system == "gcj02":
        gx, gy = wgs84_to_gcj02(np.array([x]), np.array([y]))
        x, y, crs_arg = gx[0], gy[0], "GCJ-02"
    elif system == "bd09":
        bx, by = wgs84_to_bd09(np.array([x]), np.array([y]))
        x, y, crs_arg = bx[0], by[0], "BD-09"
    half = 50 if file_crs == "EPSG:4549" else 0.0005
    gdf = gpd.GeoDataFrame({"name": ["上海西站"]}, geometry=[_square_around(x, y, half)], crs=file_crs)
    if fmt == "csv":
        data = pd.DataFrame({"name": ["上海西站"], "wkt": [gdf.geometry.iloc[0].wkt]}).to_csv(index=False).encode()
        crs_arg = crs_arg or file_crs
    elif fmt == "shp":
        (tmp_path / "s").mkdir()
        gdf.to_file(tmp_path / "s" / "p.shp", engine="pyogrio", encoding="GBK")
        data = _zip_folder(tmp_path / "s")
    else:
        path = tmp_path / f"p.{fmt}"
        gdf.to_crs("EPSG:4326" if fmt == "kml" else file_crs).to_file(
            path, engine="pyogrio", driver="KML" if fmt == "kml" else None
        )
        data = path.read_bytes()
    result = read_upload(f"p.{'zip' if fmt == 'shp' else fmt}", data, crs=crs_arg)
    c = result.gdf.geometry.iloc[0].centroid
    assert _dist_m((c.x, c.y), WGS) < 0.5, (system, fmt, result.source_crs)
    assert result.gdf.crs.to_epsg() == 4326
    name_col = "Name" if fmt == "kml" else "name"
    assert result.gdf[name_col].iloc[0] == "上海西站"  # Chinese intact (GBK shapefile included)
    assert result.layer == "p" or fmt == "kml"  # the user's name for the layer, never an internal one


def test_gcj02_shift_agrees_with_amap_point():
    result = read_upload(
        "p.csv", f"name,lon,lat\n上海西站,{AMAP_GCJ[0]},{AMAP_GCJ[1]}\n".encode(), crs="gcj02", expect="point"
    )
    p = result.gdf.geometry.iloc[0]
    assert result.source_crs == "GCJ-02" and result.crs_how == "chosen"
    assert _dist_m((p.x, p.y), WGS) < 30  # AMap vs MetroFlow: two sources, tens of metres
    assert _dist_m(AMAP_GCJ, WGS) > 400


def test_gbk_shapefile_without_cpg_is_detected(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["长风生态商务区"]}, geometry=[_square_around(*WGS, 0.001)], crs="EPSG:4326")
    (tmp_path / "s").mkdir()
    gdf.to_file(tmp_path / "s" / "p.shp", engine="pyogrio", encoding="GBK")
    result = read_upload("p.zip", _zip_folder(tmp_path / "s", skip={".cpg"}))
    assert result.encoding == "GB18030" and result.gdf["名称"].iloc[0] == "长风生态商务区"
    assert all(isinstance(n, Message) for n in result.notes)
    # GDAL writes the GBK language driver id into the .dbf: the reader trusts it without a note
    assert result.gdf.columns.tolist()[0] == "名称"


def test_utf8_dbf_without_cpg_or_ldid_is_decoded_and_noted(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["长风生态商务区"]}, geometry=[_square_around(*WGS, 0.001)], crs="EPSG:4326")
    (tmp_path / "s").mkdir()
    gdf.to_file(tmp_path / "s" / "p.shp", engine="pyogrio", encoding="UTF-8")
    dbf = tmp_path / "s" / "p.dbf"
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0  # no language driver id either
    dbf.write_bytes(bytes(raw))
    result = read_upload("p.zip", _zip_folder(tmp_path / "s", skip={".cpg"}))
    assert result.gdf["name"].iloc[0] == "长风生态商务区"
    assert [n.code for n in result.notes] == ["imp_note_no_cpg"] and "decoded as UTF-8" in result.notes[0].text("en")


def test_cpg_saying_utf8_over_gbk_text_is_corrected(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["长风生态商务区"]}, geometry=[_square_around(*WGS, 0.001)], crs="EPSG:4326")
    (tmp_path / "s").mkdir()
    gdf.to_file(tmp_path / "s" / "p.shp", engine="pyogrio", encoding="GBK")
    (tmp_path / "s" / "p.cpg").write_text("UTF-8")
    result = read_upload("p.zip", _zip_folder(tmp_path / "s"))
    assert result.gdf["name"].iloc[0] == "长风生态商务区" and result.notes[0].code == "imp_note_cpg_wrong"


def test_field_name_cut_mid_character_is_named_and_repaired(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"规划用途说明": ["研发"], "名称": ["甲"]}, geometry=[_square_around(*WGS, 0.001)], crs="EPSG:4326"
    )
    (tmp_path / "s").mkdir()
    with pytest.warns(RuntimeWarning):  # GDAL cuts the name at 10 bytes, in the middle of 途
        gdf.to_file(tmp_path / "s" / "p.shp", engine="pyogrio", encoding="UTF-8")
    result = read_upload("p.zip", _zip_folder(tmp_path / "s"))
    assert result.gdf["规划用"].tolist() == ["研发"] and result.gdf["名称"].tolist() == ["甲"]
    note = next(n for n in result.notes if n.code == "imp_note_field_cut")
    assert "repaired as 规划用" in note.text("en") and "已修复为 规划用" in note.text("zh")


def test_crs_guessing_and_swap_and_zone_prefix():
    x, y = pyproj.Transformer.from_crs(4326, 4528, always_xy=True).transform(*WGS)
    assert guess_crs(np.array([x]), np.array([y]))[0][0] == "EPSG:4528"
    assert guess_crs(np.array([WGS[1]]), np.array([WGS[0]]))[0][0] == "SWAP"
    assert guess_crs(np.array([WGS[0]]), np.array([WGS[1]]))[0][0] == "EPSG:4326"
    assert guess_crs(np.array([5.0]), np.array([5.0])) == []
    # a file without CRS in GK CM 120E metres is guessed and lands right
    gx, gy = pyproj.Transformer.from_crs(4326, 4549, always_xy=True).transform(*WGS)
    r = read_upload("p.csv", f"name,x,y\n站,{gx},{gy}\n".encode(), expect="point")
    assert r.crs_how == "guessed" and r.source_crs == "EPSG:4549" and r.needs_confirmation
    assert "CGCS2000 / 3-degree GK CM 120E" in r.crs_candidates[0][1].text("en")
    assert "中央经线120°E" in r.crs_candidates[0][1].text("zh")
    assert _dist_m((r.gdf.geometry.iloc[0].x, r.gdf.geometry.iloc[0].y), WGS) < 0.01
    swapped = read_upload("p.csv", f"name,x,y\n站,{WGS[1]},{WGS[0]}\n".encode(), expect="point")
    p = swapped.gdf.geometry.iloc[0]
    assert swapped.source_crs == "SWAP" and _dist_m((p.x, p.y), WGS) < 0.01


def test_repairs_are_reported_and_3d_dropped():
    bowtie = shapely.Polygon([(121.39, 31.25, 5), (121.40, 31.26, 5), (121.40, 31.25, 5), (121.39, 31.26, 5)])
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "<script>alert(1)</script>"},
                    "geometry": shapely.geometry.mapping(bowtie),
                }
            ],
        }
    ).encode()
    r = read_upload("bowtie.geojson", data)
    assert r.gdf.geometry.is_valid.all() and not r.gdf.geometry.has_z.any()
    assert {n.code for n in r.notes} == {"imp_note_repaired", "imp_note_3d"}
    assert "numbers 1" in next(n for n in r.notes if n.code == "imp_note_repaired").text("en")
    assert r.gdf["name"].iloc[0] == "<script>alert(1)</script>"  # kept as text; escaped wherever shown
    assert r.layer == "bowtie" and r.layers == ["bowtie"]


def test_mapping_ids_and_diff(data):
    src = data.subparks.rename(columns={"id": "编号", "name_zh": "名称", "cluster": "区块"})
    src["区块"] = src["区块"].map({"north": "北", "south": "南"})
    result = ImportResult(gdf=src, source_crs="EPSG:4326", crs_how="file", encoding="UTF-8", layer="x", layers=["x"])
    mapping = guess_mapping(list(src.columns), "subparks")
    assert mapping["id"] == "编号" and mapping["name_zh"] == "名称" and mapping["cluster"] == "区块"
    mapped = apply_mapping(result, mapping, layer_kind="subparks", source_note="bureau 2026")
    assert set(mapped["cluster"]) == {"north", "south"} and (mapped["source"] == "bureau 2026").all()
    moved = mapped.copy()
    moved.loc[0, "geometry"] = shapely.affinity.translate(moved.geometry.iloc[0], 0.001)
    moved = moved.iloc[:-1]
    d = diff_layers(data.subparks, moved)
    assert d["removed"] == [data.subparks["id"].iloc[-1]] and d["changed"] == [data.subparks["id"].iloc[0]]
    assert d["area_after_km2"] < d["area_before_km2"]
    dup = src.copy()
    dup["编号"] = "S01"
    with pytest.raises(err.SchemaError, match="Duplicate ids"):
        apply_mapping(
            ImportResult(gdf=dup, source_crs="", crs_how="file", encoding="", layer="", layers=[]),
            mapping,
            layer_kind="subparks",
            source_note="x",
        )
    with pytest.raises(err.SchemaError, match="Map the column.s. for Cluster"):
        apply_mapping(result, {**mapping, "cluster": None}, layer_kind="subparks", source_note="x")
    assert file_signature(["b", "a"], "subparks") == file_signature(["a", "b"], "subparks")


def test_numeric_ids_keep_their_text_and_leading_zeros():
    r = read_upload("p.csv", "编号,名称,经度,纬度\n0012,甲,121.39,31.25\n13,乙,121.40,31.26\n".encode(), expect="point")
    assert r.gdf["编号"].tolist() == ["0012", "13"]  # an id column with a leading zero stays text
    mapped = apply_mapping(r, {"id": "编号", "name_zh": "名称"}, layer_kind="buildings", source_note="t")
    assert mapped["id"].tolist() == ["0012", "13"]


def test_encoding_is_shown_as_the_cpg_names_it(tmp_path):
    gdf = gpd.GeoDataFrame({"名称": ["长风生态商务区"]}, geometry=[_square_around(*WGS, 0.001)], crs="EPSG:4326")
    (tmp_path / "s").mkdir()
    gdf.to_file(tmp_path / "s" / "p.shp", engine="pyogrio", encoding="GBK")
    result = read_upload("p.zip", _zip_folder(tmp_path / "s"))
    assert result.encoding == "GBK" and result.gdf["名称"].iloc[0] == "长风生态商务区"


def test_geopackage_read_through_arrow_gives_the_feature_by_feature_values(tmp_path):
    n = 4
    frame = gpd.GeoDataFrame(
        {
            "b_part": pd.array([True, None, False, True], dtype="boolean"),
            "b_full": [True, False, True, True],
            "b_null": pd.array([None] * n, dtype="boolean"),
            "i_part": pd.array([1, None, 2, 3], dtype="Int32"),
            "i_null": pd.array([None] * n, dtype="Int64"),
            "f_null": [np.nan] * n,
            "d_part": pd.Series([pd.Timestamp("2020-01-01"), pd.NaT] * 2, dtype="datetime64[ms]"),
            "d_null": pd.Series([pd.NaT] * n, dtype="datetime64[ms]"),
            "t_null": pd.Series([None] * n, dtype=object),
            "t_part": ["a", None, "", " b "],
            "t_empty": [""] * n,
        },
        geometry=[shapely.box(i, i, i + 1, i + 1) for i in range(n)],
        crs="EPSG:4549",
    )
    path = str(tmp_path / "x.gpkg")
    frame.to_file(path, engine="pyogrio")
    by_arrow = _arrow_read(path, None, Limits(), pyogrio.read_info(path))
    pd.testing.assert_frame_equal(by_arrow, gpd.read_file(path, engine="pyogrio"), check_exact=True)


def _gpkg_with(tmp_path, sql: str, params: tuple = ()) -> bytes:
    import sqlite3

    path = tmp_path / "p.gpkg"
    gdf = gpd.GeoDataFrame(
        {"名称": ["甲", "乙"], "when": pd.to_datetime(["2024-01-01 08:00", "2024-02-01 09:00"])},
        geometry=[_square_around(*WGS, 0.001), _square_around(WGS[0] + 0.01, WGS[1], 0.001)],
        crs="EPSG:4326",
    )
    gdf.to_file(path, engine="pyogrio", SPATIAL_INDEX="NO")
    with sqlite3.connect(path) as con:
        con.execute(sql, params)
    return path.read_bytes()


@pytest.mark.parametrize("blob", [b"", b"GP\x00", b"XX" + bytes(40)])
def test_geopackage_with_a_damaged_geometry_blob_is_refused_as_before(tmp_path, blob):
    data = _gpkg_with(tmp_path, "update p set geom=? where fid=2", (blob,))
    with pytest.raises(err.ReadError, match="cannot be read"):
        read_upload("p.gpkg", data)


def test_geopackage_datetime_that_is_not_a_date_reads_as_missing(tmp_path):
    r = read_upload("p.gpkg", _gpkg_with(tmp_path, "update p set \"when\"='soon' where fid=2"))
    assert str(r.gdf["when"].dtype).startswith("datetime64") and r.gdf["when"].isna().tolist() == [False, True]


def test_mapped_text_is_the_same_as_cell_by_cell():
    columns = {
        "str": pd.Series(["a", " b ", None, "", "\u3000全角\u3000", "\x85a\xa0", "\u200bz", "a\nb\r\n"], dtype="str"),
        "str_null": pd.Series([None] * 8, dtype="str"),
        "string_na": pd.Series(["a", None] * 4, dtype="string"),
        "object": pd.Series(["x", 1, 2.0, None, True, " y ", np.nan, 3.5], dtype=object),
        "float": pd.Series([1.0, 2.5, np.nan, -0.0, 1e20, 7.0, 0.1, np.inf]),
        "int": pd.Series(range(8)),
        "bool": pd.Series([True, False] * 4),
        "date": pd.Series(pd.to_datetime(["2020-01-01"] * 8)),
    }
    for name, values in columns.items():
        for part in (values, values.iloc[:0]):
            pd.testing.assert_series_equal(_texts(part), part.map(_text), check_exact=True, obj=name)


def test_area_of_a_layer_in_the_measuring_crs_is_measured_before_reprojection(tmp_path):
    rng = np.random.default_rng(5)
    x0, y0 = 632_000.0, 3_460_000.0  # EPSG:4549, in Putuo
    boxes = [
        shapely.box(x0 + dx, y0 + dy, x0 + dx + w, y0 + dy + h)
        for dx, dy, w, h in zip(
            rng.uniform(0, 3000, 50), rng.uniform(0, 3000, 50), rng.uniform(10, 90, 50), rng.uniform(10, 90, 50)
        )
    ]
    bowtie = shapely.Polygon([(x0, y0), (x0 + 50, y0 + 50), (x0 + 50, y0), (x0, y0 + 50)])
    gdf = gpd.GeoDataFrame(
        {"编号": [f"P{i}" for i in range(51)], "名称": ["地块"] * 51}, geometry=[*boxes, bowtie], crs="EPSG:4549"
    )
    gdf.to_file(tmp_path / "p.gpkg", engine="pyogrio")
    r = read_upload("p.gpkg", (tmp_path / "p.gpkg").read_bytes())
    assert r.metric_area_m2 is not None and "imp_note_repaired" in {n.code for n in r.notes}
    mapped = apply_mapping(r, guess_mapping(r.columns, "parcels"), layer_kind="parcels", source_note="t")
    round_trip = to_metric(r.gdf).area.round(1).to_numpy()  # what it was measured on before: the stored layer
    np.testing.assert_allclose(mapped["area_m2"].to_numpy(), round_trip, rtol=0, atol=0.1 + 1e-9)
    assert mapped["area_m2"].iloc[-1] == round_trip[-1] > 0  # the bow-tie measured as repaired
    lonlat = read_upload("p.geojson", to_storage(gdf).to_json().encode())
    assert lonlat.metric_area_m2 is None
