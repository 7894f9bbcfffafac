"""`python -m gis check` and `convert`: the import page's reader and the app's exports on the command line, exit
code 0 when done and 2 with the app's message (no traceback) when refused."""

import json
import os
import subprocess
import sys
import zipfile

import geopandas as gpd
import openpyxl
import pytest
import shapely

from cli import files as cli_files
from export.formats import GCJ02_NAME
from tests.conftest import PUTUO_X, PUTUO_Y
from tests.corpus import lying_zip
from tests.live_app import ROOT


@pytest.fixture
def parcels_gpkg(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"名称": ["甲", '=HYPERLINK("x")'], "面积": [1.5, -2.0]},
        geometry=[
            shapely.box(PUTUO_X, PUTUO_Y, PUTUO_X + 100, PUTUO_Y + 100),
            shapely.box(PUTUO_X + 200, PUTUO_Y, PUTUO_X + 300, PUTUO_Y + 100),
        ],
        crs="EPSG:4549",
    )
    path = tmp_path / "地块.gpkg"
    gdf.to_file(path, layer="地块", engine="pyogrio")
    return path


@pytest.fixture
def no_crs_csv(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(f"名称,x,y\n站,{PUTUO_X},{PUTUO_Y}\n", encoding="utf-8")
    return path


def run(capsys, *argv):
    code = cli_files.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_what_the_import_page_sees(capsys, parcels_gpkg):
    code, out, err = run(capsys, "check", str(parcels_gpkg))
    assert code == 0 and not err
    assert "要素：2（Polygon × 2）" in out and "源坐标系：EPSG:4549（文件中声明）" in out and "字段：名称、面积" in out
    code, out, _ = run(capsys, "check", str(parcels_gpkg), "--lang", "en")
    assert "Features: 2 (Polygon × 2)" in out and "Problems: none" in out


def test_check_json_and_a_guess_that_needs_confirmation(capsys, no_crs_csv):
    code, out, _ = run(capsys, "check", str(no_crs_csv), "--json", "--lang", "en")
    doc = json.loads(out)
    assert code == 0 and {"features", "source_crs", "needs_confirmation", "encoding", "columns", "notes"} <= set(doc)
    assert doc["features"] == 1 and doc["source_crs"] == "EPSG:4549" and doc["needs_confirmation"] is True
    assert doc["crs_how"] == "guessed" and doc["note_codes"] == ["imp_note_crs_guessed"] and doc["problems"]
    code, out, _ = run(capsys, "check", str(no_crs_csv), "--json", "--crs", "EPSG:4549")
    assert json.loads(out)["needs_confirmation"] is False


def test_check_refuses_with_the_apps_message_and_exit_2(capsys, tmp_path):
    bomb = tmp_path / "lying.kmz"
    bomb.write_bytes(lying_zip("doc.kml", inflates_mb=50))
    code, out, err = run(capsys, "check", str(bomb), "--json", "--lang", "en")
    assert code == 2 and "declares 1,000 bytes but inflates to more" in err and "Traceback" not in err
    assert json.loads(out) == {
        "ok": False,
        "error": {
            "class": "UnsafeArchiveError",
            "code": "imp_zip_size_lie",
            "message": json.loads(out)["error"]["message"],
            "problems": [],
        },
    }
    for path in (tmp_path / "missing.geojson", tmp_path, "/dev/zero"):
        code, _, err = run(capsys, "check", str(path))
        assert code == 2 and "文件无法导入" in err
    code, _, err = run(capsys, "check", str(bomb), "--crs", "+proj=longlat +nadgrids=/etc/shadow")
    assert code == 2 and "nadgrids" in err


@pytest.mark.parametrize("ending", [".geojson", ".gpkg", ".shp.zip", ".kml", ".dxf", ".csv", ".xlsx"])
def test_convert_writes_every_format(capsys, parcels_gpkg, tmp_path, ending):
    out_path = tmp_path / f"out{ending}"
    target = "wgs84" if ending == ".kml" else "cgcs2000_gk120"
    code, out, err = run(capsys, "convert", str(parcels_gpkg), str(out_path), "--to", target, "--lang", "en")
    assert code == 0 and f"Wrote {out_path}: 2 features" in out and not err
    if ending == ".xlsx":
        ws = openpyxl.load_workbook(out_path).active
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert ws["B3"].value == -2.0 or -2.0 in [c.value for c in ws[3]]
    elif ending == ".csv":
        text = out_path.read_text(encoding="utf-8-sig")
        assert "\u200b=HYPERLINK" in text and "\n=" not in text and ",=" not in text
    else:
        back = gpd.read_file(out_path, engine="pyogrio")
        assert len(back) >= 2


def test_convert_guess_overwrite_and_bad_names(capsys, no_crs_csv, parcels_gpkg, tmp_path):
    out_path = tmp_path / "out.gpkg"
    code, _, err = run(capsys, "convert", str(no_crs_csv), str(out_path), "--lang", "en")
    assert code == 2 and "--accept-guess" in err and not out_path.exists()
    code, _, _ = run(capsys, "convert", str(no_crs_csv), str(out_path), "--accept-guess")
    assert code == 0 and out_path.exists()
    before = out_path.read_bytes()
    code, _, err = run(capsys, "convert", str(parcels_gpkg), str(out_path))
    assert code == 2 and "--force" in err and out_path.read_bytes() == before
    code, _, _ = run(capsys, "convert", str(parcels_gpkg), str(out_path), "--force")
    assert code == 0 and out_path.read_bytes() != before and not list(tmp_path.glob(".*part"))
    for bad in (tmp_path / "out.txt", tmp_path / "no_such_dir" / "out.gpkg", parcels_gpkg):
        code, _, err = run(capsys, "convert", str(parcels_gpkg), str(bad), "--force")
        assert code == 2 and "无法导出" in err


def test_convert_to_gcj02_is_labelled_and_reads_back_in_place(capsys, parcels_gpkg, tmp_path):
    out_path = tmp_path / "地块_GCJ-02.shp.zip"
    code, _, err = run(capsys, "convert", str(parcels_gpkg), str(out_path), "--to", "gcj02", "--encoding", "GBK")
    assert code == 0 and not err
    with zipfile.ZipFile(out_path) as zf:
        assert GCJ02_NAME in zf.read("地块_GCJ-02.prj").decode("utf-8")  # an engineering CRS: no WGS 84 look-alike
        assert zf.read("地块_GCJ-02.cpg").decode().strip() == "GBK"
    code, out, _ = run(capsys, "check", str(out_path), "--json")
    doc = json.loads(out)
    original = gpd.read_file(parcels_gpkg).to_crs(4326).total_bounds
    assert doc["source_crs"] == "GCJ-02" and max(abs(a - b) for a, b in zip(doc["bounds_wgs84"], original)) < 1e-5
    code, _, err = run(capsys, "convert", str(parcels_gpkg), str(tmp_path / "plain.gpkg"), "--to", "gcj02")
    assert code == 0 and "plain_GCJ02.gpkg" in err  # the name always says GCJ-02
    assert (tmp_path / "plain_GCJ02.gpkg").exists() and not (tmp_path / "plain.gpkg").exists()


def test_the_real_command_line_exit_codes(tmp_path, parcels_gpkg):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bomb = tmp_path / "lying.kmz"
    bomb.write_bytes(lying_zip("doc.kml", inflates_mb=50))
    done = subprocess.run(
        [sys.executable, "-m", "gis", "check", str(bomb)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and "zip 炸弹" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "gis", "convert", str(parcels_gpkg), str(tmp_path / "o.geojson")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0 and json.loads((tmp_path / "o.geojson").read_text())["name"] == "o"
    done = subprocess.run(
        [sys.executable, "-m", "gis", "convert", "--bogus"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and "usage" in done.stderr


def test_help_lists_both_commands(capsys):
    with pytest.raises(SystemExit) as info:
        cli_files.main(["convert", "--help"])
    assert info.value.code == 0 and "--accept-guess" in capsys.readouterr().out


def test_convert_writes_files_a_colleague_can_read(capsys, parcels_gpkg, tmp_path):
    """The written file has the mode any new file gets under the umask (mkstemp's 0600 was kept before)."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        out_path = tmp_path / "shared.gpkg"
        code, _, _ = run(capsys, "convert", str(parcels_gpkg), str(out_path))
        assert code == 0 and stat.S_IMODE(out_path.stat().st_mode) == 0o644
        os.umask(0o027)
        code, _, _ = run(capsys, "convert", str(parcels_gpkg), str(out_path), "--force")
        assert code == 0 and stat.S_IMODE(out_path.stat().st_mode) == 0o640
    finally:
        os.umask(old)


@pytest.mark.parametrize("encoding", ["GBK", "GB18030"])
def test_convert_writes_a_gb18030_csv_for_chinese_excel(capsys, parcels_gpkg, tmp_path, encoding):
    out_path = tmp_path / "out.csv"
    code, out, err = run(capsys, "convert", str(parcels_gpkg), str(out_path), "--encoding", encoding, "--lang", "en")
    assert code == 0 and not err, err
    raw = out_path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "甲".encode("gbk") in raw  # what a Chinese Excel decodes
    text = raw.decode("gb18030")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text  # GBK has no invisible guard
    code, _, err = run(capsys, "convert", str(parcels_gpkg), str(tmp_path / "x.csv"), "--encoding", "latin-1")
    assert code == 2 and "latin-1" in err
