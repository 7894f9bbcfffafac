"""What every map shares: the OpenStreetMap context under the park, and park layers by signed URL."""

from __future__ import annotations

from collections.abc import Sequence

from layers.i18n import t
from layers.registry import CONTEXT_LAYERS, METRO_LINES, ROADS, get_spec
from layers.webmap import layer_ref
from planner.data import DataSet
from planner.http import layer_url


def context_refs(ds: DataSet, *, lang: str, datum: str = "wgs84") -> list[dict]:
    """Roads and metro lines (OpenStreetMap), to draw under the park layers; empty when the data folder
    has none. Hovering names them; clicking them selects nothing."""
    refs = []
    for spec in CONTEXT_LAYERS:
        if len(ds.layer(spec.id)):
            refs.append(layer_ref(spec.id, name=spec.label(lang), url=layer_url(ds.version, spec.id, lang=lang,
                                                                               datum=datum), popups=False))
    return refs


def park_refs(ds: DataSet, layer_ids: Sequence[str], *, lang: str, datum: str = "wgs84",
              interactive: Sequence[str] = (), labels: Sequence[str] = ("subparks",)) -> list[dict]:
    """Park layers by signed URL, in draw order; only ``interactive`` ones answer clicks and hovering."""
    refs = []
    for lid in layer_ids:
        spec = get_spec(lid)
        refs.append(layer_ref(lid, name=spec.label(lang), url=layer_url(ds.version, lid, lang=lang, datum=datum),
                              show=spec.visible, interactive=lid in interactive, labels=lid in labels, popups=False,
                              label_min_zoom=14 if lid == "stations" else 0))
    return refs


def context_legend(ds: DataSet, *, lang: str) -> list[list]:
    """Legend entries of the context: the road classes, and one entry for the metro lines (each drawn in
    its own line colour)."""
    entries: list[list] = []
    if len(ds.layer(ROADS.id)):
        entries += [[t(c.label_key, lang), {**ROADS.style_for(c.value), "kind": "line"}] for c in ROADS.categories]
    if len(ds.layer(METRO_LINES.id)):
        entries.append([t("legend_metro_lines", lang), {**METRO_LINES.style, "color": "#e3002b", "kind": "line"}])
    return entries
