"""Rasters (rasterio): zonal means per parcel, the suitability surface, GeoTIFF and RGBA output."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import rasterio.features
import rasterio.warp
import shapely
from rasterio.io import MemoryFile
from rasterio.transform import from_origin
from rasterio.windows import Window, from_bounds

from gis.crs import METRIC_CRS
from gis.errors import RasterError
from gis.measures import adjacency_score, layout_score, transit_score
from gis.scoring import Context, ScoringError, ScoringParams
from gis.settings import SETTINGS
from gis.worker_guard import require_worker

#: Criteria that describe a location, so they can be mapped as a surface (size/shape/use describe a parcel).
SURFACE_CRITERIA = ("adjacency", "layout", "transit")
T = TypeVar("T")
#: Colour ramp of the score (0 -> red, 0.5 -> yellow, 1 -> green), RGB 0-255.
RAMP = np.array([[215, 48, 39], [252, 141, 89], [254, 224, 139], [217, 239, 139], [145, 207, 96], [26, 152, 80]])


#: The only GDAL driver a user's raster is opened with (a COG is a GeoTIFF): a ``.tif`` that is really a VRT (which
#: can read any file of the server), a WMS/WMTS description (which makes the server fetch URLs) or anything else is
#: refused unread.
USER_RASTER_DRIVER = "GTiff"
#: GDAL settings for reading a user's raster: no raw VRT bands, no network file systems, no sidecar file look-ups.
USER_RASTER_GDAL = {
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_SKIP": "VRT WMS WMTS DERIVED",
}
#: Bytes of memory the zonal means take per pixel read (the band as float64, its mask, the valid values, the
#: labels of the parcels and the temporaries of the sums).
BYTES_PER_PIXEL = 48


def max_window_pixels(memory_mb: float | None = None) -> int:
    """Most pixels one evaluation reads from a raster: what fits in a reading worker's memory (MB)."""
    memory = SETTINGS.parse_memory_mb if memory_mb is None else memory_mb
    return int(memory * 1024 * 1024 / BYTES_PER_PIXEL)


@dataclass(frozen=True)
class RasterInfo:
    """What a raster is and how it meets the parcels (:func:`raster_probe`).

    Attributes
    ----------
    crs : str
        Its coordinate system's name (with ``EPSG:n`` when it matches one).
    width, height, bands : int
        Size in pixels and number of bands.
    dtype : str
    nodata : float or None
    bounds : (float, float, float, float)
        Its extent in its own CRS (left, bottom, right, top).
    parcels : int
        Parcels it was laid over.
    covered : int
        Parcels it covers with at least one valid pixel (each then gets a value).
    pixels_read : int
        Pixels one evaluation of these parcels reads.
    """

    crs: str
    width: int
    height: int
    bands: int
    dtype: str
    nodata: float | None
    bounds: tuple[float, float, float, float]
    parcels: int
    covered: int
    pixels_read: int


def _open_user_raster(raster: bytes | str, use: Callable[[Any], T]) -> T:
    """Open a user's raster with the GTiff driver only (GDAL settings :data:`USER_RASTER_GDAL`) and call
    ``use(ds)``; a file GDAL cannot open as a GeoTIFF is a :class:`RasterError`."""
    if isinstance(raster, (bytes, bytearray)) and len(raster) < 8:  # rasterio reads b"" as "make a new dataset"
        raise RasterError("raster_not_geotiff")
    try:
        with rasterio.Env(**USER_RASTER_GDAL):
            if isinstance(raster, (bytes, bytearray)):
                with MemoryFile(bytes(raster)) as mem, mem.open(driver=USER_RASTER_DRIVER) as ds:
                    return use(ds)
            with rasterio.open(raster, driver=USER_RASTER_DRIVER) as ds:
                return use(ds)
    except (rasterio.errors.RasterioError, UnicodeDecodeError) as exc:  # a damaged tag's text is not UTF-8
        raise RasterError("raster_not_geotiff") from exc


def raster_probe(
    parcels: gpd.GeoDataFrame, raster: bytes | str, *, band: int = 1, max_pixels: int | None = None
) -> RasterInfo:
    """Check a user's raster against the parcels before it becomes a criterion (call it in a reading worker).

    Parameters
    ----------
    parcels : GeoDataFrame
        Every parcel the criterion will score (any declared CRS).
    raster : bytes or path
        The GeoTIFF (GTiff driver only).
    band : int
    max_pixels : int, optional
        Most pixels an evaluation may read (default :func:`max_window_pixels`).

    Raises
    ------
    RasterError
        Not a GeoTIFF, no CRS, a geocentric or local CRS, more pixels to read than ``max_pixels`` (refused before
        reading them), covering none of the parcels, or no valid pixel under any parcel.
    """
    require_worker("raster")

    def probe(ds) -> RasterInfo:
        values = _zonal_mean(parcels, ds, band=band, max_pixels=max_pixels)
        crs = _crs_name(ds.crs)
        covered = int(values.notna().sum())
        if covered == 0:
            geoms = parcels.to_crs(ds.crs).geometry.to_numpy()
            box = shapely.box(*ds.bounds)
            touching = int(np.count_nonzero(shapely.intersects(geoms, box)))
            if touching == 0:
                bounds = ", ".join(f"{v:.6g}" for v in ds.bounds)
                raise RasterError("raster_covers_no_parcel", crs=crs, bounds=bounds, count=len(parcels))
            raise RasterError("raster_no_values", count=touching, band=band)
        return RasterInfo(
            crs=crs,
            width=ds.width,
            height=ds.height,
            bands=ds.count,
            dtype=str(ds.dtypes[band - 1]),
            nodata=None if ds.nodata is None else float(ds.nodata),
            bounds=(float(ds.bounds[0]), float(ds.bounds[1]), float(ds.bounds[2]), float(ds.bounds[3])),
            parcels=len(parcels),
            covered=covered,
            pixels_read=int(values.attrs.get("pixels_read", 0)),
        )

    return _open_user_raster(raster, probe)


def zonal_mean(
    parcels: gpd.GeoDataFrame, raster: bytes | str, *, band: int = 1, max_pixels: int | None = None
) -> pd.Series:
    """Mean of the valid (non-nodata) pixels whose centres fall in each parcel.

    Parameters
    ----------
    parcels : GeoDataFrame
        Any declared CRS; reprojected to the raster's CRS (the raster is never resampled).
    raster : bytes or path
        A GeoTIFF with a CRS (opened with the GTiff driver only: see :data:`USER_RASTER_DRIVER`).
    band : int
        1-based band number.
    max_pixels : int, optional
        Most pixels read (default :func:`max_window_pixels`); more is a :class:`RasterError` before reading.

    Returns
    -------
    Series
        Input index, float; a parcel smaller than a pixel takes the pixel under its centroid;
        NaN where the parcel has no valid pixel (outside the raster or all nodata).
    """
    require_worker("raster")
    return _open_user_raster(raster, lambda ds: _zonal_mean(parcels, ds, band=band, max_pixels=max_pixels))


def _zonal_mean(parcels: gpd.GeoDataFrame, ds, *, band: int, max_pixels: int | None = None) -> pd.Series:
    if ds.crs is None:
        raise RasterError("raster_no_crs")
    if not 1 <= band <= ds.count:
        raise RasterError("raster_band_missing", count=ds.count, band=band)
    if parcels.crs is None:
        raise ScoringError("scoring_no_crs")
    try:
        geocentric = pyproj.CRS.from_user_input(ds.crs.to_wkt()).is_geocentric
    except pyproj.exceptions.CRSError:
        geocentric = False
    if geocentric:
        raise RasterError("raster_geocentric", crs=_crs_name(ds.crs))
    try:
        geoms = parcels.to_crs(ds.crs).geometry.to_numpy()
    except pyproj.exceptions.ProjError as exc:  # a LOCAL_CS or engineering CRS: no way from the parcels to it
        raise RasterError("raster_crs_unusable", crs=_crs_name(ds.crs)) from exc
    result = np.full(len(geoms), np.nan)
    empty = pd.Series(result, index=parcels.index, name="zonal_mean")
    empty.attrs["pixels_read"] = 0
    if not np.isfinite(shapely.total_bounds(geoms)).all():  # no parcel has finite coordinates in the raster's CRS
        return empty
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    approx = from_bounds(x0, y0, x1, y1, transform=ds.transform)
    wanted = Window(
        int(np.floor(approx.col_off)),
        int(np.floor(approx.row_off)),
        int(np.ceil(approx.width)) + 1,
        int(np.ceil(approx.height)) + 1,
    )
    try:
        win = wanted.intersection(Window(0, 0, ds.width, ds.height))
    except rasterio.errors.WindowError:  # the parcels lie outside the raster
        return empty
    pixels = int(win.width) * int(win.height)
    limit = max_window_pixels() if max_pixels is None else max_pixels
    if pixels > limit:  # refused before reading: the read alone would exhaust the worker's memory
        raise RasterError(
            "raster_window_too_large",
            pixels=f"{pixels:,}",
            limit=f"{limit:,}",
            memory_mb=f"{SETTINGS.parse_memory_mb:g}",
        )
    data = ds.read(band, window=win, masked=True).astype("float64")  # int16/uint8 DEMs too (NaN needs floats)
    values = data.filled(np.nan)
    valid = ~np.ma.getmaskarray(data) & np.isfinite(values)
    values = np.where(valid, values, 0.0)
    transform = ds.window_transform(win)
    sums = np.zeros(len(geoms) + 1)
    counts = np.zeros(len(geoms) + 1)
    for layer in _non_overlapping_layers(geoms):  # one pass unless parcels overlap each other
        labels = rasterio.features.rasterize(
            ((geoms[i], i + 1) for i in layer),
            out_shape=values.shape,
            transform=transform,
            fill=0,
            dtype="int32",
            all_touched=False,
        )
        lab = labels[valid]
        sums += np.bincount(lab, weights=values[valid], minlength=len(geoms) + 1)
        counts += np.bincount(lab, minlength=len(geoms) + 1)
    has = counts[1:] > 0
    result[has] = sums[1:][has] / counts[1:][has]
    # Parcels smaller than a pixel: the pixel under the centroid.
    small = np.flatnonzero(~has)
    if len(small):
        c = shapely.centroid(geoms[small])
        rows, cols = rasterio.transform.rowcol(transform, shapely.get_x(c), shapely.get_y(c))
        rows, cols = np.asarray(rows), np.asarray(cols)
        ok = (rows >= 0) & (rows < values.shape[0]) & (cols >= 0) & (cols < values.shape[1])
        idx = small[ok]
        hit = valid[rows[ok], cols[ok]]
        result[idx[hit]] = values[rows[ok][hit], cols[ok][hit]]
    out = pd.Series(result, index=parcels.index, name="zonal_mean")
    out.attrs["pixels_read"] = pixels
    return out


def _crs_name(crs: rasterio.crs.CRS) -> str:
    """A raster CRS as a short text for a message (its name, else its WKT's start)."""
    try:
        return str(pyproj.CRS.from_user_input(crs.to_wkt()).name)[:80]
    except pyproj.exceptions.CRSError:
        return crs.to_wkt()[:80]


def _non_overlapping_layers(geoms: np.ndarray) -> list[list[int]]:
    """Split parcel positions into groups with no two overlapping parcels (greedy colouring), so a
    pixel shared by overlapping parcels counts for each of them."""
    ok = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    left, right = shapely.STRtree(geoms[ok]).query(geoms[ok], predicate="intersects")
    pairs = left < right
    left, right = ok[left[pairs]], ok[right[pairs]]
    real = shapely.area(shapely.intersection(geoms[left], geoms[right])) > 0
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left[real], right[real]):
        neighbours.setdefault(int(b), []).append(int(a))
    layer_of: dict[int, int] = {}
    for i in ok.tolist():
        taken = {layer_of[j] for j in neighbours.get(i, ())}
        layer_of[i] = next(k for k in range(len(taken) + 1) if k not in taken)
    layers: dict[int, list[int]] = {}
    for i, k in layer_of.items():
        layers.setdefault(k, []).append(i)
    return [layers[k] for k in sorted(layers)]


def normalise_raster_values(values: pd.Series, *, higher_is_better: bool) -> pd.Series:
    """Min-max scale zonal means to [0, 1] over the parcels (flipped when lower is better).

    A parcel without a value (outside the raster, all nodata) gets 0; when every value is the same the
    raster cannot tell parcels apart and each parcel with a value gets 1, whatever the direction.
    """
    v = values.astype(float)
    lo, hi = v.min(), v.max()  # NaN-skipping
    if not hi > lo:
        return v.notna().astype(float)
    scaled = (v - lo) / (hi - lo)
    if not higher_is_better:
        scaled = 1.0 - scaled
    return scaled.fillna(0.0).clip(0.0, 1.0)


@dataclass(frozen=True)
class Surface:
    """A suitability grid in EPSG:4549: ``score`` (float, NaN outside the district), its transform."""

    score: np.ndarray
    transform: rasterio.Affine
    cell_m: float
    weights: dict

    @property
    def crs(self) -> str:
        return METRIC_CRS


def suitability_surface(
    ctx: Context, weights: dict[str, float], *, cell_m: float = 50.0, params: ScoringParams | None = None
) -> Surface:
    """Weighted location criteria (adjacency, layout, transit) on a grid over the district.

    Size, compactness, shared edge and industry describe a parcel, not a place: they are left out and
    the remaining weights renormalised. Each cell is scored at its centre with the same formulas as a
    parcel (a point: adjacency from the distance to the park, layout from the zone it lies in).
    """
    if not cell_m >= 5:
        raise ScoringError("surface_cell_small", cell_m=cell_m)
    params = params or ScoringParams()
    w = {c: float(weights.get(c, 0.0)) for c in SURFACE_CRITERIA}
    total = sum(w.values())
    if total <= 0:
        raise ScoringError("surface_no_weight")
    w = {c: v / total for c, v in w.items()}
    x0, y0, x1, y1 = shapely.bounds(ctx.district)
    width, height = int(np.ceil((x1 - x0) / cell_m)), int(np.ceil((y1 - y0) / cell_m))
    transform = from_origin(x0, y1, cell_m, cell_m)
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    xs = x0 + (cols.ravel() + 0.5) * cell_m
    ys = y1 - (rows.ravel() + 0.5) * cell_m
    inside = shapely.contains_xy(ctx.district, xs, ys)
    pts = shapely.points(xs[inside], ys[inside])
    park = shapely.union_all(ctx.subparks.geometry.to_numpy())
    adjacency = adjacency_score(shapely.distance(pts, park), max_m=params.adjacency_max_m)
    layout = layout_score(
        {z: shapely.contains_xy(g, xs[inside], ys[inside]) for z, g in ctx.zones.items()}, params.zone_weights
    )
    (_, _), d = shapely.STRtree(ctx.stations.geometry.to_numpy()).query_nearest(
        pts, return_distance=True, all_matches=False
    )
    transit = transit_score(d, full_m=params.transit_full_m, zero_m=params.transit_zero_m)
    values = w["adjacency"] * adjacency + w["layout"] * layout + w["transit"] * transit
    score = np.full(width * height, np.nan, dtype="float32")
    score[inside] = values
    return Surface(score.reshape(height, width), transform, cell_m, w)


def colour(score: np.ndarray) -> np.ndarray:
    """RGBA (uint8) of scores in [0, 1] along :data:`RAMP`; NaN is transparent."""
    s = np.nan_to_num(np.clip(score, 0, 1), nan=0.0)
    pos = s * (len(RAMP) - 1)
    i = np.minimum(pos.astype(int), len(RAMP) - 2)
    f = (pos - i)[..., None]
    rgb = RAMP[i] * (1 - f) + RAMP[i + 1] * f
    alpha = np.where(np.isnan(score), 0, 255)[..., None]
    return np.concatenate([rgb, alpha], axis=-1).astype("uint8")


def surface_geotiff(surface: Surface) -> bytes:
    """The surface as a paletted GeoTIFF (EPSG:4549): score × 100 as uint8, nodata 255, colour table."""
    data = np.where(np.isnan(surface.score), 255, np.round(np.clip(surface.score, 0, 1) * 100)).astype("uint8")
    cmap = {v: tuple(int(c) for c in colour(np.array([v / 100.0]))[0]) for v in range(101)}
    cmap[255] = (0, 0, 0, 0)
    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=data.shape[1],
            height=data.shape[0],
            count=1,
            dtype="uint8",
            crs=METRIC_CRS,
            transform=surface.transform,
            nodata=255,
            compress="deflate",
        ) as dst:
            dst.write(data, 1)
            dst.write_colormap(1, cmap)
            dst.update_tags(
                description="Putuo Park Planner suitability surface: score x 100 (0-100), 255 = nodata",
                weights=str(surface.weights),
                cell_m=str(surface.cell_m),
            )
            dst.set_band_description(1, "suitability score x 100")
        return mem.read()


def surface_overlay(surface: Surface) -> tuple[np.ndarray, list[list[float]]]:
    """RGBA image of the surface warped to Web Mercator, and its [[south, west], [north, east]] bounds."""
    rgba = colour(surface.score)
    h, w = surface.score.shape
    dst_transform, dw, dh = rasterio.warp.calculate_default_transform(
        METRIC_CRS, "EPSG:3857", w, h, *rasterio.transform.array_bounds(h, w, surface.transform)
    )
    out = np.zeros((4, dh, dw), dtype="uint8")
    for b in range(4):
        rasterio.warp.reproject(
            rgba[..., b],
            out[b],
            src_transform=surface.transform,
            src_crs=METRIC_CRS,
            dst_transform=dst_transform,
            dst_crs="EPSG:3857",
            resampling=rasterio.warp.Resampling.nearest,
        )
    west, south, east, north = rasterio.warp.transform_bounds(
        "EPSG:3857", "EPSG:4326", *rasterio.transform.array_bounds(dh, dw, dst_transform)
    )
    return np.moveaxis(out, 0, -1), [[south, west], [north, east]]


def geotiff_bytes(array: np.ndarray, *, transform, crs: str, nodata: float | None = None) -> bytes:
    """A single-band float32 GeoTIFF in memory (examples and tests)."""
    with MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=array.shape[1],
            height=array.shape[0],
            count=1,
            dtype="float32",
            crs=crs,
            transform=transform,
            nodata=nodata,
        ) as dst:
            dst.write(array.astype("float32"), 1)
        return mem.read()
