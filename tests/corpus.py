"""The corpus of hostile and broken files the importer must refuse, each with its error class and a message
fragment (built into a folder at test time), and the crafted archives (zip bombs) it is built from."""

from __future__ import annotations

import functools
import io
import json
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


def deflate_repeated(block: bytes, times: int) -> tuple[bytes, int, int]:
    """Raw deflate of ``block * times`` without building it: (stream, CRC-32, size). Each block is
    compressed after a full flush, so its compressed form is the same every time and is repeated."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    assert first[-4:] == again[-4:]
    body = first + again * (times - 1) + comp.flush()
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return body, crc, len(block) * times


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
    body, crc, size = deflate_repeated(row * per_block, rows // per_block)
    # head + (repeated body) + tail as one member: deflate the head and tail separately is not possible in one
    # stream, so the sheet is the body only, wrapped by sheets that openpyxl never reaches (refused before)
    head_tail_note = SHEET_HEAD + SHEET_TAIL  # kept for the shape of the file; the counter sees the rows
    base = zipfile.ZipFile(io.BytesIO(xlsx_with_sheet()))
    members = [deflated(n, base.read(n)) for n in base.namelist() if n != "xl/worksheets/sheet1.xml"]
    members.append(RawMember("xl/worksheets/sheet1.xml", body, crc, size))
    members.append(deflated("docProps/note.xml", head_tail_note))
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
    return cases


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
