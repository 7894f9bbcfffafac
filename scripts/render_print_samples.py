"""Render the print products shown in the README (docs/print-map-a4.png, docs/atlas-page.png, docs/report-page.png).

The print map is rendered to PNG by matplotlib; the atlas and the report are written as PDFs and turned
into PNGs by poppler's ``pdftoppm`` (Debian poppler-utils), so the images show what a reader of the PDF
sees. Usage::

    python scripts/render_print_samples.py [--out docs] [--keep-pdf]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.crs import to_metric  # noqa: E402
from gis.datasets import load_park_data  # noqa: E402
from gis.scenario import Scenario, scenario_metrics  # noqa: E402
from gis.scoring import (  # noqa: E402
    PRESETS,
    Context,
    apply_weights,
    check_rules,
    explain,
    normalise,
    normalise_weights,
    raw_criteria,
)
from layers.cartography import PrintSpec, figure_bytes, padded_extent, pdf_pages, render  # noqa: E402
from layers.i18n import t  # noqa: E402
from layers.reports import atlas_figures, context_frames, scenario_report_figures  # noqa: E402

UNIT = "张江普陀园规划助手（演示数据）"


def _pdf_page_png(pdf: bytes, out: Path, *, page: int = 1, dpi: int = 110, keep_pdf: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                        str(src), str(Path(tmp) / "page")], check=True)
        (Path(tmp) / "page.png").replace(out)
    if keep_pdf:
        out.with_suffix(".pdf").write_bytes(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--keep-pdf", action="store_true", help="also keep the PDFs beside the PNGs")
    args = parser.parse_args()
    data = load_park_data()
    park = to_metric(data.subparks).geometry.union_all()

    fig = render(context_frames(data), extent_m=padded_extent(park, margin=0.04),
                 spec=PrintSpec(title="张江普陀园 14 个子园与候选地块", grid=True, unit=UNIT,
                                subtitle="演示数据 · 子园为示意范围，非官方边界"))
    (args.out / "print-map-a4.png").write_bytes(figure_bytes(fig, fmt="png", dpi=150))

    atlas = atlas_figures(data, ids=["S05"], kind="subparks", base=PrintSpec(title="", unit=UNIT))
    _pdf_page_png(pdf_pages(atlas, georef=True), args.out / "atlas-page.png", keep_pdf=args.keep_pdf)

    ids = ("P015", "P016", "P023", "P060", "P061")
    ctx = Context.from_park_data(data)
    parcels = data.parcels.set_index("id", drop=False)
    raw, rules = raw_criteria(parcels, ctx), check_rules(parcels, ctx)
    norm = normalise(raw)
    weights = normalise_weights(PRESETS["balanced"], list(norm.columns))
    scored = apply_weights(norm, rules, PRESETS["balanced"])
    scenario = Scenario(name="扩区方案示例：真如与长征五块地", author="规划科", parcels=ids)
    metrics = scenario_metrics(scenario, data, data.parcels, scores=scored["score"], rules=rules)
    cards = {}
    for pid in ids:
        card = explain(raw.loc[pid], norm.loc[pid], weights)
        cards[pid] = pd.DataFrame({t("f_criterion", "zh"): card["criterion"].map(lambda c: t(f"crit_{c}", "zh")),
                                   t("f_raw", "zh"): card["raw"] + " " + card["unit"],
                                   t("f_norm", "zh"): card["normalised"].round(3),
                                   t("f_weight", "zh"): (card["weight"] * 100).round(1),
                                   t("f_contrib", "zh"): card["contribution"].round(3)})
    report = scenario_report_figures(data, scenario_name=scenario.name, author=scenario.author, metrics=metrics,
                                     added_parcels=data.parcels[data.parcels["id"].isin(ids)], cards=cards,
                                     weights=dict(weights), lang="zh", unit=UNIT)
    pdf = pdf_pages(report, georef=True)
    _pdf_page_png(pdf, args.out / "report-page.png", keep_pdf=args.keep_pdf)
    _pdf_page_png(pdf, args.out / "report-tables.png", page=2)
    print(f"wrote {args.out}/print-map-a4.png, atlas-page.png, report-page.png, report-tables.png")


if __name__ == "__main__":
    main()
