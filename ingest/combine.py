"""An imported layer combined with the current one (replace, append, merge), and what that changes by id."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import to_metric, to_storage
from gis.errors import SchemaError
from ingest.mapping import _text

CombineMode = Literal["replace", "append", "merge"]


@dataclass(frozen=True)
class Combined:
    """What applying an imported layer does, by feature id (ids as text, sorted).

    Attributes
    ----------
    layer : GeoDataFrame
        The combined layer (EPSG:4326, a new frame; the inputs are not changed).
    mode : {"replace", "append", "merge"}
    added, removed, changed, kept : tuple of str
        Ids that are new, that disappear, whose geometry moved more than 1 m or whose attributes differ,
        and that stay as they were.
    area_before_km2, area_after_km2 : float
        Total polygon area of the current and the combined layer (EPSG:4549, km2; 0 for points/lines).
    """

    layer: gpd.GeoDataFrame
    mode: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    kept: tuple[str, ...]
    area_before_km2: float
    area_after_km2: float

    @property
    def needs_confirmation(self) -> bool:
        """True when applying removes or changes existing features: ask before applying."""
        return bool(self.removed or self.changed)


def _area_km2(gdf: gpd.GeoDataFrame) -> float:
    if gdf.empty or not gdf.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        return 0.0
    return float(to_metric(gdf).geometry.area.sum()) / 1e6


def _same_value(a: Any, b: Any) -> bool:
    missing = [v is None or (isinstance(v, float) and math.isnan(v)) for v in (a, b)]
    return all(missing) or (not any(missing) and _text(a) == _text(b))


def _differs(a: pd.Series, b: pd.Series, columns: Iterable[str], geom_a: Any, geom_b: Any) -> bool:
    """True when geometries are more than 1 m apart (metric CRS) or an attribute differs."""
    if geom_a is None or geom_b is None or shapely.hausdorff_distance(geom_a, geom_b) > 1.0:
        return True
    return any(not _same_value(a.get(col), b.get(col)) for col in columns)


def combine_layers(current: gpd.GeoDataFrame, incoming: gpd.GeoDataFrame, *, mode: CombineMode) -> Combined:
    """Combine an imported layer with the current one and say exactly what changes.

    Parameters
    ----------
    current, incoming : GeoDataFrame
        Layers with an ``id`` column, in any CRS (the result is EPSG:4326).
    mode : {"replace", "append", "merge"}
        ``replace``: the incoming layer replaces the current one (ids missing from it are removed).
        ``append``: incoming features are added; an id already in the current layer is refused
        (:class:`SchemaError` naming the ids; use ``merge``). ``merge``: incoming features replace the
        current ones with the same id, new ids are added, nothing is removed.

    Returns
    -------
    Combined
        The layer and the ids added/removed/changed/kept, areas before/after (EPSG:4549 km2).
    """
    if mode not in ("replace", "append", "merge"):
        raise SchemaError("imp_combine_mode", mode=str(mode))
    for frame in (current, incoming):
        if "id" not in frame.columns:
            raise SchemaError("imp_combine_no_id")
    cur = to_storage(current).reset_index(drop=True)
    new = to_storage(incoming).reset_index(drop=True)
    cur_m, new_m = to_metric(cur).geometry, to_metric(new).geometry
    cur_ids, new_ids = cur["id"].map(_text), new["id"].map(_text)
    if new_ids.duplicated().any():
        raise SchemaError("imp_duplicate_ids", column="id", ids=sorted(set(new_ids[new_ids.duplicated()]))[:10])
    cur_index = dict(zip(cur_ids, range(len(cur))))
    new_index = dict(zip(new_ids, range(len(new))))
    common = [i for i in new_ids if i in cur_index]
    # attributes the incoming layer really carries (a mapping fills unmapped schema columns with blanks);
    # areas are derived from the geometry, compared through it
    attr_cols = [
        c
        for c in new.columns
        if c in cur.columns
        and c not in ("geometry", "id", "source", "accuracy")
        and not str(c).endswith(("_m2", "_km2"))
        and new[c].map(_text).ne("").any()
    ]
    changed = sorted(
        i
        for i in common
        if _differs(
            cur.iloc[cur_index[i]],
            new.iloc[new_index[i]],
            attr_cols,
            cur_m.iloc[cur_index[i]],
            new_m.iloc[new_index[i]],
        )
    )
    added = sorted(set(new_ids) - set(cur_ids))
    if mode == "replace":
        layer = new
        removed = sorted(set(cur_ids) - set(new_ids))
        kept = sorted(set(common) - set(changed))
    elif mode == "append":
        if common:
            raise SchemaError("imp_combine_ids_exist", ids=sorted(common)[:10], count=len(common))
        layer = pd.concat([cur, new], ignore_index=True)
        removed, changed, kept = [], [], sorted(cur_ids)
    else:
        replaced = cur_ids.isin(set(common))
        layer = pd.concat([cur[~replaced.to_numpy()], new], ignore_index=True)
        order = {i: k for k, i in enumerate(list(cur_ids) + added)}
        layer = layer.iloc[np.argsort([order[_text(i)] for i in layer["id"]], kind="stable")].reset_index(drop=True)
        removed = []
        kept = sorted(set(cur_ids) - set(changed))
    layer = gpd.GeoDataFrame(layer, geometry="geometry", crs="EPSG:4326")
    return Combined(
        layer=layer,
        mode=mode,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        kept=tuple(kept),
        area_before_km2=_area_km2(cur),
        area_after_km2=_area_km2(layer),
    )


def diff_layers(current: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> dict:
    """What replacing ``current`` by ``new`` changes (kept for the page until it uses :func:`combine_layers`)."""
    c = combine_layers(current, new, mode="replace")
    return {
        "added": list(c.added),
        "removed": list(c.removed),
        "changed": list(c.changed),
        "area_before_km2": c.area_before_km2,
        "area_after_km2": c.area_after_km2,
    }
