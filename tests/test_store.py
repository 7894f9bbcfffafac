"""The compatibility shim gis/store.py (old ScenarioStore calls of pages not yet rewired) on the new workspace."""

import geopandas as gpd
import pytest
import shapely

from gis.scenario import Scenario
from gis.store import ScenarioStore, StoreError


def _scenario(name="甲方案", n_drawn=1):
    s = Scenario(name=name, author="王", notes="<b>备注</b>", parcels=("P001", "P002"), weights={"transit": 0.4},
                 assign={"P001": "subpark:S01", "P002": "new:north:新园"})
    for i in range(n_drawn):
        s = s.with_drawn(f"D{i}", f"画{i}", shapely.box(121.39 + i * 1e-3, 31.25, 121.3905 + i * 1e-3, 31.2505))
    return s


def test_save_load_history(tmp_path):
    store = ScenarioStore(tmp_path / "ws.gpkg")
    s = _scenario()
    saved1, v1 = store.save(s)
    saved2, v2 = store.save(saved1.with_parcel("P003", included=True), author="李")
    assert (v1, v2) == (1, 2)
    assert store.load(s.id) == saved2 and store.load(s.id, version=1) == saved1
    hist = store.history(s.id)
    assert hist["version"].tolist() == [1, 2] and hist["author"].tolist() == ["王", "李"]
    assert hist["changes"].iloc[1] == "parcels added: P003"
    listing = store.list()
    assert listing["id"].tolist() == [s.id] and listing["version"].tolist() == [2]
    assert store.drawn_geometries(s.id, 2)["D0"].equals(shapely.from_wkt(s.drawn["D0"][1]))
    with pytest.raises(StoreError, match="No scenario with id nope"):
        store.load("nope")


def test_export_import_gives_new_ids(tmp_path):
    a = ScenarioStore(tmp_path / "a.gpkg")
    s1, _ = a.save(_scenario("甲"))
    s2, _ = a.save(_scenario("乙", n_drawn=3))
    a.export(tmp_path / "out.gpkg", [s1.id, s2.id])
    b = ScenarioStore(tmp_path / "b.gpkg")
    new_ids = b.import_from(tmp_path / "out.gpkg")
    assert len(new_ids) == 2 and not set(new_ids) & {s1.id, s2.id}
    assert sorted(b.load(i).name for i in new_ids) == ["乙", "甲"]
    assert b.load(new_ids[1]).drawn == s2.drawn


def test_layers_and_mappings(tmp_path, data):
    store = ScenarioStore(tmp_path / "ws.gpkg")
    store.save_layer("parcels", data.parcels.iloc[:10])
    store.save_mapping("sig", "parcels", {"id": "ID"})
    layers = store.saved_layers()
    assert list(layers) == ["parcels"] and len(layers["parcels"]) == 10
    assert isinstance(layers["parcels"], gpd.GeoDataFrame) and store.load_mapping("sig") == {"id": "ID"}


def test_not_a_workspace_file(tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged"):
        ScenarioStore(bad)
