"""What every map shares: the OpenStreetMap context under the park, and park layers by signed URL."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from gis.errors import UnknownFeatureError
from layers.registry import CONTEXT_LAYERS, METRO_LINES, ROADS, get_spec
from layers.webmap import layer_ref
from planner.data import DataSet
from planner.urls import layer_url
from text.messages import t

#: Sources whose licence asks for a credit where the data is seen (ODbL, CC BY, MIT), and the credit's key.
_CREDITS = (("OpenStreetMap", "credit_osm"), ("Vonng/adcode", "credit_adcode"), ("MetroFlow", "credit_metroflow"))


def data_credits(ds: DataSet, refs: Sequence[dict], *, lang: str) -> list[str]:
    """The credits a map shows for the layers it draws, found in those layers' ``source`` fields (so a layer
    the bureau replaced with its own data credits nobody else)."""
    keys: list[str] = []
    for ref in refs:
        for key in ds.keep(f"credits:{ref['id']}", functools.partial(_layer_credits, ds, ref["id"])):
            if key not in keys:
                keys.append(key)
    return [t(k, lang) for k in keys]


def _layer_credits(ds: DataSet, layer_id: str) -> tuple[str, ...]:
    try:
        layer = ds.park.layer(layer_id)
    except UnknownFeatureError:  # a layer of the page's own (scored parcels, a preview): no third-party data
        return ()
    if "source" not in layer.columns:
        return ()
    sources = " ".join(str(v) for v in layer["source"].dropna().unique()[:200])
    return tuple(key for marker, key in _CREDITS if marker in sources)


def context_refs(ds: DataSet, *, lang: str, datum: str = "wgs84") -> list[dict]:
    """Roads and metro lines (OpenStreetMap), to draw under the park layers; empty when the data folder
    has none. Hovering names them; clicking them selects nothing."""
    refs = []
    for spec in CONTEXT_LAYERS:
        if len(ds.layer(spec.id)):
            refs.append(
                layer_ref(
                    spec.id,
                    name=spec.label(lang),
                    url=layer_url(ds.version, spec.id, lang=lang, datum=datum),
                    popups=False,
                )
            )
    return refs


def park_refs(
    ds: DataSet,
    layer_ids: Sequence[str],
    *,
    lang: str,
    datum: str = "wgs84",
    interactive: Sequence[str] = (),
    labels: Sequence[str] = ("subparks",),
) -> list[dict]:
    """Park layers by signed URL, in draw order; only ``interactive`` ones answer clicks and hovering."""
    refs = []
    for lid in layer_ids:
        spec = get_spec(lid)
        refs.append(
            layer_ref(
                lid,
                name=spec.label(lang),
                url=layer_url(ds.version, lid, lang=lang, datum=datum),
                show=spec.visible,
                interactive=lid in interactive,
                labels=lid in labels,
                popups=False,
                label_min_zoom=14 if lid == "stations" else 0,
            )
        )
    return refs


def context_legend(ds: DataSet, *, lang: str) -> list[list]:
    """Legend entries of the context: the road classes, and one entry for the metro lines (each drawn in
    its own line colour)."""
    entries: list[list] = []
    if len(ds.layer(ROADS.id)):
        entries += [
            [t(c.label_key, lang), {**ROADS.style_for(c.value), "kind": "line", "layer": ROADS.id}]
            for c in ROADS.categories
        ]
    if len(ds.layer(METRO_LINES.id)):
        entries.append(
            [
                t("legend_metro_lines", lang),
                {**METRO_LINES.style, "color": "#e3002b", "kind": "line", "layer": METRO_LINES.id},
            ]
        )
    return entries


def parcels_ref(
    ds: DataSet,
    spec_id: str,
    *,
    lang: str,
    datum: str = "wgs84",
    classes=None,
    order: Sequence[str] = (),
    extra=None,
    interactive: bool = True,
) -> dict:
    """The parcels layer of a map, drawn with the registry spec ``spec_id`` and restyled by ``classes``
    (parcel id -> category): one document for a small layer, vector tiles for a large one."""
    from planner import tiles

    spec = get_spec(spec_id)
    parcels = ds.park.parcels
    if tiles.is_large(parcels):
        eng = tiles.engine(ds.version, "parcels", parcels)
        return tiles.tiled_ref(
            ds.version, "parcels", eng, spec, name=spec.label(lang), datum=datum, classes=classes, order=order
        )
    return layer_ref(
        spec_id,
        name=spec.label(lang),
        url=layer_url(ds.version, spec_id, lang=lang, datum=datum),
        restyle=classes.to_dict() if classes is not None else None,
        extra=extra,
        popups=False,
        interactive=interactive,
    )


def clicked_parcel(ds: DataSet, event: dict, *, layer_ids: Sequence[str], datum: str = "wgs84") -> str | None:
    """The parcel a map click chose: a parcel feature clicked directly (small layers), or the parcel under
    the click found by a point query (large layers drawn from tiles)."""
    from planner import tiles

    if event.get("type") != "click":
        return None
    if event.get("layer") in layer_ids and event.get("id"):
        return str(event["id"])
    if event.get("layer") is None and tiles.is_large(ds.park.parcels):
        try:
            return tiles.feature_at(
                ds.version,
                "parcels",
                lat=float(event["lat"]),
                lng=float(event["lng"]),
                zoom=float(event["zoom"]),
                datum=datum,
            )
        except (KeyError, TypeError, ValueError):
            return None
    return None


def selection_ref(ds: DataSet, parcel_id: str | None, *, lang: str, datum: str = "wgs84") -> dict | None:
    """The selected parcel as its own small layer (outlined on top), or None."""
    from layers.webmap import layer_document

    if not parcel_id:
        return None
    parcels = ds.park.parcels
    one = parcels[parcels["id"].astype(str) == parcel_id]
    if one.empty:
        return None
    doc = layer_document(get_spec("parcels"), one, lang=lang, datum=datum)
    return layer_ref("selection", name=t("selection", lang), doc=doc, interactive=False, in_control=False)
