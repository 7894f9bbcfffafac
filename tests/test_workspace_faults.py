"""Workspace faults on the GeoPackage engine (issue 10, item 8): read-only, full disk, corrupt, foreign files, and
the upgrade of a first-version workspace with its automatic backup. An unreadable file is never replaced."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import event

from gis.errors import StoreError, WorkspaceCorruptError, WorkspaceFullError, WorkspaceReadOnlyError
from gis.scenario import Scenario
from store import engines as engines_mod
from store import open_workspace
from tests.legacy_workspace import LegacyStore


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def big_scenario(name: str, n_drawn: int = 20, *, seed: int = 0) -> Scenario:
    s = Scenario(name=name)
    for i in range(n_drawn):  # 200-vertex polygons: about 3 KB of WKB each
        s = s.with_drawn(f"D{i}", f"区{i}", shapely.Point(121.39 + i * 1e-3, 31.25 + seed * 1e-3).buffer(4e-4, 50))
    return s


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at ``path`` (root; the tests run as root like CI)."""
    path.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def saved_workspace(path: Path) -> tuple[Scenario, int]:
    ws = open_workspace(path=path, cached=False)
    saved = ws.scenarios.save(big_scenario("kept", 3), actor="alice", base_version=None)
    ws.close()
    return saved.scenario, saved.version


# --- corrupt and foreign files ------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"this is not sqlite" * 100, b"SQLite format 3\x00" + b"\x00" * 4000])
def test_a_file_that_is_not_a_workspace_is_refused_and_left_alone(tmp_path, content):
    bad = tmp_path / "ws.gpkg"
    bad.write_bytes(content)
    before = digest(bad)
    with pytest.raises(WorkspaceCorruptError) as caught:
        open_workspace(path=bad, cached=False)
    text = caught.value.text("en")
    assert "damaged" in text and "nothing was overwritten" in text and "No automatic backup" in text
    assert "Traceback" not in text and caught.value.text("zh") != text
    assert digest(bad) == before and sorted(p.name for p in tmp_path.iterdir()) == ["ws.gpkg"]


def test_a_damaged_page_is_caught_on_open_and_the_backup_named(tmp_path):
    path = tmp_path / "ws.gpkg"
    saved_workspace(path)
    backup = tmp_path / "ws.backup-20260101T000000Z-legacy.gpkg"
    backup.write_bytes(path.read_bytes())
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, len(data) - page, 2 * page):  # scribble over every other page
        data[offset + 100 : offset + 400] = os.urandom(300)
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(WorkspaceCorruptError) as caught:
        open_workspace(path=path, cached=False)
    assert "ws.backup-20260101T000000Z-legacy.gpkg" in caught.value.text("en")
    assert "2026-01-01 08:00:00" in caught.value.text("zh")  # the backup's time in Beijing time
    assert digest(path) == before


def test_publishing_a_layer_never_replaces_an_unreadable_workspace(tmp_path):
    from store import open_workspace

    bad = tmp_path / "ws.gpkg"
    bad.write_bytes(b"garbage" * 1000)
    before = digest(bad)
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(121.3, 31.2, 121.31, 31.21)], crs=4326)
    with pytest.raises(StoreError):
        open_workspace(path=bad).layers.publish("parcels", gdf, actor="王")
    assert digest(bad) == before


def test_a_geopackage_of_other_data_is_not_taken_over(tmp_path):
    path = tmp_path / "qgis_project.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(121, 31)], crs=4326).to_file(path, layer="roads")
    before = digest(path)
    with pytest.raises(StoreError, match="not a workspace of this app") as caught:
        open_workspace(path=path, cached=False)
    assert "roads" in caught.value.text("en")
    assert digest(path) == before


# --- read-only ----------------------------------------------------------------------------------------------
def test_no_write_permission_opens_read_only(tmp_path, monkeypatch):
    path = tmp_path / "ws.gpkg"
    kept, version = saved_workspace(path)
    before = digest(path)
    real_access = os.access
    monkeypatch.setattr(engines_mod.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    ws = open_workspace(path=path, cached=False)
    assert ws.readonly and "permission" in ws.readonly_message().text("en")
    assert [h.id for h in ws.scenarios.heads()] == [kept.id] and ws.scenarios.load(kept.id) == (kept, version)
    with pytest.raises(WorkspaceReadOnlyError) as caught:
        ws.scenarios.save(kept, actor="alice", base_version=version)
    text = caught.value.text("en")
    assert text.startswith("Cannot save the scenario: The workspace") and "read-only" in text
    assert "Expected a GeoPackage" not in text and "写权限" in caught.value.text("zh")
    ws.close()
    assert digest(path) == before


def test_a_read_only_file_system_opens_read_only(tmp_path):
    with tmpfs(tmp_path / "mnt", "8m") as mnt:
        path = mnt / "ws.gpkg"
        kept, version = saved_workspace(path)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True, capture_output=True)
        ws = open_workspace(path=path, cached=False)
        try:
            assert ws.readonly and ws.readonly_reason.code == "ws_ro_filesystem"
            assert ws.scenarios.load(kept.id) == (kept, version) and ws.audit.verify().ok
            with pytest.raises(WorkspaceReadOnlyError, match="read-only"):
                ws.scenarios.save(kept, actor="alice", base_version=version)
        finally:
            ws.close()


def test_a_legacy_workspace_that_cannot_be_upgraded_says_why(tmp_path, monkeypatch):
    path = tmp_path / "ws.gpkg"
    legacy_workspace(path)
    real_access = os.access
    monkeypatch.setattr(engines_mod.os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(WorkspaceReadOnlyError, match="needs an upgrade"):
        open_workspace(path=path, cached=False)


# --- full disk ----------------------------------------------------------------------------------------------
def _fill_until_full(ws, first: Scenario) -> tuple[int, WorkspaceFullError]:
    base, saves, s = 1, 0, first
    for i in range(10_000):
        try:
            saved = ws.scenarios.save(
                replace(big_scenario("kept", 20, seed=i), id=s.id), actor="alice", base_version=base
            )
        except WorkspaceFullError as exc:
            return saves, exc
        base, s, saves = saved.version, saved.scenario, saves + 1
    raise AssertionError("the disk never filled up")


def test_a_full_disk_gives_a_precise_message_and_loses_nothing(tmp_path):
    with tmpfs(tmp_path / "mnt", "400k") as mnt:
        path = mnt / "ws.gpkg"
        ws = open_workspace(path=path, cached=False)
        first = ws.scenarios.save(big_scenario("kept", 3), actor="alice", base_version=None).scenario
        saves, exc = _fill_until_full(ws, first)
        text = exc.text("en")
        assert "is full" in text and "Nothing was written" in text and "no transaction" not in text
        assert "磁盘" in exc.text("zh")
        hist = ws.scenarios.history(first.id)
        assert len(hist) == saves + 1 and [h.version for h in hist] == list(range(1, saves + 2))
        assert ws.audit.verify().ok
        ws.close()
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reopened = open_workspace(path=path, cached=False)
        assert reopened.scenarios.load(first.id, version=1)[0] == first
        reopened.close()


def test_sqlite_full_simulated_with_a_page_limit(tmp_path):
    path = tmp_path / "ws.gpkg"
    ws = open_workspace(path=path, cached=False)
    first = ws.scenarios.save(big_scenario("kept", 1), actor="alice", base_version=None).scenario
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    ws.backend.engine.dispose()
    event.listen(ws.backend.engine, "connect", lambda con, _: con.execute(f"PRAGMA max_page_count = {pages + 2}"))
    with pytest.raises(WorkspaceFullError, match="is full"):
        ws.scenarios.save(replace(big_scenario("kept", 40), id=first.id), actor="alice", base_version=1)
    assert [h.version for h in ws.scenarios.history(first.id)] == [1] and ws.audit.verify().ok
    ws.close()


# --- upgrading the first workspace version ------------------------------------------------------------------
def legacy_workspace(path: Path) -> tuple[Scenario, Scenario]:
    """A workspace written by the first version of the app (tests/legacy_workspace.py)."""
    store = LegacyStore(path)
    s1, _ = store.save(big_scenario("旧方案", 2), author="王")
    s2, _ = store.save(s1.with_parcel("P001", included=True), author="李")
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"], "area_m2": [1.5, 2.5]},
        geometry=[shapely.box(121.3, 31.2, 121.31, 31.21), shapely.box(121.4, 31.2, 121.41, 31.21)],
        crs=4326,
    )
    store.save_layer("parcels", gdf)
    store.save_mapping("sig", "parcels", {"id": "ID"})
    return s1, s2


def test_a_first_version_workspace_is_upgraded_in_place_after_a_backup(tmp_path):
    path = tmp_path / "ws.gpkg"
    s1, s2 = legacy_workspace(path)
    before = digest(path)
    ws = open_workspace(path=path, cached=False)
    backups = sorted(tmp_path.glob("ws.backup-*-legacy.gpkg"))
    assert len(backups) == 1 and ws.backup_path == backups[0] and digest(backups[0]) != before
    with sqlite3.connect(backups[0]) as con:  # the backup is the untouched first-version workspace
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "scenario_versions" in tables and "audit_log" not in tables
        assert con.execute("SELECT COUNT(*) FROM scenario_versions").fetchone()[0] == 2
    assert ws.scenarios.load(s2.id) == (s2, 2) and ws.scenarios.load(s2.id, version=1)[0] == s1
    hist = ws.scenarios.history(s2.id)
    assert [(h.author, h.changes.text("zh")) for h in hist] == [
        ("王", "created with 0 parcel(s), 2 drawn area(s)"),
        ("李", "+parcels P001"),
    ]
    head = ws.scenarios.head(s2.id)
    assert (head.created_by, head.saved_by, head.version) == ("王", "李", 2)
    layer = ws.layers.load("parcels")
    assert layer["id"].tolist() == ["a", "b"] and layer["area_m2"].tolist() == [1.5, 2.5]
    assert ws.settings.load_mapping("sig") == {"id": "ID"}
    upgrade = ws.audit.entries(newest_first=False)[0]
    assert upgrade.action == "workspace.upgrade" and backups[0].name in upgrade.summary.text("en")
    assert ws.scenarios.save(s2, actor="alice", base_version=2).version == 3
    assert len(gpd.read_file(path, layer="scenario_geometries")) == 6  # QGIS still reads the layer
    ws.close()
    again = open_workspace(path=path, cached=False)  # current schema: no second backup
    assert len(list(tmp_path.glob("ws.backup-*.gpkg"))) == 1 and again.audit.verify().ok
    again.close()


def test_a_writer_killed_at_fifty_points_never_leaves_a_damaged_or_read_only_workspace(tmp_path):
    """kill -9 of a writer mid-save leaves a hot -journal; the app's next open (read-only check first, before this
    was fixed) must roll it back and open read-write, with every committed version there."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from tests.live_app import ROOT

    path = tmp_path / "ws.gpkg"
    ws = open_workspace(path=path, cached=False)
    first = ws.scenarios.save(Scenario(name="victim", parcels=("P001",)), actor="alice", base_version=None)
    ws.close()
    env = {**os.environ, "PUTUO_WORKSPACE": str(path)}
    env.pop("PUTUO_DATABASE_URL", None)
    rng, hot, committed = random.Random(7), 0, 1
    for round_ in range(50):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ws_writer", f"k{round_}", first.scenario.id, "0", "--drawn", "30"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wanted = committed + 1 + rng.randrange(3)  # kill after 1–3 more saves, wherever it then is
        while _versions(path) < wanted:
            assert proc.poll() is None, "the writer stopped by itself"
        time.sleep(rng.uniform(0.0, 0.08))  # not a wait: a random point inside the save that follows
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        hot += path.with_name(path.name + "-journal").is_file()
        reopened = open_workspace(path=path, cached=False)  # as the app opens it: never a plain sqlite3 open first
        try:
            assert not reopened.readonly, reopened.readonly_reason
            history = reopened.scenarios.history(first.scenario.id)
            assert [h.version for h in history] == list(range(1, len(history) + 1))
            assert len(history) >= wanted  # nothing committed is lost
            committed = len(history)
        finally:
            reopened.close()
    assert hot >= 5, f"only {hot} of 50 kills left a hot journal: the test did not test much"
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _versions(path) -> int:
    """How many versions the file holds now, read without writing (a reader never rolls back a journal)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM scenario_versions").fetchone()[0])
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return 0
