"""A workspace file exactly as the first version of the app wrote it (gis/store.py before issue 11), frozen here
so the upgrade can be tested without the old code: same tables, same SQL, same GeoPackage blobs."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import shapely

from gis.scenario import Scenario
from store.schema import gpkg_blob
from text.clock import utc_now_iso

_SCHEMA = [
    "PRAGMA application_id = 1196444487",
    "PRAGMA user_version = 10300",
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
        organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
        description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
        identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL
        DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
        srs_id INTEGER)""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
        geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))""",
    """CREATE TABLE IF NOT EXISTS scenario_versions (fid INTEGER PRIMARY KEY AUTOINCREMENT,
        scenario_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, author TEXT NOT NULL,
        saved_at TEXT NOT NULL, changes TEXT NOT NULL, payload TEXT NOT NULL, UNIQUE (scenario_id, version))""",
    """CREATE TABLE IF NOT EXISTS field_mappings (signature TEXT PRIMARY KEY, layer_kind TEXT NOT NULL,
        mapping TEXT NOT NULL, saved_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS scenario_geometries (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY,
        scenario_id TEXT NOT NULL, version INTEGER NOT NULL, piece_id TEXT NOT NULL, kind TEXT NOT NULL,
        name TEXT NOT NULL)""",
    "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, "
    '\'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433]]\', NULL)',
    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
    "VALUES ('scenario_geometries', 'features', 'scenario_geometries', 4326)",
    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
    "VALUES ('scenario_versions', 'attributes', 'scenario_versions')",
    "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('scenario_geometries', 'geom', 'GEOMETRY', 4326, 0, 0)",
]


class LegacyStore:
    """The first version's ScenarioStore: save (append a version), save_mapping, save_layer (pyogrio)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with sqlite3.connect(path) as con:
            for statement in _SCHEMA:
                con.execute(statement)

    def save(self, scenario: Scenario, *, author: str) -> tuple[Scenario, int]:
        saved = replace(scenario, updated=utc_now_iso(), author=author)
        with sqlite3.connect(self.path) as con:
            row = con.execute(
                "SELECT MAX(version), payload FROM scenario_versions WHERE scenario_id = ? AND version = "
                "(SELECT MAX(version) FROM scenario_versions WHERE scenario_id = ?)",
                (saved.id, saved.id),
            ).fetchone()
            previous = Scenario.from_json(row[1]) if row and row[1] else None
            version = (row[0] or 0) + 1
            con.execute(
                "INSERT INTO scenario_versions (scenario_id, version, name, author, saved_at, changes, "
                "payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    saved.id,
                    version,
                    saved.name,
                    saved.author,
                    saved.updated,
                    _first_version_changes(previous, saved),
                    saved.to_json(),
                ),
            )
            for did, (name, wkt) in saved.drawn.items():
                con.execute(
                    "INSERT INTO scenario_geometries (geom, scenario_id, version, piece_id, kind, name) "
                    "VALUES (?, ?, ?, ?, 'drawn', ?)",
                    (gpkg_blob(shapely.from_wkt(wkt)), saved.id, version, did, name),
                )
        return saved, version

    def save_mapping(self, signature: str, layer_kind: str, mapping: dict) -> None:
        with sqlite3.connect(self.path) as con:
            con.execute(
                "INSERT OR REPLACE INTO field_mappings VALUES (?, ?, ?, ?)",
                (signature, layer_kind, json.dumps(mapping, ensure_ascii=False), utc_now_iso()),
            )

    def save_layer(self, layer_id: str, gdf: gpd.GeoDataFrame) -> None:
        gdf.to_file(
            self.path,
            layer=f"layer_{layer_id}",
            driver="GPKG",
            engine="pyogrio",
            mode="w",
            layer_options={"SPATIAL_INDEX": "NO"},
        )


def _first_version_changes(old: Scenario | None, new: Scenario) -> str:
    """What the first workspace wrote in its ``changes`` column: one English line."""
    if old is None:
        return f"created with {len(new.parcels)} parcel(s), {len(new.drawn)} drawn area(s)"
    added = sorted(set(new.parcels) - set(old.parcels))
    return ("+parcels " + ",".join(added)) if added else "no change"
