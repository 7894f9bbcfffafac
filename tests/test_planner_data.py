"""planner/data.py directly: a data set's version follows its content, derived results live with it, the
registry finds the data sets sessions hold."""

from __future__ import annotations

import gc
import json
import re
import shutil
from pathlib import Path

import pytest
import shapely

from gis.errors import DataValidationError
from planner import data as datasets

BUNDLED = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the bundled data folder that a test may change."""
    root = tmp_path / "data"
    shutil.copytree(BUNDLED, root)
    return root


def _rename_parcel(root: Path, new_name: str) -> None:
    path = root / "parcels" / "parcels.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name_zh"] = new_name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_folder_dataset_is_loaded_once_and_versioned_by_content(folder):
    bundled = datasets.folder_dataset(BUNDLED)
    assert re.fullmatch(r"d[0-9a-f]{16}", bundled.version)
    assert datasets.folder_dataset(BUNDLED) is bundled  # same files: the same object, not loaded again
    assert bundled.imported == ()
    copy = datasets.folder_dataset(folder)
    assert copy.version == bundled.version  # same content elsewhere: the same version
    _rename_parcel(folder, "改过名的地块")
    changed = datasets.folder_dataset(folder)
    assert changed is not copy and changed.version != bundled.version
    assert changed.park.parcels["name_zh"].iloc[0] == "改过名的地块"
    assert copy.park.parcels["name_zh"].iloc[0] != "改过名的地块"  # the old data set is not changed
    assert datasets.lookup(changed.version) is changed
    assert changed.version in datasets.live_versions()


def test_folder_dataset_of_a_folder_missing_its_layers_lists_the_problems(tmp_path):
    with pytest.raises(DataValidationError, match="district"):
        datasets.folder_dataset(tmp_path)


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PUTUO_DATA_DIR", str(tmp_path))
    assert datasets.data_dir() == tmp_path
    monkeypatch.delenv("PUTUO_DATA_DIR")
    assert datasets.data_dir() != tmp_path


def test_with_layers_replaces_layers_without_touching_the_base():
    base = datasets.folder_dataset(BUNDLED)
    assert datasets.with_layers(base, {}) is base
    parcels = base.park.parcels
    before = parcels.copy()
    few = parcels.iloc[:5].copy()
    ds = datasets.with_layers(base, {"parcels": few})
    assert ds.version != base.version and ds.imported == ("parcels",)
    assert list(ds.park.parcels["id"]) == list(few["id"])
    assert ds.park.subparks is base.park.subparks  # the other layers are shared, not copied
    assert len(base.park.parcels) == len(before) and base.park.parcels.equals(before)
    # the same content again: the same version; more layers: the union of what was imported
    assert datasets.with_layers(base, {"parcels": few.copy()}).version == ds.version
    both = datasets.with_layers(ds, {"buildings": base.park.buildings.iloc[:3]})
    assert both.imported == ("buildings", "parcels")
    assert len({base.version, ds.version, both.version}) == 3
    # a layer replaced by an identical copy: the content, hence the version, is the base's
    assert datasets.with_layers(base, {"parcels": parcels.copy()}).version == base.version


def test_layers_digest_sees_attributes_and_exact_geometry_not_dict_order():
    base = datasets.folder_dataset(BUNDLED)
    sp, st = base.park.subparks, base.park.stations
    digest = datasets.layers_digest({"subparks": sp, "stations": st})
    assert datasets.layers_digest({"stations": st, "subparks": sp}) == digest
    renamed = sp.copy()
    renamed.loc[renamed.index[0], "name_en"] = "Renamed"
    assert datasets.layers_digest({"subparks": renamed, "stations": st}) != digest
    moved = sp.copy()
    moved.geometry = moved.geometry.translate(1e-9, 0)  # far less than a millimetre
    assert datasets.layers_digest({"subparks": moved, "stations": st}) != digest
    # the same frame under another layer id is other content
    assert datasets.layers_digest({"subparks": st, "stations": sp}) != digest


def test_keep_computes_once_per_data_set():
    base = datasets.folder_dataset(BUNDLED)
    ds = datasets.with_layers(base, {"parcels": base.park.parcels.iloc[:7]})
    calls = []

    def compute():
        calls.append(1)
        return len(ds.park.parcels)

    assert ds.keep("test-count", compute) == 7
    assert ds.keep("test-count", compute) == 7
    assert calls == [1]
    assert "test-count" not in base.derived  # derived results belong to their own data set


def test_lookup_forgets_a_data_set_no_session_holds():
    base = datasets.folder_dataset(BUNDLED)
    parcels = base.park.parcels.iloc[:3].copy()
    parcels["geometry"] = parcels.geometry.translate(0.0001, 0)
    ds = datasets.with_layers(base, {"parcels": parcels})
    version = ds.version
    assert datasets.lookup(version) is ds and version in datasets.live_versions()
    del ds
    gc.collect()
    assert datasets.lookup(version) is None
    assert version not in datasets.live_versions()
    assert datasets.lookup("d0000000000000000") is None


def test_published_dataset_reads_once_per_publication(monkeypatch):
    monkeypatch.setattr(datasets, "_published", {})  # this test's publications only
    base = datasets.folder_dataset(BUNDLED)
    loads = []

    def load(n):
        def read():
            loads.append(n)
            few = base.park.parcels.iloc[:n].copy()
            few["geometry"] = shapely.box(121.38, 31.24, 121.39, 31.25)
            return {"parcels": few}

        return read

    one = datasets.published_dataset(base, load(2), etag="e1")
    assert datasets.published_dataset(base, load(2), etag="e1") is one and loads == [2]
    assert len(one.park.parcels) == 2 and one.imported == ("parcels",)
    two = datasets.published_dataset(base, load(4), etag="e2")
    assert len(two.park.parcels) == 4 and loads == [2, 4]
    # only the current publication is kept: going back to e1 reads it again
    datasets.published_dataset(base, load(2), etag="e1")
    assert loads == [2, 4, 2]


def test_a_version_stays_findable_while_any_data_set_of_that_content_lives():
    """A data set with the same content as a live one (a published layer identical to the folder's) took the
    registry entry; when it went, the version was gone although the folder's data set was still in use, and
    the map's layer routes answered 404."""
    base = datasets.folder_dataset(BUNDLED)
    twin = datasets.with_layers(base, {"parcels": base.park.parcels.copy()})
    assert twin.version == base.version and twin is not base
    del twin
    gc.collect()
    assert datasets.lookup(base.version) is not None
    assert datasets.lookup(base.version).park.parcels.equals(base.park.parcels)
    # two sessions importing the same file: the first one's data set goes, the second one's version stays
    parcels = base.park.parcels.iloc[:4].copy()
    parcels["geometry"] = parcels.geometry.translate(0.0002, 0)
    first = datasets.with_layers(base, {"parcels": parcels})
    second = datasets.with_layers(base, {"parcels": parcels.copy()})
    version = second.version
    assert first.version == version
    del first
    gc.collect()
    found = datasets.lookup(version)
    assert found is not None and list(found.park.parcels["id"]) == list(second.park.parcels["id"])
    del second, found
    gc.collect()
    assert datasets.lookup(version) is None  # and it goes when none is left
