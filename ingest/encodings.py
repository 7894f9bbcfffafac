"""Text encodings of uploads: .cpg and dBASE code pages, DXF code pages, UTF-8 or GB18030 (GBK) by the bytes."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from gis.errors import ReadError
from ingest.archives import MB
from text.clip import truncate_to_bytes
from text.messages import Message, msg

#: DXF header code pages -> Python/GDAL encodings (R2007 and later are always UTF-8).
DXF_CODEPAGES = {
    "ANSI_936": "GB18030",
    "ANSI_1252": "CP1252",
    "ANSI_950": "CP950",
    "ANSI_932": "CP932",
    "ANSI_949": "CP949",
    "ANSI_65001": "UTF-8",
}
#: .cpg contents -> encoding names GDAL and Python both know.
CPG_ENCODINGS = {
    "UTF-8": "UTF-8",
    "UTF8": "UTF-8",
    "65001": "UTF-8",
    "GBK": "GB18030",
    "CP936": "GB18030",
    "936": "GB18030",
    "GB2312": "GB18030",
    "GB18030": "GB18030",
    "ANSI 936": "GB18030",
    "1252": "CP1252",
    "CP1252": "CP1252",
    "ISO-8859-1": "ISO-8859-1",
    "LATIN1": "ISO-8859-1",
    "88591": "ISO-8859-1",
    "ISO88591": "ISO-8859-1",
    "BIG5": "CP950",
    "950": "CP950",
}
#: How an encoding named by a .cpg is shown (it is read with the superset of CPG_ENCODINGS).
CPG_LABELS = {"GBK": "GBK", "CP936": "GBK", "936": "GBK", "ANSI 936": "GBK", "GB2312": "GB2312"}
#: dBASE language driver ids of the Chinese code pages (header byte 29).
DBF_LDID_GBK = {0x4D, 0x7A}


def _sample(path: Path, *, offset: int, size: int = 4 * MB) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(size)


def _decodes(raw: bytes, encoding: str) -> bool:
    """True when ``raw`` decodes (a character cut at the end of the sample does not count)."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _dbf_encoding(dbf: Path, declared: str | None, notes: list[Message]) -> str:
    """The .dbf's text encoding: the .cpg when its bytes agree, else the language driver id or the bytes."""
    header = _sample(dbf, offset=0, size=32)
    start = int.from_bytes(header[8:10], "little") if len(header) >= 10 else 0
    body = _sample(dbf, offset=start)
    non_ascii = any(b >= 0x80 for b in body)
    if declared is not None:
        if declared == "UTF-8" and non_ascii and not _decodes(body, "utf-8") and _decodes(body, "gb18030"):
            notes.append(msg("imp_note_cpg_wrong", declared="UTF-8", used="GB18030"))
            return "GB18030"
        return declared
    ldid = header[29] if len(header) > 29 else 0
    if ldid in DBF_LDID_GBK:
        return "GB18030"
    if not non_ascii:
        return "UTF-8"
    used = "UTF-8" if _decodes(body, "utf-8") else "GB18030"
    notes.append(msg("imp_note_no_cpg", encoding=used))
    return used


def _repair_dbf_field_names(dbf: Path, encoding: str, notes: list[Message]) -> None:
    """Field names cut in the middle of a character by the 10-byte dBASE limit are repaired in our copy.

    The name is shortened to its last whole character (and made unique); a note names each one.
    """
    with open(dbf, "r+b") as fh:
        header = fh.read(32)
        if len(header) < 32:
            return
        header_len = int.from_bytes(header[8:10], "little")
        count = max(0, min((header_len - 33) // 32, 2046))
        descriptors = fh.read(32 * count)
        seen: set[str] = set()
        changed: list[tuple[int, bytes]] = []
        for i in range(len(descriptors) // 32):
            raw = descriptors[32 * i : 32 * i + 11]
            if raw[:1] == b"\r":
                break
            raw_name = raw.split(b"\x00", 1)[0]
            try:
                name = raw_name.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                fixed = raw_name
                while fixed:
                    fixed = fixed[:-1]
                    try:
                        name = fixed.decode(encoding)
                        break
                    except (UnicodeDecodeError, LookupError):
                        continue
                else:
                    name = "field"
                base, k = name or "field", 2
                while name.lower() in seen:
                    name = truncate_to_bytes(base, encoding=encoding, limit=10 - len(f"_{k}")) + f"_{k}"
                    k += 1
                new = name.encode(encoding)
                changed.append((32 + 32 * i, new.ljust(11, b"\x00")))
                notes.append(
                    msg(
                        "imp_note_field_cut",
                        field=name,
                        original=raw_name.decode(encoding, "replace").replace("\ufffd", "…"),
                    )
                )
            seen.add(name.lower())
        for offset, value in changed:
            fh.seek(offset)
            fh.write(value)


def _dxf_encoding(data: bytes, name: str) -> tuple[str, list[Message]]:
    """The text encoding of a DXF: UTF-8 from R2007 on, else its $DWGCODEPAGE, checked against the bytes."""
    head = data[:65536].decode("latin-1")
    version = re.search(r"\$ACADVER\s*\r?\n\s*1\s*\r?\n\s*(AC\d{4})", head)
    page = re.search(r"\$DWGCODEPAGE\s*\r?\n\s*3\s*\r?\n\s*([A-Za-z0-9_]+)", head)
    if version and version.group(1) >= "AC1021":
        return "UTF-8", []
    declared = DXF_CODEPAGES.get(page.group(1).upper(), "CP1252") if page else "CP1252"
    if not any(b >= 0x80 for b in data[: 4 * MB]):
        return declared, []
    sample = data[: 4 * MB]
    if declared == "CP1252":  # the default, often wrong for Chinese drawings
        for guess in ("UTF-8", "GB18030"):
            if _decodes(sample, guess):
                return guess, [msg("imp_note_dxf_encoding", declared=page.group(1) if page else "—", used=guess)]
    return declared, []


def _decode_text(data: bytes, name: str) -> tuple[str, str]:
    """CSV text and its encoding: a BOM (UTF-8, UTF-16) decides, else UTF-8, else GB18030 (GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GB18030")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, label
    raise ReadError("imp_text_encoding", file=name)
