"""Build the OpenStreetMap context layers (roads, metro lines, 2026 stations) and their ODbL notice.

Reads the OSM-derived reference files (ODbL 1.0; see SOURCES.md in the reference folder) and writes,
all WGS84 GeoJSON with ``source`` and ``accuracy`` on every feature:

* ``context/roads.geojson`` — expressways, urban expressways (ring roads, elevated) and arterial
  sections: ``name_zh``, ``name_en`` (romanised), ``kind`` (``expressway`` / ``urban_expressway`` /
  ``arterial``; ``kind_zh``/``kind_en`` for tooltips), ``osm_kind``, ``scope``. Segments the extract left
  unnamed keep an empty name.
* ``context/metro_lines.geojson`` — one feature per line: ``ref`` ("3"), ``name_zh`` (3号线),
  ``name_en`` (Line 3), ``colour`` (the line's official colour); lines 3 and 4 each include their
  shared track.
* ``transit/stations.geojson`` — the metro stations within 3 km of the district: the OSM station
  nodes, plus the MetroFlow (MIT, 2017) stations that the OSM extract lacks, each with ``lines``
  derived from the line geometry within 150 m (and the few corrections listed in
  :data:`LINE_CORRECTIONS`), ``name_en`` by romanisation, ``inside_district``, ``osm_id``.
* ``context/NOTICE.md`` and ``transit/NOTICE.md`` — the ODbL notice (© OpenStreetMap contributors).

Run after scripts/build_district.py::

    python scripts/build_context_data.py [--reference ../shared/reference-data] [--compare-transit]

``--compare-transit`` prints how the transit criterion of the bundled parcels changes between the
2017 stations and these.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.crs import METRIC_CRS, STORAGE_CRS, to_metric  # noqa: E402
from gis.io import read_layer, write_layer  # noqa: E402
from gis.names import normalise_station_name, romanise, romanise_station  # noqa: E402
from layers.registry import METRO_COLOURS  # noqa: E402
from text.messages import t  # noqa: E402

DATA = ROOT / "data"
OSM_SOURCE = (
    "© OpenStreetMap contributors, ODbL 1.0 (Geofabrik Shanghai extract 2026-07-28, simplified 5 m "
    "by luiszengii/shanghai-property-sector-map)"
)
MF_SOURCE = "MetroFlow (Ariza-Sun/MetroFlow, MIT), Data/stationInfo.csv, network of 2017"
#: Stations within this distance of the district are kept (m).
STATION_BAND_M = 3000.0
#: A station is served by a line whose track passes within this distance (m).
LINE_RADIUS_M = 150.0
#: A MetroFlow station this close to an OSM station (or with the same name) is the same station (m).
SAME_STATION_M = 350.0
#: Interchanges whose platforms lie further apart than LINE_RADIUS_M (+) or lines that pass close to a
#: station without stopping (-): public network facts, checked against the 2026 network map.
LINE_CORRECTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "曹杨路": {"add": ("14",)},  # line 14 platform about 290 m from the 3/4/11 node
    "大渡河路": {"add": ("15",)},  # line 15 platform about 160 m from the line 13 node
    "镇坪路": {"add": ("7",)},  # line 7 platform about 200 m from the 2017 point
    "陕西南路": {"add": ("10",)},
    "常熟路": {"add": ("7",)},
    "静安寺": {"add": ("7", "14")},
    "南京西路": {"add": ("12", "13")},
    "淮海中路": {"remove": ("1",)},  # line 1 runs under the road; the station is line 13's
    "锦秋路": {"remove": ("7",)},  # line 7 passes 125 m away; the station is line 15's
}
#: Road names in the extract that are not names (class labels or bare numbers): kept unnamed.
NOT_NAMES = {"其他高架高速", "其他城市高架", "8"}

NOTICE = """# OpenStreetMap data — licence notice

These files are derived from OpenStreetMap data and are made available under the
**Open Database License (ODbL) 1.0**: https://opendatacommons.org/licenses/odbl/1-0/

**© OpenStreetMap contributors** — https://www.openstreetmap.org/copyright

Derived files (built by `scripts/build_context_data.py` from the Geofabrik Shanghai extract of
2026-07-28, as simplified to 5 m by luiszengii/shanghai-property-sector-map; clipped to
121.30–121.48 E, 31.19–31.33 N):

- `data/context/roads.geojson` — expressways, urban expressways and arterial sections: geometry and
  names from OSM; English names romanised by this project.
- `data/context/metro_lines.geojson` — metro lines 1–4, 7–15 and 17: route geometry and line refs
  from OSM; colours are the operator's line colours.
- `data/transit/stations.geojson` — the metro stations within 3 km of Putuo (2026): positions, names
  and node ids from OSM; `lines` derived from the line geometry. The stations the extract lacks come
  from MetroFlow (MIT, network of 2017; their `source` says so).

If you publish a map made with these layers, credit "© OpenStreetMap contributors". If you
publicly use an adapted version of these files, offer it under the ODbL too.
"""


def _union_lines(geoms) -> shapely.Geometry:
    return shapely.line_merge(shapely.union_all(list(geoms)))


def build_roads(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The roads layer from the OSM extract (metric CRS)."""
    rows = []
    for _, r in raw.iterrows():
        name = "" if r["name"] in NOT_NAMES else str(r["name"]).strip()
        if r["kind"] == "expressway":
            kind = "expressway"
        elif r["scope"] == "major":
            kind = "urban_expressway"
        else:
            kind = "arterial"
        rows.append(
            {
                "id": str(r["id"]).replace("elevated-", "road-"),
                "name_zh": name,
                "name_en": romanise(name),
                "kind": kind,
                "kind_zh": t(f"road_{kind}", "zh"),
                "kind_en": t(f"road_{kind}", "en"),
                "osm_kind": r["kind"],
                "scope": r["scope"],
                "osm_name": str(r["name"]),
                "source": OSM_SOURCE,
                "accuracy": "OSM centre line simplified to 5 m; an elevated road and the road below it may "
                "share one line" + ("" if name else "; unnamed in the extract"),
            }
        )
    return gpd.GeoDataFrame(rows, geometry=to_metric(raw).geometry.to_numpy(), crs=METRIC_CRS)


def build_metro_lines(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One feature per line (metric CRS); the 3/4 shared track belongs to both lines."""
    raw_m = to_metric(raw)
    shared = raw_m.loc[raw_m["route"] == "3-4", "geometry"]
    rows, geoms = [], []
    for route, group in raw_m[raw_m["route"] != "3-4"].groupby("route", sort=False):
        parts = list(group.geometry) + (list(shared) if route in ("3", "4") else [])
        geoms.append(_union_lines(parts))
        rows.append(
            {
                "id": f"line{route}",
                "ref": str(route),
                "name_zh": f"{route}号线",
                "name_en": f"Line {route}",
                "colour": METRO_COLOURS[str(route)],
                "osm_name": str(group["name"].iloc[0]),
                "shared_track": "3, 4" if route in ("3", "4") else "",
                "source": OSM_SOURCE,
                "accuracy": "OSM route geometry simplified to 5 m (track alignment, not station order)",
            }
        )
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)
    return out.sort_values("ref", key=lambda s: s.astype(int)).reset_index(drop=True)


def derive_lines(points_m: gpd.GeoSeries, lines_m: gpd.GeoDataFrame, names: pd.Series) -> list[str]:
    """``lines`` of each station: the refs of the lines within LINE_RADIUS_M, then LINE_CORRECTIONS."""
    tree = shapely.STRtree(lines_m.geometry.to_numpy())
    p_idx, l_idx = tree.query(points_m.to_numpy(), predicate="dwithin", distance=LINE_RADIUS_M)
    refs = lines_m["ref"].to_numpy()
    found: list[set[str]] = [set() for _ in range(len(points_m))]
    for p, k in zip(p_idx, l_idx):
        found[p].add(str(refs[k]))
    out = []
    for name, got in zip(names, found):
        fix = LINE_CORRECTIONS.get(name, {})
        got = (got | set(fix.get("add", ()))) - set(fix.get("remove", ()))
        out.append("|".join(sorted(got, key=int)))
    return out


def metroflow_stations(district_m: shapely.Geometry, metroflow: pd.DataFrame, *, band_m: float) -> gpd.GeoDataFrame:
    """The 2017 MetroFlow stations within ``band_m`` of the district (metric CRS), lines from their ids."""
    pts = to_metric(gpd.GeoSeries(gpd.points_from_xy(metroflow["lon"], metroflow["lat"]), crs=STORAGE_CRS))
    near = (pts.distance(district_m) <= band_m).to_numpy()
    rows = []
    for _, r in metroflow[near].iterrows():
        # MetroFlow ids encode the line (1142 -> line 11); interchanges list one id per line.
        ids = ast.literal_eval(r["includeStation"]) if isinstance(r["includeStation"], str) else [r["stationID"]]
        rows.append(
            {
                "id": f"M{int(r['stationID'])}",
                "name_zh": str(r["name"]),
                "lines": "|".join(str(n) for n in sorted({int(s) // 100 for s in ids})),
            }
        )
    return gpd.GeoDataFrame(rows, geometry=list(pts[near]), crs=METRIC_CRS)


def build_stations(
    raw: gpd.GeoDataFrame, metroflow: pd.DataFrame, district_m: shapely.Geometry, lines_m: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """OSM stations within STATION_BAND_M of the district, plus the MetroFlow ones the extract lacks.

    Returns the layer (metric CRS) and the names of the stations taken from MetroFlow.
    """
    osm = to_metric(raw)
    osm = osm[(osm.distance(district_m) <= STATION_BAND_M).to_numpy()].copy()
    mf = metroflow_stations(district_m, metroflow, band_m=STATION_BAND_M)
    osm_keys = set(osm["name"].map(normalise_station_name))
    osm_union = shapely.MultiPoint(list(osm.geometry)) if len(osm) else shapely.Point()
    missing = mf[
        [
            normalise_station_name(n) not in osm_keys and g.distance(osm_union) > SAME_STATION_M
            for n, g in zip(mf["name_zh"], mf.geometry)
        ]
    ]
    rows, geoms = [], []
    for _, r in osm.iterrows():
        rows.append(
            {
                "id": f"osm{r['osm_id']}",
                "name_zh": str(r["name"]),
                "osm_id": str(r["osm_id"]),
                "source": OSM_SOURCE,
                "accuracy": "OSM station node (one platform or the station centre), about 10-50 m; lines "
                f"derived from the OSM line geometry within {LINE_RADIUS_M:.0f} m",
            }
        )
        geoms.append(r.geometry)
    for _, r in missing.iterrows():
        rows.append(
            {
                "id": r["id"],
                "name_zh": r["name_zh"].removesuffix("站") if r["name_zh"] != "上海火车站" else r["name_zh"],
                "osm_id": "",
                "source": MF_SOURCE + "; not in the OSM extract",
                "accuracy": "WGS84 station point of 2017, about 10-30 m; lines derived from the OSM line "
                f"geometry within {LINE_RADIUS_M:.0f} m",
            }
        )
        geoms.append(r.geometry)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)
    out["name_en"] = out["name_zh"].map(romanise_station)
    out["lines"] = derive_lines(out.geometry, lines_m, out["name_zh"])
    out["inside_district"] = out.within(district_m).to_numpy()
    cols = ["id", "name_zh", "name_en", "lines", "inside_district", "osm_id", "source", "accuracy", "geometry"]
    out = out[cols].sort_values("name_zh").reset_index(drop=True)
    mf_lines = dict(zip(mf["name_zh"].str.removesuffix("站"), mf["lines"]))
    for name, lines in zip(out["name_zh"], out["lines"]):  # 2017 lines must still serve the station
        if name in mf_lines and not set(mf_lines[name].split("|")) <= set(lines.split("|")):
            print(f"check {name}: derived lines {lines}, MetroFlow 2017 {mf_lines[name]}")
    return out, list(missing["name_zh"])


def check_against_amap(stations: gpd.GeoDataFrame, amap_csv: Path) -> None:
    """Print where the stations differ from the AMap 2026 list (reference only; nothing is copied)."""
    if not amap_csv.is_file():
        print(f"(no {amap_csv.name}: lines not cross-checked)")
        return
    amap = pd.read_csv(amap_csv)
    ours = {normalise_station_name(n): set(str(v).split("|")) for n, v in zip(stations["name_zh"], stations["lines"])}
    missing, differ = [], []
    for name, lines in zip(amap["name_zh"], amap["lines"].astype(str)):
        key = normalise_station_name(name)
        if key not in ours:
            missing.append(f"{name} ({lines})")
        elif ours[key] != set(lines.split("|")):
            differ.append(f"{name}: ours {'|'.join(sorted(ours[key], key=int))}, AMap {lines}")
    print(
        f"vs AMap 2026 ({len(amap)} stations near Putuo): missing {len(missing)}: {', '.join(missing) or '-'}; "
        f"lines differ: {'; '.join(differ) or 'none'}"
    )


def compare_transit(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> pd.DataFrame:
    """Transit criterion of the bundled parcels with two station layers (any CRS)."""
    from dataclasses import replace

    from gis.datasets import load_park_data
    from gis.scoring import Context, normalise, raw_criteria

    data = load_park_data()
    out = pd.DataFrame(index=data.parcels["id"])
    for tag, st in (("before", before), ("after", after)):
        ctx = replace(
            Context.from_park_data(data),
            stations=to_metric(st)[["id", "name_zh", "lines", "geometry"]].assign(name_en=""),
        )
        raw = raw_criteria(data.parcels, ctx)
        names = dict(zip(st["id"], st["name_zh"]))
        out[f"dist_{tag}_m"] = raw["dist_station_m"].to_numpy()
        out[f"station_{tag}"] = [names[i] for i in raw["nearest_station"]]
        out[f"transit_{tag}"] = normalise(raw)["transit"].to_numpy()
    out["change"] = out["transit_after"] - out["transit_before"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference-data")
    parser.add_argument(
        "--compare-transit", action="store_true", help="print the transit criterion of the bundled parcels before/after"
    )
    args = parser.parse_args()
    ref = args.reference
    district_m = to_metric(read_layer(DATA / "boundaries" / "district.geojson")).geometry.union_all()
    roads = build_roads(gpd.read_file(ref / "osm_major_roads_putuo_wgs84.geojson"))
    lines = build_metro_lines(gpd.read_file(ref / "osm_metro_lines_putuo_wgs84.geojson"))
    metroflow = pd.read_csv(ref / "metroflow_stationInfo_wgs84.csv")
    stations, supplemented = build_stations(
        gpd.read_file(ref / "osm_metro_stations_putuo_wgs84.geojson"), metroflow, district_m, lines
    )

    write_layer(roads, DATA / "context" / "roads.geojson")
    write_layer(lines, DATA / "context" / "metro_lines.geojson")
    write_layer(stations, DATA / "transit" / "stations.geojson")
    for folder in ("context", "transit"):
        (DATA / folder / "NOTICE.md").write_text(NOTICE, encoding="utf-8")
    inside_km = float(roads.intersection(district_m).length.sum()) / 1000
    print(
        f"roads {len(roads)} ({inside_km:.1f} km inside the district); metro lines {len(lines)}; "
        f"stations {len(stations)} ({int(stations['inside_district'].sum())} inside), "
        f"{len(supplemented)} from MetroFlow: {', '.join(supplemented)}"
    )
    check_against_amap(stations, ref / "metro_stations_putuo_amap.csv")
    if args.compare_transit:
        before = metroflow_stations(district_m, metroflow, band_m=1500.0)
        table = compare_transit(before, stations)
        pd.set_option("display.width", 160)
        print(
            table[["transit_before", "transit_after", "dist_before_m", "dist_after_m"]]
            .describe()
            .loc[["mean", "50%", "min", "max"]]
            .round(3)
            .to_string()
        )
        print(
            "parcels with transit 1.0:",
            int((table["transit_before"] >= 1).sum()),
            "->",
            int((table["transit_after"] >= 1).sum()),
            "; with 0:",
            int((table["transit_before"] <= 0).sum()),
            "->",
            int((table["transit_after"] <= 0).sum()),
        )
        moved = table.reindex(table["change"].abs().sort_values(ascending=False).index).head(10)
        print(
            moved.round(
                {"dist_before_m": 0, "dist_after_m": 0, "transit_before": 3, "transit_after": 3, "change": 3}
            ).to_string()
        )


if __name__ == "__main__":
    main()
