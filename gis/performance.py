"""Land performance (亩均效益) of industrial parcels: per-mu tax and output, energy and labour productivity, a capped
weighted score, classes A–D and how stable each class is when the weights move.

The score is ``100 × Σ wᵢ × min(indicatorᵢ / benchmarkᵢ, cap)``; weights, benchmarks, cap and class thresholds are
local policy: :data:`EXAMPLE_SCHEME` is an example modelled on published county 亩均效益 evaluations (亩均税收
weighted most), named as such and meant to be replaced by the office's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from gis.columns import find_columns
from gis.crs import area_m2, to_metric
from gis.errors import PerformanceError

#: 1 亩 in m² (10,000 / 15).
M2_PER_MU = 10_000.0 / 15.0
#: The four indicators: key -> (Chinese name, English name, unit).
INDICATORS: dict[str, tuple[str, str, str]] = {
    "tax_per_mu": ("亩均税收", "tax per mu", "万元/亩"),
    "output_per_mu": ("亩均产值", "output per mu", "万元/亩"),
    "output_per_energy": ("单位能耗产出", "output per unit of energy", "万元/吨标准煤"),
    "output_per_worker": ("人均产值", "output per worker", "万元/人"),
}
#: Canonical column -> recognised headers of the bureau's statistics table (Chinese, half-width, English).
STAT_FIELDS: dict[str, tuple[str, ...]] = {
    "parcel_id": ("地块编号", "parcel_id", "parcel"),
    "credit_code": ("统一社会信用代码", "credit_code", "uscc"),
    "year": ("年份", "year"),
    "tax": ("税收（万元）", "税收", "tax", "tax_10k_cny"),
    "output": ("产值（万元）", "产值", "营业收入（万元）", "营业收入", "output", "revenue", "output_10k_cny"),
    "energy": ("能耗（吨标准煤）", "能耗", "energy", "energy_tce"),
    "workers": ("从业人员（人）", "从业人员", "workers", "employees"),
    "area_mu": ("用地面积（亩）", "用地面积", "area_mu"),
}
#: A stated area further than this share from the measured one is flagged.
AREA_MISMATCH_SHARE = 0.10


@dataclass(frozen=True)
class Scheme:
    """Weights (summing to 1), benchmarks (the value that scores 1 before the cap), the cap and class thresholds
    (minimum score of A, B and C; below C's is D)."""

    name: str
    weights: Mapping[str, float]
    benchmarks: Mapping[str, float]
    cap: float = 1.5
    thresholds: tuple[float, float, float] = (100.0, 70.0, 40.0)

    def __post_init__(self) -> None:
        if set(self.weights) != set(INDICATORS) or set(self.benchmarks) != set(INDICATORS):
            raise PerformanceError("perf_scheme_keys", keys=", ".join(INDICATORS))
        if any(w < 0 for w in self.weights.values()) or abs(sum(self.weights.values()) - 1.0) > 1e-6:
            raise PerformanceError("perf_scheme_weights", total=round(sum(self.weights.values()), 4))
        if any(b <= 0 for b in self.benchmarks.values()) or self.cap <= 0:
            raise PerformanceError("perf_scheme_benchmarks")
        a, b, c = self.thresholds
        if not a > b > c:
            raise PerformanceError("perf_scheme_thresholds", a=a, b=b, c=c)


#: An example scheme (modelled on published county evaluations; not Putuo's policy): replace it with the office's.
EXAMPLE_SCHEME = Scheme(
    name="example (county 亩均效益 style)",
    weights={"tax_per_mu": 0.4, "output_per_mu": 0.3, "output_per_energy": 0.2, "output_per_worker": 0.1},
    benchmarks={"tax_per_mu": 30.0, "output_per_mu": 500.0, "output_per_energy": 2.0, "output_per_worker": 100.0},
)


@dataclass(frozen=True)
class Performance:
    """Per parcel (index = parcel id): the year used, areas, the four indicators, score, class, and flags."""

    table: pd.DataFrame
    scheme: Scheme
    year: int
    unmatched: tuple[str, ...] = field(default_factory=tuple)


def normalise_stats(stats: pd.DataFrame, *, credit_to_parcel: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The statistics table with canonical columns (``parcel_id, year, tax, output, energy, workers, area_mu``),
    numbers parsed, rows keyed by 统一社会信用代码 mapped to parcels; the input is not changed.

    Raises
    ------
    PerformanceError
        No parcel key (地块编号, or 统一社会信用代码 with a mapping), no year, no tax or output column, a value that
        is not a non-negative number.
    """
    found = find_columns(stats.columns, STAT_FIELDS)
    if found["parcel_id"] is None and (found["credit_code"] is None or credit_to_parcel is None):
        raise PerformanceError("perf_no_key")
    for canon in ("year", "tax", "output"):
        if found[canon] is None:
            raise PerformanceError("perf_missing_column", column=STAT_FIELDS[canon][0])
    out = pd.DataFrame(index=stats.index)
    if found["parcel_id"] is not None:
        out["parcel_id"] = stats[found["parcel_id"]].astype(str).str.strip()
    else:
        codes = stats[found["credit_code"]].astype(str).str.strip()
        out["parcel_id"] = codes.map(dict(credit_to_parcel or {}))
    for canon in ("year", "tax", "output", "energy", "workers", "area_mu"):
        column = found[canon]
        out[canon] = np.nan if column is None else _numbers(stats[column], header=str(column))
    if out["year"].isna().any():
        raise PerformanceError(
            "perf_bad_number", column=str(found["year"]), row=int(out["year"].isna().argmax()) + 2, value=""
        )
    out["year"] = out["year"].astype(int)
    return out


def classify(
    stats: pd.DataFrame, parcels: gpd.GeoDataFrame, *, scheme: Scheme = EXAMPLE_SCHEME, year: int | None = None
) -> Performance:
    """Indicators, score and class of every parcel with statistics in ``year`` (default: the latest year).

    Parameters
    ----------
    stats : DataFrame
        As :func:`normalise_stats` returns it (several rows of one parcel and year — one per enterprise — add up).
    parcels : GeoDataFrame
        The industrial parcels with an ``id`` column, any CRS (areas measured in EPSG:4549).

    Returns
    -------
    Performance
        ``table`` columns: year, area_mu (used), area_mu_stated, area_mu_measured, area_mismatch, tax, output,
        energy, workers, the four indicators, score, class.
    """
    use_year = int(stats["year"].max()) if year is None else int(year)
    rows = stats[stats["year"] == use_year]
    sums = rows.groupby("parcel_id")[["tax", "output", "energy", "workers", "area_mu"]].sum(min_count=1)
    measured = pd.Series(
        area_m2(to_metric(parcels)).to_numpy() / M2_PER_MU,
        index=pd.Index(parcels["id"].astype(str), name="parcel_id"),
        name="area_mu_measured",
    )
    unmatched = tuple(sorted(set(sums.index) - set(measured.index)))
    table = sums.rename(columns={"area_mu": "area_mu_stated"}).join(measured, how="inner")
    table.insert(0, "year", use_year)
    table["area_mu"] = table["area_mu_stated"].fillna(table["area_mu_measured"])
    table["area_mismatch"] = (table["area_mu_stated"] - table["area_mu_measured"]).abs() > AREA_MISMATCH_SHARE * table[
        "area_mu_measured"
    ]
    indicators = indicator_values(table)
    table = table.join(indicators)
    table["score"] = scores(indicators, scheme)
    table["class"] = classes(table["score"], scheme.thresholds)
    return Performance(table=table, scheme=scheme, year=use_year, unmatched=unmatched)


def indicator_values(table: pd.DataFrame) -> pd.DataFrame:
    """亩均税收 = tax / area_mu, 亩均产值 = output / area_mu, 单位能耗产出 = output / energy, 人均产值 = output /
    workers (万元 per 亩, 吨标准煤 or person); NaN where the divisor is missing or not positive."""

    def ratio(num: str, den: str) -> pd.Series:
        d = table[den].where(table[den] > 0)
        return table[num] / d

    return pd.DataFrame(
        {
            "tax_per_mu": ratio("tax", "area_mu"),
            "output_per_mu": ratio("output", "area_mu"),
            "output_per_energy": ratio("output", "energy"),
            "output_per_worker": ratio("output", "workers"),
        },
        index=table.index,
    )


def scores(indicators: pd.DataFrame, scheme: Scheme, *, weights: np.ndarray | None = None) -> np.ndarray:
    """``100 × Σ wᵢ × min(indicatorᵢ / benchmarkᵢ, cap)`` per parcel (a missing indicator scores 0).

    ``weights`` may be a (draws, 4) array of weight vectors (in :data:`INDICATORS` order): then the result is
    (draws, parcels).
    """
    keys = list(INDICATORS)
    ratio = np.minimum(
        indicators[keys].to_numpy(dtype=float) / np.array([scheme.benchmarks[k] for k in keys]), scheme.cap
    )
    ratio = np.nan_to_num(ratio, nan=0.0)
    w = np.array([scheme.weights[k] for k in keys]) if weights is None else weights
    return 100.0 * (w @ ratio.T)


def classes(score: pd.Series | np.ndarray, thresholds: tuple[float, float, float]) -> np.ndarray:
    """A, B, C or D: A at or above the first threshold, B the second, C the third, D below."""
    a, b, c = thresholds
    s = np.asarray(score, dtype=float)
    return np.select([s >= a, s >= b, s >= c], ["A", "B", "C"], default="D")


def class_stability(performance: Performance, *, spread: float = 0.2, draws: int = 500, seed: int = 0) -> pd.Series:
    """The share of random weight sets (each weight × U(1 − spread, 1 + spread), renormalised) under which each
    parcel keeps its class."""
    scheme, table = performance.scheme, performance.table
    rng = np.random.default_rng(seed)
    base = np.array([scheme.weights[k] for k in INDICATORS])
    w = base * rng.uniform(1 - spread, 1 + spread, size=(draws, base.size))
    w /= w.sum(axis=1, keepdims=True)
    moved = classes(scores(table[list(INDICATORS)], scheme, weights=w), scheme.thresholds)
    return pd.Series((moved == table["class"].to_numpy()).mean(axis=0), index=table.index, name="class_stability")


def _numbers(column: pd.Series, *, header: str) -> pd.Series:
    text = column.map(lambda v: str(v).replace(",", "").strip() if isinstance(v, str) else v)
    values = pd.to_numeric(text, errors="coerce")
    given = column.notna() & (column.astype(str).str.strip() != "")
    bad = given & (values.isna() | (values < 0))
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise PerformanceError("perf_bad_number", column=header, row=first + 2, value=str(column.iloc[first])[:40])
    return values.astype(float)
