"""Read and write the project's GeoJSON layers (pyogrio), always in EPSG:4326 with fixed precision."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd

from gis.crs import STORAGE_CRS, to_storage
from gis.errors import DataValidationError

#: 7 decimals of a degree is about 1 cm: enough for any planning boundary.
STORED_DECIMALS = 7


def read_layer(path: str | os.PathLike) -> gpd.GeoDataFrame:
    """Read one GeoJSON layer and return it in EPSG:4326.

    Raises
    ------
    DataValidationError
        When the file is missing or cannot be read, naming the file.
    """
    path = Path(path)
    if not path.is_file():
        raise DataValidationError("data_file_missing", file=path.name)
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types; report which file and why
        raise DataValidationError("data_file_unreadable", file=path.name, reason=type(exc).__name__) from exc
    if gdf.crs is None:
        gdf = gdf.set_crs(STORAGE_CRS)  # RFC 7946: GeoJSON without a crs member is WGS84
    return to_storage(gdf)


def write_layer(gdf: gpd.GeoDataFrame, path: str | os.PathLike) -> None:
    """Write a layer as RFC 7946 GeoJSON in EPSG:4326, atomically (temp file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = to_storage(gdf)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        os.unlink(tmp)
        out.to_file(
            tmp,
            driver="GeoJSON",
            engine="pyogrio",
            layer_options={"COORDINATE_PRECISION": str(STORED_DECIMALS), "RFC7946": "YES", "WRITE_NAME": "NO"},
        )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
