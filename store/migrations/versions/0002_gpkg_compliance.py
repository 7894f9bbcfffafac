"""GeoPackage compliance: ``scenarios`` keyed by an INTEGER, every saved version's full extent, layers as columns.

Revision 0002_gpkg_compliance, from 0001_team_workspace, on both engines:

- ``scenarios`` gets ``fid INTEGER PRIMARY KEY``; the text id stays, as a UNIQUE column (GeoPackage requirement
  119: an attribute table registered in gpkg_contents has an integer primary key).
- ``scenario_extents`` (a feature table, EPSG:4326): one row per saved version, its parcels and drawn areas as one
  geometry, filled in for every version saved so far (parcel geometries from the data folder; parcels it does not
  hold are counted in ``parcels_missing``).
- GeoPackage only: every published layer version is also written to ``published_<layer id>``, a feature table
  with the layer's attributes as real columns (the JSON of ``layer_features`` stays the record).
Nothing is removed; a backup of a GeoPackage workspace is made before.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002_gpkg_compliance"
down_revision = "0001_team_workspace"
branch_labels = None
depends_on = None

_SCENARIO_COLUMNS = (
    "scenario_id, name, created_by, created_at, latest_version, latest_by, latest_at, parent_id, parent_version, "
    "archived, archived_at, archived_by, archive_reason"
)


def _geometry(dialect: str):
    if dialect == "postgresql":
        from geoalchemy2 import Geometry

        return Geometry("GEOMETRY", srid=4326, spatial_index=False)
    from store.schema import GpkgGeometry

    return GpkgGeometry()


def _integer_key_for_scenarios(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute("ALTER TABLE scenarios DROP CONSTRAINT scenarios_pkey")
        op.execute("ALTER TABLE scenarios ADD COLUMN fid SERIAL PRIMARY KEY")
        op.execute("ALTER TABLE scenarios ADD CONSTRAINT uq_scenarios_scenario_id UNIQUE (scenario_id)")
        return
    op.create_table(
        "scenarios_0002",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scenario_id", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("latest_by", sa.Text, nullable=False),
        sa.Column("latest_at", sa.Text, nullable=False),
        sa.Column("parent_id", sa.Text),
        sa.Column("parent_version", sa.Integer),
        sa.Column("archived", sa.Integer, nullable=False, server_default="0"),
        sa.Column("archived_at", sa.Text),
        sa.Column("archived_by", sa.Text),
        sa.Column("archive_reason", sa.Text),
    )
    op.execute(
        f"INSERT INTO scenarios_0002 ({_SCENARIO_COLUMNS}) SELECT {_SCENARIO_COLUMNS} FROM scenarios "
        "ORDER BY created_at, scenario_id"
    )
    op.drop_table("scenarios")
    op.rename_table("scenarios_0002", "scenarios")


def _extents(bind, dialect: str) -> None:
    op.create_table(
        "scenario_extents",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("geom", _geometry(dialect)),
        sa.Column("scenario_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.Column("parcels", sa.Integer, nullable=False),
        sa.Column("parcels_missing", sa.Integer, nullable=False),
        sa.Column("drawn", sa.Integer, nullable=False),
        sa.Column("area_m2", sa.Double),
        sa.UniqueConstraint("scenario_id", "version"),
    )
    if dialect == "postgresql":
        op.execute("CREATE INDEX ix_scenario_extents_geom ON scenario_extents USING GIST (geom)")
    from store.scenarios import default_parcel_geometries, extent_row
    from store.schema import tables

    table = tables(dialect).scenario_extents
    parcels = default_parcel_geometries()
    rows = bind.execute(
        sa.text("SELECT scenario_id, version, name, author, saved_at, payload FROM scenario_versions ORDER BY fid")
    ).fetchall()
    values = []
    for scenario_id, version, name, author, saved_at, payload in rows:
        try:
            data = json.loads(payload)
        except (TypeError, ValueError):
            data = {}
        drawn = {}
        for piece, value in (data.get("drawn") or {}).items():
            try:
                drawn[str(piece)] = value[1]
            except (IndexError, KeyError, TypeError):
                continue
        values.append(
            extent_row(
                scenario_id=scenario_id,
                version=version,
                name=name,
                author=author,
                saved_at=saved_at,
                parcel_ids=[str(p) for p in data.get("parcels") or ()],
                drawn_wkt=drawn,
                parcel_geometries=parcels,
            )
        )
    if values:
        bind.execute(sa.insert(table), values)


def _append_only(dialect: str, table: str) -> None:
    if dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION putuo_append_only()"
        )
    else:
        from store.layers import append_only_sqlite

        for statement in append_only_sqlite(table):
            op.execute(statement)


def _published_layers(bind) -> None:
    """Every published version so far, written again with its attributes as columns (GeoPackage only)."""
    from store.layers import write_published
    from store.schema import from_gpkg_blob

    versions = bind.execute(sa.text("SELECT layer_id, version, columns FROM layer_versions ORDER BY fid")).fetchall()
    for layer_id, version, columns in versions:
        rows = bind.execute(
            sa.text(
                "SELECT geom, properties FROM layer_features WHERE layer_id = :l AND version = :v "
                "ORDER BY feature_index"
            ),
            {"l": layer_id, "v": version},
        ).fetchall()
        write_published(
            bind,
            layer_id=layer_id,
            version=version,
            columns=[str(c) for c, _ in json.loads(columns)],
            geometries=[from_gpkg_blob(g) if g is not None else None for g, _ in rows],
            records=[json.loads(p) for _, p in rows],
        )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _integer_key_for_scenarios(dialect)
    _extents(bind, dialect)
    _append_only(dialect, "scenario_extents")
    if dialect == "sqlite":
        from store.schema import GPKG_CONTENTS

        kind, geom = GPKG_CONTENTS["scenario_extents"]
        bind.execute(
            sa.text(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                "VALUES ('scenario_extents', :k, 'scenario_extents', :d, 4326)"
            ),
            {"k": kind, "d": "every saved scenario version: its parcels and drawn areas"},
        )
        bind.execute(
            sa.text(
                "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES ('scenario_extents', :g, 'GEOMETRY', 4326, 0, 0)"
            ),
            {"g": geom},
        )
        _published_layers(bind)


def downgrade() -> None:  # a backup is made before every upgrade: restore it instead
    raise NotImplementedError("restore the automatic backup made before the upgrade")
