"""Write layers and tables to bytes for download: GeoJSON, GeoPackage, CSV (UTF-8 with BOM), XLSX."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gis.crs import to_storage


def _plain(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and other objects become text, so every driver can write the columns; the index is dropped."""
    out = gdf.reset_index(drop=True)
    for col in out.columns:
        if col != out.geometry.name and out[col].dtype == object:
            out[col] = out[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def geojson_bytes(gdf: gpd.GeoDataFrame) -> bytes:
    """RFC 7946 GeoJSON (EPSG:4326, UTF-8)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layer.geojson"
        _plain(to_storage(gdf)).to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"RFC7946": "YES"})
        return path.read_bytes()


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    """One GeoPackage holding each (name -> layer) in its own CRS."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "layers.gpkg"
        for name, gdf in layers.items():
            _plain(gdf).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    return df.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, *, sheet: str) -> bytes:
    """An Excel workbook with one sheet (openpyxl)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        df.to_excel(writer, sheet_name=sheet[:31], index=False)
    return buf.getvalue()
