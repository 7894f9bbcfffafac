"""One definition per formula: compactness and the criterion curves shared by parcels, grid cells and scenarios."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike


def polsby_popper(area_m2: ArrayLike, perimeter_m: ArrayLike) -> np.ndarray:
    """Polsby–Popper compactness 4πA/P² (1 for a circle, ~0.785 for a square, 0 when P is 0).

    Parameters
    ----------
    area_m2, perimeter_m : array-like
        Planar area (m²) and perimeter (m), measured in a projected CRS (EPSG:4549).
    """
    a = np.asarray(area_m2, dtype=float)
    p = np.asarray(perimeter_m, dtype=float)
    return np.where(p > 0, 4 * np.pi * a / np.maximum(p, 1e-9) ** 2, 0.0)


def adjacency_score(dist_m: ArrayLike, *, max_m: float) -> np.ndarray:
    """1 when touching the park, falling linearly to 0 at ``max_m`` metres (and beyond)."""
    return np.clip(1.0 - np.asarray(dist_m, dtype=float) / max_m, 0.0, 1.0)


def transit_score(dist_m: ArrayLike, *, full_m: float, zero_m: float) -> np.ndarray:
    """1 up to ``full_m`` metres from a station, falling linearly to 0 at ``zero_m``."""
    return np.clip((zero_m - np.asarray(dist_m, dtype=float)) / (zero_m - full_m), 0.0, 1.0)


def layout_score(shares: Mapping[str, ArrayLike], zone_weights: Mapping[str, float]) -> np.ndarray:
    """Σ zone weight × share of the area in that zone (belt/core/city), capped at 1."""
    total = sum(zone_weights.get(z, 0.0) * np.asarray(s, dtype=float) for z, s in shares.items())
    return np.clip(np.asarray(total, dtype=float), 0.0, 1.0)
