"""The workspace tables (SQLAlchemy Core), one definition for both engines; geometry columns in EPSG:4326."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache
from typing import Any

import shapely
from sqlalchemy import Column, Double, Integer, MetaData, Table, Text, UniqueConstraint
from sqlalchemy.types import UserDefinedType

#: The Alembic revision the code expects (store/migrations/versions); recorded in ``alembic_version``.
HEAD_REVISION = "0002_gpkg_compliance"
#: Schema revisions this code can read and write (older ones are upgraded on open, after a backup).
KNOWN_REVISIONS = ("0001_team_workspace", "0002_gpkg_compliance")
#: Storage SRID of every geometry column (WGS84 lon/lat).
SRID = 4326
#: Tables registered in a GeoPackage's gpkg_contents: name -> (data_type, geometry column or None). Each has an
#: INTEGER PRIMARY KEY (GeoPackage requirement 119 for attribute tables). The other tables (accounts, sessions,
#: settings, mappings, the audit head, Alembic's version) stay out of gpkg_contents: GIS software does not list
#: them, and sign-in data is not offered as a layer. Published layers also get one feature table each with their
#: attributes as columns (``published_<layer id>``, :func:`published_table`), registered when first written.
GPKG_CONTENTS = {
    "scenario_extents": ("features", "geom"),
    "scenario_geometries": ("features", "geom"),
    "layer_features": ("features", "geom"),
    "scenario_versions": ("attributes", None),
    "scenarios": ("attributes", None),
    "layer_versions": ("attributes", None),
    "audit_log": ("attributes", None),
}
#: The GeoPackage core tables and the EPSG:4326 row (spec 1.2/1.3), for a workspace and an exported file.
GPKG_CORE_DDL = (
    "PRAGMA application_id = 1196444487",  # 'GPKG'
    "PRAGMA user_version = 10300",
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
        organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
        description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,
        data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL
        DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
        srs_id INTEGER)""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
        geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))""",
    "INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_id, srs_name, organization_coordsys_id, organization, "
    "definition) VALUES (4326, 'WGS 84 geodetic', 4326, 'EPSG', 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID["
    '"WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]\')',
    """INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_id, srs_name, organization_coordsys_id, organization,
        definition) VALUES (-1, 'Undefined cartesian SRS', -1, 'NONE', 'undefined')""",
    """INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_id, srs_name, organization_coordsys_id, organization,
        definition) VALUES (0, 'Undefined geographic SRS', 0, 'NONE', 'undefined')""",
)
#: Tables the app owns: a SQLite file holding other tables (and none of these) is not a workspace.
OWN_TABLES = (
    "scenario_versions",
    "scenarios",
    "scenario_geometries",
    "scenario_extents",
    "field_mappings",
    "layer_versions",
    "layer_features",
    "accounts",
    "sessions",
    "audit_log",
    "audit_head",
    "workspace_settings",
    "alembic_version",
)
#: Tables whose rows are never updated or deleted (database triggers refuse it).
APPEND_ONLY = ("audit_log", "scenario_versions", "layer_versions", "layer_features", "scenario_extents")
#: Columns of a ``published_<layer id>`` table before the layer's own attributes.
PUBLISHED_FIXED = ("fid", "geom", "version", "feature_index")


def published_table(layer_id: str) -> str:
    """The GeoPackage feature table holding every published version of ``layer_id`` with its attributes as
    columns (``layer_id`` is checked by the caller: ``[a-z0-9_]{1,40}``)."""
    return f"published_{layer_id}"


def gpkg_blob(geom: shapely.Geometry, srs_id: int = SRID) -> bytes:
    """A GeoPackage geometry blob: 'GP', version 0, flags (little endian, no envelope), srs id, WKB."""
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + shapely.to_wkb(geom, byte_order=1)


def from_gpkg_blob(blob: bytes) -> shapely.Geometry:
    """The geometry of a GeoPackage blob (any envelope kind). Raises ValueError on a blob that is not one."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ValueError("unknown GeoPackage envelope code")
    return shapely.from_wkb(blob[8 + envelope :])


class GpkgGeometry(UserDefinedType):
    """A GeoPackage geometry column (declared type GEOMETRY): shapely in, shapely out."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "GEOMETRY"

    def bind_processor(self, dialect: Any) -> Any:
        return lambda value: None if value is None else gpkg_blob(value)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        return lambda value: None if value is None else from_gpkg_blob(value)


def _pg_geometry() -> Any:
    """A PostGIS geometry(Geometry, 4326) column through GeoAlchemy2: shapely in, shapely out."""
    from geoalchemy2 import Geometry
    from geoalchemy2.elements import WKBElement
    from geoalchemy2.shape import to_shape

    class PostgisGeometry(Geometry):
        cache_ok = True

        def bind_processor(self, dialect: Any) -> Any:
            inner = super().bind_processor(dialect)

            def process(value: Any) -> Any:
                if isinstance(value, shapely.Geometry):
                    value = WKBElement(shapely.to_wkb(value), srid=SRID)
                return inner(value) if inner else value

            return process

        def result_processor(self, dialect: Any, coltype: Any) -> Any:
            inner = super().result_processor(dialect, coltype)

            def process(value: Any) -> Any:
                value = inner(value) if inner else value
                return None if value is None else to_shape(value)

            return process

    return PostgisGeometry("GEOMETRY", srid=SRID, spatial_index=False)  # the migration makes the GiST index


@dataclass(frozen=True)
class Tables:
    """The workspace's tables for one SQL dialect (only the geometry columns' type differs)."""

    metadata: MetaData
    scenarios: Table
    scenario_versions: Table
    scenario_extents: Table
    scenario_geometries: Table
    field_mappings: Table
    layer_versions: Table
    layer_features: Table
    accounts: Table
    sessions: Table
    audit_log: Table
    audit_head: Table
    settings: Table


@cache
def tables(dialect: str) -> Tables:
    """The tables for ``dialect`` ('sqlite' or 'postgresql'). Times are UTC ISO 8601 text (sorts as time);
    JSON columns are text, so the audit hash covers exactly the stored characters."""
    geom = _pg_geometry if dialect == "postgresql" else GpkgGeometry
    md = MetaData()
    t = Tables(
        metadata=md,
        scenarios=Table(
            "scenarios",
            md,
            Column("fid", Integer, primary_key=True, autoincrement=True),
            Column("scenario_id", Text, nullable=False, unique=True),
            Column("name", Text, nullable=False),
            Column("created_by", Text, nullable=False),
            Column("created_at", Text, nullable=False),
            Column("latest_version", Integer, nullable=False),
            Column("latest_by", Text, nullable=False),
            Column("latest_at", Text, nullable=False),
            Column("parent_id", Text),
            Column("parent_version", Integer),
            Column("archived", Integer, nullable=False, server_default="0"),
            Column("archived_at", Text),
            Column("archived_by", Text),
            Column("archive_reason", Text),
        ),
        scenario_versions=Table(
            "scenario_versions",
            md,
            Column("fid", Integer, primary_key=True, autoincrement=True),
            Column("scenario_id", Text, nullable=False),
            Column("version", Integer, nullable=False),
            Column("name", Text, nullable=False),
            Column("author", Text, nullable=False),
            Column("saved_at", Text, nullable=False),
            Column("changes", Text, nullable=False),
            Column("payload", Text, nullable=False),
            Column("kind", Text, nullable=False, server_default="save"),
            Column("base_version", Integer),
            UniqueConstraint("scenario_id", "version"),
        ),
        scenario_extents=Table(
            "scenario_extents",
            md,
            Column("fid", Integer, primary_key=True, autoincrement=True),
            Column("geom", geom()),
            Column("scenario_id", Text, nullable=False),
            Column("version", Integer, nullable=False),
            Column("name", Text, nullable=False),
            Column("author", Text, nullable=False),
            Column("saved_at", Text, nullable=False),
            Column("parcels", Integer, nullable=False),
            Column("parcels_missing", Integer, nullable=False),
            Column("drawn", Integer, nullable=False),
            Column("area_m2", Double),
            UniqueConstraint("scenario_id", "version"),
        ),
        scenario_geometries=Table(
            "scenario_geometries",
            md,
            Column("fid", Integer, primary_key=True, autoincrement=True),
            Column("geom", geom()),
            Column("scenario_id", Text, nullable=False),
            Column("version", Integer, nullable=False),
            Column("piece_id", Text, nullable=False),
            Column("kind", Text, nullable=False),
            Column("name", Text, nullable=False),
        ),
        field_mappings=Table(
            "field_mappings",
            md,
            Column("signature", Text, primary_key=True),
            Column("layer_kind", Text, nullable=False),
            Column("mapping", Text, nullable=False),
            Column("saved_at", Text, nullable=False),
        ),
        layer_versions=Table(
            "layer_versions",
            md,
            Column("fid", Integer, primary_key=True, autoincrement=True),
            Column("layer_id", Text, nullable=False),
            Column("version", Integer, nullable=False),
            Column("published_by", Text, nullable=False),
            Column("published_at", Text, nullable=False),
            Column("n_features", Integer, nullable=False),
            Column("columns", Text, nullable=False),
            Column("restored_from", Integer),
            Column("note", Text, nullable=False, server_default=""),
            UniqueConstraint("layer_id", "version"),
        ),
        layer_features=Table(
            "layer_features",
            md,
            Column("fid", Integer, primary_key=True, autoincrement=True),
            Column("geom", geom()),
            Column("layer_id", Text, nullable=False),
            Column("version", Integer, nullable=False),
            Column("feature_index", Integer, nullable=False),
            Column("properties", Text, nullable=False),
        ),
        accounts=Table(
            "accounts",
            md,
            Column("name", Text, primary_key=True),
            Column("role", Text, nullable=False),
            Column("password_hash", Text),
            Column("external_id", Text, unique=True),
            Column("disabled", Integer, nullable=False, server_default="0"),
            Column("created_at", Text, nullable=False),
            Column("created_by", Text, nullable=False),
            Column("failed_count", Integer, nullable=False, server_default="0"),
            Column("failed_since", Text),
            Column("locked_until", Text),
        ),
        sessions=Table(
            "sessions",
            md,
            Column("token_hash", Text, primary_key=True),
            Column("account", Text, nullable=False),
            Column("via", Text, nullable=False),
            Column("created_at", Text, nullable=False),
            Column("expires_at", Text, nullable=False),
            Column("revoked_at", Text),
        ),
        audit_log=Table(
            "audit_log",
            md,
            Column("seq", Integer, primary_key=True, autoincrement=False),
            Column("at_utc", Text, nullable=False),
            Column("actor", Text, nullable=False),
            Column("action", Text, nullable=False),
            Column("object_type", Text, nullable=False),
            Column("object_id", Text, nullable=False),
            Column("summary", Text, nullable=False),
            Column("prev_hash", Text, nullable=False),
            Column("row_hash", Text, nullable=False),
        ),
        audit_head=Table(
            "audit_head",
            md,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("seq", Integer, nullable=False),
            Column("hash", Text, nullable=False),
        ),
        settings=Table(
            "workspace_settings",
            md,
            Column("key", Text, primary_key=True),
            Column("value", Text, nullable=False),
            Column("updated_at", Text, nullable=False),
            Column("updated_by", Text, nullable=False),
        ),
    )
    return t
