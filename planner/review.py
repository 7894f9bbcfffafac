"""Compliance review (合规审查) as a task: proposals and the 控规 layer in, reviews with their words out — one code
path for the page and `python -m gis review`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import pandas as pd

from gis.io import read_layer
from gis.landuse import LandUseCodes, load_landuse
from gis.regulatory import Check, Review, floor_area_capacity, normalise_layer, review_proposals
from planner.data import data_dir
from text.messages import t

#: The 控规 layer in a data folder (the bundled one is a fictional demonstration over the candidate parcels).
REGULATORY_FILE = "regulatory/konggui.geojson"


@dataclass(frozen=True)
class ReviewRun:
    """Every proposal's review, in the input's order, and the code tree used (for use names)."""

    reviews: tuple[Review, ...]
    codes: LandUseCodes

    @property
    def passed(self) -> bool:
        """Whether every proposal passes every rule."""
        return all(r.passed for r in self.reviews)


@lru_cache(maxsize=1)
def land_use_codes() -> LandUseCodes:
    """The bundled code tree and compatibility table (read once)."""
    return load_landuse()


def bundled_regulatory() -> gpd.GeoDataFrame | None:
    """The data folder's 控规 layer, normalised (:func:`gis.regulatory.normalise_layer`), or None when the folder
    has none. Read again only when the file changes."""
    path = data_dir() / REGULATORY_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_regulatory(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _read_regulatory(path: str, size: int, mtime_ns: int) -> gpd.GeoDataFrame:
    return normalise_layer(read_layer(path), kind="regulatory", codes=land_use_codes())


def read_regulatory_upload(filename: str, data: bytes) -> gpd.GeoDataFrame:
    """An uploaded 控规 layer, read as every upload is (in a worker, with limits) and normalised (EPSG:4326).

    Raises
    ------
    ImportRefusedError, LimitExceededError, RegulatoryError
        The file cannot be read, or its fields are not a 控规 layer's.
    """
    from ingest.readers import read_upload_isolated

    gdf = read_upload_isolated(filename, data, expect="polygon").gdf
    return normalise_layer(gdf, kind="regulatory", codes=land_use_codes())


def capacity(areas: gpd.GeoDataFrame | gpd.GeoSeries, regulatory: gpd.GeoDataFrame | None) -> pd.DataFrame | None:
    """:func:`gis.regulatory.floor_area_capacity` of ``areas`` under ``regulatory`` (None when there is no 控规)."""
    if regulatory is None or regulatory.empty:
        return None
    return floor_area_capacity(areas, regulatory, codes=land_use_codes())


def run_review(
    proposals: gpd.GeoDataFrame,
    regulatory: gpd.GeoDataFrame,
    *,
    proposal_fields: Mapping[str, str] | None = None,
    regulatory_fields: Mapping[str, str] | None = None,
) -> ReviewRun:
    """Check the fields of both layers, then review every proposal (:func:`gis.regulatory.review_proposals`).

    Raises
    ------
    RegulatoryError
        A layer is unusable or a proposal lies outside every 控规 parcel (the message says which and how to fix it).
    """
    codes = land_use_codes()
    plan = normalise_layer(regulatory, kind="regulatory", codes=codes, mapping=regulatory_fields)
    sites = normalise_layer(proposals, kind="proposals", codes=codes, mapping=proposal_fields)
    return ReviewRun(reviews=tuple(review_proposals(sites, plan, codes=codes)), codes=codes)


def rule_name(rule: str, lang: str) -> str:
    """A rule's name in ``lang`` (容积率上限 …): the catalogue's ``rev_rule_<rule>``."""
    return t(f"rev_rule_{rule}", lang)


def fix_text(check: Check, lang: str) -> str:
    """What would make a failing check comply, as a sentence ("" when it passes or nothing can be said)."""
    if check.passed is not False:
        return ""
    if check.rule == "use":
        return t("rev_fix_use", lang, planned=check.limit)
    if check.change is None:
        return ""
    key = {
        "far_max": "rev_fix_gfa_less",
        "far_min": "rev_fix_gfa_more",
        "height": "rev_fix_height",
        "density": "rev_fix_footprint",
        "green": "rev_fix_green",
    }[check.rule]
    return t(key, lang, amount=f"{abs(check.change):,.1f}" if check.rule == "height" else f"{abs(check.change):,.0f}")


def review_json(run: ReviewRun, *, lang: str = "zh") -> dict[str, Any]:
    """The reviews as the command line prints them with ``--json`` (rule ids ``use``, ``far_max``, ``far_min``,
    ``height``, ``density``, ``green``)."""
    return {"proposals": [_review_json(r, lang) for r in run.reviews]}


def _review_json(review: Review, lang: str) -> dict[str, Any]:
    return {
        "name": review.name,
        "pass": review.passed,
        "site_area_m2": round(review.site_area_m2, 2),
        "geodesic_area_m2": round(review.geodesic_area_m2, 2),
        "max_gfa_m2": round(review.max_gfa_m2, 1),
        "parcels": {k: round(v, 2) for k, v in review.parcels.items()},
        "ignored_slivers": {k: round(v, 2) for k, v in review.slivers.items()},
        "checks": [
            {
                "rule": c.rule,
                "pass": c.passed,
                "value": c.value,
                "limit": c.limit,
                "unit": c.unit,
                "clause": c.clause,
                "margin": c.margin,
                "fix": fix_text(c, lang),
            }
            for c in review.checks
        ],
    }


def check_rows(review: Review, *, lang: str) -> list[dict[str, Any]]:
    """One row per check for a table: rule, clause, limit, value, margin, result and what would comply."""
    return [
        {
            "rule": rule_name(c.rule, lang),
            "clause": c.clause,
            "limit": _shown(c.limit, c.unit),
            "value": _shown(c.value, c.unit),
            "margin": "" if c.margin is None else f"{c.margin:+g}",
            "result": t({True: "rev_pass", False: "rev_fail", None: "rev_no_data"}[c.passed], lang),
            "fix": fix_text(c, lang),
        }
        for c in review.checks
    ]


def _shown(value: float | str | None, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:g}{unit if unit in ('%', '') else ' ' + unit}"
