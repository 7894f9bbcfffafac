"""Shared layers (``ws.layers``): each publication of a layer is a new numbered version (its features with their
attributes as JSON, EPSG:4326); an old version can be published again (a restore). Nothing is overwritten.
In a GeoPackage workspace every version is also written to ``published_<layer id>``, a feature table with the
attributes as real columns, so GIS software shows them as fields (the JSON stays the record the app reads)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, and_, func, insert, select

from gis.errors import StoreError
from store.records import LayerVersion
from store.schema import APPEND_ONLY, PUBLISHED_FIXED, gpkg_blob, published_table
from text.clip import clip_text
from text.clock import utc_now_iso
from text.messages import msg

if TYPE_CHECKING:
    from store.workspace import Workspace

_LAYER_ID = re.compile(r"[a-z0-9_]{1,40}")


class LayerRepository:
    """The published versions of the shared layers of one workspace (``ws.layers``)."""

    def __init__(self, ws: Workspace) -> None:
        self._ws, self.t = ws, ws.t

    def publish(
        self, layer_id: str, gdf: gpd.GeoDataFrame, *, actor: str, note: str = "", restored_from: int | None = None
    ) -> LayerVersion:
        """Publish ``gdf`` (EPSG:4326) as the next version of the shared layer ``layer_id``."""
        if not _LAYER_ID.fullmatch(str(layer_id)):
            raise StoreError("ws_layer_bad_id", layer=clip_text(str(layer_id), 40))
        if gdf.crs is None or gdf.crs.to_epsg() != 4326:
            raise StoreError(
                "ws_layer_invalid",
                layer=layer_id,
                reason=msg("ws_layer_reason_crs", crs=str(gdf.crs.to_string() if gdf.crs else "–")),
            )
        if len(gdf) == 0:
            raise StoreError("ws_layer_invalid", layer=layer_id, reason=msg("ws_layer_reason_empty"))
        missing = int(gdf.geometry.isna().sum())
        if missing:
            raise StoreError("ws_layer_invalid", layer=layer_id, reason=msg("ws_layer_reason_geometry", count=missing))
        attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        columns = [[str(c), str(attrs[c].dtype)] for c in attrs.columns]
        records = _json_records(attrs)
        lv = self.t.layer_versions
        with self._ws.write(msg("act_publish"), lock_chain_first=True) as tx:
            latest = tx.conn.execute(select(func.max(lv.c.version)).where(lv.c.layer_id == layer_id)).scalar() or 0
            version = latest + 1
            now = utc_now_iso()
            tx.conn.execute(
                insert(lv).values(
                    layer_id=layer_id,
                    version=version,
                    published_by=actor,
                    published_at=now,
                    n_features=len(gdf),
                    columns=json.dumps(columns),
                    note=note[:500],
                    restored_from=restored_from,
                )
            )
            geoms = gdf.geometry.to_numpy()
            rows = [
                {"geom": g, "layer_id": layer_id, "version": version, "feature_index": i, "properties": p}
                for i, (g, p) in enumerate(zip(geoms, records))
            ]
            for start in range(0, len(rows), 5000):
                tx.conn.execute(insert(self.t.layer_features), rows[start : start + 5000])
            if tx.conn.dialect.name == "sqlite":
                write_published(
                    tx.conn,
                    layer_id=layer_id,
                    version=version,
                    columns=[c for c, _ in columns],
                    geometries=list(geoms),
                    records=[json.loads(r) for r in records],
                )
            if restored_from is None:
                tx.audit(
                    actor,
                    "layer.publish",
                    "layer",
                    layer_id,
                    msg("aud_layer_published", layer=layer_id, version=version, features=len(gdf)),
                )
            else:
                tx.audit(
                    actor,
                    "layer.restore",
                    "layer",
                    layer_id,
                    msg("aud_layer_restored", layer=layer_id, version=version, from_version=restored_from),
                )
        return LayerVersion(layer_id, version, actor, now, len(gdf), restored_from, note[:500])

    def restore(self, layer_id: str, version: int, *, actor: str) -> LayerVersion:
        """Publish an old version of a layer again as the newest one (audited as a restore)."""
        old = self.load(layer_id, version=version)
        return self.publish(layer_id, old, actor=actor, restored_from=version)

    def versions(self, layer_id: str | None = None) -> list[LayerVersion]:
        """Published versions (of one layer, or of all), newest first per layer."""
        lv = self.t.layer_versions
        query = select(lv).order_by(lv.c.layer_id, lv.c.version.desc())
        if layer_id is not None:
            query = query.where(lv.c.layer_id == layer_id)
        with self._ws.read() as conn:
            return [
                LayerVersion(
                    r.layer_id, r.version, r.published_by, r.published_at, r.n_features, r.restored_from, r.note
                )
                for r in conn.execute(query)
            ]

    def load(self, layer_id: str, *, version: int | None = None) -> gpd.GeoDataFrame:
        """One published version (default: the current one) of a shared layer, in EPSG:4326."""
        lv, lf = self.t.layer_versions, self.t.layer_features
        with self._ws.read() as conn:
            latest = conn.execute(select(func.max(lv.c.version)).where(lv.c.layer_id == layer_id)).scalar()
            if latest is None:
                raise StoreError("ws_no_layer", layer=layer_id)
            number = latest if version is None else version
            meta = conn.execute(
                select(lv.c.columns).where(and_(lv.c.layer_id == layer_id, lv.c.version == number))
            ).scalar()
            if meta is None:
                raise StoreError("ws_no_layer_version", layer=layer_id, version=number, latest=latest)
            rows = conn.execute(
                select(lf.c.geom, lf.c.properties)
                .where(and_(lf.c.layer_id == layer_id, lf.c.version == number))
                .order_by(lf.c.feature_index)
            ).fetchall()
        return _frame(json.loads(meta), rows)

    def etag(self) -> str:
        """A short text that changes whenever any layer is published (for cache keys)."""
        lv = self.t.layer_versions
        with self._ws.read() as conn:
            rows = conn.execute(
                select(lv.c.layer_id, func.max(lv.c.version)).group_by(lv.c.layer_id).order_by(lv.c.layer_id)
            ).fetchall()
        return ";".join(f"{lid}={v}" for lid, v in rows) or "none"

    def current(self) -> dict[str, gpd.GeoDataFrame]:
        """The current published version of every shared layer, by layer id (EPSG:4326)."""
        ids = [part.split("=")[0] for part in self.etag().split(";") if "=" in part]
        return {lid: self.load(lid) for lid in ids}


def append_only_sqlite(table: str) -> list[str]:
    """The SQLite triggers that refuse updates and deletes on ``table`` (a trusted table name)."""
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{event.lower()}" BEFORE {event} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for event in ("UPDATE", "DELETE")
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def published_columns(columns: Sequence[str]) -> dict[str, str]:
    """Attribute name -> column name in a ``published_<layer>`` table: control characters removed, at most 60
    characters, never one of the fixed columns (``fid``, ``geom``, ``version``, ``feature_index``; prefixed
    ``attr_``), unique without regard to case (SQLite's rule; ``_2``, ``_3``… appended)."""
    out: dict[str, str] = {}
    used = {c.lower() for c in PUBLISHED_FIXED}
    for col in columns:
        base = "".join(ch for ch in str(col) if ord(ch) >= 32).strip()[:60] or "field"
        if base.lower() in PUBLISHED_FIXED:
            base = f"attr_{base}"
        name, k = base, 2
        while name.lower() in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name.lower())
        out[str(col)] = name
    return out


def _sql_type(values: Sequence[Any]) -> str:
    kinds = {type(v) for v in values if v is not None}
    if kinds and kinds <= {int, bool}:
        return "INTEGER"
    if kinds and kinds <= {int, float}:
        return "REAL"
    return "TEXT"


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_published(
    conn: Connection,
    *,
    layer_id: str,
    version: int,
    columns: Sequence[str],
    geometries: Sequence[shapely.Geometry | None],
    records: Sequence[Mapping[str, Any]],
) -> None:
    """Append one published version of ``layer_id`` to its GeoPackage feature table ``published_<layer_id>``
    (created and registered in gpkg_contents on first use; columns a new version brings are added), its
    attributes as columns typed INTEGER, REAL or TEXT by their values (lists and mappings as JSON text).
    SQLite (GeoPackage) only, inside the caller's transaction."""
    table = published_table(layer_id)
    names = published_columns(columns)
    exists = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).first()
    if not exists:
        conn.exec_driver_sql(
            f"CREATE TABLE {_quote(table)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom GEOMETRY, "
            "version INTEGER NOT NULL, feature_index INTEGER NOT NULL)"
        )
        conn.exec_driver_sql(f'CREATE INDEX "ix_{table}_version" ON {_quote(table)} (version)')
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (?, 'features', ?, ?, 4326)",
            (table, table, f"shared layer {layer_id}: every published version (column version)"),
        )
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', 4326, 0, 0)", (table,)
        )
        for statement in append_only_sqlite(table) if table not in APPEND_ONLY else []:
            conn.exec_driver_sql(statement)
    have = {r[1].lower() for r in conn.exec_driver_sql(f"PRAGMA table_info({_quote(table)})")}
    for col, name in names.items():
        if name.lower() not in have:
            kind = _sql_type([r.get(col) for r in records])
            conn.exec_driver_sql(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(name)} {kind}")
    targets = ["geom", "version", "feature_index", *names.values()]
    sql = (
        f"INSERT INTO {_quote(table)} ({', '.join(_quote(c) for c in targets)}) "
        f"VALUES ({', '.join('?' for _ in targets)})"
    )
    rows = [
        (None if g is None else gpkg_blob(g), version, i, *(_cell(r.get(c)) for c in names))
        for i, (g, r) in enumerate(zip(geometries, records))
    ]
    if rows:
        conn.exec_driver_sql(sql, rows)
    conn.exec_driver_sql(
        "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?", (table,)
    )


def _json_records(attrs: pd.DataFrame) -> list[str]:
    """Each row's attributes as JSON text (NaN/NaT -> null, numpy scalars -> numbers, times -> ISO text)."""

    def plain(v: Any) -> Any:
        if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NaT:
            return None
        if isinstance(v, (pd.Timestamp,)):
            return v.isoformat()
        if hasattr(v, "item") and callable(v.item):
            return plain(v.item())
        if isinstance(v, (list, tuple, dict, str, int, float, bool)):
            return v
        return str(v)

    cols = [str(c) for c in attrs.columns]
    values = attrs.astype(object).where(attrs.notna(), None).to_numpy()
    return [json.dumps(dict(zip(cols, (plain(v) for v in row))), ensure_ascii=False) for row in values]


def _frame(columns: list[list[str]], rows: Sequence[Any]) -> gpd.GeoDataFrame:
    names = [c for c, _ in columns]
    records = [json.loads(p) for _, p in rows]
    df = pd.DataFrame.from_records(records, columns=names) if records else pd.DataFrame(columns=names)
    for name, dtype in columns:
        if dtype != "object":
            with suppress(TypeError, ValueError):
                df[name] = df[name].astype(pd.api.types.pandas_dtype(dtype))
    return gpd.GeoDataFrame(df, geometry=[g for g, _ in rows], crs="EPSG:4326")
