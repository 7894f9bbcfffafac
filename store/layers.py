"""Shared layers (``ws.layers``): each publication of a layer is a new numbered version (its features with their
attributes as JSON, EPSG:4326); an old version can be published again (a restore). Nothing is overwritten."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import and_, func, insert, select

from gis.errors import StoreError
from store.records import LayerVersion
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
