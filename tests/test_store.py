"""The scenario workspace: round trips, history, GeoPackage validity, concurrent saves, a save killed midway."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import geopandas as gpd
import pytest
import shapely

from gis.scenario import Scenario
from gis.store import ScenarioStore, StoreError
from tests.live_app import ROOT


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
    assert hist["changes"].iloc[1].text("en") == "parcels added: P003"
    listing = store.list()
    assert listing["id"].tolist() == [s.id] and listing["version"].tolist() == [2]
    with pytest.raises(StoreError, match="No saved scenario"):
        store.load("nope")


def test_workspace_is_a_geopackage_gis_can_read(tmp_path):
    store = ScenarioStore(tmp_path / "ws.gpkg")
    s, v = store.save(_scenario(n_drawn=2))
    layer = gpd.read_file(tmp_path / "ws.gpkg", layer="scenario_geometries")
    assert layer.crs.to_epsg() == 4326 and len(layer) == 2 and set(layer["name"]) == {"画0", "画1"}
    geoms = store.drawn_geometries(s.id, v)
    assert geoms["D1"].equals(shapely.from_wkt(s.drawn["D1"][1]))


def test_export_import_round_trip_exact(tmp_path):
    a = ScenarioStore(tmp_path / "a.gpkg")
    s1, _ = a.save(_scenario("甲"))
    s2, _ = a.save(_scenario("乙", n_drawn=3))
    a.export(tmp_path / "out.gpkg", [s1.id, s2.id])
    b = ScenarioStore(tmp_path / "b.gpkg")
    assert sorted(b.import_from(tmp_path / "out.gpkg")) == sorted([s1.id, s2.id])
    assert b.load(s1.id) == s1 and b.load(s2.id) == s2  # every field, timestamps included
    assert b.load(s2.id).to_json() == s2.to_json()


def test_not_a_workspace_file(tmp_path):
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="Cannot open the workspace"):
        ScenarioStore(bad)


SAVER = """
import sys, shapely
sys.path.insert(0, {root!r})
from gis.store import ScenarioStore
from gis.scenario import Scenario
store = ScenarioStore({path!r})
s = Scenario(name="shared", id="shared-id")
for i in range({n}):
    for k in range({drawn}):
        s = s.with_drawn(f"{{sys.argv[1]}}-{{i}}-{{k}}", "x" * 200, shapely.box(121.39, 31.25, 121.3901 + k * 1e-6, 31.2501))
    store.save(s, author=sys.argv[1])
"""


def _saver(tmp_path, path, who, n, drawn=1):
    script = tmp_path / f"saver_{who}.py"
    script.write_text(SAVER.format(root=str(ROOT), path=str(path), n=n, drawn=drawn))
    return subprocess.Popen([sys.executable, str(script), who])


def test_concurrent_saves_from_two_processes_lose_nothing(tmp_path):
    path = tmp_path / "ws.gpkg"
    ScenarioStore(path)
    procs = [_saver(tmp_path, path, who, 40) for who in ("A", "B")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = ScenarioStore(path)
    hist = store.history("shared-id")
    assert hist["version"].tolist() == list(range(1, 81))  # 80 saves, 80 distinct versions, no gap
    assert hist["author"].value_counts().to_dict() == {"A": 40, "B": 40}
    for v in (1, 40, 80):
        store.load("shared-id", version=v)


def test_a_save_killed_midway_never_corrupts_saved_versions(tmp_path):
    path = tmp_path / "ws.gpkg"
    store = ScenarioStore(path)
    saved, _ = store.save(_scenario("kept"))
    for round_ in range(3):
        before = len(ScenarioStore(path).history("shared-id"))
        proc = _saver(tmp_path, path, "K", 1000, drawn=30)  # long-running saves
        deadline = time.monotonic() + 120
        while len(ScenarioStore(path).history("shared-id")) < before + 1 + round_:  # it is saving: kill it now
            assert proc.poll() is None and time.monotonic() < deadline, "the saver never saved"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store = ScenarioStore(path)
        assert store.load(saved.id) == saved
        hist = store.history("shared-id")
        assert hist["version"].tolist() == list(range(1, len(hist) + 1))
        for v in hist["version"]:  # each version's row and its geometries were committed together
            version = store.load("shared-id", version=v)
            assert len(version.drawn) % 30 == 0
            assert len(store.drawn_geometries("shared-id", v)) == len(version.drawn)
    assert len(hist) > 0  # the killed processes did get some saves in
