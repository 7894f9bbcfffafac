"""Inputs that used to crash or mislead: GBK tables with 东经/北纬, numeric XLSX headers, empty WKT cells; CRS
text that must never reach the file system; messages without paths, reprs or endless numbers; combining an
imported layer with the current one (replace / append / merge by id)."""

import io

import geopandas as gpd
import openpyxl
import pyproj
import pytest
import shapely

from gis import errors as err
from gis.crs import crs_text_problem, parse_user_crs
from ingest.combine import combine_layers
from ingest.crs_guess import normalise_crs_choice
from ingest.mapping import guess_mapping
from ingest.readers import read_upload
from ingest.tables import inspect_table, inspect_table_isolated
from ingest.wording import _num, _reason, _rows, display_name
from tests.corpus import PRJ_NADGRIDS, WKT2_GRIDFILE
from text.clip import clip_text
from text.messages import CATALOGUE, Message, placeholders

GBK_STATIONS = "名称,东经,北纬\n长风公园站,121.3935,31.2263\n真如站,121.4093,31.2573\n".encode("gbk")


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- tables the page used to decode itself -----------------------------------------------------------------------
def test_gbk_csv_with_east_north_columns_is_recognised_without_mojibake():
    info = inspect_table("站点.csv", GBK_STATIONS)
    assert info.columns == ("名称", "东经", "北纬") and info.encoding == "GB18030"
    assert (info.x_guess, info.y_guess) == ("东经", "北纬") and info.sample_rows == 2
    result = read_upload("站点.csv", GBK_STATIONS, expect="point")
    assert result.gdf["名称"].tolist() == ["长风公园站", "真如站"] and result.layer == "站点"
    assert result.gdf.geometry.iloc[0].equals(shapely.Point(121.3935, 31.2263))
    chosen = read_upload("站点.csv", GBK_STATIONS, expect="point", xy=info.x_guess and (info.x_guess, info.y_guess))
    assert chosen.gdf.geometry.iloc[1].equals(shapely.Point(121.4093, 31.2573))


@pytest.mark.parametrize(
    "header", [("经度(°)", "纬度(°)"), ("Longitude", "Latitude"), ("X坐标", "Y坐标"), ("lng", "lat")]
)
def test_coordinate_column_names_are_recognised(header):
    info = inspect_table("p.csv", f"name,{header[0]},{header[1]}\nA,121.39,31.25\n".encode())
    assert (info.x_guess, info.y_guess) == header


def test_xlsx_with_numeric_and_empty_headers_reads():
    data = _xlsx([[2024, "lon", "lat", None, 3.0], [1, 121.39, 31.25, "x", 7]])
    info = inspect_table("t.xlsx", data)
    assert info.columns == ("2024", "lon", "lat", "column_4", "3") and info.encoding == "xlsx"
    result = read_upload("t.xlsx", data, expect="point")
    assert result.columns == ["2024", "lon", "lat", "column_4", "3"]
    mapping = guess_mapping(result.columns, "buildings")  # names are text: no AttributeError anywhere
    assert mapping["id"] is None


def test_inspect_table_runs_in_the_worker_too():
    assert inspect_table_isolated("站点.csv", GBK_STATIONS).x_guess == "东经"
    with pytest.raises(err.UnsupportedFormatError, match="is not a table"):
        inspect_table("a.geojson", b"{}")


def test_empty_wkt_cell_is_a_feature_without_geometry_not_a_crash():
    data = b'name,wkt\nA,"POLYGON((121.39 31.25, 121.40 31.25, 121.40 31.26, 121.39 31.25))"\nB,\nC,  \n'
    result = read_upload("w.csv", data, crs="EPSG:4326")
    assert result.gdf["name"].tolist() == ["A"]
    note = next(n for n in result.notes if n.code == "imp_note_no_geometry")
    assert note.params["count"] == 2 and note.params["rows"] == "2, 3"


def test_semicolon_and_utf16_csv_are_read():
    semi = "名称;经度;纬度\n甲;121.39;31.25\n".encode()
    assert read_upload("s.csv", semi, expect="point").gdf["名称"].tolist() == ["甲"]
    utf16 = "名称\t经度\t纬度\n甲\t121.39\t31.25\n".encode("utf-16")
    result = read_upload("u.csv", utf16, expect="point")
    assert result.encoding == "UTF-16" and result.gdf["名称"].tolist() == ["甲"]


def test_zip_holding_one_geopackage_is_read_through_the_counting_reader(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["甲"]}, geometry=[shapely.box(121.39, 31.25, 121.395, 31.255)], crs="EPSG:4549")
    gdf = gdf.set_crs("EPSG:4326", allow_override=True)
    path = tmp_path / "p.gpkg"
    gdf.to_file(path, layer="parcels", engine="pyogrio")
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data/p.gpkg", path.read_bytes())
    result = read_upload("p.gpkg.zip", buf.getvalue())
    assert result.layer == "parcels" and result.notes[0].code == "imp_note_zip_member"


# --- a CRS typed by a user ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,epsg",
    [
        ("EPSG:4549", 4549),
        ("4549", 4549),
        ("epsg:4326", 4326),
        ("urn:ogc:def:crs:EPSG::4490", 4490),
        ("http://www.opengis.net/def/crs/EPSG/0/4549", 4549),
        (pyproj.CRS(4549).to_wkt(), 4549),
        (pyproj.CRS(4549).to_wkt("WKT1_GDAL"), 4549),
        (pyproj.CRS(4326).to_json(), 4326),
        ("+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs", None),
    ],
)
def test_parse_user_crs_accepts_codes_wkt_projjson_and_plain_proj(text, epsg):
    crs = parse_user_crs(text)
    assert crs.is_geographic or crs.is_projected
    if epsg is not None:
        assert crs.to_epsg(min_confidence=20) == epsg


@pytest.mark.parametrize(
    "text,param",
    [
        ("+proj=longlat +nadgrids=/etc/shadow", "nadgrids"),
        ("+init=/etc/passwd:root", "init"),
        ("init=epsg:4326", "init"),
        ("+proj=tmerc +geoidgrids=/etc/passwd", "geoidgrids"),
        ("+proj=pipeline +step +proj=hgridshift +grids=/etc/shadow", "proj=pipeline"),
        ("+proj=hgridshift +grids=@null", "proj=hgridshift"),
        ("+proj=tinshift +file=/etc/passwd", "proj=tinshift"),
        (PRJ_NADGRIDS.decode(), "nadgrids"),
        (WKT2_GRIDFILE, "PARAMETERFILE"),
        ('{"type": "BoundCRS", "transformation": {"parameters": [{"value": "/etc/shadow"}]}}', "file parameter"),
        ("file:///etc/passwd", "URL"),
        ("http://intranet.example/crs.wkt", "URL"),
        ("EPSG:4326\x00/etc/passwd", "control characters"),
        ("/etc/passwd", "path"),
        ("~/.ssh/id_rsa", "path"),
    ],
)
def test_parse_user_crs_refuses_anything_that_reads_files(text, param):
    assert crs_text_problem(text) == param
    with pytest.raises(err.CRSError) as info:
        parse_user_crs(text)
    assert info.value.code == "crs_user_unsafe" and f"({param})" in str(info.value)


@pytest.mark.parametrize(
    "text,code",
    [
        ("", "crs_user_empty"),
        ("EPSG:999999", "crs_user_unknown"),
        ("not a crs", "crs_user_unknown"),
        ("EPSG:4978", "crs_user_not_horizontal"),
        ("EPSG:5773", "crs_user_not_horizontal"),
        ("x" * 30_000, "crs_user_too_long"),
    ],
)
def test_parse_user_crs_explains_what_is_wrong(text, code):
    with pytest.raises(err.CRSError) as info:
        parse_user_crs(text)
    assert info.value.code == code and len(str(info.value)) < 400


def test_special_choices_and_compound_crs():
    for text, expected in (
        ("gcj02", "GCJ-02"),
        ("GCJ-02", "GCJ-02"),
        ("bd-09", "BD-09"),
        ("Baidu", "BD-09"),
        ("swap", "SWAP"),
        (" EPSG:4549 ", "EPSG:4549"),
        ("4490", "EPSG:4490"),
        (None, None),
    ):
        assert normalise_crs_choice(text) == expected
    assert parse_user_crs("EPSG:4547+5773").to_epsg() == 4547  # compound: its horizontal part


# --- message hygiene ---------------------------------------------------------------------------------------------
def test_reasons_never_show_paths_and_are_cut_at_a_word(tmp_path):
    work = tmp_path / "putuo-import-x1y2"
    exc = RuntimeError(
        f"{work}/data.geojson: Failed to read GeoJSON data; in /opt/vcpkg/buildtrees/gdal/src/"
        f"v3.12-abc/ogr/ogrsf_frmts/geojson/ogrgeojsonreader.cpp line 1234 " + "very " * 60
    )
    text = _reason(exc, name="地块.geojson", work=work)
    assert "地块.geojson" in text and "/opt" not in text and str(tmp_path) not in text and "vcpkg" not in text
    assert len(text) <= 160 and text.endswith("…") and not text.endswith("ver…")


def test_clip_text_never_cuts_a_word():
    assert clip_text("short", 10) == "short"
    assert clip_text("the quick brown fox jumps over", 16) == "the quick brown…"
    assert clip_text("桃浦智创城产业园区发展规划", 8) == "桃浦智创城产业…"
    assert clip_text("EPSG:4549 transverse mercator", 14) == "EPSG:4549…"


def test_numbers_and_rows_in_messages_are_plain():
    assert _num(1e300) == "1e+300" and _num(-1e300) == "-1e+300" and _num(float("nan")) == "–"
    assert _num(3459123.4) == "3,459,123" and _num(121.3950001) == "121.395"
    import numpy as np

    assert _rows(np.array([0, 4], dtype=np.int64)) == "1, 5"
    assert _rows(range(30)) == "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …"


def test_notes_are_messages_in_both_languages():
    result = read_upload("p.csv", "名称,x,y\n甲,632000,3459000\n".encode(), expect="point")
    assert result.needs_confirmation and result.source_crs == "EPSG:4549"
    note = result.notes[0]
    assert isinstance(note, Message) and note.code == "imp_note_crs_guessed"
    assert "推测为 EPSG:4549" in note.text("zh") and "guessed EPSG:4549" in note.text("en")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in note.text("en").replace("名称", ""))


def test_every_import_and_export_code_is_in_both_languages_with_the_same_placeholders():
    ours = [c for c in CATALOGUE if c.startswith(("imp_", "exp_", "crs_user_", "crs_name_", "limit_", "worker_"))]
    assert len(ours) > 100
    for code in ours:
        zh, en = CATALOGUE[code]
        assert placeholders(code)["zh"] == placeholders(code)["en"], code
        name = code.startswith(("crs_name_", "imp_reading_"))  # a CRS's or datum's name may read the same
        assert zh != en or name, code
        assert any(ord(ch) >= 0x3000 for ch in zh) or (name and zh == en), code  # Chinese or full-width punctuation


def test_display_names_drop_folders_and_control_characters():
    assert display_name("C:\\Users\\x\\地块.shp.zip") == "地块.shp.zip"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("a\u202egpj.exe") == "agpj.exe"
    assert display_name("") == "?"


# --- combining an imported layer with the current one (issue 9) ----------------------------------------------------
def _parcels(ids, *, shift=0.0, names=None):
    geoms = [shapely.box(121.39 + 0.01 * i + shift, 31.25, 121.395 + 0.01 * i + shift, 31.255) for i in range(len(ids))]
    return gpd.GeoDataFrame({"id": ids, "name_zh": names or [f"地块{i}" for i in ids]}, geometry=geoms, crs="EPSG:4326")


def test_combine_replace_append_merge():
    current = _parcels(["A", "B", "C"])
    incoming = _parcels(["B", "C", "D"])
    incoming.loc[1, "geometry"] = shapely.affinity.translate(incoming.geometry.iloc[1], 0.001)  # C moves ~100 m
    incoming.loc[0, "geometry"] = current.geometry.iloc[1]  # B identical
    before = current.copy()

    rep = combine_layers(current, incoming, mode="replace")
    assert (rep.added, rep.removed, rep.changed, rep.kept) == (("D",), ("A",), ("C",), ("B",))
    assert rep.layer["id"].tolist() == ["B", "C", "D"] and rep.needs_confirmation
    assert rep.area_before_km2 == pytest.approx(3 * rep.area_after_km2 / 3, rel=0.01)

    merge = combine_layers(current, incoming, mode="merge")
    assert (merge.added, merge.removed, merge.changed, merge.kept) == (("D",), (), ("C",), ("A", "B"))
    assert merge.layer["id"].tolist() == ["A", "B", "C", "D"]
    assert merge.area_after_km2 == pytest.approx(4 / 3 * merge.area_before_km2, rel=0.01)

    with pytest.raises(err.SchemaError, match="already in the current layer: B, C") as info:
        combine_layers(current, incoming, mode="append")
    assert "按编号合并" in info.value.text("zh")
    appended = combine_layers(current, _parcels(["E"]), mode="append")
    assert appended.added == ("E",) and appended.layer["id"].tolist() == ["A", "B", "C", "E"]
    assert not appended.needs_confirmation and appended.kept == ("A", "B", "C")
    assert current.equals(before)  # inputs untouched


def test_combine_sees_renames_and_ignores_blank_columns():
    current = _parcels(["A", "B"])
    current["plot_ratio"] = [2.0, 3.0]
    incoming = _parcels(["A", "B"], names=["新名字", "地块B"])
    incoming["plot_ratio"] = [None, None]  # not supplied by the file: not a change
    rep = combine_layers(current, incoming, mode="replace")
    assert rep.changed == ("A",) and rep.kept == ("B",)
    with pytest.raises(err.SchemaError, match="Unknown way to combine"):
        combine_layers(current, incoming, mode="upsert")


def test_geojson_without_a_crs_member_is_wgs84_unless_its_numbers_say_otherwise():
    from tests.corpus import feat, gj

    lonlat = read_upload("a.geojson", gj([feat(shapely.box(121.39, 31.25, 121.395, 31.255))]))
    assert (lonlat.crs_how, lonlat.source_crs, lonlat.needs_confirmation) == ("file", "EPSG:4326", False)
    metres = read_upload("m.geojson", gj([feat(shapely.box(632000, 3459000, 632100, 3459100))]))
    assert (metres.crs_how, metres.source_crs, metres.needs_confirmation) == ("guessed", "EPSG:4549", True)
    swapped = read_upload("s.geojson", gj([feat(shapely.box(31.25, 121.39, 31.255, 121.395))]))
    assert swapped.source_crs == "SWAP" and swapped.needs_confirmation
    assert swapped.gdf.total_bounds[0] == pytest.approx(121.39)


# --- budgets counted on what is read; CRS members read as data --------------------------------------------------
def test_the_corpus_exceeds_150_files_of_every_class_of_the_second_probe():
    from tests import corpus

    cases = corpus.cases()
    assert len(cases) > 150 and len({c.name for c in cases}) == len(cases)
    names = " ".join(c.name for c in cases)
    for cls in (
        "crs_link_escaped",
        "decoys",
        "nested_5000",
        "bzip2",
        "lzma",
        "prefixed_rows",
        "stray_far_cell",
        "columns_2_5m",
        "sniffer",
        "minsert",
        "nested_blocks",
        "block_cycle",
        "tables_300",
        "dbf_declares",
    ):
        assert cls in names, cls


def test_json_crs_members_are_found_however_spelt_and_wherever_hidden():
    from gis.crs import json_crs_members

    escaped = b'{"type":"FeatureCollection","\\u0063rs" \n : {"type":"link","properties":{"href":"http://x"}}}'
    assert json_crs_members(escaped) == [("crs", 1, {"type": "link", "properties": {"href": "http://x"}})]
    # a "crs" inside a string, and brackets inside strings, are not structure
    tricky = b'{"a":"\\"crs\\": [[[","b":{"crs":"EPSG:4326"},"crs":{"type":"name","properties":{"name":"x"}}}'
    found = json_crs_members(tricky)
    assert [(n, d) for n, d, _ in found] == [("crs", 2), ("crs", 1)]
    assert json_crs_members(b'{"coordRefSys":"EPSG:4326"}') == [("coordRefSys", 1, "EPSG:4326")]
    with pytest.raises(err.CRSError) as info:
        json_crs_members(b'{"crs":' + b"[" * 5000 + b"]" * 5000 + b"}", file="deep.geojson")
    assert info.value.code == "imp_json_too_deep" and "100 层" in info.value.text("zh")
    # an unterminated string ends the structure (GDAL refuses the file); nothing after it is read as a member
    assert json_crs_members(b'{"a":"\\"\\"\\"' + b'\\"' * 10_000) == []


def test_json_crs_scan_is_linear_on_a_big_file():
    import json
    import time

    from gis.crs import json_crs_members

    point = {
        "type": "Feature",
        "properties": {"name": "a", "v": 1},
        "geometry": {"type": "Point", "coordinates": [1, 2]},
    }
    ring = [[121.39 + i * 1e-6, 31.25] for i in range(2000)]
    poly = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    data = json.dumps({"type": "FeatureCollection", "features": [point] * 50_000 + [poly] * 200}).encode()
    t0 = time.perf_counter()
    assert json_crs_members(data + b"") == []
    assert time.perf_counter() - t0 < 5, len(data)


def test_geojson_crs_refusals_say_why_in_both_languages():
    from tests.corpus import CRS_SPELLINGS, UNSAFE_CRS, geojson_with_member

    data = geojson_with_member(
        CRS_SPELLINGS["escaped_padded"], {"type": "name", "properties": {"name": UNSAFE_CRS["init"]}}
    )
    with pytest.raises(err.CRSUnknownError) as info:
        read_upload("x.geojson", data)
    assert "(init)" in str(info.value) and "（init）" in info.value.text("zh")
    ok = geojson_with_member(CRS_SPELLINGS["escaped"], {"type": "name", "properties": {"name": "EPSG:4326"}})
    assert read_upload("ok.geojson", ok).crs_how == "file"


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2;3\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ('name,desc\n"x; y; z",1\n', ","),
        ("名称;经度;纬度\n甲;121,39;31,25\n", ";"),
        ("single\nvalue\n", ","),
        ("", ","),
    ],
)
def test_delimiter_detection(text, sep):
    from ingest.tables import _delimiter

    assert _delimiter(text) == sep


def test_delimiter_detection_is_bounded_where_csv_sniffer_backtracked():
    import time

    from ingest.tables import _delimiter

    bomb = "a" + ('"' + ",,," + " ") * 16_000  # csv.Sniffer: 75 s on its first 64 KB
    t0 = time.perf_counter()
    _delimiter(bomb)
    _delimiter("x" * 10_000_000)
    assert time.perf_counter() - t0 < 1


def test_csv_header_columns_are_counted_before_pandas():
    from ingest.model import Limits
    from ingest.tables import _load_table

    quoted = b'"a,b",c\n1,2\n'
    frame, _, _ = _load_table("q.csv", "csv", quoted, Limits(max_columns=2))
    assert list(frame.columns) == ["a,b", "c"]  # a quoted delimiter is no column
    with pytest.raises(err.FileTooLargeError, match="the header has 3 columns, over the limit of 2"):
        _load_table("w.csv", "csv", b"a,b,c\n1,2,3\n", Limits(max_columns=2))


def test_xlsx_is_read_only_as_wide_as_its_cells():
    """openpyxl pads every row to the width it is given: the counted width, never the column limit."""
    data = _xlsx([["lon", "lat"]] + [[121.39, 31.25]] * 3)
    from ingest.model import Limits
    from ingest.tables import _check_xlsx, _load_table

    assert _check_xlsx("t.xlsx", data, Limits()).max_col == 2
    frame, _, _ = _load_table("t.xlsx", "xlsx", data, Limits())
    assert frame.shape == (3, 2)


def test_bzip2_and_lzma_members_are_read_in_counted_pieces():
    import zipfile

    from ingest.archives import SafeZip, ZipLimits

    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", method) as zf:
            zf.writestr("a.txt", b"hello world " * 100_000)
        archive = SafeZip(buf.getvalue(), filename="x.zip", limits=ZipLimits(max_ratio=1e9))
        pieces = list(archive.stream("a.txt"))
        assert b"".join(pieces) == b"hello world " * 100_000 and max(map(len, pieces)) <= 256 * 1024


def test_a_dxf_with_a_few_insertions_is_read_and_counted():
    from ingest.sniff import dxf_expansion
    from tests.corpus import dxf_insert, dxf_line, dxf_text

    data = dxf_text(
        {"A": [dxf_line(i) for i in range(3)], "B": [dxf_insert("A"), dxf_line(9)]},
        [dxf_insert("B", x=i) for i in range(4)] + [dxf_line(7), dxf_insert("A", 2, 3)],
    )
    assert dxf_expansion(data, "d.dxf", limit=100) == 4 * (3 + 1) + 1 + 6 * 3


# --- messages: no Python names, no English in Chinese, one full stop ----------------------------------------------
#: English allowed inside Chinese texts: proper names, commands, formats.
ZH_ALLOWED_ENGLISH = (
    "validate DATA",
    "python -m gis validate",
    "Volodymyr Agafonkin",
    "install fonts",
    "OpenStreetMap contributors",
    "CREATE EXTENSION postgis",
    "users add",
    "role admin",
    "role viewer",
)


def test_chinese_texts_hold_no_english_phrases():
    import re

    found = []
    for key, (zh, _en) in CATALOGUE.items():
        text = re.sub(r"\{[^}]*\}", "", zh)
        for allowed in ZH_ALLOWED_ENGLISH:
            text = text.replace(allowed, "")
        phrases = re.findall(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,})+", text)
        if phrases or "。。" in zh:
            found.append((key, phrases))
    assert not found, found


def test_a_nested_sentence_never_doubles_the_full_stop():
    inner = Message("ws_payload_not_json", {"reason": "x"})  # a sentence ending in 。
    zh = Message("ws_file_record", {"file": "a.gpkg", "row": 1, "reason": inner}).text("zh")
    assert "。。" not in zh and zh.count("。") >= 2


def test_scenario_payload_errors_name_no_python_types_in_either_language():
    from gis.scenario import _validated_payload

    with pytest.raises(err.ScenarioError) as info:
        _validated_payload(
            {"id": "a", "name": "n", "notes": "x" * 6000, "created": "2024-01-01", "updated": "2024-01-01"}
        )
    zh, en = info.value.text("zh"), str(info.value)
    assert "最多 5,000 个字符的文本" in zh and "6,000 个字符的文本" in zh, zh
    assert "text of at most 5,000 characters" in en and "text of 6,000 characters" in en, en
    for python in ("str", "dict", "list", "NoneType", "characters"):
        assert python not in zh, zh
    with pytest.raises(err.ScenarioError) as info:
        _validated_payload({"id": "a", "name": ["x"], "created": "2024-01-01", "updated": "2024-01-01"})
    assert "收到 列表" in info.value.text("zh") and "received a list" in str(info.value)


def test_the_scenario_file_row_limit_has_its_own_message():
    text = Message("ws_file_too_many_rows", {"file": "s.gpkg", "limit": "10,000"}).text("zh")
    assert "10,000 条记录" in text and "方案" in text


def test_gdal_and_pyogrio_write_nothing_to_the_terminal_about_a_users_file():
    """A refusal is the message; GDAL's "ERROR 1" lines and pyogrio's warnings (located by a path in the virtual
    environment) never reach stderr."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "from ingest.readers import read_upload\n"
        'files = [(\'e.geojson\', b\'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},\'\n'
        '          b\'"geometry":{"type":"Point","coordinates":[121.39]}}]}\'),\n'
        "         ('g.dxf', b'0\\nSECTION\\n2\\nENTITIES\\n0\\nLINE\\n'),\n"
        "         ('k.kml', b'<kml><Placemark><Point><coordinates>x'\n"
        "          b'</coordinates></Point></Placemark></kml>')]\n"
        "for name, data in files:\n"
        "    try:\n"
        "        read_upload(name, data, expect='any')\n"
        "    except ValueError as exc:\n"
        "        print(type(exc).__name__)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() and not done.stderr.strip(), done.stderr
