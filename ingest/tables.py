"""CSV and XLSX tables: rows, cells and columns counted, read as text, points from lon/lat (x/y) or WKT columns."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.errors import (
    CoordinateError,
    EmptyFileError,
    FileTooLargeError,
    ImportRefusedError,
    ReadError,
    SchemaError,
    UnsupportedFormatError,
)
from ingest.archives import MB, SafeZip
from ingest.encodings import _decode_text
from ingest.model import DEFAULT_LIMITS, Limits, TableInfo
from ingest.sniff import _format_of, _suffix, _XmlScanner
from ingest.wording import _names, _reason, _rows, _size_mb, display_name
from text.clip import clip_text
from text.messages import Message, msg

X_NAMES = (
    "lon",
    "lng",
    "long",
    "longitude",
    "经度",
    "东经",
    "x",
    "x坐标",
    "东坐标",
    "横坐标",
    "easting",
    "point_x",
    "xcoord",
    "e",
)
Y_NAMES = ("lat", "latitude", "纬度", "北纬", "y", "y坐标", "北坐标", "纵坐标", "northing", "point_y", "ycoord", "n")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "几何", "图形")


#: Candidate delimiters, in order of preference when two fit equally well.
DELIMITERS = ",;\t|"
#: What delimiter detection looks at: at most this many characters and lines from the start.
SNIFF_CHARS = 65536
SNIFF_LINES = 50
#: Longest header line accepted (characters): 500 columns of 100-character names fit 10 times over.
MAX_HEADER_CHARS = 512 * 1024


def _delimiter(text: str) -> str:
    """The delimiter of a CSV: the candidate that splits the first lines (at most 50, 64 KB) into the same
    number (> 1) of fields on the most lines, then into the most fields; ``,`` when none does.

    Each candidate is tried with :mod:`csv`'s C reader over the capped sample: linear time (no regular
    expression, unlike :class:`csv.Sniffer`, whose backtracking took 34 s on 65 KB).
    """
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    lines = [line for line in sample.splitlines()[:SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=candidate)]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        agree = sum(1 for c in counts if c == counts[0])
        score = (agree, counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def _check_csv_header(text: str, delimiter: str, name: str, limits: Limits) -> None:
    """Count the header's columns on its line before pandas parses anything (pandas would build them all)."""
    start = len(text) - len(text.lstrip("\r\n\t "))
    end = text.find("\n", start, start + MAX_HEADER_CHARS + 1)
    if end < 0:
        if len(text) - start > MAX_HEADER_CHARS:
            raise FileTooLargeError("imp_csv_line_long", file=name, limit_kb=f"{MAX_HEADER_CHARS // 1024:,}")
        end = len(text)
    line = text[start:end]
    count = line.count(delimiter) + 1  # an upper bound (a quoted delimiter counts too): exact below when near
    if count > limits.max_columns:
        with contextlib.suppress(csv.Error):
            count = max((len(row) for row in csv.reader([line], delimiter=delimiter)), default=0)
        if count > limits.max_columns:
            raise FileTooLargeError(
                "imp_csv_line_columns", file=name, count=f"{count:,}", limit=f"{limits.max_columns:,}"
            )


def _column_names(raw: Sequence[Any]) -> list[str]:
    """Header cells as unique text: numbers as text, empty cells 'column_N', repeats suffixed '_2'."""
    names: list[str] = []
    seen: set[str] = set()
    for i, value in enumerate(raw):
        if (
            value is None
            or (isinstance(value, float) and math.isnan(value))
            or not str(value).strip()
            or str(value).startswith("Unnamed: ")
        ):
            base = f"column_{i + 1}"
        elif isinstance(value, float) and value.is_integer():
            base = str(int(value))
        else:
            base = clip_text(" ".join(str(value).split()), 100)
        candidate, k = base, 2
        while candidate.lower() in seen:
            candidate = f"{base}_{k}"
            k += 1
        seen.add(candidate.lower())
        names.append(candidate)
    return names


def _infer_numbers(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns that are all numbers become numbers, unless a value has a leading zero (an id: 0012)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        text = s.dropna().astype(str).str.strip()
        text = text[text != ""]
        if text.empty:
            continue
        parsed = pd.to_numeric(text, errors="coerce")
        if parsed.notna().all() and not text.str.match(r"^[+-]?0\d").any():
            out[col] = pd.to_numeric(s.astype(str).str.strip().replace("", None), errors="coerce")
    return out


#: Most characters of text a workbook's shared strings may hold in all (openpyxl keeps them all in memory).
MAX_TABLE_TEXT_MB = 64
#: Most cells of a workbook (whatever ``max_cells`` allows a CSV): openpyxl takes about 10 µs of CPU per cell,
#: so 5,000,000 cells — inside every other limit — took 52 s; 1,000,000 stay well within the 20 s a read may take.
MAX_XLSX_CELLS = 1_000_000
_CELL_REF = re.compile(r"([A-Za-z]{1,4})(\d{0,12})$")


class _SheetCounter:
    """Counts rows, cells, the highest row number and column of worksheet XML and the shared strings as the
    workbook is inflated, by element (local) name in a streaming XML parse (:mod:`xml.parsers.expat`): a
    namespace prefix of any length, attributes in any order or quoting, a cell without a reference are all
    counted. Raises as soon as a table limit is passed, which stops the inflating."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.rows = self.cells = self.max_row = self.max_col = self.strings = self.text = 0
        self._row_cells = 0
        self._in_shared = False
        self._parsers: dict[str, Any] = {}

    def _parser(self, member: str, *, shared: bool) -> Any:
        import xml.parsers.expat

        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        if shared:
            parser.StartElementHandler = self._shared_start
            parser.CharacterDataHandler = self._shared_text
        else:
            parser.StartElementHandler = self._sheet_start
        return parser

    def _sheet_start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag[tag.rfind(" ") + 1 :]
        if local == "row":
            self.rows += 1
            self._row_cells = 0
            ref = attrs.get("r", "")
            if ref.isdigit() and len(ref) <= 12:
                self.max_row = max(self.max_row, int(ref))
            if self.rows > self.limits.max_rows or self.max_row > self.limits.max_rows:
                self.check()
        elif local == "si":
            self.strings += 1
        elif local == "c":
            self.cells += 1
            self._row_cells += 1
            column = self._row_cells
            m = _CELL_REF.match(attrs.get("r", ""))
            if m:
                column = _column_number(m.group(1))
                self._row_cells = column
            if column > self.max_col:
                self.max_col = column
                if column > self.limits.max_columns:
                    self.check()

    def _shared_start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag[tag.rfind(" ") + 1 :] == "si":
            self.strings += 1

    def _shared_text(self, text: str) -> None:
        self.text += len(text)

    def __call__(self, member: str, piece: bytes, *, final: bool = False) -> None:
        lower = member.lower()
        shared = lower.endswith("sharedstrings.xml")
        if not lower.endswith(".xml"):  # every XML part is counted: the workbook may keep its sheets anywhere
            return
        parser = self._parsers.get(member)
        if parser is None:
            parser = self._parsers[member] = self._parser(member, shared=shared)
        try:
            parser.Parse(piece, final)
        except Exception as exc:  # expat.ExpatError: broken XML (openpyxl could not read it either)
            if isinstance(exc, ImportRefusedError):
                raise
            raise ReadError("imp_xlsx_unreadable", file=self.name, reason=_reason(exc, name=self.name)) from exc
        self.check()

    def check(self) -> None:
        lim = self.limits
        if max(self.rows, self.max_row) > lim.max_rows:
            raise FileTooLargeError("imp_xlsx_rows", file=self.name, limit=f"{lim.max_rows:,}")
        most = min(lim.max_cells, MAX_XLSX_CELLS)
        if self.cells > most or self.strings > most:
            raise FileTooLargeError("imp_table_cells", file=self.name, limit=f"{most:,}")
        if self.max_col > lim.max_columns:
            raise FileTooLargeError("imp_table_columns", file=self.name, limit=f"{lim.max_columns:,}")
        if self.text > MAX_TABLE_TEXT_MB * MB:
            raise FileTooLargeError("imp_table_text", file=self.name, limit_mb=f"{MAX_TABLE_TEXT_MB:,}")

    def check_span(self) -> None:
        """The rows × columns openpyxl will hand back (every row padded to the table's width) within the
        cells limit: a stray cell far right or far down would otherwise cost minutes of padding."""
        rows, width = max(self.rows, self.max_row), self.max_col
        most = min(self.limits.max_cells, MAX_XLSX_CELLS)
        if rows * width > most:
            raise FileTooLargeError(
                "imp_table_span",
                file=self.name,
                rows=f"{rows:,}",
                columns=f"{width:,}",
                cells=f"{rows * width:,}",
                limit=f"{most:,}",
            )


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _check_xlsx(name: str, data: bytes, limits: Limits) -> _SheetCounter:
    """Inflate every member of a workbook once through the counting reader: sizes, ratios, XML entities,
    rows, cells and columns are checked before openpyxl parses anything."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError("imp_xls_old", file=name)
    zf = SafeZip(data, filename=name, limits=limits.zip_limits(ratio=limits.max_xlsx_ratio))
    if not any(m.lower() == "xl/workbook.xml" for m in zf.names):
        raise ReadError("imp_xlsx_not_workbook", file=name)
    counter = _SheetCounter(name, limits)
    scanners: dict[str, _XmlScanner] = {}
    for member in zf.names:
        xml = member.lower().endswith((".xml", ".rels", ".vml"))
        for piece in zf.stream(member):
            if xml:
                scanners.setdefault(member, _XmlScanner(file=name, member=member))(piece)
                counter(member, piece)
        if xml:
            counter(member, b"", final=True)
    counter.check_span()
    return counter


def _load_table(
    name: str, fmt: str, data: bytes, limits: Limits, *, nrows: int | None = None
) -> tuple[pd.DataFrame, str, list[Message]]:
    """A CSV or XLSX as a frame with text column names; ``nrows`` reads only the first rows."""
    notes: list[Message] = []
    cap = limits.max_rows if fmt == "xlsx" else limits.max_features
    wanted = cap + 1 if nrows is None else nrows
    if fmt == "xlsx":
        counted = _check_xlsx(name, data, limits)
        import openpyxl  # imported here: only XLSX uploads need it

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                ws = wb.worksheets[0]
                ws.reset_dimensions()  # never trust the declared size; iterate what is there
                rows = []
                for row in ws.iter_rows(max_col=max(counted.max_col, 1), values_only=True):
                    rows.append(row)
                    if len(rows) > wanted:
                        break
            finally:
                wb.close()
        except (MemoryError, ImportRefusedError):
            raise
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise ReadError("imp_xlsx_unreadable", file=name, reason=_reason(exc, name=name)) from exc
        rows = [r for r in rows if r is not None and any(v is not None and str(v).strip() != "" for v in r)]
        if not rows:
            raise EmptyFileError("imp_table_empty", file=name)
        # openpyxl pads each row to max_col: the table is as wide as its last non-empty cell
        width = max(
            max((i + 1 for i, v in enumerate(r) if v is not None and str(v).strip() != ""), default=0) for r in rows
        )
        rows = [tuple(r[:width]) for r in rows]
        if width > limits.max_columns:
            raise FileTooLargeError("imp_table_columns", file=name, limit=f"{limits.max_columns:,}")
        header = _column_names(list(rows[0]) + [None] * (width - len(rows[0])))
        body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
        frame = pd.DataFrame(body, columns=header)
        encoding = "xlsx"
    else:
        text, encoding = _decode_text(data, name)
        delimiter = _delimiter(text)
        _check_csv_header(text, delimiter, name, limits)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                nrows=wanted,
                skipinitialspace=True,
                engine="c",
            )
        except MemoryError:
            raise
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error, UnicodeError) as exc:
            if isinstance(exc, pd.errors.EmptyDataError):
                raise EmptyFileError("imp_table_empty", file=name) from exc
            raise ReadError("imp_csv_unreadable", file=name, reason=_reason(exc, name=name)) from exc
        if frame.shape[1] > limits.max_columns:
            raise FileTooLargeError("imp_table_columns", file=name, limit=f"{limits.max_columns:,}")
        frame.columns = _column_names(list(frame.columns))
        frame = _infer_numbers(frame)
    if nrows is None and len(frame) > cap:
        raise FileTooLargeError("imp_table_rows", file=name, limit=f"{cap:,}")
    return frame, encoding, notes


def _simple(col: str) -> str:
    text = re.sub(r"[（(][^)）]*[)）]", "", str(col)).strip().lower()
    return re.sub(r"[\s_]+", "_", text)


def _guess_xy(columns: Sequence[str]) -> tuple[str | None, str | None]:
    simple = {_simple(c): c for c in reversed(columns)}
    xcol = next((simple[n] for n in X_NAMES if n in simple), None)
    ycol = next((simple[n] for n in Y_NAMES if n in simple), None)
    return xcol, ycol


def _wkt_column(columns: Sequence[str]) -> str | None:
    return next((c for c in columns if _simple(c) in WKT_NAMES), None)


def _table_to_gdf(df: pd.DataFrame, name: str, xy: tuple[str, str] | None) -> gpd.GeoDataFrame:
    """Points from x/y columns, or geometries from a WKT column."""
    if df.empty:
        raise EmptyFileError("imp_table_empty", file=name)
    columns = [str(c) for c in df.columns]
    wkt = _wkt_column(columns)
    if xy is None and wkt is not None:
        values = df[wkt]
        text = values.astype(str).str.strip()
        empty = values.isna().to_numpy() | (text == "").to_numpy()
        geoms = np.full(len(df), None, dtype=object)
        parsed = shapely.from_wkt(text[~empty].to_numpy(), on_invalid="ignore")
        geoms[~empty] = parsed
        invalid = ~empty & shapely.is_missing(geoms)
        if invalid.any():
            raise ReadError(
                "imp_wkt_invalid", file=name, column=wkt, count=int(invalid.sum()), rows=_rows(np.flatnonzero(invalid))
            )
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=list(geoms))
    if xy is not None:
        xcol, ycol = (str(v) for v in xy)
        for col in (xcol, ycol):
            if col not in columns:
                raise SchemaError("imp_xy_missing", file=name, column=col, columns=_names(columns))
    else:
        xcol, ycol = _guess_xy(columns)  # type: ignore[assignment]
        if xcol is None or ycol is None:
            raise SchemaError("imp_no_coordinates", file=name, columns=_names(columns))
    xs, ys = df[xcol], df[ycol]
    x = pd.to_numeric(xs.astype(str).str.strip().replace("", None), errors="coerce").to_numpy(float)
    y = pd.to_numeric(ys.astype(str).str.strip().replace("", None), errors="coerce").to_numpy(float)
    blank = (xs.isna() | (xs.astype(str).str.strip() == "")).to_numpy() & (
        ys.isna() | (ys.astype(str).str.strip() == "")
    ).to_numpy()
    text_values = ~blank & (np.isnan(x) | np.isnan(y))
    if text_values.any():
        raise CoordinateError(
            "imp_coords_not_numbers",
            file=name,
            columns=[xcol, ycol],
            count=int(text_values.sum()),
            rows=_rows(np.flatnonzero(text_values)),
        )
    geoms = np.full(len(df), None, dtype=object)
    geoms[~blank] = shapely.points(x[~blank], y[~blank])
    return gpd.GeoDataFrame(df, geometry=list(geoms))


def _table_format(filename: str, data: bytes, limits: Limits) -> tuple[str, str]:
    """The shown name and format (csv/xlsx) of an uploaded table, refused when it is no table, too big or empty."""
    name = display_name(filename)
    fmt = _format_of(name)
    if fmt not in ("csv", "xlsx"):
        raise UnsupportedFormatError("imp_not_table", file=name, suffix=_suffix(name) or "—")
    if len(data) > limits.max_mb * MB:
        raise FileTooLargeError("imp_too_large", file=name, size_mb=_size_mb(len(data)), limit_mb=f"{limits.max_mb:g}")
    if not data:
        raise EmptyFileError("imp_empty", file=name)
    return name, fmt


def read_table(filename: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    """A CSV/XLSX of attributes only (statistics, yearly figures) read as the importer reads tables: the encoding
    detected (GBK too), the XLSX inflated under the archive limits, rows and columns counted against the limits,
    numbers recognised, column names as text.

    Raises
    ------
    ImportRefusedError
        As :func:`inspect_table` (format, size, archive checks, encoding, empty table, too many rows or columns).
    """
    name, fmt = _table_format(filename, data, limits)
    frame, _, _ = _load_table(name, fmt, data, limits)
    return frame


def read_table_isolated(filename: str, data: bytes, **kwargs: Any) -> pd.DataFrame:
    """:func:`read_table` in a worker with the upload limits (the server process never parses the file)."""
    from ingest.sandbox import run_limited

    return run_limited(read_table, filename, data, task=msg("imp_task_read", file=display_name(filename)), **kwargs)


def inspect_table(filename: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> TableInfo:
    """The columns of a CSV/XLSX and the lon/lat (x/y) columns recognised, read as the importer reads it.

    The page calls this (never pandas itself) to fill its column pickers: a GBK CSV with 东经/北纬 comes
    back as text columns with x_guess='东经', y_guess='北纬'; a numeric XLSX header as text.

    Raises
    ------
    ImportRefusedError
        As :func:`~ingest.readers.read_upload` would for the same file (size, archive checks, encoding, empty table).
    """
    name, fmt = _table_format(filename, data, limits)
    frame, encoding, _ = _load_table(name, fmt, data, limits, nrows=20)
    columns = tuple(str(c) for c in frame.columns)
    xcol, ycol = _guess_xy(columns)
    return TableInfo(
        columns=columns,
        encoding=encoding,
        x_guess=xcol,
        y_guess=ycol,
        wkt_column=_wkt_column(columns),
        sample_rows=len(frame),
    )


def inspect_table_isolated(filename: str, data: bytes, **kwargs: Any) -> TableInfo:
    """:func:`inspect_table` in a worker with the upload limits (an XLSX is an archive to inflate)."""
    from ingest.sandbox import run_limited

    return run_limited(inspect_table, filename, data, task=msg("imp_task_read", file=display_name(filename)), **kwargs)
