"""A guessed lon/lat coordinate system is settled by evidence: a CSV of Baidu (BD-09) or AMap (GCJ-02) station
coordinates without a CRS is guessed as what fits the stations and roads, with the fits as the reason, on the
import page's preview and in `python -m gis check --json` / `convert --accept-guess`."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from cli import files as cli_files
from gis.crs import shift_points
from planner import import_session as imp


def _station_csv(ds, datum: str) -> bytes:
    """The real stations as a 名称,经度,纬度 table in ``datum`` (no CRS anywhere), as a map site's export gives."""
    st = ds.park.stations
    lon, lat = st.geometry.x.to_numpy(), st.geometry.y.to_numpy()
    if datum != "wgs84":
        lon, lat = shift_points(lon, lat, source="wgs84", target=datum)
    rows = [f"{name}站,{x:.7f},{y:.7f}" for name, x, y in zip(st["name_zh"].astype(str), lon, lat)]
    return ("名称,经度,纬度\n" + "\n".join(rows) + "\n").encode("utf-8")


def _gap_m(layer: gpd.GeoDataFrame, ds) -> np.ndarray:
    """Distance (m, EPSG:4549) of each imported point from its station."""
    truth = ds.park.stations.to_crs("EPSG:4549").geometry.to_numpy()
    return shapely.distance(layer.to_crs("EPSG:4549").geometry.to_numpy(), truth)


@pytest.mark.parametrize(("datum", "code", "off_zh"), [("bd09", "BD-09", "公里"), ("gcj02", "GCJ-02", "米")])
def test_a_shifted_station_table_is_guessed_as_its_datum_with_the_evidence(ds, datum, code, off_zh):
    upload = imp.Upload.of("stations.csv", _station_csv(ds, datum))
    pv = imp.preview(ds, upload, kind="buildings", crs=None)
    result = pv.result
    assert result.needs_confirmation and result.source_crs == code
    assert result.crs_candidates[0][0] == code
    count = len(ds.park.stations)
    why = result.crs_candidates[0][1]
    assert why.text("zh").startswith(f"按 {code} 与 {count} 个同名地铁站相差 0 米；按 WGS84 相差 ")
    assert off_zh in why.text("zh").split("；")[1]
    assert f"read as {code}, {count} metro stations matched by name lie 0 m away; as WGS84, " in why.text("en")
    note = next(n for n in result.notes if n.code == "imp_note_crs_guessed_evidence")
    assert code in note.text("zh") and "同名地铁站" in note.text("zh")
    # confirming the guess imports the points where the stations are (they were 0.5–1.2 km off)
    assert np.max(_gap_m(result.gdf, ds)) < 1.0


def test_a_wgs84_station_table_keeps_the_wgs84_guess_with_its_evidence(ds):
    pv = imp.preview(ds, imp.Upload.of("osm.csv", _station_csv(ds, "wgs84")), kind="buildings", crs=None)
    assert pv.result.source_crs == "EPSG:4326" and pv.result.needs_confirmation
    assert pv.result.crs_candidates[0][1].text("zh").startswith("按 WGS84 与 ")
    assert np.max(_gap_m(pv.result.gdf, ds)) < 1.0


def test_points_without_station_names_keep_the_plain_guess_and_say_why(ds):
    lines = ["名称,经度,纬度", "甲,121.42,31.25", "乙,121.43,31.26", "丙,121.41,31.24"]
    pv = imp.preview(ds, imp.Upload.of("p.csv", "\n".join(lines).encode()), kind="buildings", crs=None)
    assert pv.result.source_crs == "EPSG:4326"
    codes = [n.code for n in pv.result.notes]
    assert "imp_note_crs_guessed" in codes and "datum_note_no_names" in codes


def test_gis_check_json_and_convert_accept_guess_use_the_evidence(ds, tmp_path, capsys):
    src = tmp_path / "baidu.csv"
    src.write_bytes(_station_csv(ds, "bd09"))
    assert cli_files.main(["check", str(src), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["source_crs"] == "BD-09" and doc["needs_confirmation"] is True
    assert "imp_note_crs_guessed_evidence" in doc["note_codes"]
    assert any("同名地铁站相差 0 米" in note for note in doc["notes"])
    out = tmp_path / "stations.geojson"
    assert cli_files.main(["convert", str(src), str(out), "--accept-guess"]) == 0
    capsys.readouterr()
    assert np.max(_gap_m(gpd.read_file(out), ds)) < 1.0
