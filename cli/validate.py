"""`python -m gis validate DATA_DIR`: check a data folder's schema and the park's invariants, print the area table."""

from __future__ import annotations

import argparse
from pathlib import Path

from gis.analysis import cluster_area_table
from gis.settings import SETTINGS
from gis.validate import validate_folder
from text.messages import Message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gis validate", description=__doc__)
    parser.add_argument("data_dir", type=Path, help="folder with boundaries/, buildings/, parcels/, transit/")
    parser.add_argument(
        "--total-km2",
        type=float,
        default=SETTINGS.plan_total_area_km2,
        help="expected total park area (km2), default %(default)s",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=SETTINGS.total_area_rel_tol,
        help="relative tolerance on the total area, default %(default)s",
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="language of the messages")
    args = parser.parse_args(argv)
    data, problems = validate_folder(args.data_dir, total_km2=args.total_km2, rel_tol=args.tolerance)
    for p in problems:
        print(f"PROBLEM  {p.text(args.lang) if isinstance(p, Message) else p}")
    if problems:
        print(f"{len(problems)} problem(s) in {args.data_dir}")
        return 1
    assert data is not None  # no problem means the folder loaded
    table = cluster_area_table(data.subparks)
    print(
        f"OK  {args.data_dir}: {len(data.subparks)} sub-parks, total {table.loc['total', 'area_km2']:.3f} km2 "
        f"(EPSG:4549; geodesic {table.loc['total', 'geodesic_area_km2']:.3f}); "
        + ", ".join(f"{c} {table.loc[c, 'area_km2']:.3f} km2" for c in table.index if c != "total")
        + f"; {len(data.buildings)} buildings, {len(data.parcels)} parcels, {len(data.stations)} stations, "
        f"{len(data.roads)} road sections, {len(data.metro_lines)} metro lines"
    )
    return 0
