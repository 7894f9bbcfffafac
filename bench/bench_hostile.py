"""Hostile inputs: every file of the bad-file corpus read in an upload worker, with the error, the worker's peak memory
above its start and the time to refuse (the table of the issue 10 closing note)."""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest import readers as imp
from ingest.sandbox import WorkerLimits, run_in_worker, warm_up
from tests import corpus


def main() -> None:
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        cases = corpus.build(Path(tmp))
    rows, times, peaks = [], [], []
    for case in cases:
        report = run_in_worker(imp.read_upload, (case.name, case.data), case.kwargs, limits=WorkerLimits())
        error = report.error
        ok = type(error) is case.error and case.fragment in str(error)
        times.append(report.total_s)
        peaks.append(report.peak_rss_mb)
        text = str(error).split(": ", 1)[-1] if error else "read (not refused!)"
        rows.append(
            (
                case.name,
                f"{len(case.data) / 1024:,.0f}",
                type(error).__name__ if error else "-",
                f"{report.peak_rss_mb:.0f}",
                f"{report.total_s:.2f}",
                "ok" if ok else "UNEXPECTED",
                text[:110] + ("…" if len(text) > 110 else ""),
                case.what,
            )
        )
    print(f"{len(cases)} hostile or broken files, each read in an upload worker (limits: {WorkerLimits()})")
    print("| file | KB | error | worker peak MB | s to refuse | as expected | message (English; Chinese in the app) |")
    print("|---|---:|---|---:|---:|---|---|")
    for name, kb, cls, peak, sec, ok, text, what in rows:
        label = f"{name} ({what})" if what else name
        print(f"| {label} | {kb} | {cls} | {peak} | {sec} | {ok} | {text.replace('|', '/')} |")
    print()
    print("Files inside every limit, read (not refused) in an upload worker:")
    print("| file | KB | outcome | worker peak MB | s | CPU s |")
    print("|---|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, what, data, kwargs in _inside_the_limits(Path(tmp)):
            report = run_in_worker(imp.read_upload, (name, data), kwargs, limits=WorkerLimits())
            outcome = (
                f"read, {len(report.value.gdf):,} features" if report.error is None else type(report.error).__name__
            )
            print(
                f"| {name} ({what}) | {len(data) / 1024:,.0f} | {outcome} | {report.peak_rss_mb:.0f} "
                f"| {report.total_s:.2f} | {report.cpu_s:.2f} |"
            )
    print(
        f"median time to refuse {statistics.median(times):.3f} s, max {max(times):.2f} s; worker peak memory above "
        f"its start: median {statistics.median(peaks):.0f} MB, max {max(peaks):.0f} MB "
        f"(goals: <= 5 s, <= 300 MB); unexpected outcomes: {sum(r[5] != 'ok' for r in rows)}"
    )


def _inside_the_limits(tmp: Path) -> list[tuple[str, str, bytes, dict]]:
    """A 40-record shapefile of 255 wide fields and a 150,000-row workbook: both within every limit."""
    import io

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["lon", "lat"])
    for i in range(150_000):
        ws.append([121.39 + (i % 100) * 1e-4, 31.25])
    buf = io.BytesIO()
    wb.save(buf)
    return [
        (
            "wide_255_fields.zip",
            "40 records × 255 text fields of 200 characters",
            corpus.zip_bytes(corpus.wide_shapefile(tmp)),
            {},
        ),
        ("rows_150k.xlsx", "150,000 rows × 2 columns", buf.getvalue(), {"expect": "point"}),
    ]


if __name__ == "__main__":
    main()
