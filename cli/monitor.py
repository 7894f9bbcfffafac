"""`python -m gis monitor ACTUALS` and `python -m gis performance STATS --parcels PARCELS`: the plan's indicators
against their targets, and land performance (亩均效益) classes — tables read as uploads are (in a worker).

Exit codes: 0 done; 2 refused (a bad file; the message on stderr, JSON on stdout with ``--json``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from cli.files import read_as_upload, read_input, refuse
from gis.errors import PlannerError
from planner.monitoring import indicator_statuses, land_performance, monitor_json, performance_json
from text.messages import t


def _table(path: Path) -> pd.DataFrame:
    """The table's rows, read as an upload (in a worker, with the upload limits)."""
    from ingest.tables import read_table_isolated

    return read_table_isolated(path.name, read_input(path))


def monitor(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gis monitor", description=__doc__)
    p.add_argument("actuals", type=Path, help="CSV/XLSX with the columns 指标, 年份, 数值 (Table 1's indicator names)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = p.parse_args(argv)
    try:
        statuses = indicator_statuses(_table(args.actuals), lang=args.lang)
    except PlannerError as exc:
        return refuse(exc, args.lang, as_json=args.json)
    if args.json:
        print(json.dumps(monitor_json(statuses), ensure_ascii=False, indent=1))
        return 0
    for s in statuses:
        value = "—" if s.value is None else f"{s.value:g}"
        pct = "" if s.achievement_pct is None else f" ({s.achievement_pct:.1f} %)"
        print(f"{t(f'mon_status_{s.status}', args.lang):<6} {s.name}: {value} / {s.target_2025:g}{pct}")
    return 0


def performance(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gis performance", description=__doc__)
    p.add_argument(
        "stats",
        type=Path,
        help="CSV/XLSX: 地块编号, 年份, 税收（万元）, 产值（万元）, 能耗（吨标准煤）, 从业人员（人）",
    )
    p.add_argument("--parcels", type=Path, required=True, help="the industrial parcels (any readable format, an id)")
    p.add_argument("--year", type=int, help="the year to classify (default: the latest in the table)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = p.parse_args(argv)
    try:
        parcels = read_as_upload(args.parcels, crs=None, layer=None, expect="polygon").gdf
        result = land_performance(_table(args.stats), parcels, year=args.year)
    except PlannerError as exc:
        return refuse(exc, args.lang, as_json=args.json)
    if args.json:
        print(json.dumps(performance_json(result), ensure_ascii=False, indent=1))
        return 0
    for pid, row in result.table.iterrows():
        print(f"{row['class']}  {pid}: {row['score']:.1f}  ({row['area_mu']:.1f} 亩, {row['tax_per_mu']:.1f} 万元/亩)")
    return 0
