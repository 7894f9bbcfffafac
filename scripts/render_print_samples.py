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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gis.crs import to_metric  # noqa: E402
from gis.datasets import load_park_data  # noqa: E402
from gis.scenario import Scenario  # noqa: E402
from layers.cartography import PrintSpec, figure_bytes, padded_extent, pdf_pages, render  # noqa: E402
from layers.reports import atlas_figures, context_frames  # noqa: E402
from planner.data import folder_dataset  # noqa: E402
from planner.evaluate import default_weights, evaluate, score  # noqa: E402
from planner.export_jobs import layers_for_export, report_pdf  # noqa: E402

UNIT = "张江普陀园规划助手（演示数据）"


def _pdf_page_png(pdf: bytes, out: Path, *, page: int = 1, dpi: int = 110, keep_pdf: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(src),
                str(Path(tmp) / "page"),
            ],
            check=True,
        )
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

    fig = render(
        context_frames(data),
        extent_m=padded_extent(park, margin=0.04),
        spec=PrintSpec(
            title="张江普陀园 14 个子园与候选地块",
            grid=True,
            unit=UNIT,
            subtitle="演示数据 · 子园为示意范围，非官方边界",
        ),
    )
    (args.out / "print-map-a4.png").write_bytes(figure_bytes(fig, fmt="png", dpi=150))

    atlas = atlas_figures(data, ids=["S05"], kind="subparks", base=PrintSpec(title="", unit=UNIT))
    _pdf_page_png(pdf_pages(atlas, georef=True), args.out / "atlas-page.png", keep_pdf=args.keep_pdf)

    # the scenario report exactly as the export page makes it (planner.export_jobs.report_pdf)
    ds = folder_dataset()
    ev = evaluate(ds)
    scores = score(ev, default_weights(ev.criteria))
    scenario = Scenario(
        name="扩区方案示例：真如与长征五块地", author="规划科", parcels=("P015", "P016", "P023", "P060", "P061")
    )
    pdf = report_pdf(
        ds,
        ev,
        scores,
        scenario,
        layers_for_export(ds, ev, scores, scenario),
        author=scenario.author,
        lang="zh",
        unit=UNIT,
        georef=True,
    )
    _pdf_page_png(pdf, args.out / "report-page.png", keep_pdf=args.keep_pdf)
    _pdf_page_png(pdf, args.out / "report-tables.png", page=2)
    print(f"wrote {args.out}/print-map-a4.png, atlas-page.png, report-page.png, report-tables.png")


if __name__ == "__main__":
    main()
