"""Shared fixtures: the bundled data, hand-built geometries, a live Streamlit server and a browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gis.datasets import load_park_data

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 # No network at all: every host name fails to resolve except the local server.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]


@pytest.fixture(scope="session")
def data():
    return load_park_data()


def metric_square(x0: float, y0: float, size_m: float) -> shapely.Polygon:
    """A square in EPSG:4549 metres, lower-left corner at (x0, y0)."""
    return shapely.box(x0, y0, x0 + size_m, y0 + size_m)


#: A point in Putuo in EPSG:4549 (about 121.39 E, 31.25 N).
PUTUO_X, PUTUO_Y = 632_000.0, 3_459_000.0


@pytest.fixture
def squares_4549() -> gpd.GeoDataFrame:
    """Three squares of known area in EPSG:4549: 1 km2, 0.25 km2 and 1 ha, index 10/20/30."""
    return gpd.GeoDataFrame(
        {"id": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"], "name_en": ["A", "B", "C"],
         "cluster": ["north", "north", "south"]},
        geometry=[metric_square(PUTUO_X, PUTUO_Y, 1000), metric_square(PUTUO_X + 2000, PUTUO_Y, 500),
                  metric_square(PUTUO_X, PUTUO_Y + 3000, 100)],
        index=[10, 20, 30], crs="EPSG:4549")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start `streamlit run app.py` on a free loopback port; yield its URL; stop it afterwards."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PUTUO_DATA_DIR", None)
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"Streamlit did not start; log:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (no `playwright install`)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `bash scripts/setup.sh --dev`"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
