"""Archives users upload, unpacked for GDAL through the safe zip: a zip of shapefiles or of one file, a KMZ."""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from gis.crs import crs_text_problem
from gis.errors import CRSUnknownError, FileTooLargeError, ReadError, UnsafeArchiveError
from ingest.archives import MB, SafeZip
from ingest.encodings import CPG_ENCODINGS, CPG_LABELS, _dbf_encoding, _repair_dbf_field_names
from ingest.model import Limits, _Layer, _Prepared
from ingest.sniff import _format_of, _sniff, _XmlScanner
from ingest.wording import display_name
from text.clip import clip_text
from text.messages import msg

#: Formats a zip may hold instead of shapefiles (one file, read as if uploaded on its own).
ZIP_INNER = (".gpkg", ".geojson", ".json", ".kml", ".dxf", ".csv", ".xlsx")


def _extract_kmz(name: str, data: bytes, work: Path, limits: Limits) -> Path:
    """The KMZ's main KML (``doc.kml``, else the first), extracted through the counting reader and checked."""
    zf = SafeZip(data, filename=name, limits=limits.zip_limits())
    kmls = [m for m in zf.names if m.lower().endswith(".kml") and not _ignored_member(m)]
    if not kmls:
        raise ReadError("imp_kmz_no_kml", file=name, found=_member_list(zf.names))
    member = next((m for m in kmls if m.lower() in ("doc.kml", "./doc.kml")), kmls[0])
    path = work / "doc.kml"
    zf.extract(member, path, inspect=_XmlScanner(file=name))
    _sniff("kml", path.read_bytes()[:65536], name)
    return path


def _ignored_member(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return any(p == "__MACOSX" for p in parts) or parts[-1].startswith("._")


def _member_list(names: Sequence[str]) -> str:
    return clip_text(", ".join(names) or "—", 120)


def _prepare_zip(name: str, data: bytes, work: Path, limits: Limits) -> _Prepared | tuple[str, str, bytes]:
    """A zip's shapefiles laid out for GDAL, or its one other data file as (name, format, bytes), to be read as
    if it had been uploaded on its own."""
    zf = SafeZip(data, filename=name, limits=limits.zip_limits())
    members = [m for m in zf.names if not _ignored_member(m)]
    shps = [m for m in members if m.lower().endswith(".shp")]
    if shps:
        return _prepare_shapefiles(name, zf, members, shps, work, limits)
    nested = [m for m in members if m.lower().endswith((".zip", ".kmz"))]
    if nested:
        raise UnsafeArchiveError("imp_zip_nested", file=name)
    inner = [m for m in members if m.lower().endswith(ZIP_INNER)]
    if len(inner) != 1:
        raise ReadError("imp_zip_no_data", file=name, found=_member_list(members))
    member = inner[0]
    inner_name = display_name(member)
    inner_data = zf.read(member, limit_bytes=int(limits.max_mb * MB))
    fmt = _format_of(inner_name)
    assert fmt is not None  # ZIP_INNER are all known suffixes
    return inner_name, fmt, inner_data


def _prepare_shapefiles(
    name: str, zf: SafeZip, members: list[str], shps: list[str], work: Path, limits: Limits
) -> _Prepared:
    """Each .shp with its .shx/.dbf/.prj/.cpg, extracted as layerN.* through the counting reader."""
    by_lower = {m.lower(): m for m in members}
    fields_csv = next((m for m in members if PurePosixPath(m).name.lower() == "fields.csv"), None)
    renames = _read_fields_csv(zf, fields_csv, name) if fields_csv else {}
    prepared = _Prepared()
    stems = [display_name(PurePosixPath(m.replace("\\", "/")).stem) for m in shps]
    for i, shp in enumerate(shps):
        base = shp[:-4]
        part = {ext: by_lower.get((base + ext).lower()) for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")}
        if part[".shx"] is None:
            raise ReadError("imp_shp_missing_part", file=name, layer=stems[i], part=".shx")
        layer = _Layer(stems[i], work / f"layer{i}.shp", "shp", gdal_layer=f"layer{i}")
        for ext in (".shp", ".shx", ".dbf"):
            member = part[ext]
            if member is not None:
                zf.extract(member, work / f"layer{i}{ext}")
        _sniff("shp", (work / f"layer{i}.shp").read_bytes()[:100], name)
        if part[".prj"]:
            prj = zf.read(part[".prj"], limit_bytes=64 * 1024).decode("utf-8", "replace").strip()
            problem = crs_text_problem(prj)
            if problem:
                raise CRSUnknownError("imp_file_crs_unsafe", file=name, crs=clip_text(prj, 80), param=problem)
            if prj:
                (work / f"layer{i}.prj").write_text(prj, encoding="utf-8")
                layer.declared_crs = prj
        declared = None
        if part[".cpg"]:
            raw = zf.read(part[".cpg"], limit_bytes=1024).decode("ascii", "replace").strip().upper()
            declared = CPG_ENCODINGS.get(raw.replace("CP ", "CP"))
            if declared is None:
                layer.notes.append(msg("imp_note_cpg_unknown", value=clip_text(raw, 20)))
        if part[".dbf"]:
            _check_dbf_budget(work / f"layer{i}.dbf", name)
            layer.encoding = _dbf_encoding(work / f"layer{i}.dbf", declared, layer.notes)
            _repair_dbf_field_names(work / f"layer{i}.dbf", layer.encoding, layer.notes)
        else:
            layer.encoding = declared or "UTF-8"
        if declared is not None and layer.encoding == declared:  # shown as the file names it (GBK, not GB18030)
            layer.encoding_label = CPG_LABELS.get(raw.replace("CP ", "CP"), declared)
        layer.rename = renames.get(stems[i], renames.get("", {}))
        prepared.layers.append(layer)
    prepared.encoding = prepared.layers[0].encoding or "UTF-8"
    return prepared


def _read_fields_csv(zf: SafeZip, member: str, name: str) -> dict[str, dict[str, str]]:
    """The name mapping an export wrote (``fields.csv``): layer -> {shapefile field: full name}."""
    try:
        text = zf.read(member, limit_bytes=MB).decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}
    out: dict[str, dict[str, str]] = {}
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return {}
    header = [h.strip().lower() for h in rows[0]]
    if "shapefile_field" not in header or "full_name" not in header:
        return {}
    i_short, i_full = header.index("shapefile_field"), header.index("full_name")
    i_layer = header.index("layer") if "layer" in header else None
    for row in rows[1:]:
        if len(row) <= max(i_short, i_full):
            continue
        short, full = _unquote_cell(row[i_short]), _unquote_cell(row[i_full])
        if not short or not full or len(full) > 200 or any(ord(c) < 32 for c in full):
            continue
        layer = display_name(row[i_layer]) if i_layer is not None and len(row) > i_layer else ""
        out.setdefault(layer, {})[short] = full
    return out


def _unquote_cell(value: str) -> str:
    """Undo the formula guard the exporter adds ('=x -> =x) when reading our own fields.csv back."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


#: Most values (records × fields) an attribute table may declare: GDAL and pyogrio hold one object per value.
MAX_DBF_VALUES = 25_000_000


def _check_dbf_budget(dbf: Path, name: str) -> None:
    """The .dbf header's counts checked before GDAL reads it: the records it declares must be in the file,
    and records × fields within :data:`MAX_DBF_VALUES` (the reader's buffers are sized by them)."""
    with open(dbf, "rb") as fh:
        head = fh.read(32)
    size = dbf.stat().st_size
    if len(head) < 12:
        return  # GDAL reports the damage
    records, header_len, record_len = struct.unpack("<I", head[4:8])[0], *struct.unpack("<HH", head[8:12])
    fields = max(0, (header_len - 33) // 32)
    actual = (size - header_len) // record_len if record_len and size > header_len else 0
    if records > actual + 1:
        raise ReadError("imp_dbf_header_lie", file=name, declared=f"{records:,}", actual=f"{actual:,}")
    if records * fields > MAX_DBF_VALUES:
        raise FileTooLargeError(
            "imp_dbf_budget",
            file=name,
            records=f"{records:,}",
            fields=f"{fields:,}",
            cells=f"{records * fields:,}",
            limit=f"{MAX_DBF_VALUES:,}",
        )
