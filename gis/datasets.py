"""Load the park's layers from a data folder, check their schema, and derive the two clusters."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gis.errors import DataValidationError, UnknownFeatureError
from gis.io import read_layer
from gis.settings import SETTINGS
from text.messages import Message, msg

#: Layer id -> (file under the data folder, geometry types allowed, required attribute columns).
LAYER_FILES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "district": (
        "boundaries/district.geojson",
        ("Polygon", "MultiPolygon"),
        ("id", "name_zh", "name_en", "source", "accuracy"),
    ),
    "creek_edge": (
        "boundaries/creek_edge.geojson",
        ("LineString", "MultiLineString"),
        ("id", "name_zh", "name_en", "source", "accuracy"),
    ),
    "subparks": (
        "boundaries/subparks.geojson",
        ("Polygon", "MultiPolygon"),
        (
            "id",
            "name_zh",
            "name_en",
            "cluster",
            "industries_zh",
            "industries_en",
            "industry_tags",
            "carriers_zh",
            "declared_area_km2",
            "source",
            "accuracy",
        ),
    ),
    "zones": (
        "boundaries/zones.geojson",
        ("Polygon", "MultiPolygon"),
        ("id", "name_zh", "name_en", "source", "accuracy"),
    ),
    "buildings": (
        "buildings/buildings.geojson",
        ("Point", "Polygon", "MultiPolygon"),
        ("id", "name_zh", "name_en", "kind", "subpark_id", "industry_tags", "floor_area_m2", "source", "accuracy"),
    ),
    "parcels": (
        "parcels/parcels.geojson",
        ("Polygon", "MultiPolygon"),
        (
            "id",
            "name_zh",
            "name_en",
            "current_use",
            "status",
            "area_m2",
            "plot_ratio",
            "potential_floor_area_m2",
            "source",
            "accuracy",
        ),
    ),
    "stations": ("transit/stations.geojson", ("Point",), ("id", "name_zh", "name_en", "lines", "source", "accuracy")),
    # context from OpenStreetMap (ODbL 1.0, see data/context/NOTICE.md)
    "roads": (
        "context/roads.geojson",
        ("LineString", "MultiLineString"),
        ("id", "name_zh", "name_en", "kind", "source", "accuracy"),
    ),
    "metro_lines": (
        "context/metro_lines.geojson",
        ("LineString", "MultiLineString"),
        ("id", "ref", "name_zh", "name_en", "colour", "source", "accuracy"),
    ),
}

CLUSTERS = ("north", "south")


@dataclass(frozen=True)
class ParkData:
    """Every bundled layer, in EPSG:4326. Treat the frames as read-only: functions return copies."""

    district: gpd.GeoDataFrame
    creek_edge: gpd.GeoDataFrame
    subparks: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame = field(default_factory=lambda: empty_layer("roads"))
    metro_lines: gpd.GeoDataFrame = field(default_factory=lambda: empty_layer("metro_lines"))

    def layer(self, layer_id: str) -> gpd.GeoDataFrame:
        """Return one layer by id, including the derived ``clusters``."""
        if layer_id == "clusters":
            return dissolve_clusters(self.subparks)
        if layer_id not in LAYER_FILES:
            raise UnknownFeatureError("unknown_layer", layer=layer_id, expected=["clusters", *LAYER_FILES])
        return getattr(self, layer_id)

    def subpark(self, subpark_id: str) -> pd.Series:
        """Return one sub-park's row by id."""
        match = self.subparks[self.subparks["id"] == subpark_id]
        if match.empty:
            raise UnknownFeatureError("unknown_subpark", id=subpark_id, expected=list(self.subparks["id"].astype(str)))
        return match.iloc[0]


def empty_layer(layer_id: str) -> gpd.GeoDataFrame:
    """A layer with no features but the required columns, in EPSG:4326 (e.g. context not loaded)."""
    _, _, required = LAYER_FILES[layer_id]
    return gpd.GeoDataFrame({col: pd.Series(dtype="object") for col in required}, geometry=[], crs=SETTINGS.storage_crs)


def schema_problems(layer_id: str, gdf: gpd.GeoDataFrame) -> list[Message]:
    """List schema problems of one layer (missing columns, empty/duplicate ids, geometry types).

    Returns
    -------
    list of Message
        One per problem, naming the layer and the feature id; empty when the layer is fine.
    """
    _, geom_types, required = LAYER_FILES[layer_id]
    problems = [
        msg("schema_missing_column", layer=layer_id, column=col, required=", ".join(required))
        for col in required
        if col not in gdf.columns
    ]
    if "id" in gdf.columns:
        ids = gdf["id"].astype("string")
        missing = int(ids.isna().sum() + (ids.str.strip() == "").sum())
        if missing:
            problems.append(msg("schema_missing_ids", layer=layer_id, count=missing))
        for dup in sorted(set(ids[ids.duplicated()].dropna())):
            problems.append(msg("schema_duplicate_id", layer=layer_id, id=str(dup)))
    labels = gdf["id"].astype(str) if "id" in gdf.columns else pd.Series(gdf.index.astype(str), index=gdf.index)
    for col in ("source", "accuracy"):
        if col in gdf.columns:
            empty = gdf[col].isna() | (gdf[col].astype(str).str.strip() == "")
            problems += [msg("schema_empty_field", layer=layer_id, id=fid, column=col) for fid in labels[empty]]
    for fid, geom in zip(labels, gdf.geometry):
        if geom is None or geom.is_empty:
            problems.append(msg("schema_empty_geometry", layer=layer_id, id=fid))
        elif geom.geom_type not in geom_types:
            problems.append(
                msg(
                    "schema_geometry_type",
                    layer=layer_id,
                    id=fid,
                    found=geom.geom_type,
                    expected=" / ".join(geom_types),
                )
            )
    return problems


def load_park_data(data_dir: str | Path | None = None) -> ParkData:
    """Load every layer of a data folder (default: the bundled ``data/``) and check its schema.

    Raises
    ------
    DataValidationError
        Listing every missing file, missing column, bad id or wrong geometry type.
    """
    root = Path(data_dir) if data_dir is not None else SETTINGS.data_dir
    layers, problems = {}, []
    for layer_id, (rel, _, _) in LAYER_FILES.items():
        try:
            gdf = read_layer(root / rel)
        except DataValidationError as exc:
            problems.append(msg("schema_layer_failed", layer=layer_id, detail=exc.message))
            continue
        problems += schema_problems(layer_id, gdf)
        layers[layer_id] = gdf
    if problems:
        raise DataValidationError("data_schema", count=len(problems), problems=problems)
    return ParkData(**layers)


def dissolve_clusters(subparks: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve the sub-parks into the north and south clusters (derived, never stored).

    Returns
    -------
    GeoDataFrame
        One row per cluster, index 0..n-1, columns ``id``, ``name_zh``, ``name_en``, ``n_subparks``,
        ``source``, ``accuracy``; same CRS as the input.
    """
    names = {
        "north": ("北区块（智能制造与生命健康组团）", "North cluster (intelligent manufacturing & life-health)"),
        "south": (
            "南区块（智能软件、研发服务、科技金融组团）",
            "South cluster (intelligent software, R&D services, sci-tech finance)",
        ),
    }
    grouped = subparks.dissolve(by="cluster", aggfunc={"id": "count"}).rename(columns={"id": "n_subparks"})
    grouped = grouped.reset_index().rename(columns={"cluster": "id"})
    grouped["name_zh"] = grouped["id"].map(lambda c: names.get(c, (c, c))[0])
    grouped["name_en"] = grouped["id"].map(lambda c: names.get(c, (c, c))[1])
    grouped["source"] = "derived: dissolve of the sub-parks by cluster"
    grouped["accuracy"] = "as the sub-parks it is made of"
    return grouped[["id", "name_zh", "name_en", "n_subparks", "source", "accuracy", "geometry"]]
