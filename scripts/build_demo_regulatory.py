"""Build the demonstration 控规 layer ``data/regulatory/konggui.geojson`` over the fictional candidate parcels.

One 控规 parcel per candidate parcel (a parcel over 40,000 m² is cut in two along its longer side, so that sites
across two 控规 parcels exist), with a land-use code of the 2023 classification chosen from the parcel's current use
and limits drawn (seeded) from ranges usual in Shanghai's central districts. Every feature says it is fictional
(``source``/``accuracy``): these are NOT the district's regulatory plan. Run::

    python scripts/build_demo_regulatory.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.crs import METRIC_CRS, STORAGE_CRS  # noqa: E402
from gis.io import read_layer, write_layer  # noqa: E402

SEED = 2021
#: current use of a candidate parcel -> the planned land-use codes it may get (the first is the most likely)
PLANNED = {
    "industrial": ("1001", "M0"),
    "old_factory": ("M0", "100101"),
    "office": ("0902", "0802"),
    "warehouse": ("1101", "1001"),
    "renewal": ("M0", "0802"),
    "vacant": ("0802", "16"),
}
SPLIT_OVER_M2 = 40_000.0


def halves(poly: shapely.Geometry) -> list[shapely.Geometry]:
    """The polygon cut in two across its longer side (EPSG:4549)."""
    x0, y0, x1, y1 = poly.bounds
    if x1 - x0 >= y1 - y0:
        cut = [shapely.box(x0, y0, (x0 + x1) / 2, y1), shapely.box((x0 + x1) / 2, y0, x1, y1)]
    else:
        cut = [shapely.box(x0, y0, x1, (y0 + y1) / 2), shapely.box(x0, (y0 + y1) / 2, x1, y1)]
    return [shapely.intersection(poly, c) for c in cut]


def main() -> None:
    rng = np.random.default_rng(SEED)
    parcels = read_layer(ROOT / "data/parcels/parcels.geojson").to_crs(METRIC_CRS)
    rows, geoms = [], []
    for parcel in parcels.itertuples():
        pieces = halves(parcel.geometry) if parcel.geometry.area > SPLIT_OVER_M2 else [parcel.geometry]
        for k, geom in enumerate(pieces, start=1):
            options = PLANNED.get(parcel.current_use, ("1001",))
            code = options[0] if rng.random() < 0.7 else options[-1]
            reserved = code == "16"
            rows.append(
                {
                    "地块编号": f"PT-{parcel.id[1:]}-{k:02d}",
                    "用地代码": code,
                    "容积率上限": 0.0 if reserved else float(rng.choice([2.0, 2.5, 3.0, 3.5, 4.0])),
                    "容积率下限": None if reserved or rng.random() < 0.5 else 1.0,
                    "建筑限高": float(rng.choice([24.0, 50.0, 80.0, 100.0])),
                    "建筑密度上限": float(rng.choice([35.0, 40.0, 45.0, 50.0])),
                    "绿地率下限": float(rng.choice([20.0, 25.0, 30.0, 35.0])),
                    "candidate_parcel": parcel.id,
                    "source": "fictional demonstration regulatory plan (scripts/build_demo_regulatory.py, seed 2021)",
                    "accuracy": "fictional: limits drawn at random over the fictional candidate parcels; not the plan",
                    "source_zh": "虚构的演示控规（由 scripts/build_demo_regulatory.py 生成，随机种子 2021）",
                    "accuracy_zh": "虚构：在虚构候选地块上随机设定的指标，并非区控规",
                }
            )
            geoms.append(geom)
    layer = gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS).to_crs(STORAGE_CRS)
    write_layer(layer, ROOT / "data/regulatory/konggui.geojson")
    print(f"{len(layer)} demonstration 控规 parcels over {len(parcels)} candidate parcels")


if __name__ == "__main__":
    main()
