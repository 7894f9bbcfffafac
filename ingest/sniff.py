"""What kind of file this is: the format its name says, its content checked against it, its declared CRS inspected."""

from __future__ import annotations

import codecs
import json
import re
import sqlite3
from pathlib import Path, PurePosixPath
from typing import Any

from gis.crs import crs_text_problem, parse_user_crs
from gis.errors import CRSError, CRSUnknownError, ReadError, UnsafeContentError
from ingest.wording import _reason
from text.clip import clip_text

SUFFIXES = (".geojson", ".json", ".gpkg", ".zip", ".kml", ".kmz", ".dxf", ".csv", ".xlsx")
FORMAT_LABEL = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "kml": "KML",
    "kmz": "KMZ",
    "dxf": "DXF",
    "zip": "zip",
    "shp": "Shapefile",
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
}


def _suffix(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".shp.zip"):
        return ".zip"
    return PurePosixPath(lower).suffix


def _format_of(name: str) -> str | None:
    suffix = _suffix(name)
    if suffix not in SUFFIXES:
        return None
    return {".json": "geojson", ".geojson": "geojson"}.get(suffix, suffix[1:])


# --- sniffing content before any parser sees it --------------------------------------------------------------
_XML_DANGER = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class _XmlScanner:
    """Looks for DOCTYPE/ENTITY declarations in XML arriving in pieces (a declaration may straddle two)."""

    def __init__(self, *, file: str, member: str = "") -> None:
        self.file, self.member, self.carry, self.first = file, member, b"", True

    def __call__(self, piece: bytes) -> None:
        if self.first:
            self.first = False
            head = piece[:4]
            if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in piece[:200]:
                raise UnsafeContentError("imp_xml_not_utf8", file=self.file)
        buf = self.carry + piece
        if _XML_DANGER.search(buf):
            raise UnsafeContentError("imp_xml_entities", file=self.file)
        self.carry = buf[-16:]


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


def _sniff(fmt: str, data: bytes, name: str) -> None:
    """Refuse content that is not the format its name says (before GDAL guesses a driver from it)."""
    head = _strip_bom(data[:65536]).lstrip()
    label = FORMAT_LABEL[fmt]
    if fmt == "geojson":
        ok = head[:1] == b"{" or head[:1] == b"\x1e"  # GeoJSON object, or a GeoJSON text sequence
    elif fmt == "kml":
        _XmlScanner(file=name)(data)
        ok = head[:1] == b"<" and re.search(rb"<(?:\w+:)?kml[\s>]", head, re.IGNORECASE) is not None
    elif fmt == "gpkg":
        ok = data[:16] == b"SQLite format 3\x00"
    elif fmt == "dxf":
        ok = data.startswith(b"AutoCAD Binary DXF\r\n\x1a\x00") or bool(
            re.match(rb"(?:\s*999\s*\r?\n[^\n]*\n)*\s*0\s*\r?\n\s*SECTION\s*\r?\n", head[:4096])
        )
    elif fmt == "shp":
        ok = data[:4] == b"\x00\x00\x27\x0a"
    else:
        ok = True
    if not ok:
        if data[:2] == b"PK" and fmt != "shp":
            raise ReadError("imp_is_zip", file=name, expected=label)
        raise ReadError("imp_wrong_format", file=name, expected=label)


def _geojson_crs_declarations(data: bytes) -> list[dict[str, Any]]:
    """Every ``"crs": {"type": …, "properties": …}`` object in a GeoJSON file (cheap byte scan)."""
    found, start = [], 0
    decoder = json.JSONDecoder()
    for _ in range(1000):
        at = data.find(b'"crs"', start)
        if at < 0:
            break
        start = at + 5
        window = data[start : start + 65536].decode("utf-8", "replace")
        m = re.match(r"\s*:\s*", window)
        if not m or window[m.end() : m.end() + 1] != "{":
            continue
        try:
            obj, _ = decoder.raw_decode(window, m.end())
        except ValueError:
            continue
        if isinstance(obj, dict) and "type" in obj:
            found.append(obj)
    return found


def _check_geojson_crs(data: bytes, name: str) -> bool:
    """A GeoJSON's declared CRS must be one PROJ may read: names/EPSG codes only, no links, no files.

    Returns True when the file declares a CRS (else RFC 7946's WGS84 is only assumed).
    """
    declarations = _geojson_crs_declarations(data)
    for decl in declarations:
        kind = str(decl.get("type", "")).lower()
        raw_props = decl.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        if kind == "name":
            text = str(props.get("name", ""))
        elif kind == "epsg":
            text = f"EPSG:{props.get('code', '')}"
        else:  # "link", "url", anything else: GDAL would fetch or ignore it; both are wrong here
            shown = str(props.get("href") or props.get("url") or props.get("name") or decl.get("type"))
            raise CRSUnknownError("imp_file_crs_link", file=name, crs=clip_text(shown, 80))
        try:
            parse_user_crs(text)
        except CRSError as exc:
            raise CRSUnknownError("imp_file_crs_bad", file=name, crs=clip_text(text, 80), reason=exc.message) from exc
    return bool(declarations)


def _check_gpkg_crs(path: Path, name: str) -> None:
    """Every CRS definition stored in a GeoPackage is inspected before GDAL parses it."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise ReadError("imp_read_failed", file=name, reason=_reason(exc, name=name)) from exc
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if "gpkg_spatial_ref_sys" not in tables:
            raise ReadError("imp_gpkg_not_geopackage", file=name)
        columns = {r[1] for r in con.execute("PRAGMA table_info(gpkg_spatial_ref_sys)")}
        extra = ", definition_12_063" if "definition_12_063" in columns else ""
        for row in con.execute(f"SELECT srs_name, definition{extra} FROM gpkg_spatial_ref_sys LIMIT 10000"):
            for text in row[1:]:
                problem = crs_text_problem(str(text or ""))
                if problem:
                    raise CRSUnknownError(
                        "imp_file_crs_unsafe", file=name, crs=clip_text(str(row[0] or text), 80), param=problem
                    )
    except sqlite3.Error as exc:
        raise ReadError("imp_read_failed", file=name, reason=_reason(exc, name=name)) from exc
    finally:
        con.close()
