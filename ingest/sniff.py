"""What kind of file this is: the format its name says, its content checked against it, its declared CRS inspected."""

from __future__ import annotations

import codecs
import re
import sqlite3
from pathlib import Path, PurePosixPath
from typing import Any

from gis.crs import crs_text_problem, json_crs_members, parse_user_crs
from gis.errors import CRSError, CRSUnknownError, FileTooLargeError, ReadError, UnsafeContentError
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


#: Most tables and views a GeoPackage may hold (layers and attribute tables; its own metadata not counted).
MAX_GPKG_TABLES = 200
#: How a binary DXF starts.
BINARY_DXF = b"AutoCAD Binary DXF\r\n\x1a\x00"


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
        ok = data.startswith(BINARY_DXF) or bool(
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


#: JSON-FG / OGC URIs that name a CRS of PROJ's database (never fetched).
_OGC_CRS_URI = re.compile(r"^https?://www\.opengis\.net/def/crs/(EPSG|OGC)/[0-9.]+/([A-Za-z0-9]+)$")


def _json_crs_text(name: str, value: Any, file: str) -> str | None:
    """The CRS text one JSON member declares (to be checked), None when the member is no CRS declaration.

    Refuses (``imp_file_crs_link``) a declaration that refers to a link, a URL or a file.
    """
    member = name.lower()
    if member == "crs":  # GeoJSON 2008: {"type": "name"|"EPSG"|"link", "properties": {...}}
        if not isinstance(value, dict) or "type" not in value:
            return None  # e.g. a feature's property that happens to be called "crs"
        kind = str(value.get("type", "")).lower()
        raw_props = value.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        if kind == "name":
            return str(props.get("name", ""))
        if kind == "epsg":
            return f"EPSG:{props.get('code', '')}"
        shown = str(props.get("href") or props.get("url") or props.get("name") or value.get("type"))
        raise CRSUnknownError("imp_file_crs_link", file=file, crs=clip_text(shown, 80))
    if member == "coordrefsys":  # JSON-FG: a URI, a {"type": "Reference", "href": …} or a list of them
        items = value if isinstance(value, list) else [value]
        for item in items[:1]:
            uri = item.get("href") if isinstance(item, dict) else item
            text = str(uri or "")
            m = _OGC_CRS_URI.match(text.strip())
            if m is None:
                raise CRSUnknownError("imp_file_crs_link", file=file, crs=clip_text(text, 80))
            return "OGC:CRS84" if m.group(2).upper() == "CRS84" else f"{m.group(1).upper()}:{m.group(2)}"
        return None
    if isinstance(value, dict):  # ESRI JSON: {"wkid": 4326} or {"wkt": "…"}
        if value.get("wkt"):
            return str(value["wkt"])
        code = value.get("latestWkid") or value.get("wkid")
        return f"EPSG:{code}" if code is not None else None
    return None


def _check_geojson_crs(data: bytes, name: str) -> bool:
    """Every CRS a JSON file declares, anywhere in it, must be one PROJ may read: names, EPSG codes and WKT
    without file references; never a link, a URL or a file. The file is read as JSON data (member names
    decoded, nesting bounded: :func:`gis.crs.json_crs_members`), never searched as text.

    Returns True when the file declares a CRS at its top level (else RFC 7946's WGS84 is only assumed).
    """
    try:
        members = json_crs_members(data, file=name)
    except CRSError as exc:
        raise UnsafeContentError(exc.code, **exc.params) from exc
    declared = False
    checked: set[str] = set()
    for member, depth, value in members:
        text = _json_crs_text(member, value, name)
        if text is None:
            continue
        declared = declared or depth <= 1
        if text in checked:
            continue
        checked.add(text)
        try:
            parse_user_crs(text)
        except CRSError as exc:
            raise CRSUnknownError("imp_file_crs_bad", file=name, crs=clip_text(text, 80), reason=exc.message) from exc
    return declared


def _check_gpkg_crs(path: Path, name: str) -> None:
    """Every CRS definition stored in a GeoPackage is inspected before GDAL parses it."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise ReadError("imp_read_failed", file=name, reason=_reason(exc, name=name)) from exc
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        has_srs = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'gpkg_spatial_ref_sys'"
        ).fetchone()
        if not has_srs:
            raise ReadError("imp_gpkg_not_geopackage", file=name)
        # counted before GDAL lists the layers (10,000 layers took it 46 s); its own tables and indexes left out
        (count,) = con.execute(
            "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND substr(lower(name), 1, 4) "
            "!= 'gpkg' AND substr(lower(name), 1, 6) NOT IN ('rtree_') AND substr(lower(name), 1, 7) != 'sqlite_'"
        ).fetchone()
        if count > MAX_GPKG_TABLES:
            raise FileTooLargeError("imp_gpkg_layers", file=name, count=f"{count:,}", limit=f"{MAX_GPKG_TABLES:,}")
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


# --- DXF: block insertions counted before GDAL expands them -------------------------------------------------------
# A group-code-0 pair ("0" on its line, the entity type on the next): a value line "0" is always followed by a
# code line (a number), so a name after a "0" line is an entity type, whatever the alignment.
_DXF_ENTITY = re.compile(rb"^[ \t]*0[ \t]*\r?\n[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?$", re.MULTILINE)
_DXF_PAIR = re.compile(rb"[ \t]*(-?\d{1,4})[ \t]*\r?\n([^\r\n]*)\r?\n")
#: Display cap for an expansion count (beyond it, the exact number says nothing more).
_DXF_SHOWN_MAX = 10**12


def _dxf_pairs(data: bytes, start: int, *, most: int = 60) -> dict[int, bytes]:
    """The first group codes after an entity marker (position ``start``: the line after the type), first value
    of each code."""
    out: dict[int, bytes] = {}
    pos = start + 1 if data[start : start + 1] == b"\n" else start
    for _ in range(most):
        m = _DXF_PAIR.match(data, pos)
        if m is None or m.group(1) == b"0":
            break
        out.setdefault(int(m.group(1)), m.group(2).strip())
        pos = m.end()
    return out


def dxf_expansion(data: bytes, name: str, *, limit: int) -> int:
    """The entities GDAL will produce from a text DXF once every block insertion (INSERT, MINSERT rows ×
    columns, nested blocks) is expanded, counted from the file's structure before GDAL reads it.

    Raises
    ------
    FileTooLargeError
        ``imp_dxf_expansion`` when the count is over ``limit`` (the message says the count and the limit).
    UnsafeContentError
        ``imp_dxf_block_cycle`` for a block that inserts itself.
    """
    blocks, top_direct, top_inserts = _dxf_structure(data)
    sizes: dict[bytes, int] = {}
    count = top_direct + sum(times * _dxf_block_size(blk, blocks, sizes, name) for blk, times in top_inserts)
    if count > limit:
        shown = f"{count:,}" if count < _DXF_SHOWN_MAX else f"> {_DXF_SHOWN_MAX:,}"
        raise FileTooLargeError("imp_dxf_expansion", file=name, count=shown, limit=f"{limit:,}")
    return count


_DxfBlocks = dict[bytes, tuple[int, list[tuple[bytes, int]]]]  # block -> (own entities, [(inserted block, copies)])


def _dxf_structure(data: bytes) -> tuple[_DxfBlocks, int, list[tuple[bytes, int]]]:
    """The blocks (own entities, insertions), the entities and the insertions of the ENTITIES section."""
    section, block = b"", None
    blocks: _DxfBlocks = {}
    top_direct, top_inserts = 0, []
    for m in _DXF_ENTITY.finditer(data):
        kind = m.group(1).upper()
        if kind in (b"SECTION", b"ENDSEC"):
            section = _dxf_pairs(data, m.end()).get(2, b"").upper() if kind == b"SECTION" else b""
            block = None
        elif section == b"BLOCKS" and kind in (b"BLOCK", b"ENDBLK"):
            block = _dxf_pairs(data, m.end()).get(2, b"") if kind == b"BLOCK" else None
            if block is not None:
                blocks.setdefault(block, (0, []))
        elif section == b"BLOCKS" and block is not None:
            own, kids = blocks[block]
            if kind in (b"INSERT", b"MINSERT"):
                kids.append(_dxf_insert(data, m.end()))
            else:
                blocks[block] = (own + 1, kids)
        elif section == b"ENTITIES":
            if kind in (b"INSERT", b"MINSERT"):
                top_inserts.append(_dxf_insert(data, m.end()))
            else:
                top_direct += 1
    return blocks, top_direct, top_inserts


def _dxf_block_size(root: bytes, blocks: _DxfBlocks, sizes: dict[bytes, int], name: str) -> int:
    """Entities one insertion of ``root`` expands to (iterative depth-first: blocks nest arbitrarily deep;
    a block met again on its own path is a cycle)."""
    stack: list[tuple[bytes, int]] = [(root, 0)]
    path: set[bytes] = set()
    while stack:
        blk, i = stack.pop()
        if i == 0:
            if blk in sizes:
                continue
            if blk in path:
                shown = clip_text(blk.decode("utf-8", "replace"), 40)
                raise UnsafeContentError("imp_dxf_block_cycle", file=name, block=shown)
            path.add(blk)
        own, kids = blocks.get(blk, (0, []))
        if i < len(kids):
            stack.append((blk, i + 1))
            if kids[i][0] not in sizes:
                stack.append((kids[i][0], 0))
            continue
        sizes[blk] = min(own + sum(n * sizes.get(c, 0) for c, n in kids), _DXF_SHOWN_MAX * 10)
        path.discard(blk)
    return sizes[root]


def _dxf_insert(data: bytes, start: int) -> tuple[bytes, int]:
    """(block name, copies) of an INSERT/MINSERT: columns (70) × rows (71), each at least 1."""
    pairs = _dxf_pairs(data, start)
    copies = 1
    for code in (70, 71):
        raw = pairs.get(code, b"1")
        copies *= max(1, min(int(raw), 32767)) if raw.lstrip(b"-").isdigit() else 1
    return pairs.get(2, b""), copies
