"""Build the demonstration 控规 layer ``data/regulatory/konggui.geojson`` over the fictional candidate parcels, and
six fictional proposals over it (``data/regulatory/proposals_demo.geojson``) for the 合规审查 page's example.

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
    proposals = demo_proposals(layer.to_crs(METRIC_CRS))
    write_layer(proposals, ROOT / "data/regulatory/proposals_demo.geojson")
    print(f"{len(proposals)} example proposals")


#: The example proposals: (name, 控规 parcels the site covers, proposed use, FAR as a share of the allowance,
#: height m, coverage %, green %); the comments say what the review finds.
PROPOSALS = (
    ("智能软件研发中心", ("PT-001-01",), "0802", 0.9, 80.0, 35.0, 30.0),  # passes: research use allowed on M0
    ("生命健康中试基地", ("PT-011-01", "PT-011-02"), "M0", 0.93, 24.0, 30.0, 32.0),  # passes: summed allowance
    ("数字经济产业楼", ("PT-007-01",), "100101", 1.075, 45.0, 38.0, 22.0),  # fails: 容积率 over
    ("人才公寓", ("PT-008-01",), "0701", 0.8, 40.0, 30.0, 35.0),  # fails: housing on industrial land
    ("科创金融大厦", ("PT-015-01",), "0902", 0.88, 60.0, 40.0, 18.0),  # fails: height and green
    ("研发楼（待补数据）", ("PT-005-01",), "0802", 0.7, None, None, None),  # incomplete: no height etc.
)


def demo_proposals(konggui_m: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The example proposals over the demonstration 控规 (EPSG:4549 in, EPSG:4326 out): each site the 控规
    parcels it covers, 2 m inside their outline, with figures set from the parcels' limits."""
    by_id = konggui_m.set_index("地块编号")
    rows, geoms = [], []
    for name, ids, code, far_share, height, coverage, green in PROPOSALS:
        site = shapely.union_all(by_id.loc[list(ids)].geometry.to_numpy()).buffer(-2.0, join_style="mitre")
        inside = [shapely.intersection(site, g).area for g in by_id.loc[list(ids)].geometry]
        allowance = sum(a * far for a, far in zip(inside, by_id.loc[list(ids), "容积率上限"]))
        rows.append(
            {
                "项目名称": name,
                "用地代码": code,
                "计容建筑面积": float(round(allowance * far_share, -1)),
                "建筑高度": height,
                "建筑基底面积": None if coverage is None else float(round(site.area * coverage / 100)),
                "绿地面积": None if green is None else float(round(site.area * green / 100)),
                "source": "fictional example proposals (scripts/build_demo_regulatory.py)",
                "accuracy": "fictional: sites drawn inside the demonstration 控规 parcels",
                "source_zh": "虚构的示例项目（由 scripts/build_demo_regulatory.py 生成）",
                "accuracy_zh": "虚构：用地红线取演示控规地块内缩 2 米",
            }
        )
        geoms.append(site)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS).to_crs(STORAGE_CRS)


if __name__ == "__main__":
    main()
