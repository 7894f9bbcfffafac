"""Explore the park: the home map, a sub-park's facts card and the area tables (display-ready, either language)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gis.analysis import cluster_area_table, subpark_area_table, subpark_summary
from gis.errors import UnknownFeatureError
from gis.settings import SETTINGS
from layers.registry import get_spec
from layers.webmap import MapJson, MapSpec, bounds_of, layer_ref, legend_entries, map_spec
from planner.data import DataSet
from planner.maps import context_legend, context_refs, data_credits, parcels_ref, selection_ref
from planner.urls import layer_url
from text.display import data_text, metro_lines_text, name_col
from text.messages import t
from tiles.cache import BoundedCache

#: Cards, tables and map specs of this module, by data version: bounded by bytes.
CACHE = BoundedCache(16 * 1024 * 1024)

#: The home map's layers, bottom to top (context first).
HOME_LAYERS = ("district", "zones", "clusters", "subparks", "parcels", "buildings", "stations")


@dataclass(frozen=True)
class AreaFigures:
    """A polygon's area (EPSG:4549 planar, and geodesic on GRS80)."""

    km2: float
    ha: float
    mu: float
    geodesic_km2: float
    declared_km2: float | None


@dataclass(frozen=True)
class SubparkCard:
    """What the facts panel shows for one sub-park, in one language."""

    id: str
    name: str
    cluster: str
    area: AreaFigures
    positioning: str
    carriers: str
    buildings: pd.DataFrame
    stations: pd.DataFrame
    zones: tuple[tuple[str, float], ...]
    accuracy: str


def subpark_names(ds: DataSet, *, lang: str) -> dict[str, str]:
    """Sub-park id -> its name in ``lang`` (in the layer's order)."""
    sp = ds.park.subparks
    return dict(zip(sp["id"].astype(str), sp[name_col(lang)].astype(str)))


def has_parcel(ds: DataSet, parcel_id: str) -> bool:
    """Whether the data set has a candidate parcel with this id."""
    return bool((ds.park.parcels["id"].astype(str) == str(parcel_id)).any())


def subpark_card(ds: DataSet, subpark_id: str, *, lang: str) -> SubparkCard:
    """The facts of one sub-park: areas, positioning, carriers inside, nearest stations, layout shares.

    Raises
    ------
    UnknownFeatureError
        When the id is not a sub-park of this data set.
    """
    if subpark_id not in subpark_names(ds, lang=lang):
        raise UnknownFeatureError("unknown_subpark", id=subpark_id, expected=list(subpark_names(ds, lang=lang)))

    def build() -> SubparkCard:
        info = subpark_summary(ds.park, subpark_id, n_stations=SETTINGS.nearest_stations)
        row, a = info["row"], info["area"]
        declared = pd.to_numeric(pd.Series([row.get("declared_area_km2")]), errors="coerce").iloc[0]
        bld = info["buildings"]
        stn = info["stations"]
        return SubparkCard(
            id=subpark_id,
            name=str(row[name_col(lang)]),
            cluster=t(f"cluster_{row['cluster']}", lang),
            area=AreaFigures(
                km2=a["km2"],
                ha=a["ha"],
                mu=a["mu"],
                geodesic_km2=a["geodesic_km2"],
                declared_km2=None if pd.isna(declared) else float(declared),
            ),
            positioning=data_text(row, "industries", lang),
            carriers=str(row.get("carriers_zh") or "").strip(),
            buildings=pd.DataFrame(
                {
                    t("f_name", lang): bld[name_col(lang)].astype(str),
                    t("f_kind", lang): [data_text(r, "kind", lang) for _, r in bld.iterrows()],
                }
            ),
            stations=pd.DataFrame(
                {
                    t("f_name", lang): stn[name_col(lang)].astype(str),
                    t("f_lines", lang): [metro_lines_text(v, lang) for v in stn["lines"]] if "lines" in stn else "",
                    t("f_dist_m", lang): stn["dist_m"].round(0).astype(int),
                }
            ),
            zones=tuple((t(f"zone_{z}", lang), s) for z, s in info["zones"].items() if s > 0.005),
            accuracy=data_text(row, "accuracy", lang),
        )

    return CACHE.get(("card", ds.version, subpark_id, lang), build)


def area_tables(ds: DataSet, *, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The area tables by cluster and by sub-park (with a total row), headers in ``lang``."""

    def build() -> tuple[pd.DataFrame, pd.DataFrame]:
        per_cluster = cluster_area_table(ds.park.subparks)
        labels = {"north": t("cluster_north", lang), "south": t("cluster_south", lang), "total": t("total", lang)}
        clusters = pd.DataFrame(
            {
                t("f_cluster", lang): [labels.get(str(i), str(i)) for i in per_cluster.index],
                t("f_count", lang): per_cluster["n_subparks"].to_numpy(),
                t("f_area_km2", lang): per_cluster["area_km2"].round(3).to_numpy(),
                t("f_geodesic_km2", lang): per_cluster["geodesic_area_km2"].round(3).to_numpy(),
                t("f_share", lang): [f"{v:.1%}" for v in per_cluster["share"]],
            }
        )
        table = subpark_area_table(ds.park.subparks).sort_values(["cluster", "id"])
        declared = table["declared_area_km2"] if "declared_area_km2" in table else pd.Series(index=table.index)
        subparks = pd.DataFrame(
            {
                t("f_id", lang): table["id"].astype(str),
                t("f_name", lang): table[name_col(lang)].astype(str),
                t("f_cluster", lang): [t(f"cluster_{c}", lang) for c in table["cluster"]],
                t("f_area_km2", lang): table["area_km2"].round(3),
                t("f_area_ha", lang): table["area_ha"].round(1),
                t("f_area_mu", lang): table["area_mu"].round(0),
                t("f_declared_km2", lang): [f"{v:.2f}" if pd.notna(v) else "–" for v in declared],
            }
        )
        total = pd.DataFrame(
            [
                {
                    t("f_id", lang): "",
                    t("f_name", lang): t("total", lang),
                    t("f_cluster", lang): "",
                    t("f_area_km2", lang): round(float(table["area_km2"].sum()), 3),
                    t("f_area_ha", lang): round(float(table["area_ha"].sum()), 1),
                    t("f_area_mu", lang): round(float(table["area_mu"].sum()), 0),
                    t("f_declared_km2", lang): "–",
                }
            ]
        )
        return clusters, pd.concat([subparks, total], ignore_index=True)

    return CACHE.get(("areas", ds.version, lang), build)


def home_map(
    ds: DataSet,
    *,
    lang: str,
    basemap: dict,
    basemap_datum: str = "wgs84",
    selected: str | None = None,
    selected_parcel: str | None = None,
    focus_token: str | None = None,
    height: int = 620,
) -> MapJson:
    """The home map's spec: every park layer (a large parcel layer as vector tiles), sub-park labels, the
    selected sub-park or parcel outlined and, when ``focus_token`` changes, the view zoomed to it."""
    datum = basemap_datum

    def base() -> tuple[list, list, list]:
        refs = context_refs(ds, lang=lang, datum=datum)
        for lid in HOME_LAYERS:
            spec = get_spec(lid)
            if lid == "parcels":
                refs.append(parcels_ref(ds, "parcels", lang=lang, datum=datum))
                continue
            refs.append(
                layer_ref(
                    lid,
                    name=spec.label(lang),
                    url=layer_url(ds.version, lid, lang=lang, datum=datum),
                    show=spec.visible,
                    interactive=lid not in ("district", "zones", "clusters"),
                    labels=lid in ("subparks", "stations"),
                    popups=lid not in ("subparks", "parcels"),
                    label_min_zoom=14 if lid == "stations" else 0,
                )
            )
        legend = context_legend(ds, lang=lang) + legend_entries(
            [get_spec(lid) for lid in HOME_LAYERS if lid != "clusters"], lang=lang
        )
        return refs, legend, bounds_of(ds.park.district, datum=datum)

    refs, legend, fit = CACHE.get(("home", ds.version, lang, datum), base)
    focus, chosen = None, None
    if selected_parcel:
        one = selection_ref(ds, selected_parcel, lang=lang, datum=datum)
        if one is not None:
            refs = [*refs, one]
            chosen = {"layer": "selection", "id": selected_parcel}
            if focus_token:
                focus = parcel_focus(ds, selected_parcel, token=focus_token, datum=datum)
    elif selected:
        chosen = {"layer": "subparks", "id": selected}
        if focus_token:
            sp = ds.park.subparks
            focus = {"token": focus_token, "bounds": bounds_of(sp[sp["id"] == selected], datum=datum), "max_zoom": 16}
    return map_spec(
        MapSpec(
            lang=lang,
            layers=refs,
            credits=data_credits(ds, refs, lang=lang),
            basemap=basemap,
            fit=fit,
            legend_title=t("legend", lang),
            legend=legend,
            focus=focus,
            selected=chosen,
            height=height,
            map_key="home",
        )
    )


def parcel_focus(ds: DataSet, parcel_id: str, *, token: str, datum: str = "wgs84") -> dict | None:
    """Zoom to one parcel: a large layer's parcel at least to the zoom where it is drawn as its own outline."""
    from planner import tiles

    parcels = ds.park.parcels
    one = parcels[parcels["id"].astype(str) == parcel_id]
    if one.empty:
        return None
    focus = {"token": token, "bounds": bounds_of(one, datum=datum), "max_zoom": 17}
    if tiles.is_large(parcels):
        found = tiles.focus(tiles.engine(ds.version, "parcels", parcels), parcel_id, parcels)
        if found:
            focus["min_zoom"] = found["min_zoom"]
    return focus


def layer_inventory(ds: DataSet, *, lang: str) -> pd.DataFrame:
    """Every layer of the data set with its file, feature count, sources and accuracy (in ``lang`` where
    the data has ``source_<lang>``/``accuracy_<lang>`` columns)."""
    from gis.datasets import LAYER_FILES

    def build() -> pd.DataFrame:
        rows = []
        for layer_id, (rel, _, _) in LAYER_FILES.items():
            gdf = ds.park.layer(layer_id)
            sources = sorted({data_text(r, "source", lang) for _, r in gdf.iterrows()})
            accuracy = sorted({data_text(r, "accuracy", lang) for _, r in gdf.iterrows()})
            rows.append(
                {
                    t("data_layers", lang): get_spec(layer_id).label(lang)
                    if layer_id != "creek_edge"
                    else t("layer_creek_edge", lang),
                    t("data_file", lang): rel,
                    t("data_features", lang): len(gdf),
                    t("f_source", lang): " | ".join(sources[:3]) + (" …" if len(sources) > 3 else ""),
                    t("f_accuracy", lang): " | ".join(accuracy[:2]) + (" …" if len(accuracy) > 2 else ""),
                }
            )
        return pd.DataFrame(rows)

    return CACHE.get(("inventory", ds.version, lang), build)


def invariant_texts(ds: DataSet, *, lang: str) -> list[str]:
    """The broken invariants of the data set, in ``lang`` (empty when everything holds)."""
    from gis.validate import invariant_problems

    problems = CACHE.get(("invariants", ds.version), lambda: invariant_problems(ds.park))
    return [p.text(lang) for p in problems]


def _figure(value: float) -> str:
    """A plan figure as printed: thousands separated, no trailing zeros; a dash when the plan gives none."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if pd.notna(value) else "–"


def indicator_table(*, lang: str) -> pd.DataFrame:
    """The plan's Table 1 for display: indicator, unit, 2019 baseline, 2025 target and growth."""
    from gis.indicators import table1

    df = table1()
    return pd.DataFrame(
        {
            t("ind_indicator", lang): df[name_col(lang)],
            t("ind_unit", lang): df["unit_en" if lang == "en" else "unit_zh"],
            t("ind_2019", lang): [_figure(v) for v in df["y2019"]],
            t("ind_2025", lang): [_figure(v) for v in df["y2025"]],
            t("ind_growth", lang): [f"+{v:.1%}" if pd.notna(v) else "–" for v in df["growth"]],
        }
    )


def indicator_index(*, lang: str) -> pd.DataFrame:
    """The indicators with a 2019 baseline as an index (2019 = 100) in both years, for the chart: columns
    ``indicator``, ``year`` (the year's label) and ``index``."""
    from gis.indicators import table1

    based = table1().dropna(subset=["y2019"])
    return pd.concat(
        [
            pd.DataFrame({"indicator": based[name_col(lang)], "year": t("ind_2019", lang), "index": 100.0}),
            pd.DataFrame(
                {
                    "indicator": based[name_col(lang)],
                    "year": t("ind_2025", lang),
                    "index": (based["y2025"] / based["y2019"] * 100).round(1),
                }
            ),
        ]
    )


def other_indicators(*, lang: str) -> pd.DataFrame:
    """The other 2019 figures the plan gives, for display: indicator, 2019 value and unit."""
    from gis.indicators import other_2019

    other = other_2019()
    return pd.DataFrame(
        {
            t("ind_indicator", lang): other[name_col(lang)],
            t("ind_2019", lang): other["value"],
            t("ind_unit", lang): other["unit_en" if lang == "en" else "unit_zh"],
        }
    )
