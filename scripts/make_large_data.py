"""Make a data folder with a city-sized parcel layer (generated), to try and test large layers.

    python scripts/make_large_data.py OUT_DIR [--parcels 100000] [--seed 7]

OUT_DIR gets a copy of the bundled data with ``parcels/parcels.geojson`` replaced by N generated parcels over
Putuo (one per cell of a jittered grid, ~25-40 m across; every column the schema asks for). Then
``PUTUO_DATA_DIR=OUT_DIR bash scripts/run_app.sh``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import geopandas as gpd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchutil import city_parcels  # noqa: E402
from gis.io import write_layer  # noqa: E402

USES = (
    ("存量工业用地", "stock industrial land"),
    ("城市更新地块", "urban-renewal plot"),
    ("低效商办", "under-used office"),
)
INDUSTRIES = ("intelligent_software", "rd_services", "sci_tech_finance", "life_health", "digital_economy")


def parcel_layer(parcels: int, *, seed: int) -> gpd.GeoDataFrame:
    """``parcels`` generated candidate parcels over Putuo (EPSG:4326) with every column the schema asks for."""
    gdf = city_parcels(parcels, seed=seed)
    n = len(gdf)
    use = [USES[i % len(USES)] for i in range(n)]
    return gdf.assign(
        name_zh=[f"生成地块 {i}" for i in range(n)],
        name_en=[f"Generated parcel {i}" for i in range(n)],
        current_use=["stock"] * n,
        current_use_zh=[u[0] for u in use],
        current_use_en=[u[1] for u in use],
        status="stock",
        status_zh="存量",
        status_en="stock",
        intended_use=[INDUSTRIES[i % 5] for i in range(n)],
        plot_ratio=2.0,
        potential_floor_area_m2=(gdf["area_m2"] * 2.0).round(0),
        source="generated (scripts/make_large_data.py)",
        source_zh="生成数据（scripts/make_large_data.py）",
        accuracy="fictional",
        accuracy_zh="虚构",
    ).drop(columns=["name"])


def make(out: Path, *, parcels: int, seed: int) -> Path:
    """Copy the bundled data to ``out`` and replace its parcels with ``parcels`` generated ones."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "data", out)
    write_layer(parcel_layer(parcels, seed=seed), out / "parcels" / "parcels.geojson")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(make(args.out_dir, parcels=args.parcels, seed=args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
