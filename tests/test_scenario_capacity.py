"""The floor-area capacity a scenario adds under the 控规: hand-built park, zones, parcels and 控规 parcels in
EPSG:4549 whose answers are known; the comparison row, the report's lines and the scenarios page."""

from __future__ import annotations

import math
import shutil
import subprocess

import geopandas as gpd
import pytest
import shapely

from gis.datasets import ParkData
from gis.landuse import load_landuse
from gis.regulatory import normalise_layer
from gis.scenario import Scenario, compare, scenario_metrics
from layers.reports import _metrics_block
from pages.state import HISTORY, REGULATORY
from planner import review as rv
from planner import scenario_edit as se
from planner.review import bundled_regulatory
from store import open_workspace
from tests.apptest_util import open_app, open_tab
from tests.conftest import PUTUO_X as X0
from tests.conftest import PUTUO_Y as Y0
from text.messages import t

CRS = "EPSG:4549"


def box(x, y, w, h):
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def stored(geoms):
    """Geometries drawn in EPSG:4549, as a layer stores them (EPSG:4326)."""
    return list(gpd.GeoSeries(geoms, crs=CRS).to_crs("EPSG:4326"))


@pytest.fixture(scope="module")
def codes():
    return load_landuse()


@pytest.fixture
def park(data):
    """Sub-park N1 (north, x 0..1000) and S1 (south, x 3000..4000); the belt east of N1 (x 1000..1500), the core
    west of S1 (x 2500..3000), the city far away. Parcels: A (100 × 100 m east of N1, in the belt), B (100 × 100 m
    west of S1, in the core), C (100 × 100 m, half inside S1: its west half in the core), D (overlaps A's east half
    and reaches 50 m beyond it)."""
    subparks = gpd.GeoDataFrame(
        {"id": ["N1", "S1"], "name_zh": ["北", "南"], "name_en": ["N", "S"], "cluster": ["north", "south"]},
        geometry=stored([box(0, 0, 1000, 1000), box(3000, 0, 1000, 1000)]),
        crs="EPSG:4326",
    )
    zones = gpd.GeoDataFrame(
        {"id": ["belt", "core", "city"], "name_zh": ["a", "b", "c"], "name_en": ["a", "b", "c"]},
        geometry=stored([box(1000, 0, 500, 1000), box(2500, 0, 500, 1000), box(-6000, -6000, 10, 10)]),
        crs="EPSG:4326",
    )
    parcels = gpd.GeoDataFrame(
        {"id": ["A", "B", "C", "D"], "name_zh": ["甲", "乙", "丙", "丁"]},
        geometry=stored(
            [box(1000, 0, 100, 100), box(2900, 0, 100, 100), box(2950, 500, 100, 100), box(1050, 0, 100, 100)]
        ),
        crs="EPSG:4326",
    )
    return ParkData(
        district=data.district,
        creek_edge=data.creek_edge,
        subparks=subparks,
        zones=zones,
        buildings=data.buildings.iloc[:0],
        parcels=parcels,
        stations=data.stations.iloc[:0],
    )


@pytest.fixture
def konggui(codes):
    """K1 under A (工业 1001, a park use, FAR 2.5), K2 under B (住宅 0701, not a park use, FAR 1.0), K3 under C
    (M0, a park use, FAR 2.0); nothing under D's part beyond A."""
    rows = [
        {"地块编号": "K1", "用地代码": "1001", "容积率上限": 2.5},
        {"地块编号": "K2", "用地代码": "0701", "容积率上限": 1.0},
        {"地块编号": "K3", "用地代码": "M0", "容积率上限": 2.0},
    ]
    geoms = stored([box(1000, 0, 100, 100), box(2900, 0, 100, 100), box(2950, 500, 100, 100)])
    return normalise_layer(gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326"), kind="regulatory", codes=codes)


def measured(park, konggui, codes, **scenario):
    return scenario_metrics(Scenario(name="s", **scenario), park, park.parcels, regulatory=konggui, codes=codes)


def test_an_added_parcel_over_a_far_2_5_parcel_adds_25000_m2(park, konggui, codes):
    m = measured(park, konggui, codes, parcels=("A",))
    assert m.capacity_added_m2 == pytest.approx(25_000, rel=1e-6)
    assert m.capacity_by_cluster_m2 == {"north": pytest.approx(25_000, rel=1e-6), "south": 0.0}
    assert m.capacity_by_zone_m2 == {"belt": pytest.approx(25_000, rel=1e-6), "core": 0.0, "city": 0.0}
    assert m.park_use_share_added == pytest.approx(1.0, abs=1e-6)


def test_only_the_added_half_of_a_parcel_half_inside_the_park_counts(park, konggui, codes):
    m = measured(park, konggui, codes, parcels=("C",))
    assert m.added_km2 == pytest.approx(0.005, rel=1e-5)
    assert m.capacity_added_m2 == pytest.approx(5_000 * 2.0, rel=1e-6)  # not 20,000
    assert m.capacity_by_cluster_m2["south"] == pytest.approx(10_000, rel=1e-6)
    assert m.capacity_by_zone_m2["core"] == pytest.approx(10_000, rel=1e-6)


def test_capacity_per_cluster_and_zone_and_the_park_use_share(park, konggui, codes):
    """A (north, belt, 25,000), B (south, core, 10,000 under a non-park use), C (south, core, 10,000); D adds only
    land outside the 控规 and overlaps A: nothing counted twice."""
    m = measured(park, konggui, codes, parcels=("A", "B", "C", "D"))
    assert m.capacity_added_m2 == pytest.approx(45_000, rel=1e-6)
    assert m.capacity_by_cluster_m2["north"] == pytest.approx(25_000, rel=1e-6)
    assert m.capacity_by_cluster_m2["south"] == pytest.approx(20_000, rel=1e-6)
    assert m.capacity_by_zone_m2["belt"] == pytest.approx(25_000, rel=1e-6)
    assert m.capacity_by_zone_m2["core"] == pytest.approx(20_000, rel=1e-6)
    assert m.capacity_by_zone_m2["city"] == 0.0
    # added land: A 10,000 + D's 5,000 beyond A + B 10,000 + C's 5,000 = 30,000 m²; park uses: A and C's half
    assert m.added_km2 == pytest.approx(0.03, rel=1e-5)
    assert m.park_use_share_added == pytest.approx(15_000 / 30_000, abs=1e-6)


def test_the_capacity_follows_the_piece_to_the_cluster_it_joins(park, konggui, codes):
    m = measured(park, konggui, codes, parcels=("A",), assign={"A": "new:south:东"})
    assert m.capacity_by_cluster_m2["north"] == pytest.approx(0.0, abs=1e-6)
    assert m.capacity_by_cluster_m2["south"] == pytest.approx(25_000, rel=1e-6)


@pytest.mark.parametrize("empty", [False, True])
def test_without_a_konggui_layer_every_capacity_is_nan_and_nothing_breaks(park, konggui, codes, empty):
    layer = konggui.iloc[:0] if empty else None
    m = measured(park, layer, codes, parcels=("A",))
    assert m.added_km2 == pytest.approx(0.01, rel=1e-5)
    values = [m.capacity_added_m2, m.park_use_share_added, *m.capacity_by_cluster_m2.values()]
    values += list(m.capacity_by_zone_m2.values())
    assert len(values) == 7 and all(math.isnan(v) for v in values)


def test_nothing_added_adds_no_capacity_and_has_no_share(park, konggui, codes):
    m = measured(park, konggui, codes)
    assert m.capacity_added_m2 == 0.0 and math.isnan(m.park_use_share_added)


def test_the_comparison_has_the_capacity_rows(park, konggui, codes):
    with_a = measured(park, konggui, codes, parcels=("A",))
    all_four = measured(park, konggui, codes, parcels=("A", "B", "C", "D"))
    none = measured(park, None, codes, parcels=("A",))
    table = compare({"a": with_a, "abcd": all_four, "none": none})
    assert table.loc["capacity_added_m2", "a"] == pytest.approx(25_000, rel=1e-6)
    assert table.loc["capacity_added_m2", "abcd"] == pytest.approx(45_000, rel=1e-6)
    assert table.loc["capacity_south_m2", "abcd"] == pytest.approx(20_000, rel=1e-6)
    assert table.loc["capacity_core_m2", "abcd"] == pytest.approx(20_000, rel=1e-6)
    assert table.loc["park_use_share_added", "abcd"] == pytest.approx(0.5, abs=1e-6)
    assert math.isnan(table.loc["capacity_added_m2", "none"])
    keys = list(table.index)
    assert keys.index("added_city_km2") < keys.index("capacity_added_m2") < keys.index("pieces")
    for lang, label in (("zh", "新增建筑容量（m²）"), ("en", "Floor-area capacity added (m²)")):
        shown = se.compare_styled({"a": with_a, "abcd": all_four, "none": none}, lang=lang).to_string()
        row = next(line for line in shown.splitlines() if line.startswith(label + " "))
        assert row.split()[-3:] == ["25,000", "45,000", "—"]  # whole m², "—" without a 控规 layer
        share = next(line for line in shown.splitlines() if line.startswith(t("cmp_park_use_share", lang)))
        assert share.split()[-3:] == ["100%", "50%", "—"]


PARTS = ("cluster_north", "cluster_south", "zone_belt", "zone_core", "zone_city")


def test_the_report_lists_the_capacity_and_says_where_the_limits_come_from(park, konggui, codes):
    m = measured(park, konggui, codes, parcels=("A", "B", "C", "D"))
    for lang in ("zh", "en"):
        block = _metrics_block(m, lang, capacity_source="bundled")
        rows = dict(block.table.itertuples(index=False))
        assert rows[t("m_capacity", lang)] == "45,000 m²"
        parts = {key: rows[t("m_capacity_of", lang, part=t(key, lang))] for key in PARTS}
        assert parts == {
            "cluster_north": "25,000 m²",
            "cluster_south": "20,000 m²",
            "zone_belt": "25,000 m²",
            "zone_core": "20,000 m²",
            "zone_city": "0 m²",
        }
        assert rows[t("m_park_use_share", lang)] == "50%"
        assert block.note == t("cap_source_bundled", lang)
    assert "虚构" in _metrics_block(m, "zh", capacity_source="bundled").note
    assert _metrics_block(m, "en", capacity_source="loaded").note == t("cap_source_loaded", "en")
    none = _metrics_block(measured(park, None, codes, parcels=("A",)), "zh", capacity_source=None)
    assert dict(none.table.itertuples(index=False))[t("m_capacity", "zh")] == "—"
    assert none.note == t("cap_source_none", "zh")


def test_the_report_pdf_holds_the_capacity_of_the_bundled_konggui(ds, ev, scores, tmp_path):
    from planner import export_jobs as jobs

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF's text")
    regulatory = bundled_regulatory()
    scenario = Scenario(name="北扩方案", author="local:root", parcels=("P056", "P031"))
    expected = se.metrics(ds, ev, scores, scenario, regulatory=regulatory).capacity_added_m2
    assert expected > 0
    layers = jobs.layers_for_export(ds, ev, scores, scenario)
    pdf = jobs.report_pdf(ds, ev, scores, scenario, layers, author="local:root", lang="zh", regulatory=regulatory)
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), str(tmp_path / "r.txt")], check=True)
    text = "".join((tmp_path / "r.txt").read_text(encoding="utf-8").split())
    assert f"{t('m_capacity', 'zh')}{expected:,.0f}m²" in text
    assert "虚构的演示数据" in text


def test_the_loaded_konggui_is_told_apart_from_the_bundled_one(codes, konggui):
    bundled = bundled_regulatory()
    assert se.capacity_source(bundled) == "bundled"
    assert se.capacity_source(konggui) == "loaded" and se.capacity_source(None) is None
    assert rv.layer_digest(konggui) == rv.layer_digest(konggui.copy()) != rv.layer_digest(bundled)
    changed = konggui.copy()
    changed.loc[changed.index[0], "far_max"] = 3.0
    assert rv.layer_digest(changed) != rv.layer_digest(konggui) and rv.layer_digest(None) == ""


def test_the_cached_metrics_follow_the_konggui_layer(ds, ev, scores, konggui):
    scenario = Scenario(name="s", parcels=("P060",))
    bundled = se.metrics(ds, ev, scores, scenario, regulatory=bundled_regulatory())
    assert se.metrics(ds, ev, scores, scenario, regulatory=bundled_regulatory()) is bundled
    assert bundled.capacity_added_m2 > 0
    assert math.isnan(se.metrics(ds, ev, scores, scenario).capacity_added_m2)
    far_away = se.metrics(ds, ev, scores, scenario, regulatory=konggui)  # 控规 parcels nowhere near P060
    assert far_away.capacity_added_m2 == 0.0


# --- the scenarios page --------------------------------------------------------------------------------------
@pytest.fixture
def workspace(tmp_path, monkeypatch):
    path = tmp_path / "ws.gpkg"
    monkeypatch.setenv("PUTUO_WORKSPACE", str(path))
    monkeypatch.delenv("PUTUO_DATA_DIR", raising=False)
    return path


def district_konggui(codes, *, far: float) -> gpd.GeoDataFrame:
    """One 控规 parcel (M0, ``far``) over all of Putuo: every added m² allows ``far`` m² of floor area."""
    whole = box(-20_000, -20_000, 40_000, 40_000)
    layer = gpd.GeoDataFrame(
        [{"地块编号": "ALL", "用地代码": "M0", "容积率上限": far}], geometry=stored([whole]), crs="EPSG:4326"
    )
    return normalise_layer(layer, kind="regulatory", codes=codes)


def metric(app, key, lang):
    return next(m.value for m in app.metric if m.label == t(key, lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scenarios_page_shows_the_capacity_added(workspace, codes, ds, lang):
    at = open_app("pages/scenarios.py", lang=lang)
    assert metric(at, "m_capacity", lang) == "0 m²"  # nothing added yet, under the bundled 控规
    assert t("cap_source_bundled", lang) in [c.value for c in at.caption]
    at.session_state[HISTORY] = at.session_state[HISTORY].apply(
        at.session_state[HISTORY].current.with_parcel("P060", included=True)
    )
    at.session_state[REGULATORY] = district_konggui(codes, far=2.0)
    at.run()
    assert not at.exception
    areas = scenario_metrics(Scenario(name="x", parcels=("P060",)), ds.park, ds.park.parcels)  # no 控规
    added_m2 = areas.added_geometry_m.area
    assert added_m2 > 1_000
    assert metric(at, "m_capacity", lang) == f"{2.0 * added_m2:,.0f} m²"
    assert metric(at, "m_park_use_share", lang) == "100%"
    assert t("cap_source_loaded", lang) in [c.value for c in at.caption]
    column = t("m_capacity_m2", lang)
    per_cluster = next(d.value for d in at.dataframe if column in d.value and t("f_cluster", lang) in d.value)
    shown = dict(zip(per_cluster[t("f_cluster", lang)], per_cluster[column]))
    assert shown == {
        t(f"cluster_{c}", lang): f"{2.0 * row['added_km2'] * 1e6:,.0f}" for c, row in areas.clusters.iterrows()
    }
    assert sorted(shown.values()) == sorted([f"{2.0 * added_m2:,.0f}", "0"])  # P060 joins one cluster
    per_zone = next(d.value for d in at.dataframe if column in d.value and t("f_layout", lang) in d.value)
    assert list(per_zone[column]) == [f"{2.0 * km2 * 1e6:,.0f}" for km2 in areas.zones_added_km2.values()]


def test_the_comparison_tab_shows_the_capacity_row(workspace):
    at = open_app("pages/scenarios.py")
    at.session_state[HISTORY] = at.session_state[HISTORY].apply(
        at.session_state[HISTORY].current.with_parcel("P060", included=True)
    )
    at.run()
    saved = open_workspace(path=workspace).scenarios.save(Scenario(name="空"), actor="王", base_version=None).scenario
    open_tab(at, "scen_tab", "tab_compare")
    at.multiselect(key="cmp_pick@zh").select("__current__").select(saved.id).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if t("cmp_capacity_added_m2", "zh") in d.value.index)
    capacity = table.loc[t("cmp_capacity_added_m2", "zh")]
    assert capacity.iloc[0] > 0 and capacity.iloc[1] == 0
    assert t("cap_source_bundled", "zh") in [c.value for c in at.caption]
