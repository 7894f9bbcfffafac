"""Scenario workspace: a GeoPackage (SQLite) file with every saved version, transactional and append-only."""

from __future__ import annotations

import json
import os
import sqlite3
import struct
from dataclasses import replace
from pathlib import Path

import pandas as pd
import shapely

from gis.errors import StoreError
from gis.messages import message_from_json, message_to_json
from gis.scenario import Scenario, describe_changes, now_iso

#: EPSG:4326 as a GeoPackage spatial reference system row.
_SRS = (4326, "WGS 84 geodetic", 4326, "EPSG", 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,'
        '298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')

_SCHEMA = [
    "PRAGMA application_id = 1196444487",  # 'GPKG'
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
]




def _gpkg_blob(geom: shapely.Geometry, srs_id: int = 4326) -> bytes:
    """A GeoPackage geometry blob: 'GP', version 0, flags (little endian, no envelope), srs id, WKB."""
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + shapely.to_wkb(geom, byte_order=1)


def _from_blob(blob: bytes) -> shapely.Geometry:
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0b111]
    return shapely.from_wkb(blob[8 + envelope:])


class ScenarioStore:
    """All saved scenarios of one workspace file (path configurable: PUTUO_WORKSPACE or the argument).

    Every save appends a version inside one ``BEGIN IMMEDIATE`` transaction (SQLite's file locks
    serialise concurrent writers; its journal makes a killed save vanish whole), so a saved version is
    never changed or lost. Drawn areas are stored as features of ``scenario_geometries``, a GeoPackage
    layer any GIS can open.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as con:
                for statement in _SCHEMA:
                    con.execute(statement)
                con.execute("INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_id, srs_name, organization_coordsys_id,"
                            " organization, definition) VALUES (?, ?, ?, ?, ?)",
                            (_SRS[0], _SRS[1], _SRS[2], _SRS[3], _SRS[4]))
                for srs in ((-1, "Undefined cartesian SRS"), (0, "Undefined geographic SRS")):
                    con.execute("INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_id, srs_name, organization_coordsys_id,"
                                " organization, definition) VALUES (?, ?, ?, 'NONE', 'undefined')", (srs[0], srs[1], srs[0]))
                con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                            "VALUES ('scenario_geometries', 'features', 'scenario_geometries', 4326)")
                con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) "
                            "VALUES ('scenario_versions', 'attributes', 'scenario_versions')")
                con.execute("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES "
                            "('scenario_geometries', 'geom', 'GEOMETRY', 4326, 0, 0)")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Cannot open the workspace {self.path}: {exc}. Expected a GeoPackage written by "
                             "this app (or a new file name). Fix: choose another workspace path.") from exc

    def _connect(self) -> "_Tx":
        con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        con.execute("PRAGMA journal_mode=DELETE")
        con.execute("PRAGMA synchronous=FULL")
        return _Tx(con)

    def save(self, scenario: Scenario, *, author: str | None = None) -> tuple[Scenario, int]:
        """Append a new version of ``scenario``; return the saved scenario (``updated`` set) and its version."""
        saved = replace(scenario, updated=now_iso(), author=author if author is not None else scenario.author)
        try:
            with self._connect() as con:
                row = con.execute("SELECT MAX(version), payload FROM scenario_versions WHERE scenario_id = ? "
                                  "AND version = (SELECT MAX(version) FROM scenario_versions WHERE scenario_id = ?)",
                                  (saved.id, saved.id)).fetchone()
                previous = Scenario.from_json(row[1]) if row and row[1] else None
                version = (row[0] or 0) + 1 if row else 1
                con.execute("INSERT INTO scenario_versions (scenario_id, version, name, author, saved_at, changes, "
                            "payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (saved.id, version, saved.name, saved.author, saved.updated,
                             message_to_json(describe_changes(previous, saved)), saved.to_json()))
                for did, (name, wkt) in saved.drawn.items():
                    con.execute("INSERT INTO scenario_geometries (geom, scenario_id, version, piece_id, kind, name) "
                                "VALUES (?, ?, ?, ?, 'drawn', ?)",
                                (_gpkg_blob(shapely.from_wkt(wkt)), saved.id, version, did, name))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"Saving scenario {scenario.name!r} to {self.path} failed: {exc}. Nothing was "
                             "written; the saved versions are unchanged. Try again.") from exc
        return saved, version

    def list(self) -> pd.DataFrame:
        """The latest version of every scenario: id, name, author, version, saved_at (newest first)."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT v.scenario_id, v.name, v.author, v.version, v.saved_at FROM scenario_versions v "
                "JOIN (SELECT scenario_id, MAX(version) AS version FROM scenario_versions GROUP BY scenario_id) m "
                "ON v.scenario_id = m.scenario_id AND v.version = m.version ORDER BY v.saved_at DESC, v.fid DESC"
            ).fetchall()
        return pd.DataFrame(rows, columns=["id", "name", "author", "version", "saved_at"])

    def history(self, scenario_id: str) -> pd.DataFrame:
        """Every saved version of one scenario: version, saved_at, author, changes (oldest first)."""
        with self._connect() as con:
            rows = con.execute("SELECT version, saved_at, author, changes FROM scenario_versions "
                               "WHERE scenario_id = ? ORDER BY version", (scenario_id,)).fetchall()
        out = pd.DataFrame(rows, columns=["version", "saved_at", "author", "changes"])
        out["changes"] = [message_from_json(c) for c in out["changes"]]
        return out

    def load(self, scenario_id: str, *, version: int | None = None) -> Scenario:
        """One version (default: the latest) of a scenario."""
        with self._connect() as con:
            if version is None:
                row = con.execute("SELECT payload FROM scenario_versions WHERE scenario_id = ? "
                                  "ORDER BY version DESC LIMIT 1", (scenario_id,)).fetchone()
            else:
                row = con.execute("SELECT payload FROM scenario_versions WHERE scenario_id = ? AND version = ?",
                                  (scenario_id, version)).fetchone()
        if row is None:
            raise StoreError(f"No saved scenario {scenario_id!r}" + (f" version {version}" if version else "")
                             + f" in {self.path}.")
        return Scenario.from_json(row[0])

    def drawn_geometries(self, scenario_id: str, version: int) -> dict[str, shapely.Geometry]:
        """The drawn areas of one version, read back from the GeoPackage layer."""
        with self._connect() as con:
            rows = con.execute("SELECT piece_id, geom FROM scenario_geometries WHERE scenario_id = ? AND version = ?",
                               (scenario_id, version)).fetchall()
        return {pid: _from_blob(blob) for pid, blob in rows}

    def export(self, path: str | os.PathLike, scenario_ids: list[str]) -> None:
        """Write the latest version of these scenarios into a new workspace file (a GeoPackage)."""
        target = ScenarioStore(path)
        for sid in scenario_ids:
            scenario = self.load(sid)
            target._import_exact(scenario)

    def import_from(self, path: str | os.PathLike) -> list[str]:
        """Add every scenario of another workspace file as a new version here (exact payloads kept)."""
        other = ScenarioStore(path)
        ids = []
        for sid in other.list()["id"]:
            self._import_exact(other.load(sid))
            ids.append(sid)
        return ids

    def save_mapping(self, signature: str, layer_kind: str, mapping: dict) -> None:
        """Remember how the columns of a kind of file map to a layer's schema (by file signature)."""
        with self._connect() as con:
            con.execute("INSERT OR REPLACE INTO field_mappings VALUES (?, ?, ?, ?)",
                        (signature, layer_kind, json.dumps(mapping, ensure_ascii=False), now_iso()))

    def load_mapping(self, signature: str) -> dict | None:
        """The remembered mapping for a file signature, if any."""
        with self._connect() as con:
            row = con.execute("SELECT mapping FROM field_mappings WHERE signature = ?", (signature,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_layer(self, layer_id: str, gdf) -> None:
        """Keep an imported layer in the workspace (GeoPackage layer ``layer_<id>``, replaced whole)."""
        import geopandas as gpd  # noqa: F401  (the frame's own to_file)

        gdf.to_file(self.path, layer=f"layer_{layer_id}", driver="GPKG", engine="pyogrio", mode="w",
                    layer_options={"SPATIAL_INDEX": "NO"})

    def saved_layers(self) -> dict:
        """Every imported layer kept in the workspace, by layer id (EPSG:4326)."""
        import geopandas as gpd
        import pyogrio

        names = [str(n) for n, _ in pyogrio.list_layers(self.path) if str(n).startswith("layer_")]
        return {n[len("layer_"):]: gpd.read_file(self.path, layer=n, engine="pyogrio") for n in names}

    def _import_exact(self, scenario: Scenario) -> None:
        with self._connect() as con:
            row = con.execute("SELECT MAX(version) FROM scenario_versions WHERE scenario_id = ?",
                              (scenario.id,)).fetchone()
            version = (row[0] or 0) + 1
            con.execute("INSERT INTO scenario_versions (scenario_id, version, name, author, saved_at, changes, "
                        "payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (scenario.id, version, scenario.name, scenario.author, now_iso(), "imported",
                         scenario.to_json()))
            for did, (name, wkt) in scenario.drawn.items():
                con.execute("INSERT INTO scenario_geometries (geom, scenario_id, version, piece_id, kind, name) "
                            "VALUES (?, ?, ?, ?, 'drawn', ?)",
                            (_gpkg_blob(shapely.from_wkt(wkt)), scenario.id, version, did, name))


class _Tx:
    """Context manager: BEGIN IMMEDIATE ... COMMIT (ROLLBACK on error), then close."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        self.con.execute("BEGIN IMMEDIATE")
        return self.con

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            self.con.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.con.close()
        return False
