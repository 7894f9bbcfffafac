"""`python -m gis check PATH` and `python -m gis convert IN OUT`: the import page's reader and the app's exports
for GIS staff and batch jobs (same worker, limits, checks and messages as the app).

Exit codes: 0 done; 2 refused (the app's message on stderr, no traceback; also argparse's usage errors);
anything else is a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from gis.errors import ExportError, FileTooLargeError, PlannerError, ReadError, SchemaError
from gis.settings import SETTINGS
from text.clock import beijing_today
from text.messages import Message, msg

#: Output file endings -> export format.
OUTPUT_FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp.zip": "shp",
    ".zip": "shp",
    ".kml": "kml",
    ".dxf": "dxf",
    ".csv": "csv",
    ".xlsx": "xlsx",
}
NAME_FIELDS = ("name_zh", "名称", "name", "Name", "NAME", "名字", "title")


def _say(message: Message | str, lang: str) -> str:
    return message.text(lang) if isinstance(message, Message) else str(message)


def refuse(exc: PlannerError, lang: str, *, as_json: bool = False) -> int:
    """The app's message on stderr (title, message, problems), JSON on stdout when asked; exit code 2."""
    print(_inert(f"{_say(msg(exc.title_code), lang)}{'：' if lang == 'zh' else ': '}{exc.text(lang)}"), file=sys.stderr)
    if as_json:
        print(
            json.dumps(
                {
                    "ok": False,
                    "error": {
                        "class": type(exc).__name__,
                        "code": exc.code,
                        "message": exc.text(lang).splitlines()[0],
                        "problems": exc.problem_texts(lang),
                    },
                },
                ensure_ascii=False,
            )
        )
    return 2


def read_input(path: Path) -> bytes:
    """The file's bytes: a regular file no larger than the upload limit (checked before it is read)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReadError("cli_no_such_file", file=str(path)) from None
    except OSError as exc:
        raise ReadError("cli_cannot_open", file=str(path), reason=exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("cli_not_a_file", file=str(path))
    if info.st_size > SETTINGS.max_upload_mb * 1024 * 1024:
        raise FileTooLargeError(
            "imp_too_large",
            file=path.name,
            size_mb=f"{info.st_size / 2**20:,.1f}",
            limit_mb=f"{SETTINGS.max_upload_mb:g}",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError("cli_cannot_open", file=str(path), reason=exc.strerror or type(exc).__name__) from None


def read_as_upload(path: Path, *, crs: str | None, layer: str | None, expect: str) -> Any:
    """The file read exactly as the import page reads an upload: in a worker, with the same limits; a guessed
    lon/lat coordinate system settled as the page settles it (compared with the bundled stations and roads)."""
    from ingest.readers import read_upload_isolated
    from planner.data import folder_dataset
    from planner.import_session import settle_guess

    result = read_upload_isolated(path.name, read_input(path), layer=layer, crs=crs, expect=expect)
    return settle_guess(result, park=folder_dataset().park) if result.crs_how == "guessed" else result


def _summary(result: Any, path: Path, lang: str) -> dict[str, Any]:
    bounds = [round(float(v), 6) for v in result.gdf.total_bounds]
    problems = [msg("cli_problem_guess", crs=result.source_crs)] if result.needs_confirmation else []
    return {
        "ok": True,
        "file": path.name,
        "layer": result.layer,
        "layers": list(result.layers),
        "features": int(len(result.gdf)),
        "geometry_types": result.geometry_types,
        "source_crs": result.source_crs,
        "crs_how": result.crs_how,
        "needs_confirmation": result.needs_confirmation,
        "crs_candidates": [{"crs": code, "why": why.text(lang)} for code, why in result.crs_candidates],
        "encoding": result.encoding,
        "columns": result.columns,
        "bounds_wgs84": bounds,
        "notes": [n.text(lang) for n in result.notes],
        "note_codes": [n.code for n in result.notes],
        "problems": [p.text(lang) for p in problems],
        "kind": "layer",
    }


def _print_summary(s: dict[str, Any], lang: str) -> None:
    t = {
        k: msg(f"cli_label_{k}").text(lang)
        for k in ("file", "layers", "features", "crs", "encoding", "columns", "extent", "notes", "problems", "none")
    }
    how = msg(f"cli_how_{s['crs_how']}").text(lang)
    types = ", ".join(f"{k} × {v}" for k, v in s["geometry_types"].items())
    sep = msg("list_sep").text(lang)
    colon, left, right = ("：", "（", "）") if lang == "zh" else (": ", " (", ")")
    lines = [
        f"{t['file']}{colon}{s['file']}{left}{s['layer']}{right}",
        f"{t['layers']}{colon}{sep.join(s['layers'])}",
        f"{t['features']}{colon}{s['features']:,}{left}{types}{right}",
        f"{t['crs']}{colon}{s['source_crs']}{left}{how}{right}",
        f"{t['encoding']}{colon}{s['encoding']}",
        f"{t['columns']}{colon}{sep.join(s['columns']) or t['none']}",
        f"{t['extent']}{colon}{', '.join(str(v) for v in s['bounds_wgs84'])}{left}WGS84{right}",
    ]
    if s["crs_candidates"][1:]:
        lines += [f"  · {c['crs']} — {c['why']}" for c in s["crs_candidates"][1:]]
    lines.append((f"{t['notes']}{colon}" + ("" if s["notes"] else t["none"])).rstrip())
    lines += [f"  - {n}" for n in s["notes"]]
    lines.append((f"{t['problems']}{colon}" + ("" if s["problems"] else t["none"])).rstrip())
    lines += [f"  - {p}" for p in s["problems"]]
    print(_inert("\n".join(lines)))


#: File endings read as another kind than a vector layer when ``--kind`` is not given.
KIND_BY_ENDING = {".tif": "raster", ".tiff": "raster"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _inert(text: str) -> str:
    """Text safe to write to a terminal: control characters (ESC…) and bidi controls shown as ``?``."""
    return _CONTROL.sub("?", text)


def _raster_summary(path: Path, lang: str) -> dict[str, Any]:
    """A GeoTIFF checked as the parcels page checks a raster criterion, against the data folder's parcels."""
    from planner.data import folder_dataset
    from planner.door import read_raster

    info = read_raster(read_input(path), filename=path.name, parcels=folder_dataset().park.parcels)
    return {
        "ok": True,
        "kind": "raster",
        "file": path.name,
        "crs": info.crs,
        "width": info.width,
        "height": info.height,
        "bands": info.bands,
        "dtype": info.dtype,
        "nodata": info.nodata,
        "bounds": [round(v, 6) for v in info.bounds],
        "parcels": info.parcels,
        "parcels_covered": info.covered,
        "pixels_read": info.pixels_read,
    }


def _scenario_summary(path: Path, lang: str) -> dict[str, Any]:
    """A scenario GeoPackage checked as the scenarios page imports one (every record validated)."""
    from planner.door import read_scenarios

    found = read_scenarios(read_input(path), filename=path.name)
    return {
        "ok": True,
        "kind": "scenario",
        "file": path.name,
        "scenarios": [
            {"id": s.id, "name": s.name, "parcels": len(s.parcels), "drawn": len(s.drawn), "author": s.author}
            for s in found
        ],
    }


def _print_other(s: dict[str, Any], lang: str) -> None:
    if s["kind"] == "raster":
        nodata = "—" if s["nodata"] is None else f"{s['nodata']:g}"
        lines = [
            f"{msg('cli_label_file').text(lang)}{'：' if lang == 'zh' else ': '}{s['file']}",
            msg("cli_label_raster", **{k: s[k] for k in ("width", "height", "bands", "dtype")}, nodata=nodata).text(
                lang
            ),
            msg("cli_label_raster_crs", crs=s["crs"]).text(lang),
            msg(
                "cli_label_raster_covers",
                parcels=s["parcels"],
                covered=s["parcels_covered"],
                pixels=f"{s['pixels_read']:,}",
            ).text(lang),
        ]
    else:
        lines = [msg("cli_label_scenarios", count=len(s["scenarios"])).text(lang)]
        lines += [
            msg("cli_label_scenario", **{k: c[k] for k in ("id", "name", "parcels", "drawn")}).text(lang)
            for c in s["scenarios"]
        ]
    print(_inert("\n".join(lines)))


def check(args: argparse.Namespace) -> int:
    """Read a file as the app does (behind the same door) and say what was found; ``--kind`` says as what."""
    path = Path(args.path)
    kind = args.kind or KIND_BY_ENDING.get(path.suffix.lower(), "layer")
    try:
        if kind == "raster":
            summary = _raster_summary(path, args.lang)
        elif kind == "scenario":
            summary = _scenario_summary(path, args.lang)
        else:
            result = read_as_upload(path, crs=args.crs, layer=args.layer, expect=args.expect)
            summary = _summary(result, path, args.lang)
    except PlannerError as exc:
        return refuse(exc, args.lang, as_json=args.json)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    elif kind == "layer":
        _print_summary(summary, args.lang)
    else:
        _print_other(summary, args.lang)
    return 0


def _output_format(path: Path) -> str:
    name = path.name.lower()
    for ending in sorted(OUTPUT_FORMATS, key=len, reverse=True):
        if name.endswith(ending) and len(name) > len(ending):
            return OUTPUT_FORMATS[ending]
    raise ExportError("cli_output_format", file=path.name, expected=list(OUTPUT_FORMATS))


def _export(gdf: Any, fmt: str, *, stem: str, target: str, encoding: str, meta: Any) -> bytes:
    from export import formats as ex

    name_field = next((c for c in NAME_FIELDS if c in gdf.columns), "name_zh")
    if fmt == "geojson":
        return ex.geojson_bytes(gdf, meta=meta, target=target, name=stem)
    if fmt == "gpkg":
        return ex.gpkg_bytes({stem: gdf}, meta=meta, target=target)
    if fmt == "shp":
        return ex.shapefile_zip_bytes(gdf, name=stem, target=target, encoding=encoding, meta=meta)
    if fmt == "kml":
        return ex.kml_bytes(gdf, name_field=name_field, meta=meta, target=target, name=stem)
    if fmt == "dxf":
        return ex.dxf_bytes({stem: gdf}, name_field=name_field, target=target, meta=meta)
    if fmt == "csv":
        return ex.csv_layer_bytes(gdf, target=target, meta=meta, encoding=encoding)
    return ex.xlsx_layer_bytes(gdf, target=target, meta=meta, sheet=stem)


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_new(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` to ``path`` completely or not at all: a temporary file beside it, then a link (fails if the
    file appeared meanwhile) or, with ``force``, a rename over the old file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it 0600: the file gets the mode any new file would
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError:
        raise ExportError("cli_output_exists", file=str(path)) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def convert(args: argparse.Namespace) -> int:
    """Write a readable file to the format of OUT's extension, in the chosen CRS, with the app's safeguards."""
    from export.formats import TARGETS, ExportMeta

    src, out = Path(args.input), Path(args.output)
    renamed = args.to == "gcj02" and not re.search(r"gcj-?02", out.name, re.IGNORECASE)
    if renamed:  # a GCJ-02 file always says so in its name (a colleague must not take it for WGS 84)
        out = out.with_name(_with_gcj02_mark(out.name))
    try:
        fmt = _output_format(out)
        if not out.parent.is_dir():
            raise ExportError("cli_output_dir_missing", folder=str(out.parent))
        if out.exists() and out.resolve() == src.resolve():
            raise ExportError("cli_output_is_input", file=str(out))
        if out.exists() and not args.force:
            raise ExportError("cli_output_exists", file=str(out))
        if args.encoding.upper() not in ("UTF-8", "GBK", "GB18030"):
            raise ExportError("exp_bad_encoding", encoding=args.encoding[:40], expected=["UTF-8", "GBK", "GB18030"])
        result = read_as_upload(src, crs=args.crs, layer=args.layer, expect=args.expect)
        if result.needs_confirmation and not args.accept_guess:
            raise SchemaError("cli_guess_needs_confirmation", file=src.name, crs=result.source_crs)
        stem = out.name
        for ending in sorted(OUTPUT_FORMATS, key=len, reverse=True):
            if stem.lower().endswith(ending):
                stem = stem[: -len(ending)]
                break
        meta = ExportMeta(
            title=args.title or stem,
            source=f"{src.name} ({result.source_crs})",
            accuracy=f"as supplied in {src.name}",
            exported=beijing_today(),
        )
        data = _export(result.gdf, fmt, stem=stem, target=args.to, encoding=args.encoding.upper(), meta=meta)
        _write_new(out, data, force=args.force)
    except PlannerError as exc:
        return refuse(exc, args.lang)
    print(
        msg(
            "cli_wrote",
            file=str(out),
            count=f"{len(result.gdf):,}",
            crs=TARGETS[args.to][2],
            size_kb=f"{len(data) / 1024:,.1f}",
        ).text(args.lang)
    )
    for note in result.notes:
        print(f"  - {note.text(args.lang)}")
    if renamed:
        print(msg("cli_gcj02_name_hint", file=out.name).text(args.lang), file=sys.stderr)
    return 0


def _with_gcj02_mark(name: str) -> str:
    """``name`` with ``_GCJ02`` before its ending (``parcels.shp.zip`` -> ``parcels_GCJ02.shp.zip``)."""
    for ending in sorted(OUTPUT_FORMATS, key=len, reverse=True):
        if name.lower().endswith(ending):
            return f"{name[: -len(ending)]}_GCJ02{name[-len(ending) :]}"
    return f"{name}_GCJ02"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gis", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="read a file exactly as the import page does and say what was found")
    c.add_argument("path", help="GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ, DXF, CSV or XLSX")
    c.add_argument("--crs", help="the file's coordinate system: EPSG code, WKT, PROJ string, GCJ-02, BD-09 or SWAP")
    c.add_argument("--layer", help="which layer of a multi-layer file (default: the first)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument(
        "--kind",
        choices=["layer", "raster", "scenario"],
        help="read it as a vector layer (default), a raster criterion (default for .tif) or a scenario file",
    )
    c.add_argument(
        "--expect",
        choices=["any", "polygon", "point", "line"],
        default="any",
        help="geometry kind the target layer needs (default: any)",
    )
    c.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of messages (default: zh)")
    v = sub.add_parser("convert", help="write a readable file to another format / coordinate system")
    v.add_argument("input")
    v.add_argument("output", help="format from the ending: " + ", ".join(OUTPUT_FORMATS))
    v.add_argument("--crs", help="the input's coordinate system (as for check)")
    v.add_argument("--accept-guess", action="store_true", help="use a coordinate system guessed from the coordinates")
    v.add_argument(
        "--to",
        choices=["wgs84", "cgcs2000", "cgcs2000_gk120", "gcj02"],
        default="wgs84",
        help="coordinate system of the output (default: wgs84)",
    )
    v.add_argument(
        "--encoding",
        default="UTF-8",
        help="text encoding of a Shapefile (UTF-8 default, GBK, GB18030) or a CSV: UTF-8 (default; with a BOM, for "
        "WPS, Excel 2016+, LibreOffice and GIS) or GB18030 (GBK also means GB18030; for a Chinese Excel's "
        "double-click)",
    )
    v.add_argument("--layer", help="which layer of a multi-layer input")
    v.add_argument("--expect", choices=["any", "polygon", "point", "line"], default="any")
    v.add_argument("--title", help="title written into the metadata (default: the output's name)")
    v.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    v.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of messages (default: zh)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m gis check|convert``; returns the exit code."""
    args = parser().parse_args(argv)
    return check(args) if args.command == "check" else convert(args)


if __name__ == "__main__":
    sys.exit(main())
