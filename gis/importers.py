"""Read polygons that users upload (GeoJSON, GeoPackage, zipped Shapefile) safely into EPSG:4326."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from gis.crs import to_storage
from gis.errors import DataValidationError
from gis.settings import SETTINGS

SUFFIXES = {".geojson": "", ".json": "", ".gpkg": "", ".zip": "/vsizip/"}


def read_uploaded_polygons(filename: str, data: bytes, *, max_mb: float = SETTINGS.max_upload_mb) -> gpd.GeoDataFrame:
    """Read an uploaded polygon layer (first layer of the file) and return it in EPSG:4326.

    The bytes are written to a private temporary folder and read by GDAL from there (a zip is read in
    place through /vsizip/, never extracted). Multi-part polygons are kept; other geometry types,
    empty files, files without a CRS and files over ``max_mb`` are refused.

    Raises
    ------
    DataValidationError
        Naming the file and saying what was wrong and how to fix it.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise DataValidationError(f"{filename}: unsupported file type {suffix or '(none)'}. Expected "
                                  "GeoJSON (.geojson/.json), GeoPackage (.gpkg) or a zipped Shapefile (.zip).")
    if len(data) > max_mb * 1024 * 1024:
        raise DataValidationError(f"{filename}: {len(data) / 1024 / 1024:.1f} MB is over the {max_mb:g} MB limit.")
    if not data:
        raise DataValidationError(f"{filename}: the file is empty.")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            gdf = gpd.read_file(f"{SUFFIXES[suffix]}{path}", engine="pyogrio")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
            raise DataValidationError(f"{filename}: cannot be read as a vector layer ({exc}).") from exc
    if gdf.empty:
        raise DataValidationError(f"{filename}: the layer has no features.")
    if gdf.crs is None:
        raise DataValidationError(f"{filename}: no coordinate system is declared. Expected a file with a CRS "
                                  "(a .prj for Shapefiles). Fix: save it again with its CRS in GIS software.")
    types = set(gdf.geometry.dropna().geom_type)
    if not types or not types <= {"Polygon", "MultiPolygon"}:
        raise DataValidationError(f"{filename}: geometry types {sorted(types)}; expected polygons only.")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    gdf = gdf.set_geometry(gpd.GeoSeries(shapely.force_2d(gdf.geometry.to_numpy()), index=gdf.index, crs=gdf.crs))
    return to_storage(gdf)
