"""Imported first by the upload workers' forkserver: no secrets, one BLAS thread, network off, readers preloaded."""

from __future__ import annotations

import os

from ingest.door import network_off
from ingest.sandbox import scrub_secrets

# Before numpy loads: a worker does one job on one core; BLAS thread pools would only add threads to fork.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
scrub_secrets()  # the forkserver is single-threaded here: every worker forked from it starts without them
network_off()  # before GDAL loads: skipped drivers, no /vsicurl, no raw VRT bands, PROJ offline

import geopandas  # noqa: E402,F401
import openpyxl  # noqa: E402,F401
import pandas  # noqa: E402,F401
import pyogrio  # noqa: E402,F401
import pyproj  # noqa: E402
import rasterio  # noqa: E402,F401
import shapely  # noqa: E402,F401

import ingest.readers  # noqa: E402,F401

pyproj.network.set_network_enabled(False)
