"""What-if expansion scenarios: the model, metrics (EPSG:4549, overlaps unioned), comparison and suggestion."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from gis import measures
from gis.crs import M2_PER_KM2, METRIC_CRS, to_metric, to_storage
from gis.datasets import ParkData
from gis.errors import ScenarioError
from gis.landuse import LandUseCodes, load_landuse
from gis.regulatory import floor_area_capacity
from gis.settings import SETTINGS
from text.clock import utc_now_iso
from text.messages import Message, msg


@dataclass(frozen=True)
class Scenario:
    """The base park (14 sub-parks) plus what the scenario adds.

    ``parcels``: ids of included candidate parcels. ``drawn``: polygons drawn by the user as
    ``{id: (name, WKT in EPSG:4326)}``. ``assign``: piece id (parcel or drawn id) -> target, either
    ``"subpark:<id>"`` (attach to that sub-park) or ``"new:<cluster>:<name>"`` (a new sub-park);
    pieces without an entry join the nearest sub-park. ``weights``: the scoring weights used.
    """

    name: str
    author: str = ""
    notes: str = ""
    parcels: tuple[str, ...] = ()
    drawn: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    assign: Mapping[str, str] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    created: str = field(default_factory=utc_now_iso)
    updated: str = field(default_factory=utc_now_iso)

    def with_parcel(self, parcel_id: str, *, included: bool) -> Scenario:
        """A copy with the parcel added or removed (order kept, no duplicates)."""
        ids = [p for p in self.parcels if p != parcel_id] + ([parcel_id] if included else [])
        assign = {k: v for k, v in self.assign.items() if included or k != parcel_id}
        return replace(self, parcels=tuple(ids), assign=assign)

    def with_drawn(self, drawn_id: str, name: str, geometry_wgs84: shapely.Geometry) -> Scenario:
        if not isinstance(geometry_wgs84, (shapely.Polygon, shapely.MultiPolygon)) or geometry_wgs84.is_empty:
            raise ScenarioError("scen_drawn_not_polygon", found=geometry_wgs84.geom_type)
        wkt = shapely.to_wkt(geometry_wgs84, rounding_precision=8)
        return replace(self, drawn={**self.drawn, drawn_id: (name, wkt)})

    def without_drawn(self, drawn_id: str) -> Scenario:
        return replace(
            self,
            drawn={k: v for k, v in self.drawn.items() if k != drawn_id},
            assign={k: v for k, v in self.assign.items() if k != drawn_id},
        )

    def to_json(self) -> str:
        """Canonical JSON (sorted keys) of every field: what the store saves."""
        return json.dumps(
            {
                "id": self.id,
                "name": self.name,
                "author": self.author,
                "notes": self.notes,
                "parcels": list(self.parcels),
                "drawn": {k: list(v) for k, v in self.drawn.items()},
                "assign": dict(self.assign),
                "weights": dict(self.weights),
                "created": self.created,
                "updated": self.updated,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Scenario:
        """A scenario from its JSON (:meth:`to_json`), validated against the payload schema.

        Raises :class:`ScenarioError` (code ``ws_payload_not_json``, ``ws_payload_invalid`` or
        ``ws_payload_bad_wkt``) for text that is not JSON, a field of the wrong type or size, an unknown
        field, or a drawn area that is not a finite lon/lat polygon; never a JSONDecodeError or GEOSException.
        """
        try:
            d = json.loads(text)
        except (ValueError, TypeError, RecursionError) as exc:
            raise ScenarioError("ws_payload_not_json", reason=type(exc).__name__) from exc
        return cls(**_validated_payload(d))


#: Limits of a scenario payload (what a crafted file could inflate).
PAYLOAD_LIMITS = {
    "text": 200,
    "notes": 5000,
    "parcels": 20_000,
    "drawn": 2_000,
    "wkt_chars": 2_000_000,
    "entries": 20_000,
}
_PAYLOAD_FIELDS = {"id", "name", "author", "notes", "parcels", "drawn", "assign", "weights", "created", "updated"}
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


#: How a received value is named in a message (never a Python type name).
_RECEIVED_KIND = {
    str: "pl_got_text",
    int: "pl_got_number",
    float: "pl_got_number",
    bool: "pl_got_boolean",
    list: "pl_got_list",
    dict: "pl_got_object",
}


def _payload_error(field_name: str, expected: Message, value: object) -> ScenarioError:
    if value is None:
        return ScenarioError("ws_payload_invalid", field=field_name, expected=expected, received="–")
    kind = _RECEIVED_KIND.get(type(value), "pl_got_other")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(repr(value)) <= 40:
        received: Message | str = repr(value)
    elif isinstance(value, str):
        received = msg("pl_got_long_text", count=f"{len(value):,}")
    else:
        received = msg(kind)
    return ScenarioError("ws_payload_invalid", field=field_name, expected=expected, received=received)


def _text(d: Mapping, key: str, *, limit: int, required: bool = True, pattern: re.Pattern | None = None) -> str:
    value = d.get(key) if not required or key in d else None
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or (pattern is not None and not pattern.fullmatch(value)):
        raise _payload_error(key, msg("pl_expect_text", limit=f"{limit:,}"), value)
    return value


def _validated_payload(d: object) -> dict:
    """The keyword arguments of a :class:`Scenario` from a decoded payload, every field checked."""
    if not isinstance(d, dict):
        raise _payload_error("payload", msg("pl_expect_object"), d)
    _check_fields_known(d)
    return {
        **_checked_texts(d),
        **_checked_times(d),
        "parcels": _checked_parcels(d),
        "assign": _checked_table(d, "assign"),
        "weights": _checked_table(d, "weights"),
        "drawn": _checked_drawn(d),
    }


def _check_fields_known(d: dict) -> None:
    unknown = sorted(set(d) - _PAYLOAD_FIELDS)
    if unknown:
        raise _payload_error(str(unknown[0])[:40], msg("pl_expect_no_field"), d[unknown[0]])


def _checked_texts(d: dict) -> dict[str, str]:
    lim = PAYLOAD_LIMITS
    return {
        "id": _text(d, "id", limit=64, pattern=_ID_PATTERN),
        "name": _text(d, "name", limit=lim["text"]),
        "author": _text(d, "author", limit=lim["text"], required=False),
        "notes": _text(d, "notes", limit=lim["notes"], required=False),
    }


def _checked_times(d: dict) -> dict[str, str]:
    out = {}
    for key in ("created", "updated"):
        value = _text(d, key, limit=40)
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise _payload_error(key, msg("pl_expect_time"), value) from None
        out[key] = value
    return out


def _checked_parcels(d: dict) -> tuple[str, ...]:
    most = PAYLOAD_LIMITS["parcels"]
    parcels = d.get("parcels", [])
    if (
        not isinstance(parcels, list)
        or len(parcels) > most
        or not all(isinstance(p, str) and 0 < len(p) <= 64 for p in parcels)
    ):
        raise _payload_error("parcels", msg("pl_expect_parcels", limit=f"{most:,}"), parcels)
    return tuple(dict.fromkeys(parcels))


def _checked_table(d: dict, key: str) -> dict:
    """``assign`` (piece -> text) or ``weights`` (criterion -> finite number)."""
    value = d.get(key, {})
    if not isinstance(value, dict) or len(value) > PAYLOAD_LIMITS["entries"]:
        raise _payload_error(key, msg("pl_expect_object"), value)
    for k, v in value.items():
        ok = (
            (isinstance(v, str) and len(v) <= PAYLOAD_LIMITS["text"])
            if key == "assign"
            else (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
        )
        if len(k) > 64 or not ok:
            raise _payload_error(
                f"{key}.{k[:40]}", msg("pl_expect_short_text" if key == "assign" else "pl_expect_number"), v
            )
    return dict(value)


def _checked_drawn(d: dict) -> dict[str, tuple[str, str]]:
    most = PAYLOAD_LIMITS["drawn"]
    drawn = d.get("drawn", {})
    if not isinstance(drawn, dict) or len(drawn) > most:
        raise _payload_error("drawn", msg("pl_expect_drawn", limit=f"{most:,}"), drawn)
    return {piece: _checked_drawn_area(piece, value) for piece, value in drawn.items()}


def _checked_drawn_area(piece: str, value: object) -> tuple[str, str]:
    """One drawn area: ``[name, WKT]`` of a non-empty polygon in Shanghai (lon/lat); a self-crossing outline is
    repaired to the area it encloses."""
    lim = PAYLOAD_LIMITS
    if (
        len(piece) > 64
        or not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value))
        or len(value[0]) > lim["text"]
        or len(value[1]) > lim["wkt_chars"]
    ):
        raise _payload_error(f"drawn.{piece[:40]}", msg("pl_expect_drawn_area"), value)
    try:
        geom = shapely.from_wkt(value[1])
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        raise ScenarioError(
            "ws_payload_bad_wkt", piece=piece[:40], reason=str(exc).splitlines()[0][:80] or type(exc).__name__
        ) from None
    if not isinstance(geom, (shapely.Polygon, shapely.MultiPolygon)) or geom.is_empty:
        raise ScenarioError("ws_payload_bad_wkt", piece=piece[:40], reason=getattr(geom, "geom_type", "nothing"))
    xy = shapely.get_coordinates(geom)
    x0, y0, x1, y1 = SETTINGS.shanghai_bbox
    if (
        not np.isfinite(xy).all()
        or not ((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)).all()
    ):
        raise ScenarioError("ws_payload_outside", piece=piece[:40], name=value[0][:40])
    if not geom.is_valid:  # a self-crossing outline: its area as a valid polygon (metrics would fail on it)
        geom = shapely.make_valid(geom)
        parts = shapely.get_parts(geom)
        polygons = parts[np.isin(shapely.get_type_id(parts), [3, 6])]
        if not len(polygons):
            raise ScenarioError("ws_payload_no_area", piece=piece[:40], name=value[0][:40])
        return (value[0], shapely.union_all(polygons).wkt)
    return (value[0], value[1])


# --- pieces and metrics ---------------------------------------------------------------------------------
def scenario_pieces(scenario: Scenario, data: ParkData, parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """What the scenario adds, one row per piece (included parcel or drawn area), in EPSG:4549.

    Columns ``piece_id``, ``kind`` (parcel/drawn), ``name``, ``target`` (sub-park id or ``new:<cluster>:<name>``),
    ``cluster``. Unknown parcel ids raise :class:`ScenarioError`.
    """
    known = parcels.set_index("id")
    missing = [p for p in scenario.parcels if p not in known.index]
    if missing:
        raise ScenarioError("scen_unknown_parcels", name=scenario.name, ids=", ".join(map(str, missing)))
    chosen = known.reindex(list(scenario.parcels))
    drawn_ids = list(scenario.drawn)
    pieces = gpd.GeoDataFrame(
        {
            "piece_id": list(scenario.parcels) + drawn_ids,
            "kind": ["parcel"] * len(chosen) + ["drawn"] * len(drawn_ids),
            "name": [str(v) for v in chosen["name_zh"]] + [scenario.drawn[d][0] for d in drawn_ids],
        },
        geometry=list(to_storage(gpd.GeoSeries(chosen.geometry, crs=parcels.crs)).to_numpy())
        + [shapely.from_wkt(scenario.drawn[d][1]) for d in drawn_ids],
        crs="EPSG:4326",
    )
    pieces = to_metric(pieces)
    sp = to_metric(data.subparks)
    cluster_of = dict(zip(sp["id"], sp["cluster"]))
    nearest = np.full(len(pieces), -1)
    if len(pieces):
        (i, j) = shapely.STRtree(sp.geometry.to_numpy()).query_nearest(pieces.geometry.to_numpy(), all_matches=False)
        nearest[i] = j
    sp_ids = sp["id"].to_numpy()
    targets, clusters = [], []
    for k, pid in enumerate(pieces["piece_id"].tolist()):
        target = scenario.assign.get(pid)
        if target is None or (target.startswith("subpark:") and target.split(":", 1)[1] not in cluster_of):
            target = f"subpark:{sp_ids[nearest[k]]}"
        if target.startswith("subpark:"):
            sid = target.split(":", 1)[1]
            targets.append(sid)
            clusters.append(cluster_of[sid])
        else:
            _, cluster, _name = (target.split(":", 2) + ["", ""])[:3]
            if cluster not in ("north", "south"):
                raise ScenarioError("scen_bad_target", target=str(target))
            targets.append(target)
            clusters.append(cluster)
    pieces["target"] = targets
    pieces["cluster"] = clusters
    return pieces


def own_parts(pieces_m: np.ndarray, base_m: shapely.Geometry, *, beyond_base: np.ndarray | None = None) -> np.ndarray:
    """Each piece minus the base park and minus the pieces before it: what it alone adds (first come,
    first counted), so the parts never overlap. Only pieces whose interior meets an earlier one's are cut
    again (neighbours that only touch are not). ``beyond_base``: ``difference(pieces_m, base_m)`` when the
    caller has it already."""
    own = shapely.difference(pieces_m, base_m) if beyond_base is None else beyond_base.copy()
    if len(pieces_m) > 1:
        a, b = shapely.STRtree(pieces_m).query(pieces_m, predicate="intersects")
        earlier = b < a
        a, b = a[earlier], b[earlier]
        inner = shapely.relate_pattern(pieces_m[a], pieces_m[b], "T********") if len(a) else np.zeros(0, bool)
        a, b = a[inner], b[inner]
        for i in np.unique(a):
            own[i] = shapely.difference(own[i], shapely.union_all(pieces_m[b[a == i]]))
    return own


def _components(geoms: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Label of the connected component of each geometry (two are connected within ``tolerance_m``)."""
    n = len(geoms)
    if n == 0:
        return np.zeros(0, dtype=int)
    a, b = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=tolerance_m)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def contiguity(geometry: shapely.Geometry, *, tolerance_m: float) -> tuple[int, float]:
    """Number of contiguous pieces (parts closer than ``tolerance_m`` merge) and the largest gap (m).

    The largest gap is the longest edge of the minimum spanning tree between the pieces: the widest
    distance that must be bridged to join everything into one (0 for a single piece).
    """
    parts = shapely.get_parts(geometry)
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 0:
        return 0, 0.0
    labels = _components(parts, tolerance_m)
    if labels.max() == 0:  # one component: nothing to bridge (and no need to union its parts)
        return 1, 0.0
    comps = np.array([shapely.union_all(parts[labels == k]) for k in np.unique(labels)])
    n = len(comps)
    dist = shapely.distance(comps[:, None], comps[None, :])
    # a zero distance would read as "no edge": pieces are apart by more than the tolerance, so it is never 0
    tree = minimum_spanning_tree(np.maximum(dist, 1e-9))
    return n, float(tree.max())


def polsby_popper(geometry: shapely.Geometry) -> float:
    """4πA/P² of a (multi)polygon (EPSG:4549), 0 for an empty one."""
    return float(measures.polsby_popper(shapely.area(geometry), shapely.length(geometry)))


@dataclass(frozen=True, eq=False)
class ScenarioMetrics:
    """Every metric of a scenario (EPSG:4549; overlaps resolved by union, nothing counts twice).

    ``clusters``: DataFrame by cluster (``area_km2``, ``added_km2``, ``compactness``); ``subparks``: DataFrame
    by sub-park or new sub-park (``cluster``, ``area_km2``, ``added_km2``); ``zones_added_km2``: belt/core/city;
    ``flagged``: included parcel id -> failed rule ids; ``added_geometry_m``: the added land (EPSG:4549).

    The floor-area capacity the scenario adds, under the 控规 (regulatory detailed plan) layer it was measured
    with: ``capacity_added_m2`` (m² of floor area: Σ added area inside each 控规 parcel × its 容积率上限),
    ``capacity_by_cluster_m2`` (north/south: the added land of each cluster's outline),
    ``capacity_by_zone_m2`` (belt/core/city, as ``zones_added_km2``) and ``park_use_share_added`` (share of the
    added land under a park use, 0–1, see :func:`gis.regulatory.is_park_use`). All NaN without a 控规 layer;
    the share is NaN too when nothing is added.
    """

    total_km2: float
    base_km2: float
    added_km2: float
    change_vs_plan_km2: float
    clusters: pd.DataFrame
    subparks: pd.DataFrame
    zones_added_km2: Mapping[str, float]
    pieces: int
    largest_gap_m: float
    buildings: int
    buildings_added: int
    stations: int
    stations_added: int
    mean_score_added: float
    flagged: Mapping[str, list[str]]
    added_geometry_m: shapely.Geometry
    capacity_added_m2: float = float("nan")
    capacity_by_cluster_m2: Mapping[str, float] = field(default_factory=dict)
    capacity_by_zone_m2: Mapping[str, float] = field(default_factory=dict)
    park_use_share_added: float = float("nan")


def scenario_metrics(
    scenario: Scenario,
    data: ParkData,
    parcels: gpd.GeoDataFrame,
    *,
    scores: pd.Series | None = None,
    rules: pd.DataFrame | None = None,
    tolerance_m: float = 50.0,
    regulatory: gpd.GeoDataFrame | None = None,
    codes: LandUseCodes | None = None,
) -> ScenarioMetrics:
    """Every metric of a scenario, in EPSG:4549; overlaps are resolved by union, nothing counts twice.

    Parameters
    ----------
    parcels : GeoDataFrame
        The candidate parcels (any CRS) with ``id`` and ``name_zh``.
    scores : Series, optional
        Parcel score (0-1) by parcel id, for the area-weighted mean score of the added parcels.
    rules : DataFrame, optional
        :func:`gis.scoring.check_rules` output indexed by parcel id, to flag included parcels that fail.
    tolerance_m : float
        Parts closer than this count as one contiguous piece.
    regulatory : GeoDataFrame, optional
        The 控规 parcels as :func:`gis.regulatory.normalise_layer` returns them (any CRS), for the floor-area
        capacity of the added land; None (or an empty layer): the capacity fields are NaN.
    codes : LandUseCodes, optional
        The land-use code tree that tells park uses apart (the bundled one when not given).
    """
    sp = to_metric(data.subparks)
    base = shapely.union_all(sp.geometry.to_numpy())
    pieces = scenario_pieces(scenario, data, parcels)
    piece_geoms, piece_clusters = pieces.geometry.to_numpy(), pieces["cluster"].to_numpy()
    # each cluster (its sub-parks and the pieces assigned to it) unioned once; the park and the added land
    # follow from the two outlines
    cluster_geoms = {
        c: shapely.union_all([*sp.loc[sp["cluster"] == c].geometry, *piece_geoms[piece_clusters == c]])
        for c in ("north", "south")
    }
    total = shapely.union_all(list(cluster_geoms.values()))
    added = shapely.difference(total, base)

    # per sub-park (and new sub-parks): its own area plus what is assigned to it, each m2 counted once
    sub_rows = {
        sid: {"cluster": c, "area_m2": g.area, "added_m2": 0.0}
        for sid, c, g in zip(sp["id"], sp["cluster"], sp.geometry)
    }
    beyond = shapely.difference(piece_geoms, base)  # each piece outside the park
    own_area = shapely.area(own_parts(piece_geoms, base, beyond_base=beyond))
    for target, cluster, a in zip(pieces["target"], pieces["cluster"], own_area):
        row = sub_rows.setdefault(target, {"cluster": cluster, "area_m2": 0.0, "added_m2": 0.0})
        row["area_m2"] += a
        row["added_m2"] += a
    subparks = pd.DataFrame.from_dict(sub_rows, orient="index")
    subparks["area_km2"] = subparks.pop("area_m2") / M2_PER_KM2
    subparks["added_km2"] = subparks.pop("added_m2") / M2_PER_KM2

    clusters = {}
    for cluster, g in cluster_geoms.items():
        clusters[cluster] = {
            "area_km2": subparks.loc[subparks["cluster"] == cluster, "area_km2"].sum(),
            "added_km2": subparks.loc[subparks["cluster"] == cluster, "added_km2"].sum(),
            "compactness": polsby_popper(g),
        }
    zones = to_metric(data.zones)
    zone_parts = dict(zip(zones["id"], shapely.intersection(added, zones.geometry.to_numpy())))
    zones_added = {zid: g.area / M2_PER_KM2 for zid, g in zone_parts.items()}
    capacity = _added_capacity(
        added,
        clusters={c: shapely.difference(g, base) for c, g in cluster_geoms.items()},
        zones=zone_parts,
        regulatory=regulatory,
        codes=codes,
    )
    n_pieces, gap = contiguity(total, tolerance_m=tolerance_m)

    def covered(layer: gpd.GeoDataFrame, area: shapely.Geometry) -> int:
        shapely.prepare(area)
        return int(shapely.intersects(area, to_metric(layer).geometry.to_numpy()).sum())

    mean_score = float("nan")
    if scores is not None and len(pieces):
        is_parcel = (pieces["kind"] == "parcel").to_numpy()
        if is_parcel.any():
            own = shapely.area(beyond[is_parcel])
            s = scores.reindex(pieces["piece_id"][is_parcel]).to_numpy(dtype=float)
            ok = np.isfinite(s) & (own > 0)
            mean_score = float(np.average(s[ok], weights=own[ok])) if ok.any() else float("nan")
    flagged = {}
    if rules is not None:
        ruled = rules.reindex([pid for pid in scenario.parcels if pid in rules.index])
        failing = ruled[~ruled["passes"].astype(bool)]
        flagged = {pid: list(failed) for pid, failed in zip(failing.index, failing["failed"])}
    return ScenarioMetrics(
        total_km2=total.area / M2_PER_KM2,
        base_km2=base.area / M2_PER_KM2,
        added_km2=added.area / M2_PER_KM2,
        change_vs_plan_km2=total.area / M2_PER_KM2 - SETTINGS.plan_total_area_km2,
        clusters=pd.DataFrame.from_dict(clusters, orient="index"),
        subparks=subparks,
        zones_added_km2=zones_added,
        pieces=n_pieces,
        largest_gap_m=gap,
        buildings=covered(data.buildings, total),
        buildings_added=covered(data.buildings, added),
        stations=covered(data.stations, total),
        stations_added=covered(data.stations, added),
        mean_score_added=mean_score,
        flagged=flagged,
        added_geometry_m=added,
        **capacity,
    )


def _added_capacity(
    added_m: shapely.Geometry,
    *,
    clusters: Mapping[str, shapely.Geometry],
    zones: Mapping[str, shapely.Geometry],
    regulatory: gpd.GeoDataFrame | None,
    codes: LandUseCodes | None,
) -> dict:
    """The capacity fields of :class:`ScenarioMetrics`: the 控规 floor-area allowance (m²) of the added land
    (EPSG:4549), in all and of each cluster's and zone's part of it (one overlay of all of them), and the share
    of the added land under a park use. NaN without a 控规 layer."""
    if regulatory is None or regulatory.empty:
        nan = float("nan")
        return {
            "capacity_added_m2": nan,
            "capacity_by_cluster_m2": dict.fromkeys(clusters, nan),
            "capacity_by_zone_m2": dict.fromkeys(zones, nan),
            "park_use_share_added": nan,
        }
    areas = gpd.GeoSeries([added_m, *clusters.values(), *zones.values()], crs=METRIC_CRS)
    cap = floor_area_capacity(areas, regulatory, codes=codes if codes is not None else load_landuse())
    allowance = cap["allowance_m2"].to_numpy(dtype=float)
    n = len(clusters)
    return {
        "capacity_added_m2": float(allowance[0]),
        "capacity_by_cluster_m2": dict(zip(clusters, map(float, allowance[1 : 1 + n]))),
        "capacity_by_zone_m2": dict(zip(zones, map(float, allowance[1 + n :]))),
        "park_use_share_added": float(cap["park_use_share"].iloc[0]) if added_m.area > 0 else float("nan"),
    }


#: The rows of a comparison, in order: (key, catalogue code of its label).
COMPARE_ROWS: tuple[tuple[str, str], ...] = (
    ("total_km2", "cmp_total_km2"),
    ("added_km2", "cmp_added_km2"),
    ("change_vs_plan_km2", "cmp_change_km2"),
    ("north_km2", "cmp_north_km2"),
    ("south_km2", "cmp_south_km2"),
    ("north_compactness", "cmp_north_compactness"),
    ("south_compactness", "cmp_south_compactness"),
    ("added_belt_km2", "cmp_added_belt_km2"),
    ("added_core_km2", "cmp_added_core_km2"),
    ("added_city_km2", "cmp_added_city_km2"),
    ("capacity_added_m2", "cmp_capacity_added_m2"),
    ("capacity_north_m2", "cmp_capacity_north_m2"),
    ("capacity_south_m2", "cmp_capacity_south_m2"),
    ("capacity_belt_m2", "cmp_capacity_belt_m2"),
    ("capacity_core_m2", "cmp_capacity_core_m2"),
    ("capacity_city_m2", "cmp_capacity_city_m2"),
    ("park_use_share_added", "cmp_park_use_share"),
    ("pieces", "cmp_pieces"),
    ("largest_gap_m", "cmp_gap_m"),
    ("buildings", "cmp_buildings"),
    ("stations", "cmp_stations"),
    ("mean_score_added", "cmp_mean_score"),
    ("flagged", "cmp_flagged"),
)


def metrics_row(metrics: ScenarioMetrics) -> dict[str, float]:
    """The headline numbers of one scenario as a flat dict (one column of a comparison table)."""
    row = {
        "total_km2": metrics.total_km2,
        "added_km2": metrics.added_km2,
        "change_vs_plan_km2": metrics.change_vs_plan_km2,
    }
    for c, r in metrics.clusters.iterrows():
        row[f"{c}_km2"] = r["area_km2"]
        row[f"{c}_compactness"] = r["compactness"]
    for z, a in metrics.zones_added_km2.items():
        row[f"added_{z}_km2"] = a
    row["capacity_added_m2"] = metrics.capacity_added_m2
    for part, capacity in (*metrics.capacity_by_cluster_m2.items(), *metrics.capacity_by_zone_m2.items()):
        row[f"capacity_{part}_m2"] = capacity
    row["park_use_share_added"] = metrics.park_use_share_added
    row.update(
        {
            "pieces": metrics.pieces,
            "largest_gap_m": metrics.largest_gap_m,
            "buildings": metrics.buildings,
            "stations": metrics.stations,
            "mean_score_added": metrics.mean_score_added,
            "flagged": len(metrics.flagged),
        }
    )
    return row


def compare(named_metrics: Mapping[str, ScenarioMetrics]) -> pd.DataFrame:
    """Metrics side by side: one row per metric (keys of :data:`COMPARE_ROWS`), one column per scenario."""
    if not 1 <= len(named_metrics) <= 4:
        raise ScenarioError("cmp_count", count=len(named_metrics))
    table = pd.DataFrame({name: metrics_row(m) for name, m in named_metrics.items()})
    return table.reindex([k for k, _ in COMPARE_ROWS if k in table.index])


# --- suggestion -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    """A suggested parcel set. ``status``: ``optimal``, ``feasible`` (time limit hit with a solution),
    ``infeasible`` or ``no_candidates``; ``reasons`` say which constraint cannot be met, by how much, and
    what to relax."""

    parcels: tuple[str, ...]
    total_score: float
    added_m2: float
    status: str
    method: str
    reasons: tuple[Message, ...] = ()


def infeasibility_reasons(
    candidates_m: gpd.GeoDataFrame,
    park_m: shapely.Geometry,
    zones_m: Mapping[str, shapely.Geometry],
    *,
    budget_km2: float,
    zone_min_km2: Mapping[str, float],
    tolerance_m: float,
) -> list[Message]:
    """Constraints of a suggestion that cannot be met, each with the numbers (km²) and what to relax.

    Only land reachable from the park counts (candidates joined to it, directly or through other
    candidates, within ``tolerance_m``): a zone minimum larger than that land, or larger than the budget,
    can never be met.
    """
    reasons: list[Message] = []
    asked = {z: float(v) for z, v in zone_min_km2.items() if v and v > 0}
    if not asked:
        return reasons
    geoms = candidates_m.geometry.to_numpy()
    root, a, b = adjacency_graph(candidates_m, park_m, tolerance_m=tolerance_m)
    n = len(geoms)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    labels = connected_components(graph, directed=False)[1] if n else np.zeros(0, dtype=int)
    reachable = np.isin(labels, np.unique(labels[root])) if n else np.zeros(0, dtype=bool)
    for zid, minimum in asked.items():
        have = (
            float(shapely.area(shapely.intersection(geoms[reachable], zones_m[zid])).sum()) / M2_PER_KM2
            if reachable.any()
            else 0.0
        )
        if have + 1e-9 < minimum:
            reasons.append(
                msg("sug_zone_unreachable", zone=msg(f"zone_{zid}"), tol=tolerance_m, have=have, asked=minimum)
            )
        if minimum > budget_km2 + 1e-9:
            reasons.append(msg("sug_zone_over_budget", zone=msg(f"zone_{zid}"), asked=minimum, budget=budget_km2))
    if sum(asked.values()) > budget_km2 + 1e-9 and len(asked) > 1:
        reasons.append(msg("sug_mins_over_budget", total=sum(asked.values()), budget=budget_km2))
    return reasons


def adjacency_graph(candidates_m: gpd.GeoDataFrame, park_m: shapely.Geometry, *, tolerance_m: float):
    """Which candidates touch the park (within ``tolerance_m``) and which pairs touch each other."""
    geoms = candidates_m.geometry.to_numpy()
    root = shapely.dwithin(geoms, park_m, tolerance_m)
    a, b = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=tolerance_m)
    keep = a < b
    return root, a[keep], b[keep]


def suggest(
    candidates: gpd.GeoDataFrame,
    scores: pd.Series,
    data: ParkData,
    *,
    budget_km2: float,
    zone_min_km2: Mapping[str, float] | None = None,
    tolerance_m: float = 50.0,
    objective: str = "score",
    time_limit_s: float = 10.0,
) -> Suggestion:
    """The parcel set with the highest total score whose area fits the budget and that stays contiguous
    with the park — an exact integer program (scipy.optimize.milp, HiGHS).

    Contiguity is a single-commodity flow from the park: every chosen parcel receives one unit of flow
    through chosen parcels (or straight from the park when it lies within ``tolerance_m`` of it), so no
    island of parcels can be chosen. ``objective`` is ``"score"`` (sum of scores) or ``"score_area"``
    (sum of score × area, km2). ``zone_min_km2`` asks for at least that much chosen area per zone.

    Parameters
    ----------
    candidates : GeoDataFrame
        Eligible parcels (any CRS) with ``id``; their own area counts (overlaps with the park are not
        expected: the rules exclude such parcels).
    scores : Series
        Score 0-1 by parcel id.
    """
    if not budget_km2 > 0:
        raise ScenarioError("sug_budget_invalid", budget=budget_km2)
    if objective not in ("score", "score_area"):
        raise ScenarioError("sug_objective_invalid", objective=str(objective))
    cm = to_metric(candidates).reset_index(drop=True)
    n = len(cm)
    if n == 0:
        return Suggestion((), 0.0, 0.0, "no_candidates", "milp", (msg("sug_no_candidates"),))
    park = shapely.union_all(to_metric(data.subparks).geometry.to_numpy())
    zones = to_metric(data.zones).set_index("id").geometry
    reasons = infeasibility_reasons(
        cm, park, dict(zones.items()), budget_km2=budget_km2, zone_min_km2=zone_min_km2 or {}, tolerance_m=tolerance_m
    )
    if reasons:
        return Suggestion((), 0.0, 0.0, "infeasible", "milp", tuple(reasons))
    area = cm.area.to_numpy()
    s = scores.reindex(cm["id"]).fillna(0.0).to_numpy()
    gain = s if objective == "score" else s * area / M2_PER_KM2
    root, a, b = adjacency_graph(cm, park, tolerance_m=tolerance_m)
    arcs = [(-1, j) for j in np.flatnonzero(root)] + list(zip(a, b)) + list(zip(b, a))  # -1 = the park
    m = len(arcs)
    # variables: x (n binaries) then f (m flows >= 0)
    c = np.concatenate([-gain, np.zeros(m)])
    rows, lo, hi = [], [], []
    # flow balance: inflow_j - outflow_j - x_j = 0
    bal = np.zeros((n, n + m))
    bal[np.arange(n), np.arange(n)] = -1.0
    for k, (u, v) in enumerate(arcs):
        bal[v, n + k] += 1.0
        if u >= 0:
            bal[u, n + k] -= 1.0
    rows.append(bal)
    lo += [0.0] * n
    hi += [0.0] * n
    # flow only into and out of chosen parcels: f_uv <= n x_v and f_uv <= n x_u
    cap = np.zeros((2 * m, n + m))
    for k, (u, v) in enumerate(arcs):
        cap[2 * k, n + k], cap[2 * k, v] = 1.0, -n
        cap[2 * k + 1, n + k] = 1.0
        if u >= 0:
            cap[2 * k + 1, u] = -n
        else:
            cap[2 * k + 1, n + k] = 0.0
    rows.append(cap)
    lo += [-np.inf] * (2 * m)
    hi += [0.0] * (2 * m)
    # area budget
    budget = np.concatenate([area, np.zeros(m)])[None, :]
    rows.append(budget)
    lo.append(0.0)
    hi.append(budget_km2 * M2_PER_KM2)
    # per-zone minimum of chosen area
    for zid, minimum in (zone_min_km2 or {}).items():
        if minimum and minimum > 0:
            inside = shapely.area(shapely.intersection(cm.geometry.to_numpy(), zones[zid]))
            rows.append(np.concatenate([inside, np.zeros(m)])[None, :])
            lo.append(minimum * M2_PER_KM2)
            hi.append(np.inf)
    matrix = np.vstack(rows)
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    res = milp(
        c,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(np.zeros(n + m), np.concatenate([np.ones(n), np.full(m, float(n))])),
        options={"time_limit": time_limit_s, "disp": False},
    )
    if res.x is None:
        status = "infeasible" if res.status == 2 else "time_limit"
        return Suggestion(
            (),
            0.0,
            0.0,
            status,
            "milp",
            (
                msg("sug_infeasible_combined", budget=budget_km2, tol=tolerance_m)
                if status == "infeasible"
                else msg("sug_time_limit", seconds=time_limit_s),
            ),
        )
    chosen = np.flatnonzero(res.x[:n] > 0.5)
    return Suggestion(
        tuple(cm["id"].iloc[chosen]),
        float(gain[chosen].sum()),
        float(area[chosen].sum()),
        "optimal" if res.status == 0 else "feasible",
        "milp",
    )


def greedy_suggest(
    candidates: gpd.GeoDataFrame,
    scores: pd.Series,
    data: ParkData,
    *,
    budget_km2: float,
    tolerance_m: float = 50.0,
    objective: str = "score",
) -> Suggestion:
    """Baseline: repeatedly add the best-scoring parcel that fits the budget and touches the park or
    an already chosen parcel (no zone minimums)."""
    cm = to_metric(candidates).reset_index(drop=True)
    park = shapely.union_all(to_metric(data.subparks).geometry.to_numpy())
    area = cm.area.to_numpy()
    s = scores.reindex(cm["id"]).fillna(0.0).to_numpy()
    gain = s if objective == "score" else s * area / M2_PER_KM2
    root, a, b = adjacency_graph(cm, park, tolerance_m=tolerance_m)
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(cm))}
    for i, j in zip(a.tolist(), b.tolist()):
        neighbours[i].add(j)
        neighbours[j].add(i)
    chosen: list[int] = []
    used = 0.0
    reachable = set(np.flatnonzero(root).tolist())
    while True:
        options = [i for i in reachable if i not in chosen and used + area[i] <= budget_km2 * M2_PER_KM2]
        if not options:
            break
        best = max(options, key=lambda i: (gain[i], -i))
        chosen.append(best)
        used += area[best]
        reachable |= neighbours[best]
    return Suggestion(tuple(cm["id"].iloc[chosen]), float(gain[chosen].sum()), float(used), "feasible", "greedy")
