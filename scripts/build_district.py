"""Regenerate data/boundaries/district.geojson and creek_edge.geojson from the public CC BY 4.0 fences.

Source: Vonng/adcode (CC BY 4.0), `data/fences/310107.json` — the AMap district fence of Putuo
(adcode 310107, data time-point 2016-07-31), in GCJ-02. This script shifts it to WGS84 with
gis.crs.gcj02_to_wgs84 and writes it with attribution. The creek edge is the stretch of the Putuo
boundary shared with Changning (fence 310105 of the same source), which follows Suzhou Creek.

Usage::

    python scripts/build_district.py --fence PATH/putuo_district_fence_gcj02.geojson \
        --neighbours PATH/putuo_and_neighbours_fences_wgs84.geojson [--out data/boundaries]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gis.crs import STORAGE_CRS, geodesic_area_m2, shift_geometries, to_metric, to_storage
from gis.io import write_layer

SOURCE = (
    "AMap district fence via Vonng/adcode (CC BY 4.0), data/fences/310107.json, "
    "time-point 2016-07-31; GCJ-02 shifted to WGS84 by this project"
)
REF = Path(__file__).resolve().parent.parent.parent / "shared" / "reference-data"


def build(fence: Path, neighbours: Path, out: Path) -> None:
    raw = gpd.read_file(fence).set_crs(STORAGE_CRS, allow_override=True)
    wgs = shift_geometries(raw, source="gcj02", target="wgs84")
    district = gpd.GeoDataFrame(
        {
            "id": ["310107"],
            "adcode": ["310107"],
            "name_zh": ["普陀区"],
            "name_en": ["Putuo District"],
            "source": [SOURCE],
            "accuracy": [
                "public AMap fence of 2016, about 1-5 m after the datum shift; not an official "
                "survey boundary (official area about 54.83 km2)"
            ],
            "licence": ["CC BY 4.0 (Vonng/adcode)"],
        },
        geometry=[shapely.make_valid(wgs.geometry.iloc[0])],
        crs=STORAGE_CRS,
    )

    nb = gpd.read_file(neighbours)
    changning = to_metric(nb[nb["adcode"].astype(str) == "310105"]).geometry.union_all()
    boundary = to_metric(district).geometry.iloc[0].boundary
    edge = shapely.line_merge(boundary.intersection(changning.buffer(60.0)))
    creek = to_storage(
        gpd.GeoDataFrame(
            {
                "id": ["suzhou_creek_edge"],
                "name_zh": ["苏州河（普陀—长宁区界）"],
                "name_en": ["Suzhou Creek (Putuo-Changning boundary)"],
                "source": [
                    "derived by this project: the Putuo boundary within 60 m of the Changning fence "
                    "(Vonng/adcode, CC BY 4.0); the district line there follows Suzhou Creek"
                ],
                "accuracy": ["follows the district line, 97 % of its length within 80 m of the creek water"],
            },
            geometry=[edge],
            crs="EPSG:4549",
        )
    )

    write_layer(district, out / "district.geojson")
    write_layer(creek, out / "creek_edge.geojson")
    print(
        f"district: {geodesic_area_m2(district).iloc[0] / 1e6:.2f} km2 (geodesic); "
        f"creek edge: {edge.length / 1000:.2f} km"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fence", type=Path, default=REF / "putuo_district_fence_gcj02.geojson")
    parser.add_argument("--neighbours", type=Path, default=REF / "putuo_and_neighbours_fences_wgs84.geojson")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "boundaries")
    args = parser.parse_args()
    build(args.fence, args.neighbours, args.out)


if __name__ == "__main__":
    main()
