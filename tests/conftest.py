"""Shared fixtures: the bundled data, hand-built geometries, a live Streamlit server and a browser."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gis.datasets import load_park_data
from tests.live_app import CHROMIUM, CHROMIUM_ARGS, running_app

# The server's own folder (its key file and the audit checkpoints): one throw-away folder per test session, shared
# with the processes the tests start (the command line, writers, the live app), never the installation's.
if not os.environ.get("PUTUO_STATE_DIR"):
    os.environ["PUTUO_STATE_DIR"] = tempfile.mkdtemp(prefix="putuo-state-")
    atexit.register(shutil.rmtree, os.environ["PUTUO_STATE_DIR"], True)


@pytest.fixture(autouse=True)
def _no_drafts(monkeypatch):
    """No work in progress is kept between tests (the AppTests share the repository's workspace): a test of drafts
    sets PUTUO_AUTOSAVE=1 itself."""
    monkeypatch.setenv("PUTUO_AUTOSAVE", "0")


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
        {
            "id": ["A", "B", "C"],
            "name_zh": ["甲", "乙", "丙"],
            "name_en": ["A", "B", "C"],
            "cluster": ["north", "north", "south"],
        },
        geometry=[
            metric_square(PUTUO_X, PUTUO_Y, 1000),
            metric_square(PUTUO_X + 2000, PUTUO_Y, 500),
            metric_square(PUTUO_X, PUTUO_Y + 3000, 100),
        ],
        index=[10, 20, 30],
        crs="EPSG:4549",
    )


@pytest.fixture(scope="module")
def ds():
    """The bundled data folder as the application layer's data set (planner.data)."""
    from planner import data as datasets

    return datasets.folder_dataset()


@pytest.fixture(scope="module")
def ev(ds):
    """The candidate parcels of ``ds`` evaluated (planner.evaluate)."""
    from planner import evaluate

    return evaluate.evaluate(ds)


@pytest.fixture(scope="module")
def scores(ev):
    """``ev`` scored with the default weights."""
    from planner import evaluate

    return evaluate.score(ev, evaluate.default_weights(ev.criteria))


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The real app on a free loopback port for the whole session (log in the session's tmp dir)."""
    with running_app(log_path=tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (no `playwright install`)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: run `bash scripts/setup.sh --dev`"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def postgis_url():
    """A throw-away PostgreSQL + PostGIS cluster for the session (tests/pg.py); its database ``putuo``.
    PostgreSQL or PostGIS missing is a failure, not a skip (scripts/setup.sh --dev installs them)."""
    from tests.pg import postgis_cluster

    with postgis_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def postgis_template(postgis_url):
    """A database with the workspace schema migrated, copied for each test that needs an empty workspace."""
    from tests.pg import template_database

    return template_database(postgis_url)


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item (browser tests save a screenshot when they fail)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def save_failure_screenshot(request, page, *, suffix: str = "") -> None:
    """After a failed browser test, keep a full-page screenshot under test-artifacts/ for the log (``suffix``
    tells a test's several pages apart)."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}{suffix}.png"), full_page=True)
        except Exception as exc:
            print(f"no screenshot: {exc}")
