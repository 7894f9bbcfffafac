"""Uploads read with GDAL (pyogrio; Arrow for GeoPackages) into EPSG:4326: read_upload and its sandboxed callers."""

from __future__ import annotations

import os
import tempfile
import threading
import warnings
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely

from gis.crs import check_crs_usable
from gis.errors import (
    CRSError,
    CRSUnknownError,
    EmptyFileError,
    FileTooLargeError,
    ImportRefusedError,
    ReadError,
    SchemaError,
    UnsafeArchiveError,
    UnsafeContentError,
    UnsupportedFormatError,
)
from gis.settings import SETTINGS
from gis.worker_guard import require_worker
from ingest.archives import MB
from ingest.clean import _clean
from ingest.crs_guess import normalise_crs_choice, shifted_datum
from ingest.encodings import _dxf_encoding
from ingest.model import DEFAULT_LIMITS, Expect, ImportResult, Limits, _Layer, _Prepared
from ingest.sniff import (
    BINARY_DXF,
    FORMAT_LABEL,
    SUFFIXES,
    _check_geojson_crs,
    _check_gpkg_crs,
    _format_of,
    _sniff,
    _suffix,
    dxf_expansion,
)
from ingest.tables import _load_table, _table_to_gdf
from ingest.unpack import _extract_kmz, _prepare_zip
from ingest.wording import _is_memory_message, _names, _reason, _size_mb, display_name
from text.clip import clip_text
from text.messages import Message, msg

#: GDAL drivers accepted for each format (anything else means the content is not what the name says).
DRIVERS = {
    "geojson": {"GeoJSON", "GeoJSONSeq", "ESRIJSON", "TopoJSON", "JSONFG"},
    "gpkg": {"GPKG"},
    "kml": {"KML", "LIBKML"},
    "dxf": {"DXF"},
    "shp": {"ESRI Shapefile"},
}
#: Columns LIBKML adds to every KML layer; dropped when they are empty.
KML_STANDARD = (
    "id",
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "snippet",
)

#: Formats read through Arrow (the same values as a feature-by-feature read, see :func:`_arrow_read`). The
#: others keep pyogrio's feature-by-feature read: through Arrow a truncated shapefile reads as features without
#: geometry instead of failing, GeoJSON dates come as dates, KML's empty standard fields as text.
ARROW_FORMATS = ("gpkg",)

# GDAL's and pyogrio's own words about a user's file never reach the terminal: every problem the user must
# know of becomes a refusal or a note; GDAL's default error printer ("ERROR 1: …") writes nowhere, and pyogrio's
# warnings (their location is a path in the virtual environment) are not shown.
pyogrio.set_gdal_config_options({"CPL_LOG": os.devnull})
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"pyogrio")
warnings.filterwarnings("ignore", category=UserWarning, module=r"pyogrio")

_GDAL_LOCK = threading.Lock()  # DXF_ENCODING is a process-wide GDAL option: one DXF read at a time


def _write(work: Path, filename: str, data: bytes) -> Path:
    path = work / filename
    path.write_bytes(data)
    return path


def _prepare(name: str, fmt: str, data: bytes, work: Path, limits: Limits, *, nested: bool = False) -> _Prepared:
    """Check the bytes of one file and lay out what GDAL (or the table reader) will read."""
    stem = PurePosixPath(name).name
    stem = stem[: -len(".shp.zip")] if stem.lower().endswith(".shp.zip") else PurePosixPath(stem).stem
    if fmt in ("csv", "xlsx"):
        return _Prepared(table=(fmt, data), encoding="xlsx" if fmt == "xlsx" else "UTF-8")
    if fmt == "zip":
        if nested:
            raise UnsafeArchiveError("imp_zip_nested", file=name)
        unpacked = _prepare_zip(name, data, work, limits)
        return unpacked if isinstance(unpacked, _Prepared) else _prepare_member(*unpacked, work, limits)
    if fmt == "kmz":
        if nested:
            raise UnsafeArchiveError("imp_zip_nested", file=name)
        return _gdal_layers(name, _extract_kmz(name, data, work, limits), "kml")
    _sniff(fmt, data, name)
    if fmt == "geojson":
        declared = _check_geojson_crs(data, name)
        return _Prepared(layers=[_Layer(stem, _write(work, "data.geojson", data), "geojson", assumed_crs=not declared)])
    if fmt == "kml":
        return _gdal_layers(name, _write(work, "data.kml", data), "kml")
    if fmt == "gpkg":
        path = _write(work, "data.gpkg", data)
        _check_gpkg_crs(path, name)
        return _gdal_layers(name, path, "gpkg")
    if fmt == "dxf":
        if not data.startswith(BINARY_DXF):  # a binary DXF is read with its blocks not expanded (below)
            dxf_expansion(data, name, limit=limits.max_features)
        encoding, notes = _dxf_encoding(data, name)
        return _Prepared(
            layers=[_Layer(stem, _write(work, "data.dxf", data), "dxf", encoding=encoding, notes=notes)],
            encoding=encoding,
        )
    raise UnsupportedFormatError("imp_unsupported", file=name, suffix=_suffix(name) or "—", expected=list(SUFFIXES))


def _prepare_member(name: str, fmt: str, data: bytes, work: Path, limits: Limits) -> _Prepared:
    """The one data file of a zip, laid out as if uploaded on its own (each layer's first note names it)."""
    prepared = _prepare(name, fmt, data, work, limits, nested=True)
    for layer in prepared.layers:
        layer.notes.insert(0, msg("imp_note_zip_member", member=name))
    return prepared


def _gdal_layers(name: str, path: Path, fmt: str) -> _Prepared:
    """The spatial layers GDAL lists in a multi-layer file (GeoPackage, KML)."""
    try:
        listed = pyogrio.list_layers(str(path))
    except MemoryError:
        raise
    except Exception as exc:  # GDAL raises several types for a damaged file
        _raise_read_error(exc, name=name, work=path.parent)
    layers = [str(n) for n, kind in listed if kind is not None or fmt == "kml"]
    if not layers:
        raise EmptyFileError("imp_no_layer_in_file", file=name)
    return _Prepared(layers=[_Layer(display_name(n), path, fmt, gdal_layer=n) for n in layers])


def _raise_read_error(exc: BaseException, *, name: str, work: Path | None) -> None:
    reason = _reason(exc, name=name, work=work)
    if _is_memory_message(str(exc)):
        raise MemoryError(reason) from exc
    raise ReadError("imp_read_failed", file=name, reason=reason) from exc


def _gdal_read(layer: _Layer, name: str, limits: Limits) -> gpd.GeoDataFrame:
    """Read one prepared layer with GDAL: the driver must be the format's, the feature count bounded."""
    options: dict[str, Any] = {}
    if layer.encoding and layer.fmt == "shp":
        options["encoding"] = layer.encoding
    if layer.fmt == "dxf":
        options["CLOSED_LINE_AS_POLYGON"] = "TRUE"
    path = str(layer.path)
    with _GDAL_LOCK:
        if layer.fmt == "dxf":
            with open(layer.path, "rb") as fh:
                binary = fh.read(len(BINARY_DXF)) == BINARY_DXF
            # blocks are expanded only where their expansion was counted (text DXF, :func:`dxf_expansion`)
            pyogrio.set_gdal_config_options(
                {"DXF_ENCODING": layer.encoding or "UTF-8", "DXF_INLINE_BLOCKS": "FALSE" if binary else None}
            )
        try:
            info = None
            if layer.fmt in ("gpkg", "shp"):  # cheap to ask: driver and feature count before reading
                info = pyogrio.read_info(path, layer=layer.gdal_layer, **options)
                if info["driver"] not in DRIVERS[layer.fmt]:
                    raise UnsafeContentError(
                        "imp_wrong_driver", file=name, expected=FORMAT_LABEL[layer.fmt], found=str(info["driver"])
                    )
                count = int(info.get("features") or 0)
                if count > limits.max_features:
                    raise FileTooLargeError(
                        "imp_too_many_features", file=name, count=f"{count:,}", limit=f"{limits.max_features:,}"
                    )
            # pyogrio sizes its buffers by max_features × fields: ask for what the file holds, not the limit
            known = int(info.get("features") or -1) if info else -1
            most = min(known, limits.max_features) + 1 if known >= 0 else limits.max_features + 1
            fast = _arrow_read(path, layer.gdal_layer, limits, info) if layer.fmt in ARROW_FORMATS else None
            gdf = (
                fast
                if fast is not None
                else gpd.read_file(path, layer=layer.gdal_layer, engine="pyogrio", max_features=most, **options)
            )
        except (MemoryError, ImportRefusedError):
            raise
        except Exception as exc:  # pyogrio/GDAL/shapely raise many types for a damaged file
            _raise_read_error(exc, name=name, work=layer.path.parent)
        finally:
            if layer.fmt == "dxf":
                pyogrio.set_gdal_config_options({"DXF_ENCODING": None, "DXF_INLINE_BLOCKS": None})
    if len(gdf) > limits.max_features:  # GeoJSON, KML, DXF: read at most one feature more than the limit
        raise FileTooLargeError(
            "imp_too_many_features", file=name, count=f"> {limits.max_features:,}", limit=f"{limits.max_features:,}"
        )
    if layer.fmt == "kml":
        empty = [c for c in KML_STANDARD if c in gdf.columns and gdf[c].replace("", None).isna().all()]
        gdf = gdf.drop(columns=empty)
    if layer.rename:
        rename = {k: v for k, v in layer.rename.items() if k in gdf.columns and v not in gdf.columns}
        if rename:
            gdf = gdf.rename(columns=rename)
            layer.notes.append(msg("imp_note_fields_restored", count=len(rename)))
    return gdf


def _arrow_read(
    path: str, gdal_layer: str | None, limits: Limits, info: dict[str, Any] | None
) -> gpd.GeoDataFrame | None:
    """A layer read through Arrow with the values of pyogrio's feature-by-feature read, or None when only the
    feature-by-feature read can tell (the caller then reads the file that way).

    A GeoPackage is read through Arrow (about 3x faster for a million features). The reads differ in a few
    ways (pyogrio 0.13, GDAL 3.12), each handled here so that everything after the read (checks, the field
    mapping's text, the preview, the error the user sees) is the same:

    - a boolean field with nulls comes as objects True/False/None (feature by feature: float 1.0/0.0/NaN),
      a text field with no value at all as text NaN (feature by feature: objects None): converted;
    - a damaged geometry blob comes as a missing geometry (feature by feature: an error), a datetime field
      holding a value that is not a date as text (feature by feature: NaT), and GDAL's errors are worded
      differently: None, so the feature-by-feature read decides (only a file with features without geometry
      or a damaged one is read twice).
    """
    if info is None:
        return None
    try:
        gdf = gpd.read_file(
            path, layer=gdal_layer, engine="pyogrio", max_features=limits.max_features + 1, use_arrow=True
        )
    except MemoryError:
        raise
    except Exception:  # the feature-by-feature read raises the error the user sees
        return None
    if shapely.is_missing(gdf.geometry.to_numpy()).any():
        return None
    kinds = dict(zip(info.get("fields", ()), info.get("dtypes", ())))
    fixed: dict[str, pd.Series] = {}
    for col in gdf.columns:
        if col == gdf.geometry.name or col not in kinds:
            continue
        values, kind = gdf[col], str(kinds[col])
        if kind.startswith("datetime64") and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            return None
        if kind == "bool" and values.dtype == object:
            fixed[col] = values.astype("float64")
        elif kind == "object" and isinstance(values.dtype, pd.StringDtype) and values.isna().all():
            fixed[col] = pd.Series([None] * len(values), index=values.index, dtype=object)
    return gdf.assign(**fixed) if fixed else gdf


def _choose_layer(prepared: _Prepared, layer: str | None, name: str) -> _Layer:
    names = [lyr.display for lyr in prepared.layers]
    if layer is None:
        return prepared.layers[0]
    wanted = display_name(layer)
    for lyr in prepared.layers:
        if lyr.display == wanted or lyr.gdal_layer == layer:
            return lyr
    raise SchemaError("imp_no_layer", file=name, layer=wanted, layers=_names(names))


def read_upload(
    filename: str,
    data: bytes,
    *,
    layer: str | None = None,
    crs: str | None = None,
    xy: tuple[str, str] | None = None,
    expect: Expect = "polygon",
    limits: Limits = DEFAULT_LIMITS,
) -> ImportResult:
    """Read one uploaded file into EPSG:4326, checking everything on the way (in this process).

    The app calls :func:`read_upload_isolated`, which runs this in a worker with limits. Everything a user
    uploads is treated as hostile (see Notes).

    Parameters
    ----------
    filename : str
        The user's file name (only its last part is used, and only to pick the format and in messages).
    data : bytes
        The file.
    layer : str, optional
        Which layer of a multi-layer file (GeoPackage, KML, a zip of several shapefiles); default the first.
    crs : str, optional
        Overrides the file's CRS or the guess: an EPSG code, WKT or a PROJ string (checked by
        :func:`gis.crs.parse_user_crs`), ``GCJ-02``, ``BD-09`` or ``SWAP`` (the file has lat/lon order).
    xy : (str, str), optional
        The x/lon and y/lat columns of a CSV/XLSX (detected when omitted; see :func:`~ingest.tables.inspect_table`).
    expect : {"polygon", "point", "line", "any"}
        Geometry family the target layer needs.
    limits : Limits

    Returns
    -------
    ImportResult
        The layer in EPSG:4326 (input order kept, features without geometry dropped with a note).

    Raises
    ------
    ImportRefusedError
        A subclass naming the file and the problem (size, archive, content, CRS, coordinates, geometry).

    Notes
    -----
    - Archives (zip, KMZ, XLSX) are read through :class:`ingest.archives.SafeZip`: every byte actually inflated
      is counted against the limits, whatever the archive declares. Members GDAL needs are extracted through
      it into a private temporary folder under names the importer chooses (:mod:`ingest.unpack`); GDAL never
      opens an archive.
    - A file's content is checked against its format before GDAL sees it (a "GeoJSON" must start with ``{``,
      a KML may not declare XML entities, a GeoPackage must be SQLite…: :mod:`ingest.sniff`), and the driver
      GDAL picked is checked.
    - A coordinate system typed by the user or declared by the file goes through :func:`gis.crs.parse_user_crs`
      rules: nothing that makes PROJ open a file; a declared CRS that cannot or may not be used is refused.
    - XLSX is an archive too: rows, cells and columns are counted in the compressed XML before openpyxl reads
      it (read-only, streaming, bounded: :mod:`ingest.tables`).
    - :func:`read_upload_isolated` runs the whole read in a worker process with memory, CPU and wall-clock
      limits (:mod:`ingest.sandbox`), so a bomb only ever stops its own worker.

    Every refusal is an :class:`~gis.errors.ImportRefusedError` built from a catalogue code; notes are
    :class:`~text.messages.Message` objects; messages never show a temporary path, a GDAL build path, a numpy
    repr or a number hundreds of digits long.
    """
    require_worker("layer")
    name = display_name(filename)
    fmt = _format_of(name)
    if fmt is None:
        raise UnsupportedFormatError("imp_unsupported", file=name, suffix=_suffix(name) or "—", expected=list(SUFFIXES))
    if len(data) > limits.max_mb * MB:
        raise FileTooLargeError("imp_too_large", file=name, size_mb=_size_mb(len(data)), limit_mb=f"{limits.max_mb:g}")
    if not data:
        raise EmptyFileError("imp_empty", file=name)
    choice = normalise_crs_choice(crs, file=name)
    with tempfile.TemporaryDirectory(prefix="putuo-import-") as tmp:
        work = Path(tmp)
        prepared = _prepare(name, fmt, data, work, limits)
        notes: list[Message] = []
        assumed = False
        if prepared.table is not None:
            table_fmt, table_data = prepared.table
            frame, encoding, table_notes = _load_table(name, table_fmt, table_data, limits)
            gdf = _table_to_gdf(frame, name, xy)
            stem = PurePosixPath(name).stem
            layers, layer_name, declared = [stem], stem, None
            notes += table_notes
        else:
            chosen = _choose_layer(prepared, layer, name)
            gdf = _gdal_read(chosen, name, limits)
            layers, layer_name, declared = [lyr.display for lyr in prepared.layers], chosen.display, chosen.declared_crs
            encoding = chosen.encoding_label or chosen.encoding or prepared.encoding
            notes += chosen.notes
            assumed = chosen.assumed_crs
    if gdf.crs is None and declared and choice is None:
        raise CRSUnknownError("imp_file_crs_unusable", file=name, crs=clip_text(" ".join(declared.split()), 80))
    if gdf.crs is not None and not shifted_datum(gdf.crs):  # GCJ-02/BD-09 are named, not usable by PROJ
        try:
            check_crs_usable(pyproj.CRS(gdf.crs), shown=clip_text(gdf.crs.name or "?", 80))
        except CRSError as exc:
            raise CRSUnknownError(
                "imp_file_crs_bad", file=name, crs=clip_text(gdf.crs.name or "?", 80), reason=exc.message
            ) from exc
    if gdf.empty:
        raise EmptyFileError("imp_no_features", file=name, layer=layer_name)
    return _clean(
        name,
        gdf,
        crs=choice,
        expect=expect,
        encoding=encoding,
        layer=layer_name,
        layers=layers,
        notes=notes,
        fmt=fmt,
        assumed=assumed,
    )


def read_upload_isolated(filename: str, data: bytes, **kwargs: Any) -> ImportResult:
    """:func:`read_upload` behind the door (:func:`ingest.door.read_layer`): a worker with the limits of ``SETTINGS``.

    Same arguments and result. A file that exhausts a limit stops only its worker and raises
    :class:`~gis.errors.LimitExceededError` naming the limit (``parse_memory_mb``, ``parse_cpu_s``,
    ``parse_wall_s``); other errors are those of :func:`read_upload`.
    """
    from ingest.door import read_layer

    return read_layer(filename, data, **kwargs)


def read_uploaded_polygons(
    filename: str, data: bytes, *, max_mb: float = SETTINGS.max_upload_mb, isolated: bool = True
) -> gpd.GeoDataFrame:
    """Polygons of an uploaded file in EPSG:4326 (the parcels page's quick path); raises ImportRefusedError.

    Read in a worker with limits unless ``isolated=False`` (tests, the command line's own worker).
    """
    reader = read_upload_isolated if isolated else read_upload
    return reader(filename, data, expect="polygon", limits=Limits(max_mb=max_mb)).gdf
