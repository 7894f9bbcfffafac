"""read_upload(kind=layer|raster|scenario|basemap): every user file parsed in a limited worker, never in the server.

The one reader service of the app and the command line: each kind names its reader, and :func:`ingest.door.run_reader`
runs it in a worker (memory, CPU and wall-clock limits, no secrets in its environment, no network, the kind's GDAL
drivers only). The readers themselves refuse to run in the server process (:mod:`gis.worker_guard`).
"""

from __future__ import annotations

import os
from typing import Any

import geopandas as gpd

from gis.raster import RasterInfo, raster_probe
from gis.scenario import Scenario
from ingest.door import KINDS, Kind, preload, read_layer, run_reader
from ingest.model import ImportResult
from ingest.wording import display_name
from store.transfer import read_scenario_bytes
from text.messages import msg
from tiles.sources import PackageInfo, probe_package

__all__ = ["KINDS", "read_upload", "read_scenarios", "read_raster", "read_basemap"]

preload("store.transfer", "tiles.sources", "gis.raster")  # the readers of every kind, imported once by the forkserver


def read_scenarios(data: bytes, *, filename: str) -> list[Scenario]:
    """The scenarios of an uploaded scenario GeoPackage, each validated (in a worker; see :mod:`store.transfer`).

    Raises
    ------
    ScenarioFileError
        Not a scenario file, damaged, too many scenarios or a bad record (named).
    LimitExceededError
        Reading it went over a limit of the worker (memory MB, CPU s, wall s).
    """
    label = display_name(filename) or "upload.gpkg"
    return run_reader("scenario", read_scenario_bytes, data, label=label, task=msg("ws_task_read", file=label))


def read_raster(data: bytes, *, filename: str, parcels: gpd.GeoDataFrame, band: int = 1) -> RasterInfo:
    """What an uploaded GeoTIFF is and how many of ``parcels`` it covers (in a worker; GTiff driver only).

    Raises
    ------
    RasterError
        Not a GeoTIFF, no usable CRS, covering no parcel, no valid pixel under any, or too many pixels to read.
    """
    name = display_name(filename)
    return run_reader("raster", raster_probe, parcels, data, band=band, task=msg("raster_task", name=name[:40]))


def read_basemap(path: str | os.PathLike) -> PackageInfo:
    """Validate a local basemap package (MBTiles opened read-only and immutable, or a GeoTIFF) in a worker."""
    label = os.path.basename(str(path)) or str(path)
    return run_reader("basemap", probe_package, str(path), task=msg("tile_task_check", name=label[:80]))


def read_upload(kind: Kind, filename: str, data: bytes, **options: Any) -> ImportResult | RasterInfo | list[Scenario]:
    """Read one user file of ``kind`` behind the door.

    Parameters
    ----------
    kind : {"layer", "raster", "scenario"}
        ``layer``: :func:`ingest.readers.read_upload` (options: layer, crs, xy, expect, limits); ``raster``:
        :func:`read_raster` (options: parcels, band); ``scenario``: :func:`read_scenarios`. Basemap packages are
        files of the server: :func:`read_basemap`.
    filename : str
        The user's name for it (shown in messages only).
    data : bytes
    """
    if kind == "layer":
        return read_layer(filename, data, **options)
    if kind == "raster":
        return read_raster(data, filename=filename, **options)
    if kind == "scenario":
        return read_scenarios(data, filename=filename)
    raise ValueError(f"unknown kind of upload {kind!r}; expected layer, raster or scenario")
