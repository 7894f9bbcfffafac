"""Export jobs: the layers a user can export, print-map extents, atlas, scenario report, offline HTML map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import shapely

from export.formats import ExportMeta, export_layers
from gis.crs import to_metric, to_storage
from gis.scenario import Scenario
from layers.cartography import PrintSpec, padded_extent, render
from layers.registry import CONTEXT_LAYERS, get_spec
from layers.reports import atlas, scenario_report
from layers.webmap import (
    MapJson,
    MapSpec,
    bounds_of,
    layer_document,
    layer_ref,
    legend_entries,
    map_spec,
    standalone_html,
)
from planner.data import DataSet
from planner.evaluate import Evaluation, Scores, criteria_table, percent_shares, scored_layer
from planner.maps import context_legend, context_refs, data_credits, park_refs
from planner.scenario_edit import capacity_source
from planner.scenario_edit import metrics as scenario_metrics
from text.clock import beijing_today
from text.messages import t

#: Layers offered for export, in menu order (``scored_parcels`` and ``scenario_current`` are derived).
EXPORT_LAYERS = (
    "district",
    "clusters",
    "subparks",
    "zones",
    "buildings",
    "parcels",
    "stations",
    "roads",
    "metro_lines",
    "scored_parcels",
    "scenario_current",
)
#: Layers a print map can add over its context (roads and metro lines are always drawn under the map).
PRINT_LAYERS = tuple(x for x in EXPORT_LAYERS if x not in ("clusters", "roads", "metro_lines"))


def layer_label(layer_id: str, lang: str) -> str:
    """A layer's name in ``lang`` (the current scenario has its own label)."""
    return t("layer_scenario_current", lang) if layer_id == "scenario_current" else get_spec(layer_id).label(lang)


def scenario_layer(ds: DataSet, ev: Evaluation, scores: Scores, scenario: Scenario) -> gpd.GeoDataFrame:
    """What the scenario adds, as one feature (EPSG:4326) with its name and added area (km²)."""
    m = scenario_metrics(ds, ev, scores, scenario)
    return to_storage(
        gpd.GeoDataFrame(
            {
                "id": [scenario.id],
                "name_zh": [scenario.name],
                "name_en": [scenario.name],
                "slot": ["s0"],
                "added": [round(m.added_km2, 4)],
                "source": ["scenario drawn in Putuo Park Planner"],
                "accuracy": ["as the parcels and drawn areas it is made of"],
            },
            geometry=[m.added_geometry_m],
            crs="EPSG:4549",
        )
    )


def layers_for_export(ds: DataSet, ev: Evaluation, scores: Scores, scenario: Scenario) -> dict[str, gpd.GeoDataFrame]:
    """Every exportable layer by id (EPSG:4326)."""
    park = ds.park
    return {
        "district": park.district,
        "clusters": park.layer("clusters"),
        "subparks": park.subparks,
        "zones": park.zones,
        "buildings": park.buildings,
        "parcels": park.parcels,
        "stations": park.stations,
        "roads": park.layer("roads"),
        "metro_lines": park.layer("metro_lines"),
        "scored_parcels": scored_layer(ev, scores),
        "scenario_current": scenario_layer(ds, ev, scores, scenario),
    }


def export(
    layers: Mapping[str, gpd.GeoDataFrame], *, fmt: str, target: str, encoding: str, lang: str
) -> tuple[bytes, str, str]:
    """The chosen layers in one file: (bytes, file name, MIME type). Raises ExportError on a bad choice."""
    meta = ExportMeta(title=", ".join(layer_label(k, lang) for k in layers), exported=beijing_today())
    return export_layers(dict(layers), fmt=fmt, target=target, encoding=encoding, meta=meta)


def extent(
    ds: DataSet,
    kind: str,
    *,
    cluster: str | None = None,
    subpark: str | None = None,
    scenario_geometry_m: shapely.Geometry | None = None,
    view_bounds: Sequence[Sequence[float]] | None = None,
) -> tuple[float, float, float, float]:
    """The print extent (EPSG:4549, padded) for the district, a cluster, a sub-park, the scenario's
    changes, or the map view the browser reported (``[[south, west], [north, east]]``)."""
    park = ds.park
    if kind == "cluster" and cluster:
        geom = to_metric(park.layer("clusters")).set_index("id").geometry[cluster]
    elif kind == "subpark" and subpark:
        geom = to_metric(park.subparks).set_index("id").geometry[subpark].buffer(300)
    elif kind == "scenario" and scenario_geometry_m is not None and not scenario_geometry_m.is_empty:
        geom = scenario_geometry_m
    elif kind == "view" and view_bounds:
        (s, w), (n, e) = view_bounds
        geom = to_metric(gpd.GeoSeries([shapely.box(w, s, e, n)], crs="EPSG:4326")).iloc[0]
    else:
        geom = to_metric(park.district).geometry.iloc[0]
    return padded_extent(geom, margin=0.04)


def print_map(frames: list, *, spec: PrintSpec, extent_m: tuple[float, float, float, float], basemap: Any = None):
    """A print map figure of these (spec, layer) frames over ``extent_m`` (EPSG:4549), in the official layout
    (frame, title block, numeric scale, grid labels), over the local basemap when one is given."""
    return render(frames, spec=spec, extent_m=extent_m, basemap=basemap)


def print_frames(ds: DataSet, layers: Mapping[str, gpd.GeoDataFrame], chosen: Sequence[str]) -> list:
    """(spec, layer) pairs for the print map: the OpenStreetMap context under the chosen layers (in the chosen
    order); the scenario drawn as added land."""
    frames = [(s, ds.layer(s.id)) for s in CONTEXT_LAYERS if len(ds.layer(s.id))]
    frames += [(get_spec(k), layers[k]) for k in chosen if k != "scenario_current"]
    if "scenario_current" in chosen and not layers["scenario_current"].geometry.iloc[0].is_empty:
        frames.append((get_spec("scenario_added"), layers["scenario_current"]))
    return frames


def atlas_pdf(
    ds: DataSet,
    layers: Mapping[str, gpd.GeoDataFrame],
    scores: Scores,
    *,
    kind: str,
    top_n: int,
    lang: str,
    unit: str = "",
    basemap: Any = None,
    georef: bool = False,
) -> bytes:
    """One page per sub-park, or per top-N parcel (with its score and rank)."""
    table = scores.table
    ids = (
        list(ds.park.subparks["id"])
        if kind == "subparks"
        else list(table[table["rank"].notna()].sort_values("rank").index[:top_n])
    )
    frames = [
        (get_spec(i), ds.park.layer(i))
        for i in ("roads", "metro_lines", "district", "zones", "subparks", "buildings", "stations")
        if len(ds.park.layer(i))
    ]
    frames.append((get_spec("scored_parcels"), layers["scored_parcels"]))
    return atlas(
        ds.park,
        ids=ids,
        kind=kind,
        frames=frames,
        basemap=basemap,
        georef=georef,
        scored=table.rename_axis("id").reset_index() if kind == "parcels" else None,  # an id column
        base=PrintSpec(title="", lang=lang, paper="A4", landscape=True, unit=unit),
    )


def report_pdf(
    ds: DataSet,
    ev: Evaluation,
    scores: Scores,
    scenario: Scenario,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    author: str,
    lang: str,
    unit: str = "",
    basemap: Any = None,
    georef: bool = False,
    regulatory: gpd.GeoDataFrame | None = None,
) -> bytes:
    """The scenario report: map, metrics (with the floor-area capacity the scenario adds under ``regulatory``,
    the session's 控规 layer; None: shown as "—"), weights, each added parcel's score card."""
    m = scenario_metrics(ds, ev, scores, scenario, regulatory=regulatory)
    table = scores.table
    cards = {
        pid: criteria_table(
            ev.raw.loc[pid], ev.norm.loc[pid], scores.weights, score=float(table.at[pid, "score"]), lang=lang
        )
        for pid in scenario.parcels
    }
    added = layers["scored_parcels"][layers["scored_parcels"]["id"].isin(scenario.parcels)]
    return scenario_report(
        ds.park,
        scenario_name=scenario.name,
        author=author,
        metrics=m,
        added_parcels=added,
        cards=cards,
        weights={c: share / 100 for c, share in percent_shares(scores.weights.to_dict()).items()},  # adds up to 100 %
        lang=lang,
        unit=unit,
        basemap=basemap,
        georef=georef,
        capacity_source=capacity_source(regulatory),
    )


def offline_html(ds: DataSet, *, lang: str) -> bytes:
    """The park map as one self-contained HTML file (every layer inline, Leaflet inlined)."""
    ids = tuple(s.id for s in CONTEXT_LAYERS if len(ds.layer(s.id))) + (
        "district",
        "zones",
        "subparks",
        "parcels",
        "buildings",
        "stations",
    )
    refs = [
        layer_ref(
            lid,
            name=get_spec(lid).label(lang),
            labels=lid == "subparks",
            doc=layer_document(
                get_spec(lid), ds.park.layer(lid), lang=lang, label_field="name" if lid == "subparks" else None
            ),
        )
        for lid in ids
    ]
    spec = map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap={"tiles": [], "datum": "wgs84"},
            fit=bounds_of(ds.park.district),
            legend_title=t("legend", lang),
            # as the home map's: one entry for the metro lines drawn, not every line colour the app knows
            legend=context_legend(ds, lang=lang)
            + legend_entries([get_spec(i) for i in ids if i not in {s.id for s in CONTEXT_LAYERS}], lang=lang),
        )
    )
    return standalone_html(spec, title=t("app_title", lang)).encode("utf-8")


def view_map(ds: DataSet, *, lang: str) -> MapJson:
    """A small map whose view (reported by the browser) frames a print map."""
    refs = context_refs(ds, lang=lang) + park_refs(ds, ("district", "subparks"), lang=lang)
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap={"tiles": [], "datum": "wgs84"},
            fit=bounds_of(ds.park.district),
            legend_title=t("legend", lang),
            legend=[],
            report_view=True,
            height=320,
            map_key="print_view",
        )
    )


def formats() -> tuple[str, ...]:
    """The file formats a set of layers can be exported in (label key ``fmt_<format>``)."""
    from export.formats import FORMATS

    return tuple(FORMATS)


def encodings(fmt: str) -> tuple[str, ...]:
    """The text encodings a format is offered in (label key ``exp_enc_<encoding>``, CSV ``exp_enc_csv_<…>``):
    Shapefile UTF-8 or GBK, CSV UTF-8 with BOM or GB18030; other formats are UTF-8 only."""
    from export.formats import CSV_ENCODINGS

    if fmt == "shp":
        return ("UTF-8", "GBK")
    if fmt.startswith("csv"):
        return tuple(CSV_ENCODINGS)
    return ("UTF-8",)


def encoding_label(fmt: str, encoding: str, lang: str) -> str:
    """What an encoding choice is called on the export page (CSV: which program opens it)."""
    return t(f"exp_enc_csv_{encoding}" if fmt.startswith("csv") else f"exp_enc_{encoding}", lang)


def targets() -> tuple[str, ...]:
    """The coordinate systems a set of layers can be exported in (label key ``crs_<target>``)."""
    from export.formats import TARGETS

    return tuple(TARGETS)


#: The parcel ranking's downloads: format -> (file name, MIME type).
PARCEL_FILES = {
    "csv": ("parcel_ranking.csv", "text/csv"),
    "xlsx": ("parcel_ranking.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": ("scored_parcels.geojson", "application/geo+json"),
    "gpkg": ("scored_parcels.gpkg", "application/geopackage+sqlite3"),
}


def parcel_file(ev: Evaluation, scores: Scores, *, fmt: str, lang: str) -> bytes:
    """The scored parcels in one of :data:`PARCEL_FILES`' formats: the ranking table (every row) as CSV or
    XLSX, the scored layer as GeoJSON or GeoPackage."""
    from export.formats import csv_bytes, geojson_bytes, gpkg_bytes, xlsx_bytes
    from planner.evaluate import export_table

    if fmt == "csv":
        return csv_bytes(export_table(ev, scores, lang=lang))
    if fmt == "xlsx":
        return xlsx_bytes(export_table(ev, scores, lang=lang), sheet=t("ranking_sheet", lang))
    if fmt == "geojson":
        return geojson_bytes(scored_layer(ev, scores))
    if fmt == "gpkg":
        return gpkg_bytes({"scored_parcels": scored_layer(ev, scores)})
    from gis.errors import ExportError

    raise ExportError("exp_unknown_format", format=str(fmt), expected=list(PARCEL_FILES))
