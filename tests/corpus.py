"""The corpus of hostile and broken files the importer must refuse, each with its error class and a message
fragment (built into a folder at test time), and the crafted archives (zip bombs) it is built from."""

from __future__ import annotations

import bz2
import functools
import io
import json
import lzma
import random
import sqlite3
import struct
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import shapely

from gis import errors as err
from ingest.model import Limits

SQUARE = shapely.box(121.39, 31.25, 121.395, 31.255)
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One bad file: what it is, what must be raised, a fragment of the English message, read_upload kwargs.

    ``bomb`` cases are also run in a worker, where peak memory and time to refuse are asserted.
    """

    name: str
    data: bytes
    error: type
    fragment: str
    kwargs: dict = field(default_factory=dict)
    bomb: bool = False
    what: str = ""


# --- building blocks ------------------------------------------------------------------------------------------
def gj(features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}).encode()


def feat(geom, **props):
    mapped = None if geom is None else shapely.geometry.mapping(geom)
    return {"type": "Feature", "properties": props, "geometry": mapped}


def file_bytes(gdf: gpd.GeoDataFrame, tmp: Path, name: str, **kw) -> bytes:
    path = tmp / name
    gdf.to_file(path, engine="pyogrio", **kw)
    return path.read_bytes()


def zip_bytes(members: dict[str, bytes], *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def shp_members(gdf: gpd.GeoDataFrame, tmp: Path, stem: str = "p", **kw) -> dict[str, bytes]:
    folder = tmp / f"shp_{stem}_{len(list(tmp.iterdir()))}"
    folder.mkdir()
    gdf.to_file(folder / f"{stem}.shp", engine="pyogrio", **kw)
    return {f.name: f.read_bytes() for f in folder.iterdir()}


def deflate_repeated(block: bytes, times: int, *, head: bytes = b"", tail: bytes = b"") -> tuple[bytes, int, int]:
    """Raw deflate of ``head + block * times + tail`` without building it: (stream, CRC-32, size). Each block
    is compressed after a full flush, so its compressed form is the same every time and is repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH) if head else b""
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    assert first[-4:] == again[-4:]
    body = start + first + again * (times - 1) + comp.compress(tail) + comp.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return body, crc, len(head) + len(block) * times + len(tail)


@dataclass
class RawMember:
    """A zip member written byte by byte, so its header may say anything."""

    name: str
    data: bytes  # as stored (deflated when method 8)
    crc: int
    size: int  # declared uncompressed size
    method: int = 8
    flags: int = 0
    attr: int = 0
    share_with: int | None = None  # central entry pointing at another member's local data


def craft_zip(members: list[RawMember]) -> bytes:
    """A zip whose local and central headers declare exactly what the members say (lies included)."""
    out = io.BytesIO()
    offsets: list[int] = []
    for m in members:
        if m.share_with is not None:
            offsets.append(offsets[m.share_with])
            continue
        offsets.append(out.tell())
        name = m.name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21, m.crc, len(m.data), m.size, len(name), 0
            )
        )
        out.write(name)
        out.write(m.data)
    central = out.tell()
    for m, offset in zip(members, offsets):
        name = m.name.encode()
        src = members[m.share_with] if m.share_with is not None else m
        out.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                0x031E,
                20,
                m.flags,
                m.method,
                0,
                0x21,
                src.crc,
                len(src.data),
                src.size if m.share_with is not None else m.size,
                len(name),
                0,
                0,
                0,
                0,
                m.attr,
                offset,
            )
        )
        out.write(name)
    size = out.tell() - central
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), size, central, 0))
    return out.getvalue()


def stored(name: str, data: bytes, **kw) -> RawMember:
    return RawMember(name, data, zlib.crc32(data), len(data), method=0, **kw)


def deflated(name: str, data: bytes, **kw) -> RawMember:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    return RawMember(name, body, zlib.crc32(data), len(data), **kw)


def xlsx_with_sheet(
    sheet_xml: bytes | None = None, *, extra: dict[str, bytes] | None = None, rows: list[list] | None = None
) -> bytes:
    """A real workbook (openpyxl), optionally with its first sheet's XML replaced."""
    wb = openpyxl.Workbook()
    for row in rows or [["name", "lon", "lat"], ["甲", 121.39, 31.25]]:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    if sheet_xml is None and not extra:
        return buf.getvalue()
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    members = {n: src.read(n) for n in src.namelist()}
    if sheet_xml is not None:
        members["xl/worksheets/sheet1.xml"] = sheet_xml
    members.update(extra or {})
    return zip_bytes(members)


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_rows_bomb(rows: int = 3_000_000) -> bytes:
    """A workbook of about 1 MB whose sheet holds ``rows`` rows of lon/lat (streamed deflate, never built)."""
    row = b'<row><c t="n"><v>121.39</v></c><c t="n"><v>31.25</v></c></row>'
    per_block = 20_000
    body, crc, size = deflate_repeated(row * per_block, rows // per_block, head=SHEET_HEAD, tail=SHEET_TAIL)
    base = zipfile.ZipFile(io.BytesIO(xlsx_with_sheet()))
    members = [deflated(n, base.read(n)) for n in base.namelist() if n != "xl/worksheets/sheet1.xml"]
    members.append(RawMember("xl/worksheets/sheet1.xml", body, crc, size))
    return craft_zip(members)


def lying_zip(member: str, *, inflates_mb: int, declares: int = 1000, extra: dict[str, bytes] | None = None) -> bytes:
    """A member that declares ``declares`` bytes but inflates to ``inflates_mb`` MB of zeros (~1000:1)."""
    body, crc, _ = deflate_repeated(b"\0" * MB, inflates_mb)
    members = [RawMember(member, body, crc, declares)]
    members += [deflated(n, d) for n, d in (extra or {}).items()]
    return craft_zip(members)


def gpkg_with(tmp: Path, name: str, sql: list[str], gdf: gpd.GeoDataFrame | None = None, layer: str = "p") -> bytes:
    path = tmp / name
    (gdf if gdf is not None else gpd.GeoDataFrame({"name": ["甲"]}, geometry=[SQUARE], crs="EPSG:4326")).to_file(
        path, engine="pyogrio", layer=layer
    )
    con = sqlite3.connect(path)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()
    return path.read_bytes()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;'
    b'&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'
    b'&lol2;&lol2;">]>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&lol3;'
    b"</name><Point><coordinates>121.39,31.25</coordinates></Point></Placemark></Document></kml>"
)
XXE_KML = (
    b'<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<kml xmlns="http://'
    b'www.opengis.net/kml/2.2"><Document><Placemark><name>&x;</name><Point><coordinates>121.39,31.25'
    b"</coordinates></Point></Placemark></Document></kml>"
)
GOOD_KML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    b"<Placemark><name>\xe7\x94\xb2</name><Point><coordinates>121.39,31.25</coordinates></Point>"
    b"</Placemark></Document></kml>"
)
VRT = (
    b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource>'
    b"<GeometryType>wkbNone</GeometryType></OGRVRTLayer></OGRVRTDataSource>"
)
PRJ_NADGRIDS = (
    b'GEOGCS["x",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],'
    b'UNIT["degree",0.0174532925199433],EXTENSION["PROJ4","+proj=longlat +datum=WGS84 '
    b'+nadgrids=/etc/shadow"]]'
)
WKT2_GRIDFILE = (
    'BOUNDCRS[SOURCECRS[GEOGCRS["x",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,'
    '298.257223563]],CS[ellipsoidal,2],AXIS["lon",east],AXIS["lat",north],ANGLEUNIT["degree",'
    '0.0174532925199433]]],TARGETCRS[GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID['
    '"WGS 84",6378137,298.257223563]],CS[ellipsoidal,2],AXIS["lon",east],AXIS["lat",north],ANGLEUNIT['
    '"degree",0.0174532925199433]]],ABRIDGEDTRANSFORMATION["x",METHOD["NTv2"],PARAMETERFILE["Latitude '
    'and longitude difference file","/etc/shadow"]]]'
)


def build(tmp: Path) -> list[Case]:
    """Every bad file, built fresh in ``tmp``."""
    good = gpd.GeoDataFrame(
        {"name": ["甲", "乙"]}, geometry=[SQUARE, shapely.box(121.40, 31.25, 121.405, 31.255)], crs="EPSG:4326"
    )
    good_gj = gj([feat(SQUARE, name="甲")])
    shp = shp_members(good, tmp)
    dbf = shp["p.dbf"]
    bad_crc_dbf = zipfile.ZipFile(io.BytesIO(zip_bytes(shp)))
    members = {n: bad_crc_dbf.read(n) for n in bad_crc_dbf.namelist()}
    crc_members = [deflated(n, d) for n, d in members.items()]
    for m in crc_members:
        if m.name == "p.dbf":
            m.crc ^= 0xFFFF
    aes = deflated("p.shp", shp["p.shp"])
    aes.method = 99
    rows_csv = "name,lon,lat\n" + "".join(f"p{i},121.39,31.25\n" for i in range(10))
    cases = [
        # --- size, type, emptiness
        Case("empty.geojson", b"", err.EmptyFileError, "empty (0 bytes)"),
        Case("no_features.geojson", gj([]), err.EmptyFileError, "has no features"),
        Case("truncated.geojson", good_gj[: len(good_gj) // 2], err.ReadError, "cannot be read"),
        Case("not_geo.geojson", b"hello, this is not geojson", err.ReadError, "cannot be read as GeoJSON"),
        Case("drawing.mif", b"Version 300", err.UnsupportedFormatError, "unsupported file type .mif"),
        Case("README", b"text", err.UnsupportedFormatError, "unsupported file type —"),
        Case(
            "big.geojson", good_gj, err.FileTooLargeError, "over the 0.0001 MB limit", {"limits": Limits(max_mb=0.0001)}
        ),
        Case(
            "too_many.geojson",
            gj([feat(SQUARE)] * 10),
            err.FileTooLargeError,
            "> 5 features; at most 5",
            {"limits": Limits(max_features=5)},
        ),
        Case(
            "too_many.gpkg",
            file_bytes(gpd.GeoDataFrame(geometry=[SQUARE] * 10, crs="EPSG:4326"), tmp, "many.gpkg"),
            err.FileTooLargeError,
            "10 features; at most 5",
            {"limits": Limits(max_features=5)},
        ),
        # --- zip archives: paths, counts, sizes actually inflated, lies, damage
        Case("slip.zip", zip_bytes({"../evil.shp": b"x", **shp}), err.UnsafeArchiveError, "points outside the archive"),
        Case("absolute.zip", zip_bytes({"/etc/evil.shp": b"x"}), err.UnsafeArchiveError, "points outside the archive"),
        Case("windows.zip", zip_bytes({"C:/evil.shp": b"x"}), err.UnsafeArchiveError, "points outside the archive"),
        Case(
            "backslash.zip",
            craft_zip([stored("..\\..\\evil.shp", b"x")]),
            err.UnsafeArchiveError,
            "points outside the archive",
        ),
        Case(
            "bomb.zip",
            zip_bytes({"p.shp": b"\0" * 60_000_000}),
            err.UnsafeArchiveError,
            "possible zip bomb",
            bomb=True,
            what="60 MB of zeros declared honestly (ratio ~1000)",
        ),
        Case(
            "many.zip",
            zip_bytes({f"f{i}.txt": b"x" for i in range(201)}),
            err.UnsafeArchiveError,
            "201 files in the archive",
        ),
        Case(
            "huge_unzipped.zip",
            zip_bytes({"p.shp": np.random.default_rng(0).bytes(3_000_000)}, compress=zipfile.ZIP_STORED),
            err.UnsafeArchiveError,
            "once unpacked",
            {"limits": Limits(max_unzipped_mb=1)},
        ),
        Case(
            "lying.kmz",
            lying_zip("doc.kml", inflates_mb=600),
            err.UnsafeArchiveError,
            "declares 1,000 bytes but inflates to more",
            bomb=True,
            what="616 KB KMZ: doc.kml declares 1,000 bytes, inflates to 600 MB",
        ),
        Case(
            "lying_dbf.zip",
            lying_zip("p.dbf", inflates_mb=200, extra={"p.shp": shp["p.shp"], "p.shx": shp["p.shx"]}),
            err.UnsafeArchiveError,
            "declares 1,000 bytes but inflates",
            bomb=True,
            what="zipped Shapefile whose .dbf declares 1,000 bytes, inflates to 200 MB",
        ),
        Case(
            "overlap.zip",
            craft_zip(
                [RawMember("a.shp", *deflate_repeated(b"\0" * MB, 40))]
                + [RawMember(f"{k}.shp", b"", 0, 0, share_with=0) for k in range(1, 150)]
            ),
            err.UnsafeArchiveError,
            "shares its data",
            bomb=True,
            what="150 central entries sharing one 40 MB deflate stream (overlapping-files bomb)",
        ),
        Case(
            "overlap_small.zip",
            craft_zip(
                [deflated("a.shp", b"x" * 1000)] + [RawMember(f"{k}.shp", b"", 0, 0, share_with=0) for k in range(1, 5)]
            ),
            err.UnsafeArchiveError,
            "shares its data",
        ),
        Case(
            "duplicate.zip",
            craft_zip([deflated("p.shp", shp["p.shp"]), deflated("P.SHP", shp["p.shp"])]),
            err.UnsafeArchiveError,
            "twice",
        ),
        Case(
            "symlink.zip",
            craft_zip([stored("p.shp", b"/etc/passwd", attr=(0o120777 << 16))]),
            err.UnsafeArchiveError,
            "symbolic link",
        ),
        Case("encrypted.zip", craft_zip([stored("p.shp", shp["p.shp"], flags=1)]), err.ReadError, "encrypted"),
        Case(
            "aes.zip",
            craft_zip([aes, deflated("p.shx", shp["p.shx"]), deflated("p.dbf", dbf)]),
            err.ReadError,
            "unsupported compression method",
        ),
        Case("bad_crc_dbf.zip", craft_zip(crc_members), err.ReadError, "p.dbf in the archive is damaged"),
        Case("nested.zip", zip_bytes({"inner.zip": zip_bytes(shp)}), err.UnsafeArchiveError, "a zip inside a zip"),
        Case("no_shx.zip", zip_bytes({"p.shp": shp["p.shp"], "p.dbf": dbf}), err.ReadError, "has no .shx"),
        Case("no_shp.zip", zip_bytes({"readme.txt": b"x"}), err.ReadError, "expected a Shapefile"),
        Case("not_a_zip.zip", b"PK but not really", err.ReadError, "not a readable zip"),
        Case("truncated_shp.zip", zip_bytes({**shp, "p.shp": shp["p.shp"][:120]}), err.ReadError, "truncated"),
        Case(
            "fake_shp.zip",
            zip_bytes({**shp, "p.shp": b"<html>not a shapefile</html>" * 10}),
            err.ReadError,
            "cannot be read as Shapefile",
        ),
        # --- what GDAL would be tricked into opening
        Case("vrt.geojson", VRT, err.ReadError, "cannot be read as GeoJSON"),
        Case("vrt.kml", VRT, err.ReadError, "cannot be read as KML"),
        Case("vrt.gpkg", VRT, err.ReadError, "cannot be read as GeoPackage"),
        Case("vrt.dxf", VRT, err.ReadError, "cannot be read as DXF"),
        Case("zipped.geojson", zip_bytes({"a.geojson": good_gj}), err.ReadError, "is a zip archive"),
        Case("sqlite.gpkg", _sqlite(tmp), err.ReadError, "not a GeoPackage"),
        # --- XML
        Case("billion_laughs.kml", BILLION_LAUGHS, err.UnsafeContentError, "DOCTYPE/ENTITY"),
        Case("xxe.kml", XXE_KML, err.UnsafeContentError, "DOCTYPE/ENTITY"),
        Case("utf16.kml", GOOD_KML.decode().encode("utf-16"), err.UnsafeContentError, "not UTF-8"),
        Case("entities.kmz", zip_bytes({"doc.kml": BILLION_LAUGHS}), err.UnsafeContentError, "DOCTYPE/ENTITY"),
        Case("no_kml.kmz", zip_bytes({"image.png": b"\x89PNG"}), err.ReadError, "must contain a .kml"),
        Case(
            "bomb.kmz",
            zip_bytes({"doc.kml": b" " * 80_000_000}),
            err.UnsafeArchiveError,
            "possible zip bomb",
            bomb=True,
            what="KMZ whose doc.kml is 80 MB of spaces (ratio ~1000)",
        ),
        # --- geometry and coordinates
        Case(
            "points.geojson", gj([feat(shapely.Point(121.39, 31.25), name="站")]), err.GeometryError, "needs polygons"
        ),
        Case(
            "lines.geojson",
            gj([feat(shapely.LineString([(121.39, 31.25), (121.40, 31.26)]))]),
            err.GeometryError,
            "needs polygons",
        ),
        Case(
            "mixed.geojson",
            gj([feat(SQUARE), feat(shapely.Point(121.39, 31.25))]),
            err.GeometryError,
            "mixed geometry types",
        ),
        Case("no_geometry.geojson", gj([feat(None, name="空")]), err.GeometryError, "no feature has a geometry"),
        Case(
            "collapsed.geojson",
            gj([feat(shapely.Polygon([(121.39, 31.25), (121.40, 31.25), (121.41, 31.25)]))]),
            err.GeometryError,
            "cannot be repaired",
        ),
        Case(
            "nan.gpkg",
            file_bytes(
                gpd.GeoDataFrame(
                    geometry=[shapely.Polygon([(121.39, 31.25), (121.40, np.nan), (121.40, 31.26), (121.39, 31.25)])],
                    crs="EPSG:4326",
                ),
                tmp,
                "nan.gpkg",
            ),
            err.CoordinateError,
            "NaN or infinite",
        ),
        Case("inf.csv", b"name,lon,lat\nA,inf,31.25\n", err.CoordinateError, "NaN or infinite", {"expect": "point"}),
        Case(
            "paris.geojson", gj([feat(shapely.box(2.35, 48.85, 2.36, 48.86))]), err.CoordinateError, "outside Shanghai"
        ),
        Case(
            "latlon.geojson",
            gj(
                [feat(shapely.box(31.25, 121.39, 31.255, 121.395))],
                crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            ),
            err.CoordinateError,
            "lat/lon swapped",
        ),
        Case(
            "huge_numbers.geojson",
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            b'"geometry":{"type":"Point","coordinates":[1e300,1e300]}}]}',
            err.CRSUnknownError,
            "x \u2248 1e+300",
            {"expect": "point"},
        ),
        Case(
            "huge_numbers_4326.geojson",
            b'{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":'
            b'"EPSG:4326"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point",'
            b'"coordinates":[1e300,1e300]}}]}',
            err.CoordinateError,
            "(extent 1e+300, ",
            {"expect": "point"},
        ),
        Case(
            "huge_numbers.csv",
            b"name,x,y\nA,1e300,-1e300\n",
            err.CRSUnknownError,
            "x \u2248 1e+300, y \u2248 -1e+300",
            {"expect": "point"},
        ),
        Case(
            "no_crs.zip",
            zip_bytes(shp_members(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]), tmp, "n")),
            err.CRSUnknownError,
            "none fits",
        ),
        Case(
            "text_coords.csv",
            "名称,经度,纬度\n甲,121.39,31.25\n乙,东经121度,31.25\n".encode(),
            err.CoordinateError,
            "are not numbers (rows 2",
            {"expect": "point"},
        ),
        # --- coordinate systems: typed by the user or declared by the file
        Case("bad_choice.geojson", good_gj, err.CRSUnknownError, "not a coordinate system", {"crs": "EPSG:999999"}),
        Case(
            "nadgrids_choice.geojson",
            good_gj,
            err.CRSUnknownError,
            "(nadgrids)",
            {"crs": "+proj=longlat +datum=WGS84 +nadgrids=/etc/shadow"},
        ),
        Case("init_choice.geojson", good_gj, err.CRSUnknownError, "(init)", {"crs": "+init=/etc/passwd:root"}),
        Case(
            "pipeline_choice.geojson",
            good_gj,
            err.CRSUnknownError,
            "(proj=pipeline)",
            {"crs": "+proj=pipeline +step +proj=hgridshift +grids=/etc/shadow"},
        ),
        Case(
            "wkt_extension_choice.geojson", good_gj, err.CRSUnknownError, "(nadgrids)", {"crs": PRJ_NADGRIDS.decode()}
        ),
        Case("wkt2_gridfile_choice.geojson", good_gj, err.CRSUnknownError, "(PARAMETERFILE)", {"crs": WKT2_GRIDFILE}),
        Case("url_choice.geojson", good_gj, err.CRSUnknownError, "(URL)", {"crs": "http://evil.example/crs.prj"}),
        Case(
            "geocentric_choice.geojson",
            good_gj,
            err.CRSUnknownError,
            "not a geographic or projected 2D",
            {"crs": "EPSG:4978"},
        ),
        Case(
            "init_declared.geojson",
            gj([feat(SQUARE)], crs={"type": "name", "properties": {"name": "+init=/etc/passwd:root"}}),
            err.CRSUnknownError,
            "declares the CRS +init=/etc/passwd:root",
        ),
        Case(
            "link_declared.geojson",
            gj(
                [feat(SQUARE)], crs={"type": "link", "properties": {"href": "http://evil.example/crs", "type": "proj4"}}
            ),
            err.CRSUnknownError,
            "as a link",
        ),
        Case(
            "nadgrids_prj.zip",
            zip_bytes({**shp, "p.prj": PRJ_NADGRIDS}),
            err.CRSUnknownError,
            "refers to files (nadgrids)",
        ),
        Case(
            "local_cs_prj.zip",
            zip_bytes({**shp, "p.prj": b'LOCAL_CS["drawing",UNIT["metre",1]]'}),
            err.CRSUnknownError,
            "declares the CRS",
        ),
        Case("junk_prj.zip", zip_bytes({**shp, "p.prj": b"hello world"}), err.CRSUnknownError, "cannot be understood"),
        Case(
            "gridfile_srs.gpkg",
            gpkg_with(
                tmp,
                "gridfile_srs.gpkg",
                [
                    "INSERT INTO gpkg_spatial_ref_sys VALUES ('evil', 990001, 'NONE', 990001, "
                    f"'{PRJ_NADGRIDS.decode()}', '')"
                ],
            ),
            err.CRSUnknownError,
            "refers to files (nadgrids)",
        ),
        # --- tables
        Case(
            "no_coords.csv", "名称,面积\n甲,1\n".encode(), err.SchemaError, "no coordinate columns", {"expect": "point"}
        ),
        Case("header_only.csv", b"lon,lat\n", err.EmptyFileError, "no rows", {"expect": "point"}),
        Case("binary.csv", bytes(range(256)) * 4, err.ReadError, "neither UTF-8 nor GBK", {"expect": "point"}),
        Case(
            "wkt_garbage.csv",
            b'name,wkt\nA,"POLYGON((121.39 31.25, 121.40 31.25, 121.40 31.26, 121.39 31.25))"\nB,not wkt at all\n',
            err.ReadError,
            "not valid WKT (rows 2",
        ),
        Case(
            "xy_missing.csv",
            rows_csv.encode(),
            err.SchemaError,
            "no column 东经",
            {"xy": ("东经", "北纬"), "expect": "point"},
        ),
        Case(
            "rows.csv",
            rows_csv.encode(),
            err.FileTooLargeError,
            "limit of 5 rows",
            {"expect": "point", "limits": Limits(max_features=5)},
        ),
        Case("broken.xlsx", b"PK\x03\x04 not a workbook", err.ReadError, "not a readable zip", {"expect": "point"}),
        Case(
            "old.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            err.ReadError,
            "Excel 97-2003",
            {"expect": "point"},
        ),
        Case(
            "not_workbook.xlsx",
            zip_bytes({"hello.txt": b"x"}),
            err.ReadError,
            "not an Excel workbook",
            {"expect": "point"},
        ),
        Case(
            "rows_3m.xlsx",
            xlsx_rows_bomb(3_000_000),
            err.FileTooLargeError,
            "limit of 200,000 rows",
            {"expect": "point"},
            bomb=True,
            what="about 1 MB workbook, 3,000,000 rows",
        ),
        Case(
            "sparse.xlsx",
            xlsx_with_sheet(
                SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>lon</t></is></c>'
                b'</row><row r="1000000"><c r="A1000000"><v>1</v></c></row>' + SHEET_TAIL
            ),
            err.FileTooLargeError,
            "limit of 200,000 rows",
            {"expect": "point"},
        ),
        Case(
            "wide.xlsx",
            xlsx_with_sheet(SHEET_HEAD + b'<row r="1"><c r="XFD1"><v>1</v></c></row>' + SHEET_TAIL),
            err.FileTooLargeError,
            "limit of 500 columns",
            {"expect": "point"},
        ),
        Case(
            "xxe.xlsx",
            xlsx_with_sheet(
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                + SHEET_HEAD[SHEET_HEAD.index(b"<worksheet") :]
                + SHEET_TAIL
            ),
            err.UnsafeContentError,
            "DOCTYPE/ENTITY",
            {"expect": "point"},
        ),
        Case(
            "strings_bomb.xlsx",
            xlsx_with_sheet(extra={"xl/sharedStrings.xml": b"<sst>" + b"<si><t>x</t></si>" * 6_000_000 + b"</sst>"}),
            err.UnsafeArchiveError,
            "possible zip bomb",
            {"expect": "point"},
            bomb=True,
            what="XLSX whose sharedStrings.xml is 6,000,000 strings (~100 MB of XML)",
        ),
        Case(
            "cells.xlsx",
            xlsx_with_sheet(rows=[["name", "lon", "lat"]] + [["p", 121.39, 31.25]] * 5),
            err.FileTooLargeError,
            "limit of 10 cells",
            {"expect": "point", "limits": Limits(max_cells=10)},
        ),
        # --- layers, DXF, GeoPackage damage
        Case(
            "layer.gpkg",
            file_bytes(good, tmp, "layer.gpkg", layer="parcels"),
            err.SchemaError,
            "no layer nope",
            {"layer": "nope"},
        ),
        Case("truncated.gpkg", file_bytes(good, tmp, "t.gpkg")[:3000], err.ReadError, "cannot be read"),
        Case("garbage.dxf", b"0\nSECTION\n2\nENTITIES\n0\nLINE\n", err.ReadError, "cannot be read"),
        Case("text.dxf", b"just some text", err.ReadError, "cannot be read as DXF"),
    ]
    return cases + budget_cases(tmp, shp)


@functools.cache
def cases() -> tuple[Case, ...]:
    """Every bad file, built once per test process (for parametrizing: one test per case, named after it)."""
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # building broken files on purpose makes GDAL and shapely warn
        return tuple(build(Path(tmp)))


def endless_view_gpkg(tmp: Path) -> bytes:
    """A GeoPackage whose layer ``slow`` is a view over an endless recursive query (a CPU bomb for GDAL)."""
    return gpkg_with(
        tmp,
        "endless.gpkg",
        [
            "CREATE VIEW slow AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
            "SELECT x AS fid, (SELECT geom FROM p LIMIT 1) AS geom FROM c",
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('slow', 'features', 'slow', 4326)",
            "INSERT INTO gpkg_geometry_columns VALUES ('slow', 'geom', 'POLYGON', 4326, 0, 0)",
        ],
    )


def _sqlite(tmp: Path) -> bytes:
    path = tmp / "plain.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    return path.read_bytes()


# --- budgets counted on what is read, CRS members read as data (the probe of 63 files and generated ones) --------
UNSAFE_CRS = {
    "init": "+init=/etc/passwd:root",
    "nadgrids": "+proj=longlat +datum=WGS84 +nadgrids=/etc/shadow",
    "grid_at": "+proj=longlat +datum=WGS84 +nadgrids=@evil.gsb",
    "url": "http://127.0.0.1:9/crs.prj",
    "file_url": "file:///etc/passwd",
    "pipeline": "+proj=pipeline +step +proj=hgridshift +grids=/etc/shadow",
}
UNSAFE_FRAGMENT = {
    "init": "(init)",
    "nadgrids": "(nadgrids)",
    "grid_at": "(nadgrids)",
    "url": "(URL)",
    "file_url": "(URL)",
    "pipeline": "(proj=pipeline)",
}
#: How the member name "crs" is written: plainly, escaped, with spaces before the colon, escaped and padded.
CRS_SPELLINGS = {
    "plain": b'"crs":',
    "escaped": b'"\\u0063rs":',
    "padded": b'"crs"   \n\t  :',
    "escaped_padded": b'"\\u0063\\u0072\\u0073" \r\n :',
}


def geojson_with_member(member: bytes, value: object, *, features: list | None = None, first: bool = False) -> bytes:
    """A FeatureCollection whose top-level member is written byte for byte (``member`` includes the colon)."""
    feats = json.dumps(features if features is not None else [feat(SQUARE, name="甲")]).encode()
    extra = member + json.dumps(value).encode()
    if first:
        return b"{" + extra + b', "type": "FeatureCollection", "features": ' + feats + b"}"
    return b'{"type": "FeatureCollection", "features": ' + feats + b", " + extra + b"}"


def decoy_features(n: int) -> list:
    """``n`` features each holding a harmless "crs" property (what a text scan stopped at)."""
    decoy = {"type": "name", "properties": {"name": "EPSG:4326"}}
    return [{**feat(SQUARE, name=f"p{i}"), "crs": decoy} for i in range(n)]


def raw_zip(name: str, body: bytes, data_crc: int, declared: int, method: int) -> bytes:
    return craft_zip([RawMember(name, body, data_crc, declared, method=method)])


def bzip2_of_zeros(mb: int) -> bytes:
    comp = bz2.BZ2Compressor(9)
    block = b"\0" * MB
    return b"".join(comp.compress(block) for _ in range(mb)) + comp.flush()


def lzma_zip_body(data_mb: int) -> tuple[bytes, int]:
    """A zip LZMA member body (version, properties, raw LZMA1) of ``data_mb`` MB of zeros, and its CRC."""
    filters = [{"id": lzma.FILTER_LZMA1, "dict_size": 1 << 20}]
    comp = lzma.LZMACompressor(lzma.FORMAT_RAW, filters=filters)
    props = lzma._encode_filter_properties(filters[0])  # type: ignore[attr-defined]
    crc = 0
    chunks = []
    for _ in range(data_mb):
        chunks.append(comp.compress(b"\0" * MB))
        crc = zlib.crc32(b"\0" * MB, crc)
    chunks.append(comp.flush())
    return struct.pack("<BBH", 9, 4, len(props)) + props + b"".join(chunks), crc


def dxf_text(blocks: dict[str, list[list[str]]], entities: list[list[str]]) -> bytes:
    """A text DXF (R2000) with the given blocks and entities (each a flat list of group code/value lines)."""
    out = ["0", "SECTION", "2", "HEADER", "9", "$ACADVER", "1", "AC1015", "0", "ENDSEC", "0", "SECTION", "2", "BLOCKS"]
    for name, ents in blocks.items():
        out += ["0", "BLOCK", "8", "0", "2", name, "70", "0", "10", "0.0", "20", "0.0", "30", "0.0", "3", name]
        for e in ents:
            out += e
        out += ["0", "ENDBLK", "8", "0"]
    out += ["0", "ENDSEC", "0", "SECTION", "2", "ENTITIES"]
    for e in entities:
        out += e
    out += ["0", "ENDSEC", "0", "EOF"]
    return ("\n".join(out) + "\n").encode()


def dxf_line(i: int = 0) -> list[str]:
    return ["0", "LINE", "8", "0", "10", f"{i}.0", "20", "0.0", "30", "0.0", "11", f"{i}.5", "21", "1.0", "31", "0.0"]


def dxf_insert(name: str, cols: int = 1, rows: int = 1, x: float = 0.0, kind: str = "INSERT") -> list[str]:
    entity = ["0", kind, "8", "0", "2", name, "10", f"{x}", "20", "0.0", "30", "0.0"]
    if cols > 1 or rows > 1:
        entity += ["70", str(cols), "71", str(rows), "44", "1.0", "45", "1.0"]
    return entity


def dxf_chain(levels: int, fan: int) -> bytes:
    """Blocks B0..B{levels}: each inserts the one below ``fan`` times (fan ** levels entities)."""
    blocks = {"B0": [dxf_line(i) for i in range(fan)]}
    for k in range(1, levels):
        blocks[f"B{k}"] = [dxf_insert(f"B{k - 1}", x=i) for i in range(fan)]
    return dxf_text(blocks, [dxf_insert(f"B{levels - 1}")])


def prefixed_sheet(prefix: bytes, rows: int, cells: int = 1) -> bytes:
    """A worksheet whose every element carries a long namespace prefix."""
    p = prefix
    head = (
        b'<?xml version="1.0"?><'
        + p
        + b":worksheet xmlns:"
        + p
        + b'="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><'
        + p
        + b":sheetData>"
    )
    cell = b"<" + p + b":c><" + p + b":v>1</" + p + b":v></" + p + b":c>"
    row = b"<" + p + b":row>" + cell * cells + b"</" + p + b":row>"
    return head + row * rows + b"</" + p + b":sheetData></" + p + b":worksheet>"


def xlsx_dense(rows: int, columns: int) -> bytes:
    """A workbook whose sheet holds ``rows`` × ``columns`` numbers (streamed deflate, never built)."""
    row = b"<row>" + b'<c t="n"><v>121.39</v></c>' * columns + b"</row>"
    body, crc, size = deflate_repeated(row * 100, rows // 100, head=SHEET_HEAD, tail=SHEET_TAIL)
    members = [deflated(n, d) for n, d in _xlsx_members().items() if n != "xl/worksheets/sheet1.xml"]
    members.append(RawMember("xl/worksheets/sheet1.xml", body, crc, size))
    return craft_zip(members)


def gpkg_many_tables(tmp: Path, n: int) -> bytes:
    path = tmp / f"tables_{n}.gpkg"
    gpd.GeoDataFrame({"name": ["甲"]}, geometry=[SQUARE], crs="EPSG:4326").to_file(path, engine="pyogrio", layer="p")
    con = sqlite3.connect(path)
    for i in range(n):
        con.execute(f"CREATE TABLE t{i} (fid INTEGER PRIMARY KEY, geom BLOB)")
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, 4326)",
            (f"t{i}", f"t{i}"),
        )
        con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POLYGON', 4326, 0, 0)", (f"t{i}",))
    con.commit()
    con.close()
    return path.read_bytes()


def dbf_declaring(dbf: bytes, records: int) -> bytes:
    """The .dbf with its header's record count replaced."""
    return dbf[:4] + struct.pack("<I", records) + dbf[8:]


def wide_shapefile(tmp: Path, *, records: int = 40, fields: int = 255, width: int = 200) -> dict[str, bytes]:
    """A shapefile of ``records`` records × ``fields`` text fields of random letters (so it does not compress)."""
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    cols = {f"f{i:03d}": ["".join(rng.choices(letters, k=width)) for _ in range(records)] for i in range(fields)}
    gdf = gpd.GeoDataFrame(cols, geometry=[SQUARE] * records, crs="EPSG:4326")
    return shp_members(gdf, tmp, "w")


def budget_cases(tmp: Path, shp: dict[str, bytes]) -> list[Case]:
    """The classes of the second probe: CRS members read as data, every budget counted before the work."""
    cases: list[Case] = []
    # --- a CRS member however it is spelt, wherever it hides, refused when it refers to a file or URL
    for spelling, member in CRS_SPELLINGS.items():
        cases.append(
            Case(
                f"crs_link_{spelling}.geojson",
                geojson_with_member(member, {"type": "link", "properties": {"href": "http://127.0.0.1:9/x"}}),
                err.CRSUnknownError,
                "as a link",
            )
        )
        for kind, text in UNSAFE_CRS.items():
            cases.append(
                Case(
                    f"crs_{kind}_{spelling}.geojson",
                    geojson_with_member(member, {"type": "name", "properties": {"name": text}}, first=True),
                    err.CRSUnknownError,
                    UNSAFE_FRAGMENT[kind],
                )
            )
    decoys = decoy_features(1000)
    link = {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs", "type": "proj4"}}
    cases += [
        Case(
            "crs_after_1000_decoys.geojson",
            geojson_with_member(b'"crs":', link, features=decoys),
            err.CRSUnknownError,
            "as a link",
            what="1,000 harmless 'crs' members in features, then a link CRS at the end",
        ),
        Case(
            "crs_init_after_1000_decoys.geojson",
            geojson_with_member(
                b'"\\u0063rs" :', {"type": "name", "properties": {"name": UNSAFE_CRS["init"]}}, features=decoys
            ),
            err.CRSUnknownError,
            "(init)",
        ),
        Case(
            "crs_in_a_feature.geojson",
            gj([{**feat(SQUARE), "crs": link}]),
            err.CRSUnknownError,
            "as a link",
        ),
        Case(
            "crs_escaped_type.geojson",
            geojson_with_member(b'"crs":', {"type": "\u006cink", "properties": {"href": "file:///etc/passwd"}}).replace(
                b"\\\\u006c", b"\\u006c"
            ),
            err.CRSUnknownError,
            "as a link",
        ),
        Case(
            "crs_nested_5000.geojson",
            b'{"type":"FeatureCollection","crs":' + b"[" * 5000 + b"]" * 5000 + b',"features":[]}',
            err.UnsafeContentError,
            "deeper than the limit of 100 levels",
        ),
        Case(
            "crs_nested_5000_objects.geojson",
            b'{"type":"FeatureCollection","crs":' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b',"features":[]}',
            err.UnsafeContentError,
            "deeper than the limit of 100 levels",
        ),
        Case(
            "crs_too_big.geojson",
            geojson_with_member(b'"crs":', {"type": "name", "properties": {"name": "EPSG:4326", "pad": "x" * 70_000}}),
            err.UnsafeContentError,
            "over the limit of 64 KB",
        ),
        Case(
            "crs_60_different.geojson",
            gj(
                [
                    {
                        **feat(SQUARE),
                        "crs": {"type": "name", "properties": {"name": f"EPSG:{4326 if i else 4490}", "n": i}},
                    }
                    for i in range(60)
                ]
            ),
            err.UnsafeContentError,
            "more than 50 different coordinate systems",
        ),
        Case(
            "coordrefsys_url.geojson",
            geojson_with_member(b'"coordRefSys":', "http://127.0.0.1:9/def/crs/x"),
            err.CRSUnknownError,
            "as a link",
        ),
        Case(
            "coordrefsys_escaped_url.geojson",
            geojson_with_member(b'"coord\\u0052efSys" :', {"type": "Reference", "href": "file:///etc/passwd"}),
            err.CRSUnknownError,
            "as a link",
        ),
        Case(
            "esri_wkt_nadgrids.json",
            geojson_with_member(b'"spatialReference":', {"wkt": PRJ_NADGRIDS.decode()}),
            err.CRSUnknownError,
            "(nadgrids)",
        ),
        Case(
            "crs_link_in_sequence.geojson",
            b"\x1e"
            + json.dumps(feat(SQUARE)).encode()
            + b"\n\x1e"
            + json.dumps({**feat(SQUARE), "crs": link}).encode(),
            err.CRSUnknownError,
            "as a link",
        ),
    ]
    big = [
        feat(shapely.Polygon([(121.39 + i * 1e-7, 31.25), (121.40, 31.25 + i * 1e-7), (121.40, 31.26)]), n=i)
        for i in range(40_000)
    ]
    cases.append(
        Case(
            "crs_link_after_big.geojson",
            geojson_with_member(b'"\\u0063rs" :', link, features=big),
            err.CRSUnknownError,
            "as a link",
            bomb=True,
            what="about 9 MB of features, then an escaped link CRS",
        )
    )
    # --- CSV: delimiter detection and columns counted before pandas
    sniffer_bomb = ("a" + '"' + ",,," + " ") * 16_000
    cases += [
        Case(
            "sniffer_backtracking.csv",
            sniffer_bomb.encode(),
            err.FileTooLargeError,
            "the header has 48,001 columns",
            {"expect": "point"},
            bomb=True,
            what="65 KB that made csv.Sniffer backtrack for 34 s",
        ),
        Case(
            "columns_2_5m.csv",
            b",".join([b"1"] * 2_500_000) + b"\n1\n",
            err.FileTooLargeError,
            "over the limit of 512 KB for a header line",
            {"expect": "point"},
            bomb=True,
            what="one header line of 2,500,000 columns",
        ),
    ]
    for sep, label in ((",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
        header = sep.join(f"c{i}" for i in range(20_000))
        cases.append(
            Case(
                f"columns_20k_{label}.csv",
                (header + "\n" + sep.join(["1"] * 20_000) + "\n").encode(),
                err.FileTooLargeError,
                "the header has 20,000 columns, over the limit of 500 columns",
                {"expect": "point"},
            )
        )
    # --- XLSX: counted by element name, whatever the prefix; the span openpyxl pads to
    long_prefix = b"p" + b"x" * 40
    cases += [
        Case(
            "prefixed_rows.xlsx",
            xlsx_with_sheet(prefixed_sheet(long_prefix, 250_000)),
            err.FileTooLargeError,
            "the worksheet has more than the limit of 50,000 rows (counted",
            {"expect": "point", "limits": Limits(max_rows=50_000)},
            bomb=True,
            what="250,000 rows written with a 41-character namespace prefix (old counter: 823 MB, 84 s)",
        ),
        Case(
            "prefixed_cells.xlsx",
            xlsx_with_sheet(prefixed_sheet(b"ns0123456789abcdefghijklmnop", 4, cells=5)),
            err.FileTooLargeError,
            "limit of 10 cells",
            {"expect": "point", "limits": Limits(max_cells=10)},
        ),
        Case(
            "single_quoted_ref.xlsx",
            xlsx_with_sheet(SHEET_HEAD + b"<row r='1'><c r='XFD1'><v>1</v></c></row>" + SHEET_TAIL),
            err.FileTooLargeError,
            "limit of 500 columns",
            {"expect": "point"},
        ),
        Case(
            "unnumbered_cells.xlsx",
            xlsx_with_sheet(SHEET_HEAD + b"<row>" + b"<c><v>1</v></c>" * 600 + b"</row>" + SHEET_TAIL),
            err.FileTooLargeError,
            "limit of 500 columns",
            {"expect": "point"},
        ),
        Case(
            "stray_far_cell.xlsx",
            xlsx_with_sheet(
                SHEET_HEAD
                + b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 101))
                + b'<row r="101"><c r="RZ101"><v>1</v></c></row>'
                + SHEET_TAIL
            ),
            err.FileTooLargeError,
            "spans 101 rows × 494 columns",
            {"expect": "point", "limits": Limits(max_cells=10_000)},
        ),
        Case(
            "dense_2m_cells.xlsx",
            xlsx_dense(4_000, 500),
            err.FileTooLargeError,
            "limit of 1,000,000 cells",
            {"expect": "point"},
            what="4,000 rows × 500 columns: inside the row, column and 5,000,000-cell limits, 52 s in openpyxl",
        ),
        Case(
            "unbound_prefix.xlsx",
            xlsx_with_sheet(b'<?xml version="1.0"?><x:worksheet><x:sheetData></x:sheetData></x:worksheet>'),
            err.ReadError,
            "cannot be read as an Excel workbook",
            {"expect": "point"},
        ),
    ]
    # --- zip members in every compression method: counted as inflated, or refused
    zeros_bz2 = bzip2_of_zeros(512)
    crc_zeros = 0
    for _ in range(512):
        crc_zeros = zlib.crc32(b"\0" * MB, crc_zeros)
    lzma_body, lzma_crc = lzma_zip_body(64)
    cases += [
        Case(
            "bzip2_lying.kmz",
            raw_zip("doc.kml", zeros_bz2, crc_zeros, 1000, 12),
            err.UnsafeArchiveError,
            "declares 1,000 bytes but inflates to more",
            bomb=True,
            what="bzip2 doc.kml: 512 MB of zeros in under 1 KB, declared 1,000 bytes",
        ),
        Case(
            "bzip2_honest.kmz",
            raw_zip("doc.kml", zeros_bz2[:], crc_zeros, 300 * MB, 12),
            err.UnsafeArchiveError,
            "possible zip bomb",
            bomb=True,
            what="bzip2 doc.kml declaring 300 MB in under 1 KB",
        ),
        Case(
            "bzip2_dbf.zip",
            craft_zip(
                [
                    RawMember("p.dbf", zeros_bz2, crc_zeros, 1000, method=12),
                    deflated("p.shp", shp["p.shp"]),
                    deflated("p.shx", shp["p.shx"]),
                ]
            ),
            err.UnsafeArchiveError,
            "declares 1,000 bytes but inflates",
            bomb=True,
            what="zipped Shapefile whose bzip2 .dbf inflates to 512 MB",
        ),
        Case(
            "lzma_lying.kmz",
            raw_zip("doc.kml", lzma_body, lzma_crc, 1000, 14),
            err.UnsafeArchiveError,
            "declares 1,000 bytes but inflates to more",
            bomb=True,
            what="LZMA doc.kml: 64 MB of zeros declared 1,000 bytes",
        ),
        Case(
            "bzip2_sheet.xlsx",
            craft_zip(
                [deflated(n, d) for n, d in _xlsx_members().items() if n != "xl/worksheets/sheet1.xml"]
                + [RawMember("xl/worksheets/sheet1.xml", zeros_bz2, crc_zeros, 1000, method=12)]
            ),
            err.UnsafeArchiveError,
            "declares 1,000 bytes but inflates",
            {"expect": "point"},
            bomb=True,
            what="XLSX whose sheet is bzip2 inflating to 512 MB",
        ),
        Case(
            "bzip2_small.kmz",
            raw_zip("doc.kml", bz2.compress(GOOD_KML)[:-8] + b"garbage!", zlib.crc32(GOOD_KML), len(GOOD_KML), 12),
            err.ReadError,
            "damaged",
        ),
        Case(
            "deflate64.kmz", raw_zip("doc.kml", b"\0" * 64, 0, 64, 9), err.ReadError, "unsupported compression method"
        ),
        Case("ppmd.kmz", raw_zip("doc.kml", b"\0" * 64, 0, 64, 98), err.ReadError, "unsupported compression method"),
    ]
    # --- DXF: block insertions counted before GDAL expands them
    cases += [
        Case(
            "minsert_1m.dxf",
            dxf_text({"A": [dxf_line(i) for i in range(100)]}, [dxf_insert("A", 100, 100, kind="MINSERT")]),
            err.FileTooLargeError,
            "expand to 1,000,000 entities, over the limit of 500,000",
            {"expect": "line"},
        ),
        Case(
            "insert_rows_cols.dxf",
            dxf_text({"A": [dxf_line(i) for i in range(50)]}, [dxf_insert("A", 200, 100)]),
            err.FileTooLargeError,
            "expand to 1,000,000 entities",
            {"expect": "line"},
            bomb=True,
            what="3 KB: one INSERT of 200 × 100 copies of a 50-line block (old: 485 MB, 40 s)",
        ),
        Case(
            "nested_blocks.dxf",
            dxf_chain(6, 10),
            err.FileTooLargeError,
            "expand to 1,000,000 entities",
            {"expect": "line"},
            bomb=True,
            what="6 levels of blocks, each inserting the one below 10 times",
        ),
        Case(
            "nested_blocks_30.dxf",
            dxf_chain(30, 10),
            err.FileTooLargeError,
            "expand to > 1,000,000,000,000 entities",
            {"expect": "line"},
        ),
        Case(
            "block_cycle.dxf",
            dxf_text({"A": [dxf_insert("B")], "B": [dxf_insert("A")]}, [dxf_insert("A")]),
            err.UnsafeContentError,
            "block A inserts itself",
            {"expect": "line"},
        ),
        Case(
            "inserts_small_limit.dxf",
            dxf_text({"A": [dxf_line(i) for i in range(3)]}, [dxf_insert("A", x=i) for i in range(4)]),
            err.FileTooLargeError,
            "expand to 12 entities, over the limit of 10",
            {"expect": "line", "limits": Limits(max_features=10)},
        ),
        Case(
            "minsert_in.zip",
            zip_bytes(
                {"minsert_in.zip.dxf": dxf_text({"A": [dxf_line(i) for i in range(100)]}, [dxf_insert("A", 100, 100)])}
            ),
            err.FileTooLargeError,
            "expand to 1,000,000 entities",
            {"expect": "line"},
        ),
    ]
    # --- GeoPackage tables counted before GDAL lists them; .dbf headers checked
    cases += [
        Case(
            "tables_300.gpkg",
            gpkg_many_tables(tmp, 300),
            err.FileTooLargeError,
            "holds 301 tables, over the limit of 200",
            bomb=True,
            what="a GeoPackage of 300 layers (10,000 took GDAL 46 s to list)",
        ),
        Case(
            "dbf_declares_400k.zip",
            zip_bytes({**shp, "p.dbf": dbf_declaring(shp["p.dbf"], 400_000)}),
            err.ReadError,
            "declares 400,000 records but the file holds only 2",
        ),
    ]
    return cases


def _xlsx_members() -> dict[str, bytes]:
    src = zipfile.ZipFile(io.BytesIO(xlsx_with_sheet()))
    return {n: src.read(n) for n in src.namelist()}
