"""File names, numbers, row lists and library errors as a message to the user shows them."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ingest.archives import MB
from text.clip import clip_text

#: Characters never kept in a file name shown or stored: bidi embeddings, overrides and isolates, marks, BOM.
_INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ufeff\u200b")
#: Longest file name shown (characters, extension included).
NAME_LIMIT = 120


def display_name(filename: str) -> str:
    """The file's own name as the user knows it, made safe to show and to store.

    No folders (``../`` and ``\\`` parts dropped), no control characters (CR, LF, ESC…), no bidi controls or
    isolates, no ``<``/``>`` (so no HTML), at most :data:`NAME_LIMIT` characters: a longer name is shortened
    before its extension, which is kept (it says the format).
    """
    base = re.split(r"[\\/]", str(filename or ""))[-1]
    base = "".join(c for c in base if ord(c) >= 32 and c != "\x7f" and c not in _INVISIBLE and c not in "<>")
    base = base.strip().lstrip(".") if base.strip().startswith("..") else base.strip()
    if len(base) > NAME_LIMIT:
        stem, dot, ext = base.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10 and (ext.isascii() and ext.replace(".", "").isalnum()):
            tail = "." + ext
            if stem.lower().endswith(".shp") and ext.lower() == "zip":
                stem, tail = stem[:-4], ".shp.zip"
            return clip_text(stem, NAME_LIMIT - len(tail)) + tail
    return clip_text(base, NAME_LIMIT) or "?"


def _num(value: float) -> str:
    """A number for a message: thousands separators, never hundreds of digits, '–' when not finite."""
    value = float(value)
    if not math.isfinite(value):
        return "–"
    if abs(value) >= 1e10:
        return f"{value:.3g}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _size_mb(n_bytes: float) -> str:
    """A size in MB for a message: '12.3', or two significant digits below 1 MB ('0.00011')."""
    mb = n_bytes / MB
    return f"{mb:,.1f}" if mb >= 1 else f"{mb:.2g}"


def _names(values: Sequence[Any], *, limit: int = 20) -> list[str]:
    """Column or layer names for a message (joined with the language's list separator), at most ``limit``."""
    out = [clip_text(str(v), 40) for v in values[:limit]]
    return out + ["…"] if len(values) > limit else out


def _rows(indices: Iterable[int], *, limit: int = 10) -> str:
    """Feature/row numbers for a message, counted from 1 ('3, 7, 12, …')."""
    items = [int(i) + 1 for i in indices]
    text = ", ".join(str(i) for i in items[:limit])
    return text + (", …" if len(items) > limit else "")


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.+~@%=-]+){2,}[\\/]?")


def _reason(exc: BaseException, *, name: str, work: Path | None = None) -> str:
    """GDAL's (or a library's) first line, with our temp paths replaced by the file's name and any other
    path removed (no /tmp/…, no /opt/vcpkg/…), cut at a word boundary."""
    text = " ".join(str(exc).splitlines()[:1]) or type(exc).__name__
    if work is not None:
        for folder in {str(work.resolve()), str(work)}:
            text = text.replace(folder + "/", "").replace(folder, "")
    text = re.sub(r"\b(?:layer\d+|data|doc)\.(?:shp|dbf|shx|prj|geojson|gpkg|kml|dxf)\b", name, text)
    text = _PATH.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" :,'\"")
    return clip_text(text, 160) or type(exc).__name__


def _is_memory_message(text: str) -> bool:
    return bool(re.search(r"out of memory|cannot allocate|std::bad_alloc|memory allocation failed", text, re.I))
