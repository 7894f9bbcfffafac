"""The credits a map shows come from the drawn layers' own sources: the OpenStreetMap context under ODbL, the
district fence under CC BY; a layer the bureau replaced with its own data credits nobody else."""

from planner.data import folder_dataset, with_layers
from planner.maps import context_refs, data_credits, park_refs
from text.messages import t


def test_bundled_layers_credit_openstreetmap_and_the_district_fence():
    ds = folder_dataset()
    refs = context_refs(ds, lang="en") + park_refs(ds, ("district", "subparks"), lang="en")
    assert data_credits(ds, refs, lang="en") == [t("credit_osm", "en"), t("credit_adcode", "en")]
    assert data_credits(ds, park_refs(ds, ("subparks",), lang="zh"), lang="zh") == []  # the plan: no licence
    assert data_credits(ds, [{"id": "scored_parcels"}], lang="zh") == []  # a page's own layer


def test_a_replaced_layer_drops_the_credit_of_the_data_it_replaced():
    ds = folder_dataset()
    district = ds.park.district.assign(source="普陀区规划资源局 2026")
    own = with_layers(ds, {"district": district})
    assert data_credits(own, park_refs(own, ("district",), lang="zh"), lang="zh") == []
    assert ds.park.district["source"].str.contains("Vonng/adcode").all()  # the input is unchanged
