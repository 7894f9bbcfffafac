"""Render every print product in both languages as the docs show them (docs/*.png) and look at them.

The print map, the atlas, the scenario report, the 审查意见 and the 终期评估 are written as PDFs (as the app
writes them) and turned into PNGs by poppler's ``pdftoppm`` (Debian poppler-utils), so the images show what a
reader of the PDF sees; small (60 dpi) so the docs stay light. Usage::

    python scripts/render_print_samples.py [--out docs] [--keep-pdf] [--dpi 60]
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
from planner import monitoring as pm  # noqa: E402
from planner import review as rv  # noqa: E402
from planner.data import folder_dataset  # noqa: E402
from planner.evaluate import default_weights, evaluate, score  # noqa: E402
from planner.export_jobs import layers_for_export, report_pdf  # noqa: E402
from planner.workspace import open_from_env  # noqa: E402

UNIT = "张江普陀园规划助手（演示数据）"


def _pdf_page_png(pdf: bytes, out: Path, *, page: int = 1, dpi: int = 60, keep_pdf: bool = False) -> bool:
    """Page ``page`` of ``pdf`` as a PNG at ``out``; False when the document has fewer pages."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        done = subprocess.run(
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
            check=False,
            capture_output=True,
        )
        if done.returncode != 0 or not (Path(tmp) / "page.png").exists():
            return False
        (Path(tmp) / "page.png").replace(out)
    if keep_pdf:
        out.with_suffix(".pdf").write_bytes(pdf)
    return True


def _products(lang: str, tmp: Path) -> dict[str, bytes]:
    """Every print product in ``lang`` as PDF bytes, by the name of its PNG."""
    suffix = "" if lang == "zh" else "-en"
    data = load_park_data()
    park = to_metric(data.subparks).geometry.union_all()
    title = (
        "张江普陀园 14 个子园与候选地块"
        if lang == "zh"
        else "Zhangjiang Putuo Park: 14 sub-parks and candidate parcels"
    )
    subtitle = "演示数据 · 子园为示意范围，非官方边界" if lang == "zh" else "Demonstration data: schematic sub-parks"
    unit = UNIT if lang == "zh" else "Putuo Park Planner (demonstration data)"
    fig = render(
        context_frames(data),
        extent_m=padded_extent(park, margin=0.04),
        spec=PrintSpec(title=title, grid=True, unit=unit, subtitle=subtitle, lang=lang, author="local:planner"),
    )
    out = {f"print-map-a4{suffix}": figure_bytes(fig, fmt="pdf")}
    atlas = atlas_figures(data, ids=["S05"], kind="subparks", base=PrintSpec(title="", unit=unit, lang=lang))
    out[f"atlas-page{suffix}"] = pdf_pages(atlas, georef=True)
    # the scenario report exactly as the export page makes it (planner.export_jobs.report_pdf)
    ds = folder_dataset()
    ev = evaluate(ds)
    scores = score(ev, default_weights(ev.criteria))
    scenario = Scenario(
        name="扩区方案示例：真如与长征五块地" if lang == "zh" else "Extension example: five parcels",
        author="规划科" if lang == "zh" else "planning office",
        parcels=("P015", "P016", "P023", "P060", "P061"),
    )
    out[f"report-page{suffix}"] = report_pdf(
        ds,
        ev,
        scores,
        scenario,
        layers_for_export(ds, ev, scores, scenario),
        author=scenario.author,
        lang=lang,
        unit=unit,
        georef=True,
    )
    plan, proposals = rv.bundled_regulatory(), rv.demo_proposals()
    run = rv.run_review(proposals, plan)
    out[f"review-sheet{suffix}"] = rv.review_sheet(ds, plan, proposals, run, 2, lang=lang, author="王工", unit=unit)
    ws, _ = open_from_env({"PUTUO_WORKSPACE": str(tmp / "workspace.gpkg")})
    out[f"final-evaluation{suffix}"] = pm.final_evaluation_pdf(
        ds, pm.current_actuals(ws), {}, None, lang=lang, author="王工", unit=unit
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--keep-pdf", action="store_true", help="also keep the PDFs beside the PNGs")
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--all-pages", action="store_true", help="every page, not only the docs' pages")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    #: the pages the docs show (1-based), per product
    shown = {"report-page": (1, 2), "final-evaluation": (1, 2), "review-sheet": (1, 2)}
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("zh", "en"):
            for name, pdf in _products(lang, Path(tmp)).items():
                pages = shown.get(name.removesuffix("-en"), (1,))
                if args.all_pages:
                    pages = tuple(range(1, 30))
                for page in pages:
                    target = args.out / (f"{name}.png" if page == 1 else f"{name}-p{page}.png")
                    if _pdf_page_png(pdf, target, page=page, dpi=args.dpi, keep_pdf=args.keep_pdf and page == 1):
                        written.append(target.name)
    print(f"wrote {len(written)} images to {args.out}: {', '.join(written)}")


if __name__ == "__main__":
    main()
