"""Property-based fuzzing (Hypothesis) of the GeoJSON, CSV, KML and zip readers: whatever the bytes, read_upload
either returns a clean layer (EPSG:4326, valid, finite, in Shanghai) or raises one of the project's own errors.

The normal run tries 2,000 examples (profile ``fuzz``: 250 for each of 8 properties, about 30 s); the long run
tries 12,000 (profile ``long``: 1,500 each)::

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/test_fuzz_readers.py
"""

import io
import json
import math
import os
import zipfile

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gis.errors import PlannerError
from ingest.crs_guess import SHANGHAI
from ingest.model import Limits
from ingest.readers import read_upload

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # zips with repeated member names

settings.register_profile(
    "fuzz",
    max_examples=250,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=1500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "fuzz") if os.environ.get("HYPOTHESIS_PROFILE") in ("fuzz", "long") else "fuzz"
)
LIMITS = Limits(max_mb=2, max_unzipped_mb=8, max_features=5_000, max_rows=5_000, max_cells=50_000)
EXPECT = st.sampled_from(["polygon", "point", "line", "any"])


def check(name: str, data: bytes, expect: str, **kwargs) -> None:
    """The property: a clean layer or a project error; nothing else escapes."""
    try:
        result = read_upload(name, data, expect=expect, limits=LIMITS, **kwargs)
    except PlannerError as exc:
        assert exc.text("zh") and str(exc)  # renders in both languages
        return
    gdf = result.gdf
    assert gdf.crs.to_epsg() == 4326 and len(gdf) > 0
    geoms = gdf.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    x0, y0, x1, y1 = gdf.total_bounds
    assert all(math.isfinite(v) for v in (x0, y0, x1, y1))
    assert SHANGHAI[0] <= x0 and x1 <= SHANGHAI[2] and SHANGHAI[1] <= y0 and y1 <= SHANGHAI[3]


# --- strategies ---------------------------------------------------------------------------------------------------
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.floats(120.8, 122.2),
    st.floats(30.6, 31.9),
)
lon = st.floats(121.2, 121.6)
lat = st.floats(31.1, 31.4)
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
json_scalar = st.one_of(st.none(), st.booleans(), numbers, text)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=12,
)
point = st.one_of(st.tuples(lon, lat), st.tuples(numbers, numbers), st.lists(numbers, max_size=4))
ring = st.lists(point, min_size=0, max_size=8)
geometry = st.one_of(
    st.none(),
    st.builds(lambda p: {"type": "Point", "coordinates": list(p)}, point),
    st.builds(lambda r: {"type": "LineString", "coordinates": [list(p) for p in r]}, ring),
    st.builds(lambda r: {"type": "Polygon", "coordinates": [[list(p) for p in r + r[:1]]]}, ring),
    st.builds(lambda r: {"type": "MultiPolygon", "coordinates": [[[list(p) for p in r]]]}, ring),
    st.builds(
        lambda t, c: {"type": t, "coordinates": c}, st.sampled_from(["Point", "Polygon", "Nonsense", ""]), json_value
    ),
    json_value,
)
feature = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Feature", "feature", "X"]),
        "geometry": geometry,
        "properties": st.one_of(st.dictionaries(text, json_scalar, max_size=4), json_value),
    }
)
crs_member = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["name", "link", "EPSG", "x"]),
            "properties": st.fixed_dictionaries(
                {
                    "name": st.sampled_from(
                        ["EPSG:4326", "urn:ogc:def:crs:EPSG::4549", "+init=/etc/passwd:root", "bogus", ""]
                    ),
                    "code": st.integers(0, 99999),
                }
            ),
        }
    ),
)


@st.composite
def geojson_docs(draw) -> bytes:
    doc = {
        "type": draw(st.sampled_from(["FeatureCollection", "Feature", "GeometryCollection", "x"])),
        "features": draw(st.lists(feature, max_size=6)),
    }
    crs = draw(crs_member)
    if crs is not None:
        doc["crs"] = crs
    return json.dumps(doc, allow_nan=True).encode()


VALID_GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "甲", "v": 1.5},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[121.39, 31.25], [121.40, 31.25], [121.40, 31.26], [121.39, 31.25]]],
                },
            }
        ],
    }
).encode()
VALID_KML = (
    b'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    b"<Placemark><name>\xe7\x94\xb2</name><Polygon><outerBoundaryIs><LinearRing><coordinates>121.39,31.25 "
    b"121.40,31.25 121.40,31.26 121.39,31.25</coordinates></LinearRing></outerBoundaryIs></Polygon>"
    b"</Placemark></Document></kml>"
)


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """``seed`` with a few bytes flipped, deleted, inserted or a slice repeated."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "repeat", "truncate"]))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif op == "insert":
            data[at:at] = draw(st.binary(max_size=16))
        elif op == "repeat":
            data[at:at] = bytes(data[at : at + draw(st.integers(1, 64))]) * draw(st.integers(1, 8))
        else:
            del data[at:]
    return bytes(data)


cells = st.one_of(
    st.none(),
    numbers.map(str),
    text,
    lon.map(str),
    lat.map(str),
    st.sampled_from(
        [
            "inf",
            "-inf",
            "nan",
            "",
            " ",
            "POINT (121.39 31.25)",
            "POLYGON EMPTY",
            "POLYGON((121.39 31.25,121.4 31.25,121.4 31.26,121.39 31.25))",
            "=1+1",
            "东经",
        ]
    ),
)
headers = st.lists(
    st.one_of(
        st.sampled_from(["lon", "lat", "经度", "纬度", "东经", "北纬", "x", "y", "wkt", "name", "", "lon", "2024"]),
        text,
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def csv_docs(draw) -> bytes:
    head = draw(headers)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(head) + 2), max_size=8))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))

    def cell(v):
        v = "" if v is None else str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in (sep, '"', "\n", "\r")) else v

    body = "\n".join(sep.join(cell(v) for v in row) for row in [head, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return body.encode(encoding, errors="replace")


@st.composite
def kml_docs(draw) -> bytes:
    def coords():
        pts = draw(st.lists(st.tuples(st.one_of(lon, numbers), st.one_of(lat, numbers)), max_size=6))
        return " ".join(f"{x},{y}" for x, y in pts) + draw(st.sampled_from(["", " ,", "abc", ",,,", "1e309,1"]))

    shapes = [
        f"<Point><coordinates>{coords()}</coordinates></Point>",
        f"<LineString><coordinates>{coords()}</coordinates></LineString>",
        f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords()}</coordinates></LinearRing>"
        "</outerBoundaryIs></Polygon>",
        "<MultiGeometry></MultiGeometry>",
        "",
        "<Nonsense/>",
    ]
    marks = "".join(
        f"<Placemark><name>{draw(st.sampled_from(['甲', '&amp;', '<![CDATA[x]]>', '']))}</name>"
        f"{draw(st.sampled_from(shapes))}</Placemark>"
        for _ in range(draw(st.integers(0, 4)))
    )
    folder = draw(st.sampled_from(["{}", "<Folder><name>f</name>{}</Folder>", "{}{}"])).format(marks, marks)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{folder}'
        f"</Document></kml>".encode()
    )


def _shapefile_zip() -> bytes:
    import tempfile
    from pathlib import Path

    gdf = gpd.GeoDataFrame({"名称": ["甲"]}, geometry=[shapely.box(121.39, 31.25, 121.395, 31.255)], crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "p.shp", engine="pyogrio")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for f in sorted(Path(tmp).iterdir()):
                zf.write(f, f.name)
    return buf.getvalue()


VALID_ZIP = _shapefile_zip()
member_names = st.one_of(
    st.sampled_from(
        [
            "p.shp",
            "p.shx",
            "p.dbf",
            "p.prj",
            "p.cpg",
            "fields.csv",
            "doc.kml",
            "a.geojson",
            "x.gpkg",
            "../p.shp",
            "/abs.shp",
            "C:\\p.shp",
            "dir/p.shp",
            "inner.zip",
            "__MACOSX/._p.shp",
            "P.SHP",
        ]
    ),
    text,
)


@st.composite
def zip_docs(draw) -> bytes:
    buf = io.BytesIO()
    members = draw(
        st.lists(
            st.tuples(member_names, st.one_of(st.binary(max_size=300), st.just(VALID_GEOJSON), st.just(VALID_KML))),
            max_size=6,
        )
    )
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            try:
                zf.writestr(name or "x", data)
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile cannot write (e.g. "\\x00")
                continue
    return buf.getvalue()


# --- the properties --------------------------------------------------------------------------------------------------
@PROFILE
@given(geojson_docs(), EXPECT)
def test_fuzz_geojson_structures(data, expect):
    check("fuzz.geojson", data, expect)


@PROFILE
@given(mutated(VALID_GEOJSON), EXPECT)
def test_fuzz_geojson_bytes(data, expect):
    check("fuzz.geojson", data, expect)


@PROFILE
@given(
    csv_docs(),
    EXPECT,
    st.one_of(
        st.none(),
        st.tuples(st.sampled_from(["lon", "x", "经度", "nope"]), st.sampled_from(["lat", "y", "纬度", "nope"])),
    ),
)
def test_fuzz_csv(data, expect, xy):
    check("fuzz.csv", data, expect, xy=xy)


@PROFILE
@given(kml_docs(), EXPECT)
def test_fuzz_kml_structures(data, expect):
    check("fuzz.kml", data, expect)


@PROFILE
@given(mutated(VALID_KML), EXPECT)
def test_fuzz_kml_bytes(data, expect):
    check("fuzz.kml", data, expect)


@PROFILE
@given(zip_docs(), st.sampled_from(["fuzz.zip", "fuzz.kmz", "fuzz.xlsx"]), EXPECT)
def test_fuzz_zip_members(data, name, expect):
    check(name, data, expect)


@PROFILE
@given(mutated(VALID_ZIP), EXPECT)
def test_fuzz_zip_bytes(data, expect):
    check("fuzz.zip", data, expect)


@PROFILE
@given(
    st.binary(max_size=2000),
    st.sampled_from(["f.geojson", "f.csv", "f.kml", "f.zip", "f.kmz", "f.xlsx", "f.dxf", "f.gpkg"]),
)
def test_fuzz_any_bytes_any_name(data, name):
    check(name, data, "any")


def test_the_seeds_themselves_are_read():
    assert len(read_upload("a.geojson", VALID_GEOJSON).gdf) == 1
    assert len(read_upload("a.kml", VALID_KML).gdf) == 1
    assert len(read_upload("a.zip", VALID_ZIP).gdf) == 1


# --- the JSON CRS scanner, the CSV delimiter and the XLSX counter against a real parser --------------------------
CRS_NAMES = st.sampled_from(["crs", "CRS", "coordRefSys", "spatialReference", "name", "crsx", "properties"])


def _escape_some(name: str, draw) -> str:
    """The member name as JSON text, some characters written as \\u escapes."""

    def one(c: str) -> str:
        must = ord(c) < 32 or c in '"\\'
        return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF and (must or draw(st.booleans())) else c

    return '"' + "".join(one(c) for c in name) + '"'


@st.composite
def json_with_members(draw) -> tuple[bytes, object]:
    """A JSON text written by hand (escaped names, spaces before colons) and the value a real parser reads."""

    def node(depth: int):
        kind = draw(st.sampled_from(["scalar", "list", "object"] if depth < 6 else ["scalar"]))
        if kind == "scalar":
            value = draw(json_scalar)
            return json.dumps(value, allow_nan=False) if not (
                isinstance(value, float) and not math.isfinite(value)
            ) else "0", None
        if kind == "list":
            items = [node(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            return "[" + ", ".join(t for t, _ in items) + "]", None
        members = []
        for _ in range(draw(st.integers(0, 3))):
            key = draw(st.one_of(CRS_NAMES, text))
            text_value, _ = node(depth + 1)
            if key.lower() in ("crs", "coordrefsys", "spatialreference") and draw(st.booleans()):
                text_value = json.dumps(draw(crs_member) or "EPSG:4326")
            space = draw(st.sampled_from(["", " ", "\n\t ", "\r\n"]))
            members.append(f"{_escape_some(key, draw)}{space}:{space}{text_value}")
        return "{" + ", ".join(members) + "}", None

    body, _ = node(0)
    return body.encode(), json.loads(body)


def _reference_members(value, depth=0):
    """(name, depth, value) of every CRS member, walking what :func:`json.loads` built."""
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key.lower() in ("crs", "coordrefsys", "spatialreference"):
                out.append((key.lower(), depth + 1, json.dumps(item, sort_keys=True)))
            out += _reference_members(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            out += _reference_members(item, depth + 1)
    return out


@PROFILE
@given(json_with_members())
def test_fuzz_json_crs_members_match_a_real_parser(doc):
    from gis.crs import json_crs_members

    data, parsed = doc
    found = {(n.lower(), d, json.dumps(v, sort_keys=True)) for n, d, v in json_crs_members(data)}
    # a repeated member name keeps its last value in json.loads; the scanner keeps them all
    assert set(_reference_members(parsed)) <= found


@PROFILE
@given(st.one_of(mutated(VALID_GEOJSON), st.binary(max_size=500), st.text(max_size=300).map(str.encode)))
def test_fuzz_json_crs_scanner_raises_only_its_own_errors(data):
    from gis.crs import json_crs_members
    from gis.errors import CRSError

    try:
        json_crs_members(data, file="f.geojson")
    except CRSError as exc:
        assert exc.text("zh") and str(exc)


plain_cells = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters=',;\t|"\n\r'),
    min_size=1,
    max_size=8,
)


@PROFILE
@given(st.sampled_from([",", ";", "\t", "|"]), st.integers(2, 6), st.integers(1, 6), st.data())
def test_fuzz_delimiter_is_the_one_the_table_was_written_with(sep, width, height, data):
    from ingest.tables import _delimiter

    rows = [[data.draw(plain_cells) for _ in range(width)] for _ in range(height)]
    assert _delimiter("\n".join(sep.join(r) for r in rows) + "\n") == sep


@PROFILE
@given(
    st.lists(st.lists(st.one_of(st.none(), lon, lat, text.filter(lambda s: s.isprintable())), max_size=6), max_size=8),
    st.integers(1, 60),
)
def test_fuzz_xlsx_counter_ignores_namespace_prefixes(rows, prefix_len):
    """The counter sees the same rows, cells and width whether the sheet's elements carry a prefix or not."""
    import re as _re

    from ingest.tables import _check_xlsx
    from tests.corpus import xlsx_with_sheet

    rows = [["lon", "lat"], *rows]
    plain = xlsx_with_sheet(rows=rows)
    sheet = zipfile.ZipFile(io.BytesIO(plain)).read("xl/worksheets/sheet1.xml")
    p = ("p" + "x" * prefix_len).encode()
    prefixed = _re.sub(rb"<(/?)(?![?!])([A-Za-z]+)([\s>/])", rb"<\1" + p + rb":\2\3", sheet)
    prefixed = prefixed.replace(b' xmlns="', b" xmlns:" + p + b'="', 1)
    a = _check_xlsx("a.xlsx", plain, LIMITS)
    b = _check_xlsx("b.xlsx", xlsx_with_sheet(prefixed), LIMITS)
    assert (a.rows, a.cells, a.max_row, a.max_col) == (b.rows, b.cells, b.max_row, b.max_col)
    check("fuzz.xlsx", xlsx_with_sheet(prefixed), "point")
