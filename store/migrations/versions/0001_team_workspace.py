"""Team workspace: scenarios with heads and archive, shared layer versions, accounts, sessions, hash-chained audit.

Revision 0001_team_workspace, from an empty database or from the first (single-user) GeoPackage workspace
('legacy': scenario_versions, scenario_geometries, field_mappings and ``layer_<id>`` tables written by pyogrio).
Legacy rows are kept; their English change notes become messages; every ``layer_<id>`` table becomes
version 1 of a published layer (the old table is left in place).
"""

from __future__ import annotations

import contextlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0001_team_workspace"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def _geometry(dialect: str):
    if dialect == "postgresql":
        from geoalchemy2 import Geometry

        return Geometry("GEOMETRY", srid=4326, spatial_index=False)
    from store.schema import GpkgGeometry

    return GpkgGeometry()


def _gpkg_core(bind) -> None:
    from store.schema import GPKG_CORE_DDL

    for statement in GPKG_CORE_DDL:
        bind.exec_driver_sql(statement)


def _register_gpkg(bind) -> None:
    from store.schema import GPKG_CONTENTS

    for name, (kind, geom) in GPKG_CONTENTS.items():
        bind.execute(
            sa.text(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                "VALUES (:t, :k, :t, :s)"
            ),
            {"t": name, "k": kind, "s": 4326 if geom else None},
        )
        if geom:
            bind.execute(
                sa.text("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (:t, :g, 'GEOMETRY', 4326, 0, 0)"),
                {"t": name, "g": geom},
            )


def _append_only(dialect: str, table: str) -> None:
    if dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION putuo_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _legacy_layers(bind, dialect: str, now: str) -> None:
    """Each legacy ``layer_<id>`` GeoPackage table becomes version 1 of the published layer ``<id>``."""
    from store.schema import from_gpkg_blob, gpkg_blob

    rows = bind.execute(
        sa.text(
            "SELECT table_name, column_name FROM gpkg_geometry_columns WHERE table_name LIKE 'layer\\_%' ESCAPE '\\'"
        )
    ).fetchall()
    for table, geom_col in rows:
        layer_id = table[len("layer_") :]
        info = bind.execute(sa.text(f'PRAGMA table_info("{table}")')).fetchall()
        cols = [r[1] for r in info if r[1] not in (geom_col, "fid") and not r[5]]
        data = bind.execute(
            sa.text(f'SELECT "{geom_col}", ' + ", ".join(f'"{c}"' for c in cols) + f' FROM "{table}" ORDER BY rowid')
            if cols
            else sa.text(f'SELECT "{geom_col}" FROM "{table}" ORDER BY rowid')
        ).fetchall()
        bind.execute(
            sa.text(
                "INSERT INTO layer_versions (layer_id, version, published_by, published_at, n_features, "
                "columns, note) VALUES (:l, 1, 'migration', :t, :n, :c, :note)"
            ),
            {
                "l": layer_id,
                "t": now,
                "n": len(data),
                "c": json.dumps([[c, "object"] for c in cols]),
                "note": f"from the table {table} of the first workspace version",
            },
        )
        for i, row in enumerate(data):
            geom = from_gpkg_blob(row[0]) if row[0] is not None else None
            props = {c: v for c, v in zip(cols, row[1:])}
            bind.execute(
                sa.text(
                    "INSERT INTO layer_features (geom, layer_id, version, feature_index, properties) "
                    "VALUES (:g, :l, 1, :i, :p)"
                ),
                {
                    "g": gpkg_blob(geom) if geom is not None else None,
                    "l": layer_id,
                    "i": i,
                    "p": json.dumps(props, ensure_ascii=False, default=str),
                },
            )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    existing = set(sa.inspect(bind).get_table_names())
    from text.clock import utc_now_iso

    now = utc_now_iso()
    if dialect == "sqlite":
        _gpkg_core(bind)
    else:
        op.execute("""CREATE OR REPLACE FUNCTION putuo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$""")

    legacy = "scenario_versions" in existing
    if legacy:
        with op.batch_alter_table("scenario_versions", recreate="never") as batch:
            batch.add_column(sa.Column("kind", sa.Text, nullable=False, server_default="save"))
            batch.add_column(sa.Column("base_version", sa.Integer))
        from text.clock import parse_iso, to_iso

        rows = bind.execute(sa.text("SELECT fid, changes, saved_at FROM scenario_versions")).fetchall()
        for fid, changes, saved_at in rows:
            with contextlib.suppress(TypeError, ValueError):  # one time format: UTC, microseconds, 'Z'
                saved_at = to_iso(parse_iso(saved_at))
            bind.execute(
                sa.text("UPDATE scenario_versions SET changes = :c, kind = :k, saved_at = :t WHERE fid = :f"),
                {
                    "f": fid,
                    "k": "import" if changes == "imported" else "save",
                    "t": saved_at,
                    "c": json.dumps({"code": "ws_chg_legacy", "params": {"text": changes}}, ensure_ascii=False),
                },
            )
    else:
        op.create_table(
            "scenario_versions",
            sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("scenario_id", sa.Text, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
            sa.Column("author", sa.Text, nullable=False),
            sa.Column("saved_at", sa.Text, nullable=False),
            sa.Column("changes", sa.Text, nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False, server_default="save"),
            sa.Column("base_version", sa.Integer),
            sa.UniqueConstraint("scenario_id", "version"),
        )
    if "scenario_geometries" not in existing:
        op.create_table(
            "scenario_geometries",
            sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("geom", _geometry(dialect)),
            sa.Column("scenario_id", sa.Text, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("piece_id", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False),
            sa.Column("name", sa.Text, nullable=False),
        )
    if "field_mappings" not in existing:
        op.create_table(
            "field_mappings",
            sa.Column("signature", sa.Text, primary_key=True),
            sa.Column("layer_kind", sa.Text, nullable=False),
            sa.Column("mapping", sa.Text, nullable=False),
            sa.Column("saved_at", sa.Text, nullable=False),
        )
    op.create_index("ix_scenario_geometries_version", "scenario_geometries", ["scenario_id", "version"])
    op.create_table(
        "scenarios",
        sa.Column("scenario_id", sa.Text, primary_key=True),
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
    op.create_table(
        "layer_versions",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("layer_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_by", sa.Text, nullable=False),
        sa.Column("published_at", sa.Text, nullable=False),
        sa.Column("n_features", sa.Integer, nullable=False),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("restored_from", sa.Integer),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("layer_id", "version"),
    )
    op.create_table(
        "layer_features",
        sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("geom", _geometry(dialect)),
        sa.Column("layer_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("feature_index", sa.Integer, nullable=False),
        sa.Column("properties", sa.Text, nullable=False),
    )
    op.create_index("ix_layer_features_version", "layer_features", ["layer_id", "version"])
    op.create_table(
        "accounts",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text),
        sa.Column("external_id", sa.Text, unique=True),
        sa.Column("disabled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("failed_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed_since", sa.Text),
        sa.Column("locked_until", sa.Text),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("account", sa.Text, nullable=False),
        sa.Column("via", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.Text),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at_utc", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("object_type", sa.Text, nullable=False),
        sa.Column("object_id", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.Text, nullable=False),
        sa.Column("row_hash", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_index("ix_audit_log_object", "audit_log", ["object_id"])
    op.create_index("ix_audit_log_at", "audit_log", ["at_utc"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
    )
    bind.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": GENESIS})
    op.create_table(
        "workspace_settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
    )

    if dialect == "postgresql":
        for table in ("scenario_geometries", "layer_features"):
            op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING GIST (geom)")
    if legacy:  # heads of the legacy scenarios: creator = first version's author, latest = last version
        bind.execute(
            sa.text("""
            INSERT INTO scenarios (scenario_id, name, created_by, created_at, latest_version, latest_by, latest_at)
            SELECT f.scenario_id, l.name, f.author, f.saved_at, l.version, l.author, l.saved_at
            FROM scenario_versions f JOIN scenario_versions l ON f.scenario_id = l.scenario_id
            WHERE f.version = (SELECT MIN(version) FROM scenario_versions WHERE scenario_id = f.scenario_id)
              AND l.version = (SELECT MAX(version) FROM scenario_versions WHERE scenario_id = l.scenario_id)""")
        )
        _legacy_layers(bind, dialect, now)
    if dialect == "sqlite":
        _register_gpkg(bind)
    for table in ("audit_log", "scenario_versions", "layer_versions", "layer_features"):
        _append_only(dialect, table)


def downgrade() -> None:  # a backup is made before every upgrade: restore it instead
    raise NotImplementedError("restore the automatic backup made before the upgrade")
