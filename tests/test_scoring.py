"""Parcel scoring: known answers per criterion on hand-built squares, rules, weights, ranks, sensitivity."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import affinity

from gis.scoring import (
    PRESETS,
    VECTOR_CRITERIA,
    Context,
    ScoringError,
    ScoringParams,
    check_rules,
    normalise,
    normalise_weights,
    rank_eligible,
    raw_criteria,
    sensitivity,
    weighted_scores,
)
from tests.conftest import PUTUO_X as X0
from tests.conftest import PUTUO_Y as Y0

CRS = "EPSG:4549"


def box(x, y, w, h):
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


@pytest.fixture
def ctx():
    """District 10 x 10 km; one sub-park 1 x 1 km at (2000, 2000) tagged life_health; core zone right
    of x = 6000; one station at (8000, 8000)."""
    subparks = gpd.GeoDataFrame(
        {"id": ["SP"], "name_zh": ["园"], "name_en": ["Park"], "industry_tags": ["life_health|rd_services"]},
        geometry=[box(2000, 2000, 1000, 1000)],
        crs=CRS,
    )
    stations = gpd.GeoDataFrame(
        {"id": ["M1"], "name_zh": ["站"], "name_en": ["Stn"], "lines": ["1"]},
        geometry=[shapely.Point(X0 + 8000, Y0 + 8000)],
        crs=CRS,
    )
    return Context(
        district=box(0, 0, 10_000, 10_000),
        subparks=subparks,
        zones={"core": box(6000, 0, 4000, 10_000)},
        stations=stations,
    )


def parcels(*geoms, uses=None):
    return gpd.GeoDataFrame(
        {"id": [f"p{i}" for i in range(len(geoms))], "intended_use": uses or ["residential"] * len(geoms)},
        geometry=list(geoms),
        index=[100 + i for i in range(len(geoms))],
        crs=CRS,
    )


def scores_of(ctx, gdf, **params):
    p = ScoringParams(**params)
    return normalise(raw_criteria(gdf, ctx, params=p), params=p)


def test_adjacency_known_distances_and_monotonic(ctx):
    # The sub-park's right edge is x = 3000; parcels 100 x 100 m to its right at gaps 0, 250, 500, 1000, 2000 m.
    gaps = [0, 250, 500, 1000, 2000]
    n = scores_of(ctx, parcels(*[box(3000 + g, 2400, 100, 100) for g in gaps]))
    assert n["adjacency"].tolist() == pytest.approx([1.0, 0.75, 0.5, 0.0, 0.0])
    assert list(n.index) == [100, 101, 102, 103, 104]  # input index kept
    steps = scores_of(ctx, parcels(*[box(3000 + g, 2400, 100, 100) for g in range(900, -1, -100)]))["adjacency"]
    assert (np.diff(steps.to_numpy()) >= 0).all()  # moving closer never lowers adjacency


def test_shared_edge_known_length(ctx):
    # 400 x 100 m parcel touching the park with its 100 m side: perimeter 1000 m; within 30 m of the park:
    # the 100 m side + 30 m of each long side = 160 m -> share 0.16 -> 0.16 / 0.25 = 0.64.
    raw = raw_criteria(parcels(box(3000, 2400, 400, 100)), ctx)
    assert raw["shared_edge_m"].iloc[0] == pytest.approx(160.0, abs=0.5)
    assert normalise(raw)["shared_edge"].iloc[0] == pytest.approx(0.64, abs=0.01)
    far = scores_of(ctx, parcels(box(3100, 2400, 400, 100)))
    assert far["shared_edge"].iloc[0] == 0.0


def test_layout_share_with_zone_weight(ctx):
    half_in = box(5900, 5000, 200, 100)  # half of it right of x = 6000
    inside, outside = box(7000, 5000, 100, 100), box(4000, 5000, 100, 100)
    raw = raw_criteria(parcels(half_in, inside, outside), ctx)
    assert raw["share_core"].tolist() == pytest.approx([0.5, 1.0, 0.0])
    weighted = scores_of(ctx, parcels(half_in, inside), zone_weights={"core": 0.5})
    assert weighted["layout"].tolist() == pytest.approx([0.25, 0.5])


def test_transit_from_centroid(ctx):
    # station at (8000, 8000); 10 x 10 m parcels centred 300, 900 and 1500 m to its left
    geoms = [box(8000 - d - 5, 7995, 10, 10) for d in (300, 900, 1500)]
    assert scores_of(ctx, parcels(*geoms))["transit"].tolist() == pytest.approx([1.0, 0.5, 0.0])


def test_size_and_compactness(ctx):
    sides = {5_000: 0.5, 50_000: 1.0, 150_000: 0.5, 250_000: 0.0}
    geoms = [box(5000, 5000, np.sqrt(a), np.sqrt(a)) for a in sides]
    n = scores_of(ctx, parcels(*geoms))
    assert n["size"].tolist() == pytest.approx(list(sides.values()), abs=1e-9)
    assert n["compactness"].tolist() == pytest.approx([np.pi / 4] * 4)
    long = scores_of(ctx, parcels(box(5000, 5000, 1000, 10)))["compactness"].iloc[0]
    assert long == pytest.approx(4 * np.pi * 10_000 / 2020**2)


def test_industry_fit(ctx):
    near, far = box(3100, 2400, 100, 100), box(8000, 8000, 100, 100)
    uses = ["life_health", "digital_economy", "life_health", "residential", "digital_economy"]
    n = scores_of(ctx, parcels(near, near, far, near, far, uses=uses))
    assert n["industry"].tolist() == pytest.approx([1.0, 0.5, 0.7, 0.0, 0.5])


def test_scores_bounded_weights_normalised_contributions_add_up(ctx, data):
    for c, gdf in [
        (ctx, parcels(*[box(200 * i, 150 * i, 50 + 30 * i, 80) for i in range(40)])),
        (Context.from_park_data(data), data.parcels),
    ]:
        n = normalise(raw_criteria(gdf, c))
        assert ((n >= 0) & (n <= 1)).all().all()
        w = normalise_weights(PRESETS["balanced"], VECTOR_CRITERIA)
        assert w.sum() == pytest.approx(1.0)
        s = weighted_scores(n, w)
        assert s["score"].between(0, 1).all()
        assert s.filter(like="c_").sum(axis=1).to_numpy() == pytest.approx(s["score"].to_numpy())


def test_weights_validation():
    w = normalise_weights({"adjacency": 2, "transit": 2}, VECTOR_CRITERIA)
    assert w["adjacency"] == 0.5 and w["layout"] == 0.0
    for bad, msg in [
        ({"adjacency": -1}, ">= 0"),
        ({"adjacency": 0}, "All weights are 0"),
        ({"nope": 1}, "Unknown criteria"),
        ({"adjacency": float("nan")}, "finite"),
    ]:
        with pytest.raises(ScoringError, match=msg):
            normalise_weights(bad, VECTOR_CRITERIA)
    assert issubclass(ScoringError, ValueError)


def test_params_validation():
    with pytest.raises(ScoringError, match="transit_full_m"):
        ScoringParams(transit_full_m=2000, transit_zero_m=1500)
    with pytest.raises(ScoringError, match="zone weights"):
        ScoringParams(zone_weights={"belt": 2.0})


def test_changing_a_weight_changes_order_as_expected(ctx):
    near_park = box(3000, 2400, 100, 100)  # adjacent, far from the station
    near_station = box(7950, 7950, 100, 100)  # at the station, far from the park
    n = scores_of(ctx, parcels(near_park, near_station))
    adj = weighted_scores(n, normalise_weights({"adjacency": 1, "transit": 0.1}, VECTOR_CRITERIA))["score"]
    tra = weighted_scores(n, normalise_weights({"adjacency": 0.1, "transit": 1}, VECTOR_CRITERIA))["score"]
    assert adj.iloc[0] > adj.iloc[1] and tra.iloc[1] > tra.iloc[0]


def test_rules_report_every_failure_with_values(ctx):
    bowtie = shapely.Polygon(
        [(X0 + 5000, Y0 + 5000), (X0 + 5100, Y0 + 5100), (X0 + 5100, Y0 + 5000), (X0 + 5000, Y0 + 5100)]
    )
    gdf = parcels(
        box(9900, 5000, 200, 100),  # half outside the district
        box(2900, 2500, 200, 100),  # 100 x 100 = 10,000 m2 inside the sub-park
        box(5000, 5000, 50, 50),  # 2,500 m2 < 5,000 m2
        bowtie,  # self-intersecting (repaired: two triangles, 5,000 m2)
        box(5000, 6000, 100, 100),
    )  # fine
    r = check_rules(gdf, ctx)
    assert r["outside_share"].iloc[0] == pytest.approx(0.5)
    assert r["overlap_m2"].iloc[1] == pytest.approx(10_000)
    assert r["failed"].tolist() == [["inside_district"], ["no_overlap"], ["min_area"], ["valid"], []]
    assert "Self-intersection" in r["invalid_reason"].iloc[3]
    assert r["passes"].tolist() == [False, False, False, False, True]
    # invalid geometry is measured on its repaired shape, not dropped
    assert np.isfinite(normalise(raw_criteria(gdf, ctx)).to_numpy()).all()


def test_rank_only_eligible():
    score = pd.Series([0.2, 0.9, 0.5, 0.7], index=list("abcd"))
    passes = pd.Series([True, False, True, True], index=list("abcd"))
    r = rank_eligible(score, passes)
    assert r.isna().tolist() == [False, True, False, False]
    assert r.dropna().to_dict() == {"a": 3, "c": 2, "d": 1}


def test_sensitivity_bounds_and_dominance():
    idx = [f"p{i}" for i in range(30)]
    rng = np.random.default_rng(3)
    norm = pd.DataFrame(rng.uniform(0, 0.5, (30, 3)), index=idx, columns=["a", "b", "c"])
    norm.iloc[0] = 1.0  # dominates on every criterion
    w = normalise_weights({"a": 1, "b": 1, "c": 1}, ["a", "b", "c"])
    passes = pd.Series(True, index=idx)
    s = sensitivity(norm, w, passes, spread=0.2, draws=300, top_n=5)
    assert s.loc["p0", "rank_min"] == s.loc["p0", "rank_max"] == 1 and s.loc["p0", "top_n_share"] == 1.0
    assert (s["rank_min"] <= s["rank"]).all() and (s["rank"] <= s["rank_max"]).all()
    assert s["top_n_share"].between(0, 1).all()
    frozen = sensitivity(norm, w, passes, spread=0.0, draws=20, top_n=5)
    assert (frozen["rank_min"] == frozen["rank_max"]).all()
    with pytest.raises(ScoringError, match="spread"):
        sensitivity(norm, w, passes, spread=1.5)


def test_bundled_problem_parcels_fail_the_expected_rule(data):
    ctx = Context.from_park_data(data)
    r = check_rules(data.parcels, ctx)
    expected = {"crosses_district": "inside_district", "overlaps_subpark": "no_overlap", "too_small": "min_area"}
    for issue, fails in zip(data.parcels["demo_issue"].fillna(""), r["failed"]):
        assert fails == ([expected[issue]] if issue else [])


def test_reprojected_input_gives_same_criteria(ctx):
    gdf = parcels(box(3000, 2400, 400, 100), box(6500, 7000, 300, 300))
    a = normalise(raw_criteria(gdf, ctx))
    b = normalise(raw_criteria(gdf.to_crs("EPSG:4326"), ctx))
    assert np.abs(a.to_numpy() - b.to_numpy()).max() < 1e-3


def test_rotated_parcel_same_compactness(ctx):
    g = box(5000, 5000, 300, 100)
    n = scores_of(ctx, parcels(g, affinity.rotate(g, 33)))
    assert n["compactness"].iloc[0] == pytest.approx(n["compactness"].iloc[1])


def test_nearest_subpark_tie_goes_to_the_first_listed(ctx):
    # A second sub-park on the other side of the parcel, tagged differently: both 50 m away.
    other = gpd.GeoDataFrame(
        {"id": ["SQ"], "name_zh": ["乙"], "name_en": ["Other"], "industry_tags": ["online_economy"]},
        geometry=[box(3200, 2000, 1000, 1000)],
        crs=CRS,
    )
    parcel = parcels(box(3050, 2400, 100, 100), uses=["life_health"])  # 50 m from each
    first = Context(ctx.district, pd.concat([ctx.subparks, other], ignore_index=True), ctx.zones, ctx.stations)
    swapped = Context(ctx.district, pd.concat([other, ctx.subparks], ignore_index=True), ctx.zones, ctx.stations)
    a, b = raw_criteria(parcel, first), raw_criteria(parcel, swapped)
    assert a["dist_park_m"].iloc[0] == b["dist_park_m"].iloc[0] == pytest.approx(50.0)
    assert a["nearest_subpark"].iloc[0] == "SP" and b["nearest_subpark"].iloc[0] == "SQ"
    assert normalise(a)["industry"].iloc[0] == 1.0 and normalise(b)["industry"].iloc[0] == 0.7
