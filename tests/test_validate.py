"""`python -m gis validate DIR` passes on the bundled data and names every broken feature otherwise."""

import shutil
import subprocess
import sys

import geopandas as gpd
import pytest
import shapely
from shapely import affinity

from gis.io import write_layer
from tests.live_app import ROOT


def _run(folder, *options):
    return subprocess.run(
        [sys.executable, "-m", "gis", "validate", str(folder), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_data(tmp_path):
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest)
    return dest


def test_bundled_data_passes():
    r = _run(ROOT / "data")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "OK" in r.stdout and "14 sub-parks" in r.stdout and "10.08" in r.stdout


def _edit_subparks(folder, fn):
    path = folder / "boundaries" / "subparks.geojson"
    gdf = gpd.read_file(path)
    write_layer(fn(gdf), path)


def test_overlap_outside_and_count_are_reported(copy_of_data):
    def breaker(gdf):
        gdf = gdf.copy()
        i, k = gdf.index[gdf["id"] == "S04"][0], gdf.index[gdf["id"] == "S01"][0]
        gdf.loc[i, "geometry"] = affinity.translate(gdf.loc[k, "geometry"], xoff=0.002)  # onto 长风
        j = gdf.index[gdf["id"] == "N02"][0]
        gdf.loc[j, "geometry"] = affinity.translate(gdf.loc[j, "geometry"], xoff=-0.03)  # out of the district
        return gdf[gdf["id"] != "S08"]  # 13 sub-parks, 7 south

    _edit_subparks(copy_of_data, breaker)
    r = _run(copy_of_data)
    assert r.returncode == 1
    assert "13 sub-parks, expected 14" in r.stdout
    assert "South cluster: 7 sub-parks, expected 8" in r.stdout
    assert "Sub-park N02:" in r.stdout and "outside the district" in r.stdout
    assert "Sub-parks S01 and S04 overlap by" in r.stdout
    assert "Total sub-park area" in r.stdout
    zh = _run(copy_of_data, "--lang", "zh").stdout
    assert "子园共 13 个，应为 14 个" in zh and "子园 S01 与 S04 重叠" in zh


def test_schema_problems_and_missing_file(copy_of_data):
    _edit_subparks(copy_of_data, lambda g: g.assign(accuracy=[""] + list(g["accuracy"][1:])))
    (copy_of_data / "transit" / "stations.geojson").unlink()
    r = _run(copy_of_data)
    assert r.returncode == 1
    assert "Layer stations: Layer file not found: stations.geojson" in r.stdout
    assert "empty accuracy" in r.stdout


def test_wrong_axis_order_is_caught(copy_of_data):
    path = copy_of_data / "boundaries" / "subparks.geojson"
    gdf = gpd.read_file(path)
    swapped = gdf.set_geometry(shapely.transform(gdf.geometry.to_numpy(), lambda c: c[:, ::-1]))
    path.unlink()
    swapped.to_file(path, driver="GeoJSON")  # lat/lon order, as some exports write it
    r = _run(copy_of_data)
    assert r.returncode == 1 and "outside Shanghai" in r.stdout and "axes swapped" in r.stdout
