"""Scenario metrics on hand-built squares (contiguity, no double counting), suggestion vs greedy/brute force."""

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.datasets import ParkData
from gis.scenario import Scenario, ScenarioError, compare, contiguity, greedy_suggest, scenario_metrics, suggest
from tests.conftest import PUTUO_X as X0
from tests.conftest import PUTUO_Y as Y0

CRS = "EPSG:4549"


def box(x, y, w, h):
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


@pytest.mark.parametrize("gap,expected", [(0, 1), (40, 1), (60, 2)])
def test_contiguity_two_squares(gap, expected):
    g = shapely.union(box(0, 0, 100, 100), box(100 + gap, 0, 100, 100))
    pieces, largest = contiguity(g, tolerance_m=50)
    assert pieces == expected
    assert largest == (pytest.approx(gap) if expected == 2 else 0.0)


def test_largest_gap_is_the_longest_bridge():
    g = shapely.union_all([box(0, 0, 10, 10), box(110, 0, 10, 10), box(420, 0, 10, 10)])
    assert contiguity(g, tolerance_m=50) == (3, pytest.approx(300.0))


@pytest.fixture
def tiny(data):
    """A 2-sub-park park (north at 0..1000, south at 3000..4000) in the real district frame, 3 parcels."""
    to = lambda g: gpd.GeoSeries([g], crs=CRS).to_crs("EPSG:4326").iloc[0]  # noqa: E731
    subparks = gpd.GeoDataFrame(
        {
            "id": ["N1", "S1"],
            "name_zh": ["北", "南"],
            "name_en": ["N", "S"],
            "cluster": ["north", "south"],
            "industry_tags": ["", ""],
        },
        geometry=[to(box(0, 0, 1000, 1000)), to(box(3000, 0, 1000, 1000))],
        crs="EPSG:4326",
    )
    zones = gpd.GeoDataFrame(
        {"id": ["belt", "core", "city"], "name_zh": ["a", "b", "c"], "name_en": ["a", "b", "c"]},
        geometry=[to(box(1000, 0, 500, 1000)), to(box(-5000, -5000, 10, 10)), to(box(-6000, -6000, 10, 10))],
        crs="EPSG:4326",
    )
    parcels = gpd.GeoDataFrame(
        {"id": ["A", "B", "C"], "name_zh": ["甲", "乙", "丙"]},
        geometry=[
            to(box(1000, 0, 500, 200)),  # touches N1, 0.1 km2, all in the belt
            to(box(1300, 100, 400, 200)),  # overlaps A by 200 x 100
            to(box(6000, 0, 100, 100)),
        ],  # far away
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


def test_metrics_known_areas_and_no_double_counting(tiny):
    base = scenario_metrics(Scenario(name="base"), tiny, tiny.parcels)
    assert base.total_km2 == pytest.approx(2.0) and base.added_km2 == pytest.approx(0.0)
    assert base.pieces == 2 and base.largest_gap_m == pytest.approx(2000.0)
    m = scenario_metrics(Scenario(name="s", parcels=("A", "B")), tiny, tiny.parcels)
    # A = 0.1 km2, B = 0.08 km2, overlap 0.02 km2 -> 0.16 km2 added, not 0.18
    assert m.added_km2 == pytest.approx(0.16)
    assert m.total_km2 == pytest.approx(2.16)
    assert m.clusters.loc["north", "added_km2"] == pytest.approx(0.16)  # nearest sub-park: N1
    assert m.subparks["added_km2"].sum() == pytest.approx(0.16)
    assert m.zones_added_km2["belt"] == pytest.approx(0.1 + 0.04 - 0.02)  # B is half in the belt
    assert m.pieces == 2


def test_assignment_to_a_new_subpark_in_the_other_cluster(tiny):
    s = Scenario(name="s", parcels=("A",), assign={"A": "new:south:新园"})
    m = scenario_metrics(s, tiny, tiny.parcels)
    assert m.clusters.loc["south", "added_km2"] == pytest.approx(0.1)
    assert m.subparks.loc["new:south:新园", "area_km2"] == pytest.approx(0.1)
    with pytest.raises(ScenarioError, match="cluster"):
        scenario_metrics(Scenario(name="x", parcels=("A",), assign={"A": "new:east:x"}), tiny, tiny.parcels)


def test_drawn_area_and_unknown_parcel(tiny):
    drawn = gpd.GeoSeries([box(-100, 0, 100, 1000)], crs=CRS).to_crs("EPSG:4326").iloc[0]
    s = Scenario(name="s").with_drawn("D1", "画", drawn)
    assert scenario_metrics(s, tiny, tiny.parcels).added_km2 == pytest.approx(0.1, rel=1e-5)
    with pytest.raises(ScenarioError, match="not in the current parcel layer: ZZ"):
        scenario_metrics(Scenario(name="s", parcels=("ZZ",)), tiny, tiny.parcels)
    with pytest.raises(ScenarioError, match="polygon"):
        Scenario(name="s").with_drawn("D2", "x", shapely.Point(121.4, 31.2))


def test_flags_mean_score_and_compare(tiny):
    rules = pd.DataFrame({"passes": [True, False, True], "failed": [[], ["no_overlap"], []]}, index=["A", "B", "C"])
    scores = pd.Series({"A": 0.8, "B": 0.4, "C": 0.1})
    m = scenario_metrics(Scenario(name="s", parcels=("A", "B")), tiny, tiny.parcels, scores=scores, rules=rules)
    assert m.flagged == {"B": ["no_overlap"]}
    assert m.mean_score_added == pytest.approx((0.8 * 0.1 + 0.4 * 0.08) / 0.18)
    table = compare({"base": scenario_metrics(Scenario(name="b"), tiny, tiny.parcels), "s": m})
    assert list(table.columns) == ["base", "s"] and table.loc["added_km2", "s"] == pytest.approx(0.16)
    with pytest.raises(ScenarioError, match="1 to 4"):
        compare({str(i): m for i in range(5)})


def _chain(data):
    """Five parcels in a row east of N1 (each 100 x 100 m, 20 m apart) and one island; scores known."""
    to = lambda g: gpd.GeoSeries([g], crs=CRS).to_crs("EPSG:4326").iloc[0]  # noqa: E731
    geoms = [to(box(1020 + 120 * i, 400, 100, 100)) for i in range(5)] + [to(box(2500, 400, 100, 100))]
    cands = gpd.GeoDataFrame({"id": list("abcdei"), "name_zh": list("abcdei")}, geometry=geoms, crs="EPSG:4326")
    scores = pd.Series({"a": 0.1, "b": 0.2, "c": 0.9, "d": 0.3, "e": 0.95, "i": 1.0})
    return cands, scores


def _brute_force(cands, scores, data, budget_m2, tol=50.0):
    from gis.crs import to_metric

    cm = to_metric(cands).set_index("id").geometry
    park = shapely.union_all(to_metric(data.subparks).geometry.to_numpy())
    best, best_set = 0.0, ()
    for k in range(len(cm) + 1):
        for combo in itertools.combinations(cm.index, k):
            if sum(cm[c].area for c in combo) > budget_m2 + 1e-6:
                continue
            g = shapely.union_all([park] + [cm[c] for c in combo])
            comps = shapely.get_parts(shapely.buffer(g, tol / 2))
            if len(comps) != len(shapely.get_parts(shapely.buffer(park, tol / 2))):
                continue  # some chosen parcel is not connected to the park
            total = sum(scores[c] for c in combo)
            if total > best + 1e-12:
                best, best_set = total, combo
    return best, set(best_set)


@pytest.mark.parametrize("budget_m2", [20_000, 30_000, 40_000, 60_000])
def test_suggestion_matches_brute_force_and_beats_greedy(tiny, budget_m2):
    cands, scores = _chain(tiny)
    exact = suggest(cands, scores, tiny, budget_km2=budget_m2 / 1e6)
    greedy = greedy_suggest(cands, scores, tiny, budget_km2=budget_m2 / 1e6)
    best, best_set = _brute_force(cands, scores, tiny, budget_m2)
    assert exact.status == "optimal"
    assert exact.total_score == pytest.approx(best) and set(exact.parcels) == best_set
    assert "i" not in exact.parcels  # the island is never chosen, however good
    assert exact.added_m2 <= budget_m2 + 1e-6 and exact.total_score >= greedy.total_score - 1e-12


def test_exact_beats_greedy_when_a_weak_parcel_opens_the_way(tiny):
    to = lambda g: gpd.GeoSeries([g], crs=CRS).to_crs("EPSG:4326").iloc[0]  # noqa: E731
    cands = gpd.GeoDataFrame(
        {"id": ["x", "y", "z"], "name_zh": ["x", "y", "z"]},
        geometry=[
            to(box(1020, 700, 100, 100)),  # next to the park, good
            to(box(1020, 100, 100, 100)),  # next to the park, weak ...
            to(box(1140, 100, 100, 100)),
        ],  # ... but it leads to the best one
        crs="EPSG:4326",
    )
    scores = pd.Series({"x": 0.5, "y": 0.1, "z": 0.9})
    greedy = greedy_suggest(cands, scores, tiny, budget_km2=0.0201)  # room for two of the three
    exact = suggest(cands, scores, tiny, budget_km2=0.0201)
    assert set(greedy.parcels) == {"x", "y"} and greedy.total_score == pytest.approx(0.6)
    assert set(exact.parcels) == {"y", "z"} and exact.total_score == pytest.approx(1.0)


def test_suggestion_zone_minimum_and_errors(tiny):
    cands, scores = _chain(tiny)
    s = suggest(cands, scores, tiny, budget_km2=0.03, zone_min_km2={"belt": 0.02})
    from gis.crs import to_metric

    belt = to_metric(tiny.zones).set_index("id").geometry["belt"]
    chosen = to_metric(cands.set_index("id").loc[list(s.parcels)].reset_index())
    assert shapely.intersection(chosen.union_all(), belt).area >= 20_000 - 1e-6
    infeasible = suggest(cands, scores, tiny, budget_km2=0.03, zone_min_km2={"belt": 1.0})
    assert infeasible.parcels == () and infeasible.status == "infeasible"
    assert "1.000 km² asked" in infeasible.reasons[0].text("en")
    assert "少于要求的 1.000 km²" in infeasible.reasons[0].text("zh")
    with pytest.raises(ScenarioError, match="budget"):
        suggest(cands, scores, tiny, budget_km2=0)


def test_own_parts_never_overlap_and_add_up_to_the_union():
    from gis.scenario import own_parts

    rng = np.random.default_rng(5)
    pieces = np.array([box(*rng.uniform(0, 2000, 2), *rng.uniform(50, 400, 2)) for _ in range(60)])
    base = box(500, 500, 600, 600)
    own = own_parts(pieces, base)
    union_added = shapely.difference(shapely.union_all(pieces), base).area
    assert shapely.area(own).sum() == pytest.approx(union_added, rel=1e-9)
    assert all(shapely.intersection(own[i], own[j]).area < 1e-6 for i in range(60) for j in range(i + 1, 60))


def test_own_parts_keep_neighbours_whole_and_cut_what_lies_inside_an_earlier_piece():
    from gis.scenario import own_parts

    # box(x, y, width, height): a neighbour on an edge, one on a corner, one inside the first, one overlapping
    # the second by 5 x 3 m
    pieces = np.array([box(0, 0, 10, 10), box(10, 0, 10, 10), box(20, 10, 10, 10), box(2, 2, 2, 2), box(15, 5, 10, 3)])
    own = own_parts(pieces, box(100, 100, 1, 1))
    assert shapely.area(own).tolist() == pytest.approx([100, 100, 100, 0, 15])
    assert shapely.equals(own[0], pieces[0]) and shapely.equals(own[1], pieces[1])


def test_scenario_json_round_trip_and_changes():
    from store import change_summary

    s = Scenario(
        name="甲", author="王", parcels=("P1", "P2"), weights={"transit": 0.5}, assign={"P1": "subpark:S01"}
    ).with_drawn("D1", "画", shapely.box(121.39, 31.25, 121.4, 31.26))
    assert Scenario.from_json(s.to_json()) == s
    t = s.with_parcel("P3", included=True).with_parcel("P1", included=False)
    assert t.parcels == ("P2", "P3") and "P1" not in t.assign
    assert change_summary(s, t).text("en") == "parcels added: P3; parcels removed: P1; assignments changed"
    assert change_summary(s, t).text("zh") == "加入地块 P3；移除地块 P1；归属有改动"
    assert change_summary(None, s).text("en").startswith("created with 2 parcel(s), 1 drawn")


def test_a_drawn_area_outside_shanghai_is_refused_and_a_self_crossing_one_repaired():
    paris = Scenario(name="巴黎", parcels=()).with_drawn("D1", "巴黎", shapely.box(2.35, 48.85, 2.36, 48.86))
    with pytest.raises(ScenarioError) as outside:
        Scenario.from_json(paris.to_json())
    assert outside.value.code == "ws_payload_outside" and "巴黎" in outside.value.text("zh")
    bowtie = shapely.Polygon([(121.39, 31.25), (121.40, 31.26), (121.40, 31.25), (121.39, 31.26)])
    crossed = Scenario(name="交叉", parcels=()).with_drawn("D1", "蝴蝶形", bowtie)
    repaired = Scenario.from_json(crossed.to_json())
    geom = shapely.from_wkt(repaired.drawn["D1"][1])
    assert not bowtie.is_valid and geom.is_valid and geom.area == pytest.approx(5e-5, rel=1e-6)  # its two triangles
    flat = Scenario(name="无面积", parcels=()).with_drawn(
        "D1", "线", shapely.Polygon([(121.39, 31.25), (121.40, 31.26), (121.39, 31.25), (121.40, 31.26)])
    )
    with pytest.raises(ScenarioError) as empty:
        Scenario.from_json(flat.to_json())
    assert empty.value.code in ("ws_payload_no_area", "ws_payload_bad_wkt")
