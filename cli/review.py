"""`python -m gis review PROPOSALS --regulatory KONGGUI`: check proposals against the 控规, as the 合规审查 page does.

Both files are read as uploads are (in a worker, with the same limits and checks). Exit codes: 0 every proposal
passes; 1 any fails (or lacks a figure a rule needs); 2 refused (a bad file, a proposal outside every 控规 parcel).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cli.files import read_as_upload, refuse
from gis.errors import PlannerError
from planner.review import ReviewRun, check_rows, review_json, run_review
from text.messages import t


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m gis review", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "proposals", type=Path, help="the proposals' sites (用地红线) with 项目名称, 用地代码, 计容建筑面积 …"
    )
    p.add_argument("--regulatory", type=Path, required=True, help="the 控规 parcels (地块编号, 用地代码, 容积率上限 …)")
    p.add_argument("--crs", help="coordinate system of both files when they do not say (EPSG code, WKT or PROJ)")
    p.add_argument("--json", action="store_true", help="print the reviews as JSON")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the words (default zh)")
    return p


def _print_text(run: ReviewRun, lang: str) -> None:
    for review in run.reviews:
        verdict = t("rev_pass" if review.passed else "rev_fail", lang)
        print(
            t(
                "rev_cli_head",
                lang,
                name=review.name,
                verdict=verdict,
                area=f"{review.site_area_m2:,.1f}",
                max_gfa=f"{review.max_gfa_m2:,.0f}",
            )
        )
        for row in check_rows(review, lang=lang):
            fix = f"  → {row['fix']}" if row["fix"] else ""
            print(f"  {row['result']:<4} {row['rule']}: {row['value']} / {row['limit']} ({row['clause']}){fix}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        sites = read_as_upload(args.proposals, crs=args.crs, layer=None, expect="polygon")
        plan = read_as_upload(args.regulatory, crs=args.crs, layer=None, expect="polygon")
        run = run_review(sites.gdf, plan.gdf)
    except PlannerError as exc:
        return refuse(exc, args.lang, as_json=args.json)
    if args.json:
        print(json.dumps(review_json(run, lang=args.lang), ensure_ascii=False, indent=1))
    else:
        _print_text(run, args.lang)
    sys.stdout.flush()
    return 0 if run.passed else 1
