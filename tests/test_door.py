"""The one door for user files: no parse in the server process, no secrets in a worker, no request to the network."""

from __future__ import annotations

import http.server
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.crs import CRS
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from gis.errors import LimitExceededError, PlannerError, RasterError, ScenarioFileError
from gis.raster import geotiff_bytes, raster_probe, zonal_mean
from gis.scenario import Scenario
from gis.worker_guard import ParseOutsideWorkerError, strict
from ingest.readers import read_upload, read_upload_isolated
from planner import door
from planner import evaluate as ev_
from planner import workspace as pw
from planner.auth import User
from store import open_workspace
from store.transfer import read_scenario_file, write_scenario_file
from tests.live_app import ROOT
from text.clock import beijing_today

ALICE = User("alice", "editor", "local")
SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "a"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[121.40, 31.25], [121.401, 31.25], [121.401, 31.251], [121.40, 31.251], [121.40, 31.25]]
                ],
            },
        }
    ],
}


@pytest.fixture(scope="module")
def parcels():
    from gis.datasets import load_park_data

    return load_park_data().parcels


def _tif(arr, *, west=121.30, north=31.32, px=0.001, crs="EPSG:4326", nodata=None) -> bytes:
    return geotiff_bytes(
        np.asarray(arr, dtype=float), transform=from_origin(west, north, px, px), crs=crs, nodata=nodata
    )


def _scenario_file(tmp_path) -> bytes:
    path = tmp_path / "s.gpkg"
    write_scenario_file(path, [Scenario(name="方案一", author="x")])
    return path.read_bytes()


# --- no parse in the server process ----------------------------------------------------------------------
def test_every_kind_is_parsed_in_a_worker_never_here(tmp_path, parcels):
    """With the guard strict (as in the server), the planner's imports of a layer, a raster and a scenario
    file work: each was parsed in a worker. Called here directly, each reader refuses."""
    ws = open_workspace(path=tmp_path / "ws.gpkg", cached=False)
    tif = _tif(np.tile(np.linspace(0, 100, 200), (150, 1)))
    layer = json.dumps(SQUARE).encode()
    try:
        with strict():
            done = pw.import_scenarios(ws, ALICE, _scenario_file(tmp_path), filename="s.gpkg")
            crit = ev_.raster_criterion("地价", tif, higher_is_better=True, probe=parcels)
            result = read_upload_isolated("a.geojson", layer)
            info = door.read_raster(tif, filename="a.tif", parcels=parcels)
            with pytest.raises(ParseOutsideWorkerError):
                read_scenario_file(tmp_path / "s.gpkg", label="s.gpkg")
            with pytest.raises(ParseOutsideWorkerError):
                zonal_mean(parcels, tif)
            with pytest.raises(ParseOutsideWorkerError):
                read_upload("a.geojson", layer)
    finally:
        ws.close()
    assert (
        [d.name for d in done] == [f"方案一（导入 {beijing_today()}）"] and crit.name == "地价" and len(result.gdf) == 1
    )
    assert info.covered > 0 and info.parcels == len(parcels) and info.crs.startswith("WGS 84")


def test_a_worker_has_no_secret_in_its_environment(tmp_path):
    """A server started with a database URL and a secret key: its reading workers' /proc/self/environ holds
    neither (a reader tricked into reading that file finds nothing)."""
    script = (
        "from ingest.door import run_reader\n"
        "from text.messages import msg\n"
        "from tests.test_door import read_environ\n"
        "print(run_reader('layer', read_environ, task=msg('worker_task_generic')).hex())\n"
    )
    env = dict(os.environ)
    env.update(
        PUTUO_SECRET_KEY="k3y-d00r-test",
        PUTUO_DATABASE_URL="postgresql://planner:pa55-d00r@db.example/putuo",
        SOME_SERVICE="https://user:pa55-other@host.example/x",
        PUTUO_LANG="en",
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=True
    )
    environ = bytes.fromhex(out.stdout.strip().splitlines()[-1])
    assert b"PATH=" in environ  # the file was read
    for secret in (b"k3y-d00r-test", b"pa55-d00r", b"pa55-other", b"postgresql://"):
        assert secret not in environ


def read_environ() -> bytes:
    """The worker's /proc/self/environ and what os.environ holds (for the test above)."""
    with open("/proc/self/environ", "rb") as fh:
        raw = fh.read()
    return raw + b"\n" + "\n".join(f"{k}={v}" for k, v in os.environ.items()).encode()


# --- no request to the network -----------------------------------------------------------------------------
class _Trap(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Trap.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'PROJCS["trap",GEOGCS["WGS 84"]]')

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def trap():
    """A local HTTP server; the test FAILS if anything requested a URL from it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trap)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Trap.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    assert _Trap.hits == [], f"requests made while reading hostile files: {_Trap.hits}"


def _vrt(source: str) -> bytes:
    return (
        '<VRTDataset rasterXSize="8" rasterYSize="8"><SRS>EPSG:4326</SRS>'
        "<GeoTransform>121.3, 0.01, 0, 31.32, 0, -0.01</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
        f'<SourceFilename relativeToVRT="0">{source}</SourceFilename><SourceBand>1</SourceBand>'
        "</SimpleSource></VRTRasterBand></VRTDataset>"
    ).encode()


def _wms(url: str) -> bytes:
    return (
        f'<GDAL_WMS><Service name="TMS"><ServerUrl>{url}/${{z}}/${{x}}/${{y}}.png</ServerUrl></Service>'
        "<DataWindow><UpperLeftX>-20037508.34</UpperLeftX><UpperLeftY>20037508.34</UpperLeftY>"
        "<LowerRightX>20037508.34</LowerRightX><LowerRightY>-20037508.34</LowerRightY><TileLevel>18</TileLevel>"
        "<TileCountX>1</TileCountX><TileCountY>1</TileCountY><YOrigin>top</YOrigin></DataWindow>"
        "<Projection>EPSG:3857</Projection></GDAL_WMS>"
    ).encode()


def _geojson_crs(url: str, member: str) -> bytes:
    doc = (
        json.dumps(SQUARE)[:-1]
        + f', {member}: {{"type": "link", "properties": {{"href": "{url}/crs", "type": "proj4"}}}}}}'
    )
    return doc.encode()


def test_no_hostile_file_makes_a_request(trap, parcels):
    """VRT/WMS/vsicurl rasters named .tif, a GeoJSON "crs" link (plain, escaped, padded), a .prj naming a URL:
    each is read behind the door and none makes the trap server see a request."""
    cases: list[tuple[str, str, bytes]] = [
        ("raster", "vsicurl.tif", _vrt(f"/vsicurl/{trap}/x.tif")),
        ("raster", "plain_url.tif", _vrt(f"{trap}/y.tif")),
        ("raster", "wms.tif", _wms(trap)),
        ("layer", "link.geojson", _geojson_crs(trap, '"crs"')),
        ("layer", "escaped.geojson", _geojson_crs(trap, '"\\u0063rs"')),
        ("layer", "padded.geojson", _geojson_crs(trap, '"crs"    ')),
        ("layer", "prj.zip", _zip_with_prj(f"{trap}/prj")),
    ]
    for kind, name, data in cases:
        try:
            if kind == "raster":
                door.read_upload("raster", name, data, parcels=parcels)
            else:
                door.read_upload("layer", name, data, expect="any")
        except PlannerError:
            pass
        assert _Trap.hits == [], f"{name} made a request: {_Trap.hits}"


def _zip_with_prj(prj: str) -> bytes:
    gdf = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(121.40, 31.25, 121.401, 31.251)], crs="EPSG:4326")
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(f"{tmp}/a.shp")
        with zipfile.ZipFile(buf, "w") as zf:
            for ext in ("shp", "shx", "dbf"):
                zf.write(f"{tmp}/a.{ext}", f"a.{ext}")
            zf.writestr("a.prj", prj)
    return buf.getvalue()


# --- scenario files ----------------------------------------------------------------------------------------
def test_a_scenario_file_with_a_huge_generated_column_is_refused_cleanly(tmp_path):
    """A GeoPackage whose payload is a VIRTUAL generated column building a 500 MB text: refused by SQLite's own
    limits in the worker, quickly, with the file named (it took the server to 2.9 GB before)."""
    path = tmp_path / "bomb.gpkg"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE scenario_versions (fid INTEGER PRIMARY KEY, scenario_id TEXT, version INTEGER, seed TEXT)"
    )
    con.executemany("INSERT INTO scenario_versions (scenario_id, version, seed) VALUES (?, 1, 'x')", [("a",), ("b",)])
    # the column is added after the rows: an INSERT would compute it (500 MB in the test process)
    con.execute(
        "ALTER TABLE scenario_versions ADD COLUMN payload TEXT "
        "GENERATED ALWAYS AS (printf('%.*c', 500000000, seed)) VIRTUAL"
    )
    con.commit()
    con.close()
    t0 = time.monotonic()
    with pytest.raises((ScenarioFileError, LimitExceededError)) as refused:
        door.read_scenarios(path.read_bytes(), filename="bomb.gpkg")
    assert time.monotonic() - t0 < 10  # 0.06 s measured (the store is preloaded by the forkserver)
    assert "bomb.gpkg" in refused.value.text("en")


# --- rasters (item 6) --------------------------------------------------------------------------------------
def test_a_raster_elsewhere_is_refused_not_an_all_zero_criterion(parcels):
    paris = _tif(np.ones((50, 50)), west=2.30, north=48.90)
    with pytest.raises(RasterError) as refused:
        door.read_raster(paris, filename="paris.tif", parcels=parcels)
    assert refused.value.code == "raster_covers_no_parcel"
    assert str(len(parcels)) in refused.value.text("zh")


def test_an_all_nodata_raster_is_refused(parcels):
    with pytest.raises(RasterError) as refused:
        door.read_raster(_tif(np.full((150, 200), np.nan)), filename="nan.tif", parcels=parcels)
    assert refused.value.code == "raster_no_values"


def test_a_geocentric_raster_is_refused():
    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=4,
            height=4,
            count=1,
            dtype="float32",
            crs="EPSG:4978",
            transform=from_origin(-2.85e6, 4.66e6, 100, 100),
        ) as dst:
            dst.write(np.ones((4, 4), dtype="float32"), 1)
        tif = mem.read()
    gdf = gpd.GeoDataFrame(geometry=[shapely.box(121.40, 31.25, 121.41, 31.26)], crs="EPSG:4326")
    with pytest.raises(RasterError) as refused:
        raster_probe(gdf, tif)
    assert refused.value.code == "raster_geocentric"


def test_a_raster_too_large_to_evaluate_is_refused_before_reading(tmp_path, parcels):
    """100,000 x 100,000 sparse pixels of 1 m over the park: the parcels' window is refused up front (the old
    one-parcel probe passed it and the full evaluation then died at the memory limit)."""
    path = tmp_path / "huge.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=100_000,
        height=100_000,
        count=1,
        dtype="uint8",
        crs=CRS.from_epsg(4549),
        transform=from_origin(590_000, 3_500_000, 1, 1),
        tiled=True,
        sparse_ok=True,
        nodata=0,
    ) as dst:
        dst.write(np.full((256, 256), 7, dtype="uint8"), 1, window=((0, 256), (0, 256)))
    data = path.read_bytes()
    assert len(data) < 5_000_000
    t0 = time.monotonic()
    with pytest.raises(RasterError) as refused:
        door.read_raster(data, filename="huge.tif", parcels=parcels)
    assert refused.value.code == "raster_window_too_large", refused.value.text("en")
    assert time.monotonic() - t0 < 10
    with pytest.raises(RasterError):
        ev_.raster_criterion("huge", data, higher_is_better=True, probe=parcels)


def test_zonal_mean_refuses_a_window_over_its_pixel_budget():
    gdf = gpd.GeoDataFrame(geometry=[shapely.box(121.30, 31.25, 121.40, 31.32)], crs="EPSG:4326")
    tif = _tif(np.ones((150, 200)))
    assert zonal_mean(gdf, tif).notna().all()
    with pytest.raises(RasterError) as refused:
        zonal_mean(gdf, tif, max_pixels=100)
    assert refused.value.code == "raster_window_too_large" and "100" in refused.value.text("en")


# --- file names (item 7) -----------------------------------------------------------------------------------
def test_a_long_name_keeps_its_extension_and_loses_controls():
    from ingest.wording import display_name

    long = "地块" * 80 + ".geojson"
    shown = display_name(long)
    assert len(shown) <= 120 and shown.endswith(".geojson")
    assert display_name("x" * 200 + ".shp.zip").endswith(".shp.zip")
    nasty = "../..\\a\u202egpj\u2066<b>\x1b[31m\r\nparcels.geojson"
    clean = display_name(nasty)
    for bad in ("..", "/", "\\", "\u202e", "\u2066", "<", ">", "\x1b", "\r", "\n"):
        assert bad not in clean
    assert clean.endswith("parcels.geojson")


def test_a_long_file_name_is_read_not_refused():
    result = read_upload("很长的名字" * 30 + ".geojson", json.dumps(SQUARE).encode(), expect="any")
    assert len(result.gdf) == 1


def test_the_import_cache_is_not_shared_between_names():
    from planner.import_session import Upload

    a, b = Upload.of("mine.geojson", b"{}"), Upload.of("theirs.geojson", b"{}")
    assert a.digest != b.digest and Upload.of("../x\u202e.geojson", b"{}").name == "x.geojson"


# --- python -m gis check --kind ----------------------------------------------------------------------------
def _check(*args: str) -> tuple[int, str, str]:
    env = {**os.environ, "PUTUO_LANG": "en"}
    env.pop("PUTUO_DATA_DIR", None)
    out = subprocess.run(
        [sys.executable, "-m", "gis", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    return out.returncode, out.stdout, out.stderr


def test_check_a_raster_and_a_scenario_file_through_the_door(tmp_path):
    (tmp_path / "a.tif").write_bytes(_tif(np.tile(np.linspace(0, 100, 200), (150, 1))))
    (tmp_path / "paris.tif").write_bytes(_tif(np.ones((50, 50)), west=2.30, north=48.90))
    (tmp_path / "s.gpkg").write_bytes(_scenario_file(tmp_path))
    code, out, _ = _check(str(tmp_path / "a.tif"), "--json")
    got = json.loads(out)
    assert code == 0 and got["kind"] == "raster" and got["bands"] == 1 and got["nodata"] is None
    assert got["parcels"] > 0 and got["parcels_covered"] == got["parcels"] and got["crs"].startswith("WGS 84")
    code, out, err = _check(str(tmp_path / "paris.tif"), "--json", "--lang", "en")
    refused = json.loads(out)
    assert code == 2 and refused["ok"] is False and refused["error"]["class"] == "RasterError"
    assert "covers none" in refused["error"]["message"] and "Traceback" not in err
    code, out, _ = _check(str(tmp_path / "s.gpkg"), "--kind", "scenario", "--json")
    assert code == 0 and [s["name"] for s in json.loads(out)["scenarios"]] == ["方案一"]
    code, out, err = _check(str(tmp_path / "a.tif"), "--kind", "scenario", "--json", "--lang", "en")
    assert code == 2 and json.loads(out)["error"]["class"] == "ScenarioFileError" and "Traceback" not in err


# --- leftovers of item 4 and 6 ------------------------------------------------------------------------------
def test_a_geopackage_layer_named_gpkg_is_written():
    from export.formats import gpkg_bytes

    gdf = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(121.40, 31.25, 121.401, 31.251)], crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/out.gpkg"
        with open(path, "wb") as fh:
            fh.write(gpkg_bytes({"gpkg_parcels": gdf}))
        import pyogrio

        assert [str(n) for n, _ in pyogrio.list_layers(path)] == ["layer_gpkg_parcels"]


def test_a_scenario_piece_in_paris_is_refused(tmp_path):
    paris = shapely.box(2.30, 48.85, 2.31, 48.86)
    path = tmp_path / "paris.gpkg"
    write_scenario_file(path, [Scenario(name="巴黎", author="x", drawn={"d1": ("远方", paris.wkt)})])
    with pytest.raises(ScenarioFileError) as refused:
        door.read_scenarios(path.read_bytes(), filename="paris.gpkg")
    assert "Shanghai" in refused.value.text("en") and "paris.gpkg" in refused.value.text("en")


def test_the_parcels_page_survives_a_raster_whose_evaluation_fails(monkeypatch):
    """A raster criterion that cannot be computed (here: bytes that are not a GeoTIFF) is removed with its error
    shown; the page still ranks the parcels (it was stuck on the error until a reload)."""
    from pages import state
    from pages.parcels import RASTERS
    from tests.apptest_util import open_app
    from text.messages import t

    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    at = open_app("pages/parcels.py")
    broken = ev_.RasterCriterion(name="坏栅格", higher_is_better=True, data=b"not a tiff", digest="broken0000000000")
    at.session_state[RASTERS] = [broken]
    at.run(timeout=180)
    assert not at.exception
    assert at.session_state[RASTERS] == []
    shown = " ".join(e.value for e in at.error) + " ".join(x.value for x in at.text)
    assert "坏栅格" in shown
    assert any(t("f_rank", "zh") in d.value.columns for d in at.dataframe)
    assert state.weight_key("raster:坏栅格") not in [s.key for s in at.slider]


# --- foreign datums (item 6) -------------------------------------------------------------------------------
def _gpkg_in(crs) -> bytes:
    gdf = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.box(121.40, 31.25, 121.401, 31.251)], crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_crs(crs).to_file(f"{tmp}/a.gpkg")
        with open(f"{tmp}/a.gpkg", "rb") as fh:
            return fh.read()


def test_beijing_1954_names_the_offshore_operation_and_asks_to_confirm():
    result = read_upload("bj54.gpkg", _gpkg_in("EPSG:2436"), expect="any")
    (note,) = [n for n in result.notes if n.code.startswith("imp_note_datum")]
    assert note.code == "imp_note_datum_out_of_area" and result.needs_confirmation
    text = note.text("en")
    assert "Beijing 1954 to WGS 84 (2)" in text and "15 m" in text and "offshore" in text
    assert "axis order" not in text


def test_xian_1980_ballpark_is_a_warning_to_confirm_and_cgcs2000_is_not():
    xian = read_upload("xian80.gpkg", _gpkg_in("EPSG:2385"), expect="any")
    assert [n.code for n in xian.notes if n.code.startswith("imp_note_datum")] == ["imp_note_datum_ballpark"]
    assert xian.needs_confirmation and "Ballpark" in xian.notes[-1].text("en")
    cgcs = read_upload("cgcs.gpkg", _gpkg_in("EPSG:4549"), expect="any")
    assert not cgcs.needs_confirmation and not [n for n in cgcs.notes if n.code.startswith("imp_note_datum")]


def test_a_custom_crs_named_wgs84_is_not_labelled_as_epsg_4326():
    from ingest.crs_guess import _crs_label

    shifted = (
        'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
        'PRIMEM["Shifted",0.0085],UNIT["degree",0.0174532925199433]]'
    )
    label = _crs_label(shifted)
    assert label != "WGS 84" and "≠ EPSG:4326" in label
    assert _crs_label("EPSG:4326") == "EPSG:4326"
