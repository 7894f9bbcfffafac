"""The one door for user files: every parse runs in a limited worker with a per-kind GDAL driver allow-list, no network.

Whatever a user hands the server — a vector layer, a GeoTIFF criterion, a scenario file, a basemap package —
is parsed by :func:`run_reader` (or :func:`read_layer` for layers): the reader runs in a worker of
:mod:`ingest.sandbox` (memory, CPU and wall-clock limits; an environment without secrets), marked with
:func:`gis.worker_guard.enter_worker` so the readers' own guard holds, with the GDAL settings of
:data:`USER_DATA_GDAL` (no network file systems, no raw VRT bands, no sidecar look-ups, PROJ offline) and the
drivers of :data:`ALLOWED_DRIVERS` for its kind. The planner's :mod:`planner.door` names the reader of each
kind (scenario files and basemap packages are read by :mod:`store` and :mod:`tiles`, which this package may
not import).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from gis.worker_guard import enter_worker
from text.messages import Message

T = TypeVar("T")
Kind = Literal["layer", "raster", "scenario", "basemap"]
KINDS: tuple[str, ...] = ("layer", "raster", "scenario", "basemap")

#: GDAL drivers each kind may be opened with (anything else is refused unread, or after GDAL named its driver).
#: A scenario file is read with SQLite itself (read-only, immutable), a basemap package with SQLite (MBTiles) or
#: GDAL's GTiff driver; a raster criterion only ever with GTiff (a COG is a GeoTIFF).
ALLOWED_DRIVERS: dict[str, tuple[str, ...]] = {
    "layer": (
        "GeoJSON",
        "GeoJSONSeq",
        "ESRIJSON",
        "TopoJSON",
        "JSONFG",
        "GPKG",
        "KML",
        "LIBKML",
        "DXF",
        "ESRI Shapefile",
    ),
    "raster": ("GTiff",),
    "scenario": ("GPKG",),
    "basemap": ("GTiff", "MBTiles"),
}
#: Drivers no worker ever registers: they read other files (VRT, GTI), fetch URLs (WMS, WMTS, WCS, WFS, OGC API, the
#: cloud services) or derive datasets from other ones. Raster drivers go to ``GDAL_SKIP`` (space-separated), vector
#: ones to ``OGR_SKIP`` (comma-separated); a GDAL build without one of them prints a warning once, in the forkserver.
SKIPPED_RASTER_DRIVERS = ("VRT", "WMS", "WMTS", "WCS", "DERIVED", "EEDAI", "ESRIC", "DAAS", "STACIT", "STACTA", "GTI")
SKIPPED_VECTOR_DRIVERS = ("OGR_VRT", "WFS", "OAPIF", "OGCAPI", "GPSBabel", "NGW", "CSW", "Elasticsearch", "HTTP")
#: GDAL/PROJ settings of every worker (set in its environment before GDAL loads, so both GDAL builds see them).
USER_DATA_GDAL: dict[str, str] = {
    "GDAL_SKIP": " ".join(SKIPPED_RASTER_DRIVERS),
    "OGR_SKIP": ",".join(SKIPPED_VECTOR_DRIVERS),
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none-allowed",
    "CPL_VSIL_CURL_USE_HEAD": "NO",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # the discard port: any request that slipped through goes nowhere
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_PAM_ENABLED": "NO",  # no .aux.xml sidecar read or written
    "GDAL_ENABLE_DEPRECATED_DRIVER_NONE": "NO",
    "PROJ_NETWORK": "OFF",
    "OSR_USE_NON_DEPRECATED": "YES",
}
#: Environment variables a worker never keeps (database URLs, keys, passwords, tokens), by name fragment.
SECRET_MARKERS = ("DATABASE", "_DB_", "DB_URL", "SECRET", "PASSWORD", "PASSWD", "TOKEN", "KEY", "CREDENTIAL", "AUTH")


_URL_WITH_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s@]*:[^/\s@]*@")


def is_secret_value_or_name(name: str, value: str) -> bool:
    """Whether an environment variable may hold a secret: by its name, or a URL with a password in its value."""
    if name in USER_DATA_GDAL:
        return False
    upper = name.upper()
    return any(marker in upper for marker in SECRET_MARKERS) or bool(_URL_WITH_PASSWORD.search(value))


def network_off() -> None:
    """Put :data:`USER_DATA_GDAL` into this process's environment (a worker's, before GDAL loads)."""
    os.environ.update(USER_DATA_GDAL)


def preload(*modules: str) -> None:
    """Have the workers' forkserver import these reader modules once, so no worker pays for it (a scenario
    reader imports the store: about 5 s). Effective when called before the first worker starts."""
    from ingest import sandbox

    for name in modules:
        if name not in sandbox.PRELOAD:
            sandbox.PRELOAD.append(name)


def _enter(kind: str, fn: Callable[..., T], args: tuple, kwargs: dict) -> T:
    """In the worker: mark it as a reader of ``kind``, then run the reader."""
    enter_worker(kind)
    return fn(*args, **kwargs)


def run_reader(
    kind: Kind,
    fn: Callable[..., T],
    *args: Any,
    task: Message,
    memory_mb: float | None = None,
    wall_s: float | None = None,
    **kwargs: Any,
) -> T:
    """``fn(*args, **kwargs)`` parsed behind the door: in a limited worker marked as a reader of ``kind``.

    Parameters
    ----------
    kind : {"layer", "raster", "scenario", "basemap"}
    fn : callable
        A reader of an importable module (it calls :func:`gis.worker_guard.require_worker`).
    task : Message
        What is read, named in limit messages.
    memory_mb, wall_s : float, optional
        Other limits than the upload limits of ``SETTINGS`` (MB of address space, seconds).

    Raises
    ------
    PlannerError
        The reader's refusal, or a :class:`~gis.errors.LimitExceededError` naming the limit that was hit.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of file {kind!r}; expected one of {KINDS}")
    from ingest.sandbox import run_limited

    return run_limited(_enter, kind, fn, args, kwargs, task=task, memory_mb=memory_mb, wall_s=wall_s)


def read_layer(filename: str, data: bytes, **kwargs: Any) -> Any:
    """A vector layer read behind the door (:func:`ingest.readers.read_upload` in a worker); same arguments."""
    from ingest.readers import read_upload
    from ingest.wording import display_name
    from text.messages import msg

    return run_reader(
        "layer", read_upload, filename, data, task=msg("imp_task_read", file=display_name(filename)), **kwargs
    )
