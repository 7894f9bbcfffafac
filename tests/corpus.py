"""Generate the corpus of bad files the importer must refuse (written into a folder at test time)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from gis import errors as err
from gis import importers as imp

SQUARE = shapely.box(121.39, 31.25, 121.395, 31.255)


def _gj(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _feat(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": None if geom is None else shapely.geometry.mapping(geom)}


def _file(gdf: gpd.GeoDataFrame, tmp: Path, name: str, **kw) -> bytes:
    path = tmp / name
    gdf.to_file(path, engine="pyogrio", **kw)
    return path.read_bytes()


def _zip(members: dict[str, bytes], *, compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _shp_members(gdf: gpd.GeoDataFrame, tmp: Path, stem: str = "p", **kw) -> dict[str, bytes]:
    folder = tmp / f"shp_{stem}_{len(list(tmp.iterdir()))}"
    folder.mkdir()
    gdf.to_file(folder / f"{stem}.shp", engine="pyogrio", **kw)
    return {f.name: f.read_bytes() for f in folder.iterdir()}


def build(tmp: Path) -> list[tuple[str, bytes, type, str, dict]]:
    """(file name, bytes, expected error class, fragment of its message, read_upload kwargs) per bad file."""
    good = gpd.GeoDataFrame({"name": ["甲", "乙"]}, geometry=[SQUARE, shapely.box(121.40, 31.25, 121.405, 31.255)],
                            crs="EPSG:4326")
    good_gj = _gj([_feat(SQUARE, name="甲")])
    shp = _shp_members(good, tmp)
    cases = [
        ("empty.geojson", b"", err.EmptyFileError, "empty (0 bytes)", {}),
        ("no_features.geojson", _gj([]), err.EmptyFileError, "no features", {}),
        ("truncated.geojson", good_gj[: len(good_gj) // 2], err.ReadError, "cannot be read", {}),
        ("not_geo.geojson", b"hello, this is not geojson", err.ReadError, "cannot be read", {}),
        ("drawing.mif", b"Version 300", err.UnsupportedFormatError, "unsupported file type .mif", {}),
        ("README", b"text", err.UnsupportedFormatError, "unsupported file type (none)", {}),
        ("big.geojson", good_gj * 1, err.FileTooLargeError, "over the 0.0001 MB limit", {"limits": imp.Limits(max_mb=0.0001)}),
        ("slip.zip", _zip({"../evil.shp": b"x", **shp}), err.UnsafeArchiveError, "points outside the archive", {}),
        ("absolute.zip", _zip({"/etc/evil.shp": b"x"}), err.UnsafeArchiveError, "points outside the archive", {}),
        ("windows.zip", _zip({"C:/evil.shp": b"x"}), err.UnsafeArchiveError, "points outside the archive", {}),
        ("bomb.zip", _zip({"p.shp": b"\0" * 60_000_000}), err.UnsafeArchiveError, "possible zip bomb", {}),
        ("many.zip", _zip({f"f{i}.txt": b"x" for i in range(imp.MAX_ZIP_MEMBERS + 1)}), err.UnsafeArchiveError,
         "files in the archive", {}),
        ("huge_unzipped.zip", _zip({"p.shp": np.random.default_rng(0).bytes(3_000_000)}, compress=zipfile.ZIP_STORED),
         err.UnsafeArchiveError, "once unpacked", {"limits": imp.Limits(max_unzipped_mb=1)}),
        ("two_shp.zip", _zip({**shp, "q.shp": shp["p.shp"]}), err.ReadError, "exactly one .shp", {}),
        ("no_shp.zip", _zip({"readme.txt": b"x"}), err.ReadError, "exactly one .shp", {}),
        ("not_a_zip.zip", b"PK but not really", err.ReadError, "not a readable zip", {}),
        ("truncated_shp.zip", _zip({**shp, "p.shp": shp["p.shp"][:120]}), err.GeometryError, "may be truncated", {}),
        ("points.geojson", _gj([_feat(shapely.Point(121.39, 31.25), name="站")]), err.GeometryError, "needs polygons", {}),
        ("lines.geojson", _gj([_feat(shapely.LineString([(121.39, 31.25), (121.40, 31.26)]))]), err.GeometryError,
         "needs polygons", {}),
        ("mixed.geojson", _gj([_feat(SQUARE), _feat(shapely.Point(121.39, 31.25))]), err.GeometryError,
         "mixed geometry types", {}),
        ("no_geometry.geojson", _gj([_feat(None, name="空")]), err.GeometryError, "no feature has a geometry", {}),
        ("collapsed.geojson", _gj([_feat(shapely.Polygon([(121.39, 31.25), (121.40, 31.25), (121.41, 31.25)]))]),
         err.GeometryError, "cannot be repaired", {}),
        ("nan.gpkg", _file(gpd.GeoDataFrame(geometry=[shapely.Polygon([(121.39, 31.25), (121.40, np.nan), (121.40, 31.26), (121.39, 31.25)])],
                                            crs="EPSG:4326"), tmp, "nan.gpkg"), err.CoordinateError, "NaN or infinite", {}),
        ("inf.csv", b"name,lon,lat\nA,inf,31.25\n", err.CoordinateError, "NaN or infinite", {"expect": "point"}),
        ("paris.geojson", _gj([_feat(shapely.box(2.35, 48.85, 2.36, 48.86))]), err.CoordinateError, "outside Shanghai", {}),
        ("latlon.geojson", _gj([_feat(shapely.box(31.25, 121.39, 31.255, 121.395))]), err.CoordinateError,
         "lat/lon swapped", {}),
        ("no_crs.zip", _zip(_shp_members(gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)]), tmp, "n")),
         err.CRSUnknownError, "none fits", {}),
        ("bad_choice.geojson", good_gj, err.CRSUnknownError, "not a coordinate system", {"crs": "EPSG:999999"}),
        ("no_coords.csv", "名称,面积\n甲,1\n".encode(), err.SchemaError, "no coordinate columns", {"expect": "point"}),
        ("header_only.csv", b"lon,lat\n", err.EmptyFileError, "no rows", {"expect": "point"}),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", err.ReadError, "Excel", {"expect": "point"}),
        ("no_kml.kmz", _zip({"image.png": b"\x89PNG"}), err.ReadError, "must contain a .kml", {}),
        ("layer.gpkg", _file(good, tmp, "layer.gpkg", layer="parcels"), err.SchemaError, "no layer 'nope'",
         {"layer": "nope"}),
        ("garbage.dxf", b"0\nSECTION\n2\nENTITIES\n0\nLINE\n", err.ReadError, "cannot be read", {}),
        ("too_many.geojson", _gj([_feat(SQUARE)] * 10), err.FileTooLargeError, "features; at most 5",
         {"limits": imp.Limits(max_features=5)}),
    ]
    return cases
