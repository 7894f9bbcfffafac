"""Imported first by the upload workers' forkserver: one BLAS thread, network off, then the readers preloaded."""

from __future__ import annotations

import os

# Before numpy loads: a worker does one job on one core; BLAS thread pools would only add threads to fork.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ["PROJ_NETWORK"] = "OFF"  # PROJ never fetches grids from the internet in a worker

import geopandas  # noqa: E402,F401
import openpyxl  # noqa: E402,F401
import pandas  # noqa: E402,F401
import pyogrio  # noqa: E402,F401
import pyproj  # noqa: E402
import shapely  # noqa: E402,F401

import ingest.readers  # noqa: E402,F401

pyproj.network.set_network_enabled(False)
