"""planner/export_jobs.py directly: every format gives a non-empty file with a safe name, spreadsheets never
hold a formula, GBK shapefiles, print extents and frames, the report and the offline map."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import geopandas as gpd
import pytest
import shapely

from export.formats import FORMATS
from gis.crs import to_metric
from gis.errors import ExportError
from gis.scenario import Scenario
from planner import export_jobs as jobs
from planner import scenario_edit as se

SAFE_NAME = re.compile(r"^putuo_[A-Za-z0-9_\-]+\.(geojson|gpkg|shp\.zip|kml|dxf|csv|zip)$")
HOSTILE = ['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "普通名称"]


@pytest.fixture(scope="module")
def scenario():
    return Scenario(name="北扩方案", author="local:root", parcels=("P056", "P031"))


@pytest.fixture(scope="module")
def layers(ds, ev, scores, scenario):
    return jobs.layers_for_export(ds, ev, scores, scenario)


def test_layers_for_export_are_every_menu_layer_in_wgs84(ds, ev, scores, scenario, layers):
    assert list(layers) == list(jobs.EXPORT_LAYERS)
    assert all(gdf.crs.to_epsg() == 4326 for gdf in layers.values())
    assert len(layers["parcels"]) == len(layers["scored_parcels"]) == 71 and len(layers["subparks"]) == 14
    added = layers["scenario_current"]
    m = se.metrics(ds, ev, scores, scenario)
    assert added["name_zh"].tolist() == ["北扩方案"] and added["added"].iloc[0] == pytest.approx(m.added_km2, abs=1e-4)
    assert to_metric(added).area.iloc[0] / 1e6 == pytest.approx(m.added_km2, rel=1e-3)
    assert jobs.layer_label("scenario_current", "en") != "layer_scenario_current"
    assert jobs.layer_label("subparks", "zh") == "14个子园"


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_gives_a_non_empty_file_with_a_safe_name(layers, fmt):
    target = "cgcs2000_gk120" if fmt == "dxf" else "wgs84"
    chosen = {"subparks": layers["subparks"], "scenario_current": layers["scenario_current"]}
    data, name, mime = jobs.export(chosen, fmt=fmt, target=target, encoding="UTF-8", lang="zh")
    assert len(data) > 1000 and SAFE_NAME.match(name), name
    assert "subparks" in name and target in name and mime
    one, one_name, _ = jobs.export(
        {"subparks": layers["subparks"]}, fmt=fmt, target=target, encoding="UTF-8", lang="en"
    )
    assert (
        one and SAFE_NAME.match(one_name) and not (fmt in ("geojson", "kml", "csv_wkt") and one_name.endswith(".zip"))
    )
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.testzip() is None
            assert all(re.fullmatch(r"[A-Za-z0-9_\-.]+", n) for n in zf.namelist()), zf.namelist()


def test_a_gcj02_file_says_so_in_its_name(layers):
    _, name, _ = jobs.export(
        {"stations": layers["stations"]}, fmt="geojson", target="gcj02", encoding="UTF-8", lang="zh"
    )
    assert "GCJ-02" in name and "not_WGS84" in name and SAFE_NAME.match(name)
    with pytest.raises(ExportError):
        jobs.export({"stations": layers["stations"]}, fmt="xls", target="wgs84", encoding="UTF-8", lang="zh")
    with pytest.raises(ExportError):
        jobs.export({}, fmt="geojson", target="wgs84", encoding="UTF-8", lang="zh")


@pytest.mark.parametrize("fmt", ["csv_wkt", "csv_xy"])
def test_spreadsheet_cells_never_start_like_a_formula(layers, fmt):
    hostile = layers["subparks"].iloc[: len(HOSTILE)].copy()
    before = hostile.copy()
    hostile["name_zh"] = HOSTILE
    hostile["name_en"] = ["-x", "=y", "+z", "@w", "\rv", "ok"]
    data, _, _ = jobs.export({"subparks": hostile}, fmt=fmt, target="wgs84", encoding="UTF-8", lang="zh")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == len(HOSTILE)
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    names = [row[header.index("name_zh")] for row in body]
    assert names == ["\u200b" + h if h[0] in "=+-@\t" else h for h in HOSTILE]  # kept, made inert invisibly
    assert hostile.drop(columns=["name_zh", "name_en"]).equals(before.drop(columns=["name_zh", "name_en"]))


def test_gbk_shapefile_holds_chinese_names(layers, tmp_path):
    data, name, _ = jobs.export(
        {"subparks": layers["subparks"]}, fmt="shp", target="cgcs2000_gk120", encoding="GBK", lang="zh"
    )
    assert name.endswith(".shp.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = zf.namelist()
        cpg = next(n for n in members if n.endswith(".cpg"))
        assert zf.read(cpg).decode("ascii").strip().upper() in ("GBK", "CP936", "936")
        dbf = zf.read(next(n for n in members if n.endswith(".dbf")))
        assert "桃浦智创城".encode("gbk") in dbf and "桃浦智创城".encode() not in dbf
        assert "metadata.txt" in members and "fields.csv" in members
    path = tmp_path / name
    path.write_bytes(data)
    back = gpd.read_file(path)
    assert back.crs.to_epsg() == 4549 and "桃浦智创城" in set(back["name_zh"])
    assert back.area.sum() / 1e6 == pytest.approx(10.08, abs=0.001)


def test_print_extents(ds, ev, scores, scenario):
    district = jobs.extent(ds, "district")
    x0, y0, x1, y1 = district
    dx0, dy0, dx1, dy1 = to_metric(ds.park.district).total_bounds
    assert x0 < dx0 < dx1 < x1 and y0 < dy0 < dy1 < y1  # padded around the district
    sx0, sy0, sx1, sy1 = to_metric(ds.park.subparks[ds.park.subparks["id"] == "N01"]).total_bounds
    e = jobs.extent(ds, "subpark", subpark="N01")
    assert e[0] < sx0 - 300 + 1 and e[2] > sx1 + 300 - 1 and e[2] - e[0] < x1 - x0
    added = se.metrics(ds, ev, scores, scenario).added_geometry_m
    e = jobs.extent(ds, "scenario", scenario_geometry_m=added)
    ax0, ay0, ax1, ay1 = added.bounds
    assert e[0] <= ax0 and e[2] >= ax1 and e[2] - e[0] < 5000
    assert jobs.extent(ds, "scenario", scenario_geometry_m=shapely.Polygon()) == district  # nothing added
    view = jobs.extent(ds, "view", view_bounds=[[31.24, 121.39], [31.25, 121.40]])
    assert 900 < view[2] - view[0] < 1200  # 0.01° of longitude ~ 950 m at 31°N, padded
    north = jobs.extent(ds, "cluster", cluster="north")
    assert north[2] - north[0] < x1 - x0


def test_print_frames_put_context_under_the_chosen_layers(ds, layers):
    frames = jobs.print_frames(ds, layers, ["subparks", "parcels", "scenario_current"])
    ids = [spec.id for spec, _ in frames]
    assert ids == ["roads", "metro_lines", "subparks", "parcels", "scenario_added"]
    empty = dict(layers, scenario_current=layers["scenario_current"].assign(geometry=[shapely.Polygon()]))
    assert [s.id for s, _ in jobs.print_frames(ds, empty, ["scenario_current"])] == ["roads", "metro_lines"]


def test_report_and_offline_map(ds, ev, scores, scenario, layers):
    pdf = jobs.report_pdf(ds, ev, scores, scenario, layers, author="local:root", lang="zh")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    html = jobs.offline_html(ds, lang="zh").decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "桃浦智创城" in html
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)  # nothing fetched from the network
    drawn = set(ds.layer("metro_lines")["ref"].astype(str)) if "ref" in ds.layer("metro_lines") else set()
    for ref in ("5", "6", "16", "18"):  # lines the data does not hold are not in the legend
        if ref not in drawn:
            assert not re.search(rf"(?<![0-9]){ref}号线", html)
    spec = jobs.view_map(ds, lang="en")
    assert spec["report_view"] is True and spec["map_key"] == "print_view"


def test_parcel_atlas_has_a_page_per_top_parcel_with_its_score(ds, layers, scores, monkeypatch):
    """The parcel atlas passed the scores indexed by parcel id where the atlas looks for an ``id`` column:
    it failed with KeyError 'id' before drawing a page."""
    from layers import reports
    from text.messages import t

    seen = {}
    real = reports.parcel_facts

    def spy(data, parcel_id, lang, scored=None):
        seen[parcel_id] = dict(real(data, parcel_id, lang, scored))
        return list(seen[parcel_id].items())

    monkeypatch.setattr(reports, "parcel_facts", spy)
    atlas = jobs.atlas_pdf(ds, layers, scores, kind="parcels", top_n=2, lang="en")
    assert atlas.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", atlas)) == 2
    assert list(seen) == ["P056", "P028"]  # the two best ranked, in rank order
    assert seen["P056"][t("fact_score", "en")] == "0.840 (1)" and seen["P028"][t("fact_score", "en")] == "0.786 (2)"
